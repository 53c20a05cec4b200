"""The contentless FTS5 search index: batches a bulk ingest left waiting, and rebuilds."""

from __future__ import annotations

from contextlib import suppress

from sqlite_utils import Database

from digests.store import stories as story_store
from digests.store.transactions import DatabaseBusy, write_transaction
from digests.textnorm import fold


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


def pending_search_count(db: Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM search_pending").fetchone()[0])


def index_pending_unless_busy(db: Database) -> None:
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
