"""The outlet an article's page names itself: its clues (site name, title suffix, banner,
contact e-mail, lead dateline, closing credit) found in the cleaned lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digests.sources import outlets
from digests.sources.headline import SITE_BANNER_PHRASES, doubled_half
from digests.sources.junk_lines import CREDIT_MAX_WORDS, is_contact_line, junk_reason
from digests.sources.line_shape import CAPITALISED, ends_sentence, line_key, word_count

_DATELINE = re.compile(
    r"^(?:\((?P<paren>[^()]{2,40})\)|(?P<bare>[A-ZĐ][\w.]*\.(?:vn|VN|com|net)|"
    + "|".join(outlets.dateline_abbreviations())
    + r"|PV|ICTnews|ICTNews))\s*[-–—]\s+(?=\S)"
)
CREDIT_LINES = 8  # a closing credit sits in the page's last few lines
CREDIT_TAIL_CHARS = 80  # … or glued to the last paragraph's end


def split_dateline(paragraph: str) -> tuple[str, str | None]:
    """The lead paragraph without its dateline, and the dateline's label:
    ``(Tổ Quốc) - Sáng 6/7, …`` → (``Sáng 6/7, …``, ``Tổ Quốc``)."""
    m = _DATELINE.match(paragraph)
    if m is None:
        return paragraph, None
    name = m["paren"]
    if name is not None and not CAPITALISED.match(name):
        return paragraph, None  # "(tức là) - …" is text, not an outlet
    return paragraph[m.end() :], name if name is not None else m["bare"]


def find_outlet(
    header: Sequence[str],
    sitename: str | None,
    dateline: str | None,
    *,
    title_site: str | None = None,
    credit: str | None = None,
) -> str | None:
    """The outlet the page names itself, from the strongest clue it gives: its declared
    site name, the site suffix of its HTML title, a banner line above the headline, a
    newsroom e-mail in the header's contact block, the lead's dateline; a host-shaped
    site name (trafilatura's fallback from the URL) comes last, and ``None`` leaves the
    choice to the caller.

    A closing credit ("Theo ICTnews") never replaces the page's own name: the page is
    who ran this copy and where the reader finds it, so the credit is added after it,
    "VietNamNet (theo ICTnews)". Only a page with no name at all, not even a host, is
    shown under the outlet it credits (see :func:`outlets.with_credit`).
    """
    declared = outlets.from_sitename(sitename)
    if declared and not outlets.looks_like_host(declared):
        return outlets.with_credit(outlets.declared_name(declared), credit)
    own = title_site or find_banner_name(header)
    own = own or outlets.from_contact([line for line in header if is_contact_line(line)])
    own = own or (outlets.from_dateline(dateline) if dateline else None)
    host_name = outlets.known_outlet(declared) if declared else None
    return outlets.with_credit(own or host_name or declared, credit)


def find_credit(lines: Sequence[str]) -> str | None:
    """The outlet a republished story credits at its end: a line of its own among the
    last few ("Nguồn: Báo Tin tức/TTXVN", "(Theo ICTnews)") or a credit glued after the
    last paragraph ("… ./. (Theo TTXVN)"). The search stops at the last long sentence,
    so a "Theo …" inside the story is never read, and only short lines are matched:
    the cost per article stays a handful of anchored regex matches."""
    for line in reversed(lines[-CREDIT_LINES:]):
        if word_count(line) <= CREDIT_MAX_WORDS:
            name = outlets.from_credit(line)
        else:
            name = outlets.from_glued_credit(line[-CREDIT_TAIL_CHARS:])
            if name is None and ends_sentence(line):
                return None  # the story's last paragraph: above it is the story
        if name:
            return name
    return None


def find_banner_name(header: Sequence[str]) -> str | None:
    """A site banner above the headline, written twice (glued or on two lines): the name."""
    seen: set[str] = set()
    for line in header:
        half = doubled_half(line)
        candidate = half or (line if line_key(line) in seen else None)
        seen.add(line_key(line))
        if candidate and line_key(candidate) not in SITE_BANNER_PHRASES:
            name = outlets.from_banner(candidate)
            if name and not is_contact_line(name) and junk_reason(name) is None:
                return name
    return None
