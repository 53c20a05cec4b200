"""Answers to look-up commands, rendered and cut into pages ("Xem thêm" / "More").

Synchronous functions of a ``Database``: handlers run them on a reader thread.
"""

from __future__ import annotations

import html as htmllib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot import texts
from bot.settings import Settings
from digests.answers.articles import corpus_stats
from digests.answers.common import NotFound, clean_argument
from digests.answers.company import (
    company_candidates,
    company_report,
    list_companies,
    person_answer,
    person_candidates,
    picked_report,
)
from digests.answers.search import search as search_store
from digests.answers.targets import parse_year_range, targets_report
from digests.answers.targets import target_years as years_with_targets
from digests.digest.pages import pages as digest_pages_of
from digests.digest.render import render_digest
from digests.digest.select import DigestWindow, build_digest, stories_by_theme, window_for_chat
from digests.digest.telegram_html import truncate_text, visible_length, visible_text
from digests.sources.feedlist import shown_names
from digests.templating import reader_date

PAGE_LIMIT = 3000  # visible characters per page: a phone screen or two, well under 4096
ONE_PAGE_LIMIT = 3800  # an answer this short is sent whole rather than leave a tiny page 2
SEARCH_LIMIT = 30
COMPANY_LIMIT = 12
TARGET_LIMIT = 40
PICKABLE = ("company", "person")  # answers that may offer names to choose from


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
    report = company_report(db, clean_argument(name), limit=COMPANY_LIMIT)
    return texts.html("company", lang, tdir, report=report)


def person(db: Database, name: str, lang: str, tdir: Path | None) -> str:
    report = person_answer(db, clean_argument(name), limit=COMPANY_LIMIT)
    return texts.html("person", lang, tdir, report=report)


def picked(db: Database, key: str, lang: str, tdir: Path | None) -> str:
    """The answer for a candidate button's key (see handlers.pick_data)."""
    report = picked_report(db, key, limit=COMPANY_LIMIT)
    if report is None:  # gone between the check and the answer: say so as for a typo
        report = NotFound(key, [])
    return texts.html("company", lang, tdir, report=report)


def candidates(db: Database, kind: str, arg: str) -> list[tuple[str, str]]:
    """(label, key) of the names to offer as buttons under a /company or /person answer."""
    if kind == "company":
        return [(c.label, c.key) for c in company_candidates(db, arg)]
    if kind == "person":
        return [(c.label, c.key) for c in person_candidates(db, arg)]
    return []


def companies(db: Database, lang: str, tdir: Path | None) -> str:
    return texts.html("companies", lang, tdir, companies=list_companies(db))


def targets(db: Database, arg: str, lang: str, tdir: Path | None) -> str:
    year_from, year_to = parse_year_range(arg)
    report = targets_report(db, year_from, year_to, limit=TARGET_LIMIT)
    return texts.html("targets", lang, tdir, report=report)


def target_years(db: Database, lang: str, tdir: Path | None) -> str:
    """The years with goals and how to ask for one (the bot's own wording: /target 2045)."""
    return texts.html("target_menu", lang, tdir, years=years_with_targets(db))


def search(db: Database, words: str, lang: str, tdir: Path | None) -> str:
    result = search_store(db, clean_argument(words, what="words"), limit=SEARCH_LIMIT)
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
    stats = corpus_stats(db)
    return texts.html(
        "about",
        lang,
        settings.template_dir,
        articles=stats.articles,
        first=reader_date(stats.first_date, lang),
        last=reader_date(stats.last_date, lang),
        last_ingest=reader_time(stats.last_ingest, lang, ZoneInfo(settings.timezone)),
        sources=[{"name": name, "count": count} for name, count in stats.top_sources],
        configured=shown_names(list(settings.sources)),  # never a path: readers see it
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
    digest = build_digest(db, window, today=now.date(), per_section=1)
    counts = stories_by_theme(db, window)
    days = None
    if window.since is not None:
        days = ((window.until or now.date()) - window.since).days + 1
    latest = None
    if window.latest is not None:
        latest = min(window.latest, len(digest.article_ids))
    return ThemeCounts(counts, days, latest)


def digest_query(
    window: DigestWindow,
    themes: list[str] | None,
    today: date,
    *,
    full: bool,
    per_theme: int,
    one_message: bool = True,
) -> str:
    """A digest's pages as a "More" button remembers them: the window frozen at its
    last article, the themes, the day it was built for, and which view (short or full)."""
    return json.dumps(
        {
            "after": window.after_article_id,
            "since": window.since.isoformat() if window.since else None,
            "until": window.until.isoformat() if window.until else None,
            "latest": window.latest,
            "through": window.through_article_id,
            "themes": themes,
            "day": today.isoformat(),
            "full": full,
            "per_theme": per_theme,
            "one_message": one_message,
        },
        sort_keys=True,
    )


def digest_pages(db: Database, query: str, lang: str, tdir: Path | None) -> list[str]:
    """The pages of a remembered digest: the short digest then what it left out, or (full)
    every story of the chosen themes. The same query gives the same pages, so "Xem thêm"
    only moves forward."""
    spec = json.loads(query)
    window = DigestWindow(
        after_article_id=spec["after"],
        since=date.fromisoformat(spec["since"]) if spec["since"] else None,
        until=date.fromisoformat(spec["until"]) if spec["until"] else None,
        latest=spec["latest"],
        through_article_id=spec["through"],
    )
    digest = build_digest(db, window, themes=spec["themes"], today=date.fromisoformat(spec["day"]))
    if spec["full"]:
        return render_digest(digest, lang=lang, override_dir=tdir)
    return digest_pages_of(
        digest,
        per_theme=spec["per_theme"],
        one_message=spec.get("one_message", True),
        lang=lang,
        override_dir=tdir,
    )
