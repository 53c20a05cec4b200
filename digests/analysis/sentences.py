"""Split Vietnamese news text into sentences, verbatim.

A break is a terminator (``.``, ``!``, ``?``, ``…``, ``...`` or the ``./.``
that closes Vietnamese official texts), any closing quotes or brackets glued to
it, white space, and then something that can open a sentence: a capital letter,
a digit, an opening quote or bracket.  That one rule already keeps ``9.000``,
``2,6 triệu``, ``vietnam.vn`` and ``TT&TT`` whole (no space after the dot or no
dot at all) and ``ECqurity … và`` whole (lower case follows).  What remains are
abbreviations that stand before a capital: ``TP. Hồ Chí Minh``,
``PGS.TS. Nguyễn Văn A``, ``Ted G. Osius``, ``U.S. Army``; they are listed here.

Line breaks always end a sentence: a paragraph never runs into the next one.
Quotes are not treated as units: a speech of three sentences becomes three
sentences, and the last keeps its closing quote and attribution
(``… 9.000 tỷ đồng”, ông Quân nói.``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from digests.textnorm import nfc

# Abbreviations that end in a dot and are normally followed by a capitalised
# name, so a dot after them is no sentence end.  Compared case-sensitively.
_ABBREVIATIONS = frozenset(
    {
        # Vietnamese titles and places
        "TP", "Tp", "TX", "KP", "ĐH", "GS", "PGS", "TS", "ThS", "Th.S",
        "TSKH", "GS.TS", "PGS.TS", "GS.TSKH", "PGS.TSKH", "BS", "BSCKI", "BSCKII", "KS",
        "CN", "NCS", "NSND", "NSƯT", "NXB", "Nxb", "St", "Tr", "tr",
        # English
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "Co", "Corp", "Inc", "Ltd", "No",
        "Vol", "vs", "Gen", "Gov", "Sen", "Rep", "Mt",
    }
)  # fmt: skip

_UPPER = "".join(
    c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper() and c != c.lower()
)
# What a sentence can open with: capital, digit, opening quote or bracket.
_OPENER = rf"[{_UPPER}0-9“\"‘'«(\[]"
# ``./.`` first so it is taken whole; then runs of . ! ? … (``...`` and ``?!``).
_BREAK = re.compile(
    rf"(?:\./\.|[.!?…]+)[”\"’'»)\]]*(?=\s+(?:{_OPENER}|[”»]))",
)
# A closing quote set off by a space after a terminator ("… đến thế... ". Cụ thể"), with
# any terminator after it.  A straight quote is only taken as closing where no word
# follows it; before a capital it may as well open the next sentence.
_LOOSE_CLOSER = re.compile(r'\s*(?:[”»]|"(?=[.,;:!?…]|\s*$))[.!?…]*')
_NEXT_OPENS = re.compile(rf"\s+{_OPENER}|\s*$")
_SINGLE_CAPITAL = re.compile(rf"^[{_UPPER}]$")
# U.S, U.K, e.g, i.e: dotted single letters.
_DOTTED_LETTERS = re.compile(r"^(?:\w\.)+\w$")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order, verbatim apart from outer white space, NFC.

    >>> split_sentences("Doanh thu đạt 9.000 tỷ đồng. TP. Hồ Chí Minh dẫn đầu./.")
    ['Doanh thu đạt 9.000 tỷ đồng.', 'TP. Hồ Chí Minh dẫn đầu./.']
    """
    sentences: list[str] = []
    for line in nfc(text).splitlines():
        sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _BREAK.finditer(line):
        if match.start() < start or _is_abbreviation(line, match.start(), match.group()):
            continue
        end = _closing_end(line, match.end())
        if not _NEXT_OPENS.match(line, end):
            continue  # "… thế… " ông nói": the quote closed, the sentence goes on
        piece = line[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    rest = line[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _closing_end(line: str, end: int) -> int:
    """Where a sentence ending at ``end`` really ends: after the closing quotes that
    writers set off with a space ("đến thế... ". Cụ thể"), which the break rule alone
    would leave to the next sentence as a piece of bare punctuation."""
    while (closer := _LOOSE_CLOSER.match(line, end)) is not None and closer.end() > end:
        end = closer.end()
    return end


def _is_abbreviation(line: str, dot_at: int, terminator: str) -> bool:
    """Whether the terminator at ``dot_at`` is the dot of an abbreviation."""
    if terminator != ".":
        return False  # "…", "./.", "?", a dot followed by a quote: real ends
    token = line[line.rfind(" ", 0, dot_at) + 1 : dot_at].lstrip("(“\"‘'«[")
    if not token or len(token) > 8:
        return False
    if token in _ABBREVIATIONS or _SINGLE_CAPITAL.match(token):
        return True
    # "U.S." and "Th.S." but not "v.v." nor a domain name ending a sentence.
    return token not in ("v.v", "v.v.v") and bool(_DOTTED_LETTERS.match(token))


SEPARATOR = "\x00"  # neither space nor word character: no pattern matches across it


class JoinedText:
    """Sentences joined into one string so that a regex pass covers the whole article.

    One pass over the article is much cheaper than a pass per sentence; the
    separator keeps matches inside their sentence and ``locate`` maps an offset
    back to the sentence (its position in the list) and the offset within it.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.text = SEPARATOR.join(self.texts)
        self.starts: list[int] = []
        position = 0
        for text in self.texts:
            self.starts.append(position)
            position += len(text) + 1

    def locate(self, offset: int) -> tuple[int, int]:
        """(sentence position, offset inside that sentence) of an offset in ``text``."""
        position = bisect_right(self.starts, offset) - 1
        return position, offset - self.starts[position]
