"""Unicode normalisation and folding for Vietnamese text.

Folding is what makes ``buu dien`` find ``Bưu điện`` and ``hài hòa`` find
``hài hoà``: case, diacritics and đ/Đ are all folded away.  The fold works one
NFC character at a time and maps each to exactly one character, so an offset in
folded text is the same offset in the NFC original.  Snippets and highlights
rely on that.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form every stored text is kept in."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐÐ":  # Ð (U+00D0) is a common typo for Đ
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    # A character whose base is not one char after lowering (rare ligatures)
    # keeps itself, so the fold stays length-preserving.
    return base if len(base) == 1 else char


def _build_fold_table() -> dict[int, str]:
    # Every precomposed Latin, Greek and Cyrillic letter folded once (Vietnamese lives in
    # U+00C0–U+024F and U+1E00–U+1EFF), so fold() is one str.translate, not a per-char loop.
    table: dict[int, str] = {ord("ð"): "d"}  # lower() of the Đ look-alike Ð
    for block in (range(0xC0, 0x250), range(0x370, 0x530), range(0x1E00, 0x1F00)):
        for code in block:
            folded = _fold_char(chr(code))
            if folded != chr(code):
                table[code] = folded
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Fold case, diacritics and đ, keeping the length of the NFC text.

    >>> fold("Bưu điện Hoà Bình")
    'buu dien hoa binh'
    """
    text = nfc(text)
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    if len(lowered) != len(text):  # e.g. "İ" lowers to two chars: keep offsets exact
        return "".join(_fold_char(c) for c in text)
    return lowered.translate(_FOLD_TABLE)


def squash_spaces(text: str) -> str:
    """Collapse runs of horizontal white space (incl. NBSP) to one space."""
    return _SPACES.sub(" ", text).strip()


_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Folded syllables/words of ``text``, for matching and scoring."""
    return _WORD.findall(fold(text))
