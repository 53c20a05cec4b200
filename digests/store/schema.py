"""The corpus schema: its SQL and the versioned migrations that build and upgrade it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlite_utils import Database

from digests.analysis import relevance
from digests.analysis.themes import ThemeFileError
from digests.store import stories as story_store
from digests.store.transactions import StoreError, write_transaction

log = logging.getLogger(__name__)

Migration = Callable[[Database], None]

FTS_AUTOMERGE = 16  # FTS5 segments merged at once (see _corpus_v3)
FTS_CRISISMERGE = 32  # segments on one level that force a merge within the transaction


def apply_migrations(db: Database, namespace: str, steps: Sequence[Migration]) -> int:
    """Apply the steps of ``namespace`` not yet applied, each in its own transaction.

    Step *n* (1-based) brings the namespace to version *n*.  Returns the version
    reached.  A database already past ``len(steps)`` was written by a newer
    ictdigest and is refused rather than guessed at.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL,"
        " PRIMARY KEY (namespace, version))"
    )
    version = _schema_version(db, namespace)
    if version > len(steps):
        raise StoreError(
            f"database schema '{namespace}' is at version {version}, newer than this "
            f"ictdigest knows ({len(steps)}); upgrade ictdigest"
        )
    for number, step in enumerate(steps, start=1):
        if number <= version:
            continue
        with write_transaction(db):
            # Another process may have migrated while we waited for the lock.
            if _schema_version(db, namespace) >= number:
                continue
            step(db)
            db.execute(
                "INSERT INTO schema_migrations (namespace, version, applied_at) VALUES (?, ?, ?)",
                [namespace, number, _now()],
            )
    return max(version, len(steps))


def _schema_version(db: Database, namespace: str) -> int:
    row = db.execute(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE namespace = ?",
        [namespace],
    ).fetchone()
    return int(row[0])


def _corpus_v1(db: Database) -> None:
    for statement in _CORPUS_V1.split(";\n"):
        if statement.strip():
            db.execute(statement)


_CORPUS_V1 = """
CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  url TEXT UNIQUE,
  content_hash TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  origin TEXT NOT NULL,
  title TEXT NOT NULL,
  published TEXT NOT NULL,
  published_at TEXT,
  body TEXT NOT NULL,
  raw TEXT NOT NULL,
  kind TEXT NOT NULL,
  story_id INTEGER,
  ingested_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published, id);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_origin ON articles (origin) WHERE url IS NULL;
CREATE TABLE sentences (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  paragraph INTEGER NOT NULL,
  text TEXT NOT NULL,
  folded TEXT NOT NULL,
  is_heading INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;
CREATE TABLE mentions (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  org_key TEXT NOT NULL,
  alias TEXT NOT NULL,
  sentence_idx INTEGER NOT NULL
);
CREATE INDEX mentions_org ON mentions (org_key, article_id, sentence_idx, alias);
CREATE INDEX mentions_article ON mentions (article_id);
CREATE TABLE organisations (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  aliases TEXT NOT NULL DEFAULT '[]',
  discovered INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE people (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  role TEXT,
  org_key TEXT,
  sentence_idx INTEGER NOT NULL
);
CREATE INDEX people_org ON people (org_key, article_id, name, role);
CREATE INDEX people_article ON people (article_id);
CREATE TABLE targets (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  year INTEGER NOT NULL,
  month INTEGER,
  goal TEXT NOT NULL,
  setter TEXT,
  sentence_idx INTEGER NOT NULL,
  sentence TEXT NOT NULL
);
CREATE INDEX targets_year ON targets (year, month, article_id DESC);
CREATE INDEX targets_article ON targets (article_id);
CREATE VIRTUAL TABLE articles_fts USING fts5 (
  title, body, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE story_sketches (
  article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  signature BLOB NOT NULL
);
CREATE TABLE story_bands (
  band_key INTEGER NOT NULL,
  article_id INTEGER NOT NULL,
  PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE TABLE org_counts (
  org_key TEXT PRIMARY KEY,
  articles INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)
"""


def _corpus_v2(db: Database) -> None:
    """Story bands were re-keyed here to a new MinHash banding; that method is gone and
    :func:`_corpus_story_signals` drops its tables, so nothing is rebuilt any more."""
    db.execute("DELETE FROM story_bands")


def _corpus_v3(db: Database) -> None:
    """The full-text index merges its segments 16 at a time (FTS5's default is 4), and
    articles record whether their date was given (``date_known``).

    Every article is its own transaction, so every article adds a small segment; with
    merges of 4 the same postings were rewritten about twice as often, and the index
    was a fifth of the store step's cost.  Searches read a few more segments."""
    db.execute(
        f"INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', {FTS_AUTOMERGE})"
    )
    db.execute(
        f"INSERT INTO articles_fts (articles_fts, rank) VALUES ('crisismerge', {FTS_CRISISMERGE})"
    )
    # An article whose page, metadata and feed gave no date keeps the day it was loaded
    # in ``published`` (for ordering) and 0 here, so readers are told "date unknown".
    if "date_known" not in {column.name for column in db["articles"].columns}:
        db.execute("ALTER TABLE articles ADD COLUMN date_known INTEGER NOT NULL DEFAULT 1")


def _corpus_v4(db: Database) -> None:
    """Articles stored by a bulk ingest but not yet in the search index (see
    :func:`index_pending_search`).  A row lives from the article's own transaction to
    the batch that indexes it, so a crash in between loses nothing: the next process
    to open the store indexes what is left."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS search_pending ("
        " article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE)"
    )


def _corpus_article_themes(db: Database) -> None:
    """Each article's relevance score per theme (see digests/relevance.py), scored now
    for the articles already stored; new articles get theirs when they are saved."""
    for statement in relevance.ARTICLE_THEMES_SQL:
        db.execute(statement)
    try:
        relevance.rescore(db)
    except ThemeFileError as exc:  # a broken $ICTDIGEST_THEMES must not block the store
        log.warning("articles left unscored (%s); fix it, then run `ictdigest rescore`", exc)


def _corpus_people_by_name(db: Database) -> None:
    """People looked up by name (/person, and a person's articles counted across the
    articles that named them without their organisation)."""
    db.execute("CREATE INDEX IF NOT EXISTS people_name ON people (name, org_key, article_id)")


def _corpus_story_signals(db: Database) -> None:
    """Stories across outlets: profiles, a candidate index of heavy words and word
    document frequencies replace the 5-gram MinHash tables.

    Existing story ids are kept (the old method decided them) and stored articles get
    no profile, so only articles stored from now on are candidates; the word counts
    are taken over every stored article, so weights are right from the start.
    ``content_hash`` values are kept too: from now on they are keyed by outlet (see
    :func:`content_hash`), which cannot collide with an old text-only hash."""
    db.execute("DROP TABLE IF EXISTS story_bands")
    db.execute("DROP TABLE IF EXISTS story_sketches")
    story_store.create_tables(db)
    story_store.count_all_words(db)


CORPUS_MIGRATIONS: list[Migration] = [
    _corpus_v1,
    _corpus_v2,
    _corpus_v3,
    _corpus_v4,
    _corpus_article_themes,
    _corpus_people_by_name,
    _corpus_story_signals,
]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
