"""Ingest: sources → clean → analyse → store, one article per transaction.

One bad item never stops a batch: each becomes a Failure with a one-line reason.
Only a database that stays locked, or a full disk, stops it, since every further item would wait
and fail the same way; what landed before stays, and the report says why it
stopped.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlite_utils import Database

from digests.model import BadItem, RawDocument
from digests.progress import Progress
from digests.sources.fetch import Fetcher
from digests.sources.files_and_feeds import Failure, Item, iter_items
from digests.store import store

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    skipped: int = 0  # already stored, unchanged
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    stopped: str | None = None  # why the batch stopped early (locked, disk full), else None
    stopped_because: str = ""  # "busy" or "disk_full" (store.WriteStopped.because)

    @property
    def done(self) -> int:
        return self.added + self.updated + self.skipped + self.failed

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, "
            f"skipped {self.skipped}, failed {self.failed}"
        )

    def count(self, result: store.SaveResult) -> None:
        if result == "added":
            self.added += 1
        elif result == "updated":
            self.updated += 1
        else:
            self.skipped += 1

    def fail(self, failure: Failure) -> None:
        self.failed += 1
        self.failures.append(failure)


def ingest(
    db: Database,
    targets: Iterable[str],
    *,
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
    today: date | None = None,
) -> IngestReport:
    """Ingest every file, folder, feed and URL in ``targets`` into ``db``."""
    report = IngestReport()
    own_fetcher = fetcher is None
    http = fetcher or Fetcher()
    try:
        _sync_registry(db)
        with store.bulk_writes(db):
            _ingest_items(db, iter_items(list(targets), http), report, progress, today)
        if report.added or report.updated:
            store.set_meta(db, "last_ingest", datetime.now(UTC).isoformat(timespec="seconds"))
    except store.WriteStopped as exc:
        report.stopped, report.stopped_because = str(exc), exc.because
    finally:
        if progress is not None:
            progress.finish()
        if own_fetcher:
            http.close()
    return report


def _ingest_items(
    db: Database,
    items: Iterable[Item],
    report: IngestReport,
    progress: Progress | None,
    today: date | None,
) -> None:
    for item in items:
        if isinstance(item, Failure):
            report.fail(item)
        else:
            try:
                report.count(ingest_document(db, item, today=today))
            except BadItem as exc:
                report.fail(Failure.from_error(_label(item), exc))
            except store.WriteStopped as exc:  # locked or disk full: the rest would fail alike
                report.stopped, report.stopped_because = str(exc), exc.because
                return
        if progress is not None:
            progress.update(
                report.done, report.added, report.updated, report.skipped, report.failed
            )


def ingest_document(
    db: Database, doc: RawDocument, *, today: date | None = None
) -> store.SaveResult:
    """Clean, analyse and store one document; BadItem if it cannot become an article."""
    from digests.analysis.analyse import analyse
    from digests.sources.clean import clean_document

    article = _step("cleaning", doc, lambda: clean_document(doc, today=today))
    analysis = _step("analysis", doc, lambda: analyse(article))
    try:
        return store.save_article(db, doc, article, analysis)
    except sqlite3.IntegrityError as exc:  # rolled back: nothing of this article was written
        raise BadItem(f"not stored: {exc}") from exc


def _step(name: str, doc: RawDocument, run: Callable[[], T]) -> T:
    """Run one pipeline step; a bug tripped by one document fails that document only."""
    try:
        return run()
    except BadItem:
        raise
    except Exception as exc:
        log.debug("%s failed for %s", name, doc.origin, exc_info=True)
        raise BadItem(f"{name} failed: {type(exc).__name__}: {exc}"[:200]) from exc


def _sync_registry(db: Database) -> None:
    from digests.analysis.companies import load_registry

    store.sync_registry(db, load_registry().all())


def _label(doc: RawDocument) -> str:
    return doc.url or doc.source
