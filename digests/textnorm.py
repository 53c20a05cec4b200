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


class _FoldTable(dict[int, str]):
    """Code point → folded character, filled on first sight of each character.

    ``str.translate`` with this table runs in C and stays exact for any character,
    because misses are computed.
    """

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
# ``str.translate`` looks characters up about twice as fast in a plain dict as in a dict
# subclass, so text made only of the blocks Vietnamese news is written in (Latin with
# every Vietnamese letter, combining marks, punctuation, currency signs) goes through a
# plain, prefilled table; text with any other character takes the exact self-filling
# table above.  Both give the same fold.
_COMMON_BLOCKS = ((0x0000, 0x024F), (0x0300, 0x036F), (0x1E00, 0x1EFF), (0x2000, 0x20CF))
_COMMON_TABLE: dict[int, str] = {
    code: _FOLD_TABLE[code] for first, last in _COMMON_BLOCKS for code in range(first, last + 1)
}
_BEYOND_COMMON = re.compile(
    "[^" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in _COMMON_BLOCKS) + "]"
)


def fold(text: str) -> str:
    """Fold case, diacritics and đ, keeping the length of the NFC text.

    >>> fold("Bưu điện Hoà Bình")
    'buu dien hoa binh'
    """
    return fold_nfc(nfc(text))


def fold_nfc(text: str) -> str:
    """``fold`` for text already in NFC (every stored text is): skips normalising."""
    if text.isascii():
        return text.lower()
    if _BEYOND_COMMON.search(text) is None:
        return text.translate(_COMMON_TABLE)
    return text.translate(_FOLD_TABLE)


def squash_spaces(text: str) -> str:
    """Collapse runs of horizontal white space (incl. NBSP) to one space."""
    return _SPACES.sub(" ", text).strip()


_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Folded syllables/words of ``text``, for matching and scoring."""
    return _WORD.findall(fold(text))
