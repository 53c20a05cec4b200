"""The article store: SQLite through sqlite-utils, WAL, one writer, FTS5 over folded text.

Every article is written in one ``BEGIN IMMEDIATE`` transaction, so a crash or a
bad record never leaves half an article behind.  The full-text index is
*contentless* (``content=''``): it keeps only the index of the folded title and
body, not a second copy of them, and snippets are cut from ``articles.body``
at the offsets found in the folded text (folding keeps lengths).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlite_utils import Database

from digests.analysis import relevance
from digests.analysis.themes import ThemeFileError
from digests.model import Analysis, CleanArticle, Organisation, RawDocument, Sentence
from digests.store import stories as story_store
from digests.textnorm import fold

log = logging.getLogger(__name__)

SaveResult = Literal["added", "updated", "unchanged"]
Migration = Callable[[Database], None]

BUSY_TIMEOUT_MS = 5000
WAL_AUTOCHECKPOINT_PAGES = 32000
BULK_WAL_AUTOCHECKPOINT_PAGES = 131072  # 512 MB of WAL during a bulk ingest (see bulk_writes)
READ_CACHE_KB = 16 * 1024  # per connection; the bot may hold several
# During a bulk ingest: at 20k articles and beyond, the random index leaves each article
# touches (mentions by organisation, story bands, content hash, FTS) no longer fit 16 MB
# and were re-read (20k: 2.2 → 1.8 ms CPU per article).  128 MB measured no better at 100k.
BULK_CACHE_KB = 64 * 1024
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024  # the WAL file is cut back to this after a checkpoint
# During a bulk ingest the WAL file keeps the size it grew to (-1: no limit): cut back to
# 64 MB after every restart, its blocks were allocated afresh by the next ~16,000 commits.
# Adding 2,000 articles to a copy of the 100k store, store step per article (two rounds,
# interleaved): limit 64 MB 2.71 / 3.09 ms, 256 MB 2.51 / 2.72 ms, none 2.26 / 2.63 ms.
# The WAL's length is still bounded by the checkpoints; the limit only trims the file.
BULK_JOURNAL_SIZE_LIMIT = -1
FTS_AUTOMERGE = 16  # FTS5 segments merged at once (see _corpus_v3)
FTS_CRISISMERGE = 32  # segments on one level that force a merge within the transaction
SEARCH_BATCH = 256  # during a bulk ingest, articles added to the search index per transaction
APP_DIR = "ictdigest"
DB_NAME = "ictdigest.db"


class StoreError(Exception):
    """A database problem with a one-line explanation for the operator."""


class WriteStopped(StoreError):
    """Writes cannot go on for now; every committed transaction is kept (see ``because``)."""

    because = "busy"


class DatabaseBusy(WriteStopped):
    """Another process held the write lock longer than the busy timeout."""


class DiskFull(WriteStopped):
    """SQLite could not grow the file or its journal: the transaction was rolled back."""

    because = "disk_full"


class DatabaseDamaged(StoreError):
    """The file is not a readable SQLite database any more (damaged pages, bad header)."""


RESTORE_HINT = "run `ictdigest doctor`, then restore the latest backup (`ictdigest restore FILE`)"


def resolve_db_path(arg: str | None) -> Path:
    """--db, else $ICTDIGEST_DB, else $XDG_DATA_HOME/ictdigest/ictdigest.db; parent created."""
    if arg:
        path = Path(arg).expanduser()
    elif os.environ.get("ICTDIGEST_DB"):
        path = Path(os.environ["ICTDIGEST_DB"]).expanduser()
    else:
        data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(data_home).expanduser() / APP_DIR / DB_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def open_db(path: Path | str | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the store with WAL, busy timeout and the corpus schema."""
    target = (
        ":memory:"
        if str(path) == ":memory:"
        else str(resolve_db_path(None if path is None else str(path)))
    )
    try:
        conn = sqlite3.connect(
            target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
        # Checkpoint (and fsync) every ~128 MB of WAL instead of 4 MB: bulk ingest commits
        # one transaction per article, each touching ~60 pages, and a page rewritten by many
        # articles is copied once per checkpoint.  The file is cut back to 64 MB afterwards.
        # Power loss can still only roll back recent articles (synchronous=NORMAL), never
        # corrupt the file.
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        if migrate:
            apply_migrations(db, "corpus", CORPUS_MIGRATIONS)
            # Left by a killed bulk ingest (or waiting in another process's running one:
            # indexing them here is the same transaction that process would run).
            _index_pending_unless_busy(db)
    except sqlite3.DatabaseError as exc:
        raise explain(exc, target) from exc
    except UnicodeDecodeError as exc:  # random bytes in the schema pages: not even an error reads
        raise DatabaseDamaged(f"the database is damaged ({target}); {RESTORE_HINT}") from exc
    return db


def explain(exc: sqlite3.Error, where: str = "") -> StoreError:
    """Turn a sqlite3 error into a StoreError whose message fits on one line."""
    text = " ".join(str(exc).split())
    if len(text) > 120:  # damaged text columns quote the bytes they could not decode
        text = text[:120] + "…"
    place = f" ({where})" if where else ""
    if "disk is full" in text:
        return DiskFull(f"the disk is full{place}; the last write was rolled back, free some space")
    if "locked" in text or "busy" in text:
        return DatabaseBusy(f"database is locked by another process{place}; try again in a moment")
    column = re.search(r"Could not decode to UTF-8 column '([^']*)'", text)
    if column:
        return DatabaseDamaged(
            f"damaged text in the database (column {column.group(1)}){place}; {RESTORE_HINT}"
        )
    if "not a database" in text or "malformed" in text:
        return DatabaseDamaged(
            f"not an ictdigest database or damaged{place}: {text}; {RESTORE_HINT}"
        )
    if "unable to open" in text or "readonly" in text:
        return StoreError(f"cannot open the database for writing{place}: {text}")
    return StoreError(f"database error{place}: {text}")


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One IMMEDIATE transaction: take the write lock first, so busy waits happen up front."""
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise explain(exc) from exc
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            if conn.in_transaction:
                conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise explain(exc) from exc


# Connections inside bulk_writes (keyed by id(); sqlite3 connections take no weak refs).
_BULK: set[int] = set()


@contextmanager
def bulk_writes(db: Database, *, every_s: float = 0.25) -> Iterator[None]:
    """Settings for a long run of one-article transactions: a page cache big enough for
    the hot index pages, checkpoints in a thread (see :func:`background_checkpoints`), a
    longer WAL, and search indexing in batches (see :func:`index_pending_search`).  Each
    article stays its own transaction; durability is unchanged.

    The WAL starts over only once it holds BULK_WAL_AUTOCHECKPOINT_PAGES: each restart
    makes the writer wait for a checkpoint's fsync (100-400 ms at 100k articles), and at
    the everyday 32,000 pages that came every ~500 articles, 0.6-1 ms per article of
    waiting on top of ~3 ms of work.  Afterwards the WAL file is cut back to its usual
    size, so the extra disk (up to 512 MB) is only held during the run.
    """
    db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KB}")
    db.execute(f"PRAGMA journal_size_limit = {BULK_JOURNAL_SIZE_LIMIT}")
    db.execute(f"PRAGMA wal_autocheckpoint = {BULK_WAL_AUTOCHECKPOINT_PAGES}")
    _BULK.add(id(db.conn))
    try:
        with background_checkpoints(db, every_s=every_s):
            yield
    finally:
        _BULK.discard(id(db.conn))
        _index_pending_unless_busy(db)
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        db.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        db.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
        db.execute("PRAGMA shrink_memory")
        _shrink_long_wal(db)


def _shrink_long_wal(db: Database) -> None:
    """After a bulk run, checkpoint a WAL longer than the everyday limit and truncate it;
    a reader still holding it only postpones that to a later checkpoint."""
    if _database_file(db) is None:
        return
    try:
        _busy, frames, _copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames > WAL_AUTOCHECKPOINT_PAGES:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error:
        pass  # busy: the next ordinary checkpoint restarts the WAL and trims it


@contextmanager
def background_checkpoints(db: Database, *, every_s: float = 0.25) -> Iterator[None]:
    """While a bulk ingest runs, copy committed WAL pages into the database file from a
    second connection in a thread.

    A checkpoint writes pages and fsyncs: done by the writer, it stalled the one article
    whose commit crossed ``wal_autocheckpoint`` for ~80 ms, a third of the store step.
    A PASSIVE checkpoint never blocks the writer; the writer's own autocheckpoint then
    finds almost everything copied already, finishes the rest and restarts the WAL, so
    it cannot grow without bound.  In-memory databases have no WAL: nothing to do.
    """
    path = _database_file(db)
    if path is None:
        yield
        return
    stop = threading.Event()

    def checkpoint_until_stopped() -> None:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        try:
            while not stop.wait(every_s):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    continue  # busy or locked: the next round (or the writer) catches up
        finally:
            conn.close()

    thread = threading.Thread(target=checkpoint_until_stopped, name="wal-checkpoint", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _database_file(db: Database) -> str | None:
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return str(file) if file else None
    return None


# --------------------------------------------------------------------------- migrations


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


# --------------------------------------------------------------------------- meta


def set_meta(db: Database, key: str, value: str) -> None:
    with write_transaction(db):
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


# --------------------------------------------------------------------------- articles

_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "zarsrc", "mc_", "_ga")


def canonical_url(url: str | None) -> str | None:
    """The URL that identifies an article: lower-case host, no fragment, no tracking query."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def content_hash(body: str, folded_body: str | None = None, *, source: str = "") -> str:
    """sha256 of the outlet's name and the folded body: the same text with other tone
    marks or case, from the same outlet, is the same article; from another outlet it is
    another article (of the same story)."""
    folded = fold(body) if folded_body is None else folded_body
    return hashlib.sha256(f"{source}\n{folded}".encode()).hexdigest()


@dataclass(frozen=True)
class _Existing:
    id: int
    content_hash: str
    title: str
    published: str
    published_at: str | None
    body: str
    url: str | None
    source: str
    date_known: int
    story_id: int | None


def save_article(
    db: Database,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    story: story_store.StoryDecider | None = None,
) -> SaveResult:
    """Store one article and its analysis in one transaction; say what happened.

    Identity is the canonical URL, else the content hash (outlet and text); a file
    without a URL is also recognised by its path, so an edited file updates its
    article.  Identical text from the same outlet is "unchanged" whatever its URL,
    since ``content_hash`` is unique; from another outlet it is a second article.
    ``story`` decides which story a new or changed article joins (see
    :mod:`digests.stories.cluster`); without one, the article is a story of its own.
    """
    result = _save_article(db, doc, article, analysis, story)
    if id(db.conn) in _BULK and _pending_search(db) >= SEARCH_BATCH:
        index_pending_search(db)
    return result


def _save_article(
    db: Database,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    story: story_store.StoryDecider | None,
) -> SaveResult:
    url = canonical_url(article.url or doc.url)
    folded_body = story.folded_body if story is not None else fold(article.body)
    digest = content_hash(article.body, folded_body, source=source_name(doc, article))
    try:
        with write_transaction(db):
            existing = _find_existing(db, url, digest, doc.origin)
            if existing is None:
                _insert(db, doc, article, analysis, url, digest, folded_body, story)
                return "added"
            if existing.content_hash != digest and _hash_taken(db, digest, existing.id):
                return "unchanged"  # this text is already stored under another identity
            if _same(existing, article, digest, source_name(doc, article)):
                return "unchanged"
            new_url = url or existing.url
            _update(db, existing, doc, article, analysis, new_url, digest, folded_body, story)
            return "updated"
    except sqlite3.OperationalError as exc:
        raise explain(exc) from exc


def _find_existing(db: Database, url: str | None, digest: str, origin: str) -> _Existing | None:
    columns = (
        "id, content_hash, title, published, published_at, body, url, source, date_known, story_id"
    )
    row = None
    if url:
        row = db.execute(f"SELECT {columns} FROM articles WHERE url = ?", [url]).fetchone()
    if row is None:
        row = db.execute(
            f"SELECT {columns} FROM articles WHERE content_hash = ?", [digest]
        ).fetchone()
    if row is None and not url and not origin.startswith(("http://", "https://")):
        row = db.execute(
            f"SELECT {columns} FROM articles WHERE origin = ? AND url IS NULL ORDER BY id LIMIT 1",
            [origin],
        ).fetchone()
    return None if row is None else _Existing(*row)


def _hash_taken(db: Database, digest: str, other_than: int) -> bool:
    row = db.execute(
        "SELECT 1 FROM articles WHERE content_hash = ? AND id != ?", [digest, other_than]
    ).fetchone()
    return row is not None


def _same(existing: _Existing, article: CleanArticle, digest: str, source: str) -> bool:
    """Nothing a reader sees changed (a re-ingest after a better source name updates).
    An undated article loaded again on another day is the same: its stand-in date is
    the day it was first loaded."""
    undated_both = not article.date_known and not existing.date_known
    return (
        existing.content_hash == digest
        and existing.source == source
        and existing.title == article.title
        and (undated_both or existing.published == article.published.isoformat())
        and existing.published_at == _iso(article.published_at)
        and existing.date_known == int(article.date_known)
    )


def source_name(doc: RawDocument, article: CleanArticle) -> str:
    """The outlet the page names itself (site name, banner, newsroom e-mail, dateline),
    else what the source step named it by: a web page's host, a file's name."""
    return article.source or doc.source


def _article_values(
    doc: RawDocument, article: CleanArticle, url: str | None, digest: str
) -> dict[str, Any]:
    return {
        "url": url,
        "content_hash": digest,
        "source": source_name(doc, article),
        "origin": doc.origin,
        "title": article.title,
        "published": article.published.isoformat(),
        "published_at": _iso(article.published_at),
        "date_known": int(article.date_known),
        "body": article.body,
        "raw": doc.raw,
        "kind": doc.kind,
    }


def _insert(
    db: Database,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    url: str | None,
    digest: str,
    folded_body: str,
    story: story_store.StoryDecider | None,
) -> int:
    # The id SQLite would choose (we hold the write lock), taken up front so the row is
    # written once with its story: setting story_id afterwards rewrote its index entry.
    article_id = int(db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM articles").fetchone()[0])
    now = _now()
    values = {
        "id": article_id,
        **_article_values(doc, article, url, digest),
        "story_id": story_store.decide(db, story, article_id),
        "ingested_at": now,
        "updated_at": now,
    }
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    db.execute(f"INSERT INTO articles ({names}) VALUES ({marks})", list(values.values()))
    _write_children(db, article_id, article, analysis, folded_body, story)
    return article_id


def _update(
    db: Database,
    existing: _Existing,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    url: str | None,
    digest: str,
    folded_body: str,
    story: story_store.StoryDecider | None,
) -> None:
    _delete_children(db, existing.id, existing.title, existing.body)
    values = {
        **_article_values(doc, article, url, digest),
        # Without a decider (no story logic at hand) the article keeps its story.
        "story_id": story_store.decide(db, story, existing.id)
        if story is not None
        else existing.story_id or existing.id,
        "updated_at": _now(),
    }
    if not article.date_known and not existing.date_known:
        values["published"] = existing.published  # still the day it was first loaded
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), existing.id])
    _write_children(db, existing.id, article, analysis, folded_body, story)


def _delete_children(db: Database, article_id: int, title: str, body: str) -> None:
    old_keys = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT org_key FROM mentions WHERE article_id = ?", [article_id]
        )
    ]
    db.conn.executemany(
        "UPDATE org_counts SET articles = articles - 1 WHERE org_key = ?",
        [(key,) for key in old_keys],
    )
    for table in ("sentences", "mentions", "people", "targets", "article_themes"):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
    # A contentless FTS5 row is deleted by repeating the exact values it was indexed with;
    # an article still waiting for the index has no row there to delete.
    # Its words leave the document frequencies the same way (they are counted with it).
    waiting = db.execute("DELETE FROM search_pending WHERE article_id = ?", [article_id])
    if waiting.rowcount == 0:
        folded_title, folded_body = fold(title), fold(body)
        db.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, title, body) "
            "VALUES ('delete', ?, ?, ?)",
            [article_id, folded_title, folded_body],
        )
        story_store.count_words(db, [story_store.folded_words(folded_title, folded_body)], -1)
    story_store.forget(db, article_id)


def _write_children(
    db: Database,
    article_id: int,
    article: CleanArticle,
    analysis: Analysis,
    folded_body: str,
    story: story_store.StoryDecider | None,
) -> None:
    conn = db.conn
    conn.executemany(
        "INSERT INTO sentences (article_id, idx, paragraph, text, folded, is_heading) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (article_id, s.idx, s.paragraph, s.text, folded, int(s.is_heading))
            for s, folded in zip(
                analysis.sentences,
                folded_sentences(article.body, folded_body, analysis.sentences),
                strict=True,
            )
        ],
    )
    conn.executemany(
        "INSERT INTO mentions (article_id, org_key, alias, sentence_idx) VALUES (?, ?, ?, ?)",
        [(article_id, m.org_key, m.alias, m.sentence_idx) for m in analysis.mentions],
    )
    conn.executemany(
        "INSERT INTO people (article_id, name, role, org_key, sentence_idx) VALUES (?, ?, ?, ?, ?)",
        [(article_id, p.name, p.role, p.org_key, p.sentence_idx) for p in analysis.people],
    )
    conn.executemany(
        "INSERT INTO targets (article_id, year, month, goal, setter, sentence_idx, sentence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, t.year, t.month, t.goal, t.setter, t.sentence_idx, t.sentence)
            for t in analysis.targets
        ],
    )
    # How many articles mention each organisation, kept up to date here so /company does
    # not count hundreds of thousands of mention rows per question.
    conn.executemany(
        "INSERT INTO org_counts (org_key, articles) VALUES (?, 1) "
        "ON CONFLICT (org_key) DO UPDATE SET articles = articles + 1",
        [(key,) for key in sorted({m.org_key for m in analysis.mentions})],
    )
    _insert_organisations(db, analysis.organisations)
    scores = analysis.theme_scores
    if scores is None:
        scores = relevance.theme_scores(article, analysis, sector_outlet=analysis.sector_outlet)
    relevance.write_scores(db, article_id, scores, analysis.sector_outlet)
    # Document frequencies are counted with the search index, so a bulk ingest writes
    # them in the same batches (one upsert per word and batch, not per article).
    if id(conn) in _BULK:
        conn.execute("INSERT INTO search_pending (article_id) VALUES (?)", [article_id])
        story_store.hold_words(db, article_id, story)
    else:
        folded_title = fold(article.title)
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            [article_id, folded_title, folded_body],
        )
        story_store.count_words(db, [story_store.folded_words(folded_title, folded_body)])
    story_store.record(db, story, article_id)


def folded_sentences(body: str, folded_body: str, sentences: Sequence[Sentence]) -> Iterator[str]:
    """Each sentence folded, cut from the already folded body where the sentence stands in
    it verbatim (fold keeps lengths per character), folded afresh otherwise."""
    aligned = len(body) == len(folded_body)
    start = 0
    for sentence in sentences:
        text = sentence.text
        at = body.find(text, start) if aligned else -1
        if at < 0:
            yield fold(text)
            continue
        start = at + len(text)
        yield folded_body[at:start]


def _insert_organisations(db: Database, organisations: Sequence[Organisation]) -> None:
    """Discovered organisations never overwrite a registry entry or an earlier discovery."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO organisations (key, name, kind, aliases, discovered) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                o.key,
                o.name,
                o.kind,
                json.dumps(list(o.aliases), ensure_ascii=False),
                int(o.discovered),
            )
            for o in organisations
        ],
    )


def sync_registry(db: Database, organisations: Sequence[Organisation]) -> None:
    """Write the curated registry into ``organisations`` (registry entries win over discovery)."""
    with write_transaction(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO organisations (key, name, kind, aliases, discovered) "
            "VALUES (?, ?, ?, ?, 0)",
            [
                (o.key, o.name, o.kind, json.dumps(list(o.aliases), ensure_ascii=False))
                for o in organisations
            ],
        )


def index_pending_search(db: Database) -> int:
    """Add the articles a bulk ingest stored to the search index, in one transaction.

    A bulk ingest defers this: FTS5 writes a new index segment at every commit and
    merges them as they pile up, so indexing each article in its own transaction cost
    ~10 of its ~64 written pages and a sixth of the store step; a batch of
    SEARCH_BATCH articles makes one segment.  Until its batch is written an article is
    stored, complete, and found by every lookup except the full-text search.
    """
    with write_transaction(db):
        rows = db.execute(
            "SELECT a.id, a.title, a.body FROM search_pending p"
            " JOIN articles a ON a.id = p.article_id"
        ).fetchall()
        folded = [(article_id, fold(title), fold(body)) for article_id, title, body in rows]
        db.conn.executemany(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", folded
        )
        story_store.count_words(db, (story_store.waiting_words(db, i, t, b) for i, t, b in folded))
        db.execute("DELETE FROM search_pending")
    return len(rows)


def _pending_search(db: Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM search_pending").fetchone()[0])


def _index_pending_unless_busy(db: Database) -> None:
    """Index what is waiting, if anything; when another process holds the write lock, the
    next process to open the store (or that process's own ingest) does it."""
    if db.execute("SELECT 1 FROM search_pending LIMIT 1").fetchone() is None:
        return
    with suppress(DatabaseBusy):
        index_pending_search(db)


def reindex_fts(db: Database) -> int:
    """Rebuild the contentless full-text index from ``articles`` (after a change to fold())."""
    with write_transaction(db):
        db.execute("DELETE FROM search_pending")
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
        count = 0
        for article_id, title, body in db.execute("SELECT id, title, body FROM articles"):
            db.execute(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                [article_id, fold(title), fold(body)],
            )
            count += 1
        story_store.count_all_words(db)  # the waiting articles are counted now too
    return count


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
