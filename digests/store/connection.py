"""Opening the article store (SQLite through sqlite-utils, WAL, one writer, FTS5 over folded
text), and the settings and checkpoints of a bulk ingest.

Every article is written in one ``BEGIN IMMEDIATE`` transaction, so a crash or a
bad record never leaves half an article behind.  The full-text index is
*contentless* (``content=''``): it keeps only the index of the folded title and
body, not a second copy of them, and snippets are cut from ``articles.body``
at the offsets found in the folded text (folding keeps lengths).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from digests.store.schema import CORPUS_MIGRATIONS, apply_migrations
from digests.store.search_index import index_pending_unless_busy
from digests.store.transactions import RESTORE_HINT, DatabaseDamaged, explain

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
APP_DIR = "ictdigest"
DB_NAME = "ictdigest.db"


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
            index_pending_unless_busy(db)
    except sqlite3.DatabaseError as exc:
        raise explain(exc, target) from exc
    except UnicodeDecodeError as exc:  # random bytes in the schema pages: not even an error reads
        raise DatabaseDamaged(f"the database is damaged ({target}); {RESTORE_HINT}") from exc
    return db


# Connections inside bulk_writes (keyed by id(); sqlite3 connections take no weak refs).
_BULK: set[int] = set()


def in_bulk_writes(db: Database) -> bool:
    """Whether ``db`` is inside :func:`bulk_writes` (search indexing then waits for a batch)."""
    return id(db.conn) in _BULK


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
        index_pending_unless_busy(db)
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
