"""Answers to look-up commands, rendered and cut into pages ("Xem thêm" / "More").

Synchronous functions of a ``Database``: handlers run them on a reader thread.
"""

from __future__ import annotations

import html as htmllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot import texts
from bot.settings import Settings
from digests.analysis.themes import load_themes
from digests.answers import lookup
from digests.digest.select import build_digest, window_for_chat
from digests.digest.telegram_html import truncate_text, visible_length, visible_text
from digests.templating import reader_date

PAGE_LIMIT = 3000  # visible characters per page: a phone screen or two, well under 4096
ONE_PAGE_LIMIT = 3800  # an answer this short is sent whole rather than leave a tiny page 2
SEARCH_LIMIT = 30
COMPANY_LIMIT = 12
TARGET_LIMIT = 40


@dataclass(frozen=True)
class Unit:
    """An item never split across pages: a line with its indented continuation lines
    (a bullet and its "(source, date)"), or a heading glued to what follows it."""

    markup: str
    new_block: bool  # a blank line comes before it when it does not start a page


def answer_units(markup: str) -> list[Unit]:
    """The rendered answer as items, in order."""
    units: list[Unit] = []
    for block in markup.split("\n\n"):
        lines: list[str] = []
        for line in block.split("\n"):
            if lines and line[:1].isspace() and line.strip():
                lines[-1] += "\n" + line  # an indented line belongs to the item above
            elif line.strip():
                lines.append(line)
        for index, item in enumerate(lines):
            units.append(Unit(item, new_block=index == 0))
    return _glue_headings(units)


def _glue_headings(units: list[Unit]) -> list[Unit]:
    """A heading ("Thông tin đáng chú ý:") never ends a page without its first item."""
    glued: list[Unit] = []
    for unit in units:
        previous = glued[-1] if glued else None
        if previous is not None and visible_text(previous.markup).rstrip().endswith(":"):
            separator = "\n\n" if unit.new_block else "\n"
            glued[-1] = Unit(previous.markup + separator + unit.markup, previous.new_block)
        else:
            glued.append(unit)
    return glued


def paginate(markup: str, limit: int | None = None, one_page: int | None = None) -> list[str]:
    """Cut a rendered answer into pages of whole items, each page as full as it can be.

    ``limit`` (default PAGE_LIMIT) bounds a page; an answer within ``one_page`` (default
    ONE_PAGE_LIMIT, or ``limit`` when only that is given) is sent whole."""
    limit, one_page = limit or PAGE_LIMIT, one_page or limit or ONE_PAGE_LIMIT
    if not markup.strip():
        return [markup]
    if visible_length(markup.strip()) <= one_page:
        return [markup.strip()]
    pages: list[str] = []
    current = ""
    for unit in answer_units(markup):
        item = unit.markup
        if visible_length(item) > limit:  # one enormous item: keep its words, lose its markup
            item = htmllib.escape(truncate_text(visible_text(item), limit))
        joined = current + ("\n\n" if unit.new_block else "\n") + item if current else item
        if current and visible_length(joined) > limit:
            pages.append(current)
            joined = item
        current = joined
    if current:
        pages.append(current)
    return pages


def company(db: Database, name: str, lang: str, tdir: Path | None) -> str:
    report = lookup.company_report(db, lookup.clean_argument(name), limit=COMPANY_LIMIT)
    return texts.html("company", lang, tdir, report=report)


def companies(db: Database, lang: str, tdir: Path | None) -> str:
    return texts.html("companies", lang, tdir, companies=lookup.list_companies(db))


def targets(db: Database, arg: str, lang: str, tdir: Path | None) -> str:
    year_from, year_to = lookup.parse_year_range(arg)
    report = lookup.targets_report(db, year_from, year_to, limit=TARGET_LIMIT)
    return texts.html("targets", lang, tdir, report=report)


def target_years(db: Database, lang: str, tdir: Path | None) -> str:
    """The years with goals and how to ask for one (the bot's own wording: /target 2045)."""
    return texts.html("target_menu", lang, tdir, years=lookup.target_years(db))


def search(db: Database, words: str, lang: str, tdir: Path | None) -> str:
    result = lookup.search(db, lookup.clean_argument(words, what="words"), limit=SEARCH_LIMIT)
    return texts.html("search", lang, tdir, result=result)


VIETNAM_ZONES = ("Asia/Ho_Chi_Minh", "Asia/Saigon")


def zone_label(tz: ZoneInfo, moment: datetime, lang: str) -> str:
    """The bot's time zone as readers say it: "giờ Việt Nam" / "Vietnam time", else GMT+7."""
    if tz.key in VIETNAM_ZONES:
        return "giờ Việt Nam" if lang == "vi" else "Vietnam time"
    offset = moment.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def reader_time(iso: str | None, lang: str, tz: ZoneInfo) -> str:
    """A stored UTC timestamp in the bot's time zone: 23/11/2026 13:36 (giờ Việt Nam)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(tz)
    zone = zone_label(tz, local, lang)
    return f"{reader_date(local.date(), lang)} {local:%H:%M} ({zone})"


def about(db: Database, settings: Settings, lang: str) -> str:
    stats = lookup.corpus_stats(db)
    return texts.html(
        "about",
        lang,
        settings.template_dir,
        articles=stats.articles,
        first=reader_date(stats.first_date, lang),
        last=reader_date(stats.last_date, lang),
        last_ingest=reader_time(stats.last_ingest, lang, ZoneInfo(settings.timezone)),
        sources=[{"name": name, "count": count} for name, count in stats.top_sources],
        configured=list(settings.sources),
        interval=settings.ingest_interval_minutes,
    )


@dataclass(frozen=True)
class ThemeCounts:
    """Articles per theme, and which recent window they were counted in."""

    counts: dict[str, int]
    days: int | None  # counted over the last N days of publication dates …
    latest: int | None  # … or, when those days hold nothing, over the latest N articles
    # (N is how many there really were: "the latest 5" when the store holds only 5)


def theme_counts(db: Database, now: datetime) -> ThemeCounts:
    """Articles per theme in the recent window a first digest would cover."""
    window = window_for_chat(db, None, now=now)
    digest = build_digest(db, window, today=now.date())
    counts = {key: 0 for key in load_themes().keys}
    for section in digest.sections:
        counts[section.theme] = len(section.items) + section.more
    days = None
    if window.since is not None:
        days = ((window.until or now.date()) - window.since).days + 1
    latest = None
    if window.latest is not None:
        latest = min(window.latest, len(digest.article_ids))
    return ThemeCounts(counts, days, latest)
