"""The store's one-line errors and the IMMEDIATE write transaction that raises them."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database


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
