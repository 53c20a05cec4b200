"""Stories as readers see them: each with its articles, outlets and dates (`ictdigest stories`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

SHOWN_DATE = "CASE WHEN date_known THEN published END"  # undated articles show no date


@dataclass(frozen=True)
class StoryArticle:
    id: int
    source: str
    published: str | None  # None: the article gave no date
    title: str
    url: str | None
    origin: str


@dataclass(frozen=True)
class StoryRow:
    story: int
    title: str  # the headline of its first stored article
    first_date: str | None  # earliest and latest dated article; None when none is dated
    last_date: str | None
    outlets: list[str]  # distinct, in the order they told it
    articles: list[StoryArticle]


@dataclass(frozen=True)
class StoryList:
    stories: list[StoryRow]
    total: int
    offset: int
    since: str | None


def list_stories(
    db: Database, since: date | None = None, limit: int = 20, offset: int = 0
) -> StoryList:
    """Stories with an article published (or, undated, stored) on or after ``since``,
    the most recently published first."""
    where, params = ("WHERE published >= ?", [since.isoformat()]) if since else ("", [])
    picked = [
        int(row[0])
        for row in db.execute(
            f"SELECT story_id FROM articles {where} GROUP BY story_id "
            "ORDER BY MAX(published) DESC, story_id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]
    total = int(
        db.execute(f"SELECT COUNT(DISTINCT story_id) FROM articles {where}", params).fetchone()[0]
    )
    members: dict[int, list[StoryArticle]] = {story: [] for story in picked}
    marks = ", ".join("?" for _ in picked)
    rows = db.execute(
        f"SELECT story_id, id, source, {SHOWN_DATE}, title, url, origin FROM articles "
        f"WHERE story_id IN ({marks}) ORDER BY published, id",
        picked,
    )
    for story, *fields in rows:
        members[int(story)].append(StoryArticle(*fields))
    stories = [_row(story, members[story]) for story in picked]
    return StoryList(stories, total, offset, since.isoformat() if since else None)


def _row(story: int, articles: list[StoryArticle]) -> StoryRow:
    dates = sorted(a.published for a in articles if a.published)
    first = min(articles, key=lambda a: a.id)
    return StoryRow(
        story=story,
        title=first.title,
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        outlets=list(dict.fromkeys(a.source for a in articles if a.source)),
        articles=articles,
    )
