"""Small key/value facts about the store (e.g. the last ingest), in the ``meta`` table."""

from __future__ import annotations

from sqlite_utils import Database

from digests.store.transactions import write_transaction


def set_meta(db: Database, key: str, value: str) -> None:
    with write_transaction(db):
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])
