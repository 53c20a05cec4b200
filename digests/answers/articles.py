"""The list of stored articles (newest first, with their themes) and the corpus stats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from digests.analysis import relevance
from digests.answers.common import (
    check_page,
)
from digests.answers.statements import SHOWN_DATE
from digests.store.meta import get_meta


@dataclass(frozen=True)
class ArticleRow:
    id: int
    published: str | None  # None: the article gave no date (see SHOWN_DATE)
    source: str
    title: str
    url: str | None
    themes: dict[str, float] = field(default_factory=dict)  # what it is about, with scores
    story: int | None = None  # the story it belongs to (see story_cluster)
    origin: str | None = None  # the file path or URL it was read from


@dataclass(frozen=True)
class ArticleList:
    articles: list[ArticleRow]
    total: int
    offset: int


@dataclass(frozen=True)
class CorpusStats:
    articles: int
    stories: int
    sources: int
    first_date: str | None
    last_date: str | None
    last_ingest: str | None
    top_sources: list[tuple[str, int]] = field(default_factory=list)


def list_articles(db: Database, limit: int = 20, offset: int = 0) -> ArticleList:
    """Stored articles, newest publication date first."""
    limit, offset = check_page(limit, offset)
    rows = db.execute(
        f"SELECT a.id, {SHOWN_DATE}, a.source, a.title, a.url, a.story_id, a.origin "
        "FROM articles a ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?",
        [limit, offset],
    ).fetchall()
    total = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    about = relevance.themes_of(db, [row[0] for row in rows])
    listed = [
        ArticleRow(
            id=row[0],
            published=row[1],
            source=row[2],
            title=row[3],
            url=row[4],
            themes={k: round(v, 2) for k, v in about.get(row[0], {}).items()},
            story=row[5],
            origin=row[6],
        )
        for row in rows
    ]
    return ArticleList(listed, total, offset)


def _value(db: Database, sql: str) -> Any:
    row = db.execute(sql).fetchone()
    return None if row is None else row[0]


def corpus_stats(db: Database) -> CorpusStats:
    """How big and how fresh the store is, for /about and `ictdigest articles`."""
    # Separate queries, each answered from an index: one combined aggregate scans the table.
    articles = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    stories = int(
        db.execute("SELECT COUNT(*) FROM (SELECT DISTINCT story_id FROM articles)").fetchone()[0]
    )
    first, last = (
        _value(db, f"SELECT published FROM articles WHERE date_known ORDER BY published {way}")
        for way in ("LIMIT 1", "DESC LIMIT 1")
    )
    per_source = db.execute(
        "SELECT source, COUNT(*) FROM articles WHERE source <> '' GROUP BY source"
    ).fetchall()  # articles whose outlet is unknown (local files) name no source
    top = sorted(per_source, key=lambda row: (-row[1], row[0]))[:5]
    return CorpusStats(
        articles,
        stories,
        len(per_source),
        first,
        last,
        get_meta(db, "last_ingest"),
        [(str(s), int(n)) for s, n in top],
    )
