"""The top of an article's text: its sapo kept as the first paragraph, bylines and
dateline-only lines taken out.

* The sapo (lead paragraph, see :mod:`digests.sources.page_parts`) is usually the best summary
  sentence of a Vietnamese article, and trafilatura often drops it because it sits outside
  ``<article>`` or is styled as a heading (``<h2 class="sapo">``). It is put back right
  after the headline (and its date line), as a paragraph, never as a sub-heading.
* A byline the markup names (``<div class="author-name">Hoài Thu</div>``) is no paragraph.
* A dateline standing alone (``(VTC News) -``) is no paragraph either: it names the outlet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digests.sources import dates
from digests.sources.page_parts import PageParts
from digests.textnorm import fold_nfc, nfc, squash_spaces

_KEY_WORD = re.compile(r"[\w&]+")
# A line that is only a dateline: "(VTC News) -", "(Dân trí) –", "TTO -".
_DATELINE_ONLY = re.compile(
    r"^(?:\((?P<paren>[A-ZÀ-ỸĐ][^()]{1,38})\)|(?P<bare>[A-ZĐ][\w.]{1,20}))\s*[-–—]$"
)
# A writer's name on a line of its own: "Nhĩ Anh", "Hoài Thu", "LÊ THANH" (2-4 words, each
# capitalised, no digits or punctuation).
_NAME_LINE = re.compile(r"^[A-ZÀ-ỸĐ][^\W\d_]*(?: [A-ZÀ-ỸĐ][^\W\d_]*){1,3}$")
_SENTENCE_END = re.compile(r"[.!?…:;\"”]$")
TOP_LINES = 6  # where a standalone dateline or byline may stand: above the lead
BYLINE_MAX_CHARS = 30
TITLE_MIN_WORDS = 4
DATELINE_KEY_CHARS = 30  # a copy of the sapo may differ by a dateline: "(Dân trí) - "


def _key(text: str) -> str:
    return " ".join(_KEY_WORD.findall(fold_nfc(text)))


def _same_paragraph(a: str, b: str) -> bool:
    """Whether two lines are the same paragraph, one perhaps with its dateline."""
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    shorter, longer = sorted((ka, kb), key=len)
    if len(longer) - len(shorter) > DATELINE_KEY_CHARS:
        return False  # a paragraph opening like the sapo but going on is another paragraph
    at = longer.find(shorter)
    return 0 <= at <= DATELINE_KEY_CHARS  # the same words, perhaps after a dateline


def with_sapo(
    lines: list[str], headings: set[int], parts: PageParts, *, header_lines: int
) -> tuple[list[str], set[int]]:
    """``lines`` with the page's sapo as a paragraph right after the headline (and its date
    line). A copy trafilatura kept elsewhere (it may put it last) moves there and stops
    being a heading."""
    if not parts.sapo:
        return lines, headings
    sapo = nfc(squash_spaces(parts.sapo))
    kept: list[str] = []
    kept_headings: set[int] = set()
    for idx, line in enumerate(lines):
        if _same_paragraph(line, sapo):
            continue
        if idx in headings:
            kept_headings.add(len(kept))
        kept.append(line)
    at: int | None = None  # after the headline's line, see with_headline
    if parts.headline:
        head_key = _key(parts.headline)
        for idx, line in enumerate(kept[:header_lines]):
            if _key(line) == head_key:
                at = idx + 1
                break
    at = at or 0
    while at < len(kept) and at < header_lines and dates.is_date_line(kept[at]) is not None:
        at += 1
    shifted = {i + 1 if i >= at else i for i in kept_headings}
    return [*kept[:at], sapo, *kept[at:]], shifted


def with_headline(
    lines: list[str], headings: set[int], parts: PageParts, *, header_lines: int
) -> tuple[list[str], set[int]]:
    """``lines`` opening with the page's headline when trafilatura left it out, so that a
    lead without final punctuation is not taken for the headline (the body drops the
    headline's copy)."""
    if not parts.headline:
        return lines, headings
    head_key = _key(parts.headline)
    if any(_key(line) == head_key for line in lines[:header_lines]):
        return lines, headings
    return [nfc(squash_spaces(parts.headline)), *lines], {i + 1 for i in headings}


def drop_bylines(
    lines: list[str], headings: set[int], bylines: Sequence[str] | frozenset[str]
) -> tuple[list[str], set[int]]:
    """``lines`` without the lines that are only a byline the markup named."""
    names = {_key(name) for name in bylines if _key(name)}
    if not names:
        return lines, headings
    kept: list[str] = []
    kept_headings: set[int] = set()
    for idx, line in enumerate(lines):
        if len(line) <= 60 and _key(line) in names:
            continue
        if idx in headings:
            kept_headings.add(len(kept))
        kept.append(line)
    return kept, kept_headings


def drop_top_byline(lines: list[str], headings: set[int]) -> tuple[list[str], set[int]]:
    """``lines`` without a writer's name standing alone between the headline and the lead.

    Only a name below a longer, headline-like line counts (a short headline after a
    section label stays); the search stops at the first line that ends like a sentence:
    below it is the story.
    """
    seen_title = False
    for idx, line in enumerate(lines[:TOP_LINES]):
        if _SENTENCE_END.search(line):
            break
        if seen_title and len(line) <= BYLINE_MAX_CHARS and _NAME_LINE.match(line):
            rest = lines[:idx] + lines[idx + 1 :]
            return rest, {i - 1 if i > idx else i for i in headings if i != idx}
        seen_title = seen_title or line.count(" ") >= TITLE_MIN_WORDS - 1
    return lines, headings


def take_dateline_line(
    lines: list[str], headings: set[int]
) -> tuple[list[str], set[int], str | None]:
    """``lines`` without a dateline standing alone near the top, and that dateline's label."""
    for idx, line in enumerate(lines[:TOP_LINES]):
        m = _DATELINE_ONLY.match(line)
        if m is None:
            continue
        label = m["paren"] or m["bare"]
        rest = lines[:idx] + lines[idx + 1 :]
        return rest, {i - 1 if i > idx else i for i in headings if i != idx}, label
    return lines, headings, None
