"""An article's publication date, from the strongest clue its page or its feed gives.

Precedence, matching how pages are built:

1. the article's own date: what the page declares (``article:published_time``, JSON-LD
   ``datePublished``), the dateline shown beside its headline, or a date-only line at
   the top of its text (``Thứ hai, 17/10/2022 15:10``);
2. the feed item's date (``RawDocument.date_hint``);
3. a date in the text: the event date opening the lead (``Chiều 28/11, …``);
4. a library's guess (trafilatura/htmldate) last.

A date the page shows in its chrome (the header's "today", a licence or copyright line)
is never taken for the publication date: the clues that may come from the chrome (a date
line left in the text, the library's guess) are dropped when they fall on such a day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from digests.model import RawDocument
from digests.sources import dates
from digests.sources.page_parts import PageParts

DateValue = datetime | date


@dataclass(frozen=True)
class DateClues:
    """Every date a document offers, by where it was found."""

    declared: str | None = None  # the page's metadata, as written
    dateline: DateValue | None = None  # shown beside the headline in the markup
    text_dateline: DateValue | None = None  # a date-only line at the top of the text
    feed: datetime | None = None  # the feed item's date
    lead: DateValue | None = None  # the event date opening the lead
    guessed: str | None = None  # a library's guess, as written
    chrome: frozenset[date] = frozenset()  # days the page chrome shows


def _day(value: DateValue) -> date:
    return value.date() if isinstance(value, datetime) else value


def _with_time(value: DateValue, *others: DateValue | None) -> DateValue:
    """A day without a time takes the time of another clue for the same day."""
    if isinstance(value, datetime):
        return value
    for other in others:
        if isinstance(other, datetime) and other.date() == value:
            return other
    return value


def _not_chrome(value: DateValue | None, chrome: frozenset[date]) -> DateValue | None:
    return None if value is None or _day(value) in chrome else value


def publication_date(clues: DateClues) -> tuple[DateValue | None, str | None]:
    """The publication date and which clue gave it (``None`` when none did)."""
    text_dateline = _not_chrome(clues.text_dateline, clues.chrome)
    declared = dates.parse_vietnamese_date(clues.declared) if clues.declared else None
    for value in (declared, clues.dateline, text_dateline):
        if value is not None:
            return _with_time(value, clues.dateline, text_dateline), "page"
    if clues.feed is not None:
        return clues.feed, "feed"
    lead = _not_chrome(clues.lead, clues.chrome)
    if lead is not None:
        return lead, "text"
    guessed = dates.parse_vietnamese_date(clues.guessed) if clues.guessed else None
    guessed = _not_chrome(guessed, clues.chrome)
    if guessed is not None:
        return guessed, "guess"
    return None, None


def published(
    text_date: DateValue | None,
    date_idx: int | None,
    meta: Mapping[str, str | None],
    parts: PageParts,
    doc: RawDocument,
    today: date,
) -> tuple[date, datetime | None, bool]:
    """An article's publication date, its time if given, and whether the document gave
    them at all, from what the cleaner found: ``text_date`` on line ``date_idx`` (a date
    line) or in the lead (``date_idx`` is ``None``), the page's ``meta`` and ``parts``, the
    feed's date. With none of them, the day it was loaded stands in."""
    feed = doc.date_hint
    if feed is not None and feed.tzinfo is not None:
        feed = feed.astimezone(dates.VIETNAM_TZ).replace(tzinfo=None)
    if feed is not None and feed.date() > today + timedelta(days=1):
        feed = None  # a feed dating its item in the future is wrong: the page's clues decide
    clues = DateClues(
        declared=meta.get("date"),
        dateline=parts.dateline,
        text_dateline=text_date if date_idx is not None else None,
        feed=feed,
        lead=text_date if date_idx is None else None,
        guessed=meta.get("guessed_date"),
        chrome=parts.chrome_dates,
    )
    value, _ = publication_date(clues)
    if value is None:
        return (doc.fetched_at.date() if doc.fetched_at else today), None, False
    if isinstance(value, datetime):
        naive = value.replace(tzinfo=None)
        return naive.date(), naive, True
    return value, None, True
