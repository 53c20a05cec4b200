"""Answers about goals by year (/target): the year-range argument, the goals of a
range with their deadline wording, and the years that have goals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from digests.answers.common import (
    BadArgument,
    clean_argument,
)
from digests.answers.deadlines import Deadline, deadline
from digests.answers.statements import SHOWN_DATE
from digests.textnorm import fold

MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class TargetRow:
    year: int
    month: int | None
    goal: str
    setter: str | None
    sentence: str
    article_id: int
    title: str
    source: str
    url: str | None
    published: str | None  # None: the article gave no date (see SHOWN_DATE)
    # How the sentence words the time ("trước năm 2026"); empty when it cannot be found.
    deadline: Deadline = field(default_factory=Deadline)


@dataclass(frozen=True)
class TargetsReport:
    year_from: int
    year_to: int
    targets: list[TargetRow]
    total: int


_RANGE = re.compile(r"^\s*(\S+?)\s*(?:[-–—]|\.\.)\s*(\S+)\s*$")


_YEAR_WORDS = re.compile(r"^(?:(?:các\s+)?năm|years?|from)\s+", re.IGNORECASE)


_THOUSANDS = re.compile(r"^\d[.,\s]\d{3}$")


def parse_year_range(text: str | None) -> tuple[int, int]:
    """ "2045" → (2045, 2045); "2025-2030" / "2025–2030" / "2025 - 2030" → (2025, 2030).

    Readers also write "năm 2045" or "các năm 2025–2030"; the words are dropped.
    """
    value = _YEAR_WORDS.sub("", clean_argument(text, what="year"))
    value = re.sub(r"(?<=\d)\s+(?:đến|tới|to)\s+(?=\d)", "-", value)
    match = _RANGE.match(value)
    parts = [match.group(1), match.group(2)] if match else [value]
    years = [_year(p) for p in parts]
    if len(years) == 2 and years[0] > years[1]:
        raise BadArgument("reversed_range", start=years[0], end=years[1])
    return years[0], years[-1]


def _year(text: str) -> int:
    if _THOUSANDS.match(text):  # "2,045": a year written like an amount
        raise BadArgument("bad_year", value=text, meant=re.sub(r"\D", "", text))
    if not re.fullmatch(r"\d{4}", text):
        raise BadArgument("bad_year", value=text)
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadArgument("year_out_of_range", value=year, low=MIN_YEAR, high=MAX_YEAR)
    return year


def targets_report(
    db: Database, year_from: int, year_to: int | None = None, *, limit: int = 20
) -> TargetsReport:
    """Goals for the years in range: by year, goals for a whole year before those for a month,
    newest article first (the order of the targets_year index, so no sort is needed)."""
    year_to = year_from if year_to is None else year_to
    limit = max(1, min(limit, 200))
    total = int(
        db.execute(
            "SELECT COUNT(*) FROM targets WHERE year BETWEEN ? AND ?", [year_from, year_to]
        ).fetchone()[0]
    )
    rows = db.execute(
        "SELECT t.year, t.month, t.goal, t.setter, t.sentence, a.id, a.title, a.source, a.url, "
        f"{SHOWN_DATE}, a.story_id, a.published "
        "FROM targets t JOIN articles a ON a.id = t.article_id "
        "WHERE t.year BETWEEN ? AND ? "
        "ORDER BY t.year, t.month, t.article_id DESC LIMIT ?",
        [year_from, year_to, limit * 4],
    ).fetchall()
    seen: set[tuple[int, str]] = set()
    targets = []
    for year, month, goal, setter, sentence, aid, title, source, url, shown, story, stored in rows:
        # The same goal retold by another outlet (same story) is shown once.
        marker = (int(story or aid), fold(goal))
        if marker in seen:
            continue
        seen.add(marker)
        # Relative forms ("trong 3 năm tới") were counted from the stored date, shown or not.
        wording = deadline(sentence, year, month, _iso_date(stored))
        targets.append(
            TargetRow(year, month, goal, setter, sentence, aid, title, source, url, shown, wording)
        )
        if len(targets) == limit:
            break
    return TargetsReport(year_from, year_to, targets, total)


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def target_years(db: Database) -> list[tuple[int, int]]:
    """(year, number of goals) for every year that has goals, in order."""
    rows = db.execute("SELECT year, COUNT(*) FROM targets GROUP BY year ORDER BY year")
    return [(int(y), int(n)) for y, n in rows]
