"""Keep blocking SQLite work off the event loop: one writer thread, a small reader pool.

Every write goes through the single writer thread (so there is exactly one
writer, and writes are serialised without locks in Python); reads run on
their own connections so a slow search never delays recording a delivery.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.storage import open_bot_db
from digests.store.transactions import DatabaseBusy

T = TypeVar("T")
log = logging.getLogger(__name__)

# Another process (a long `ictdigest ingest`, a backup) may hold the write lock past
# SQLite's busy timeout. A write is then retried, with backoff, for this long in all
# before DatabaseBusy reaches the caller: a settings change or an outbox mark waits
# rather than being lost. Every write is one transaction rolled back on failure, so a
# retry never applies half of one.
BUSY_PATIENCE_S = 60.0
# FULL: each commit of the bot's writer (a claim, a "sent" mark, a settings change) is
# fsynced before the call returns, so power loss cannot undo a recorded send and make the
# part go out twice. Ingest keeps NORMAL on its own connection (a lost article is re-fetched).
# Cost: see docs/BENCHMARKS.md, "Faults" (fsync per outbox write).
WRITER_SYNCHRONOUS = "FULL"
BUSY_BACKOFF_S = (0.25, 0.5, 1.0, 2.0, 4.0)


class DbWorker:
    """Run ``fn(db, *args)`` on the writer thread or a reader thread, awaitably."""

    def __init__(
        self, path: Path | str, *, readers: int = 2, busy_patience_s: float = BUSY_PATIENCE_S
    ) -> None:
        self.path = Path(path)
        self.busy_patience_s = busy_patience_s
        self._local = threading.local()
        self._opened: list[Database] = []
        self._lock = threading.Lock()
        # Migrations run here, once, before any reader opens a connection.
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="db-writer")
        self._writer.submit(self._connection, True).result()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="db-reader")

    def _connection(self, migrate: bool = False) -> Database:
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            db = open_bot_db(self.path, migrate=migrate)
            if migrate:  # the writer: outbox marks and settings survive power loss
                db.execute(f"PRAGMA synchronous = {WRITER_SYNCHRONOUS}")
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    def _call(self, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
        return fn(self._connection(), *args, **kwargs)

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(db, *args)`` on THE writer thread; a locked database is waited out."""
        loop = asyncio.get_running_loop()
        began = time.monotonic()
        for attempt in range(1_000_000):
            try:
                return await loop.run_in_executor(self._writer, self._call, fn, args, kwargs)
            except DatabaseBusy:
                waited = time.monotonic() - began
                if waited >= self.busy_patience_s:
                    raise
                pause = BUSY_BACKOFF_S[min(attempt, len(BUSY_BACKOFF_S) - 1)]
                log.warning(
                    "event=db_busy_retry write=%s waited_s=%.1f next_try_s=%.2f",
                    getattr(fn, "__name__", "?"),
                    waited,
                    pause,
                )
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(db, *args)`` on a reader thread with its own connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._call, fn, args, kwargs)

    def write_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Same as ``write`` for synchronous callers (CLI, tests)."""
        return self._writer.submit(self._call, fn, args, kwargs).result()

    def close(self) -> None:
        self._readers.shutdown(wait=True)
        self._writer.shutdown(wait=True)
        with self._lock:
            for db in self._opened:
                db.conn.close()
            self._opened.clear()
