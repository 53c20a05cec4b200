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

from digests.analysis import relevance
from digests.model import Analysis, BadItem, CleanArticle, RawDocument
from digests.progress import Progress
from digests.sources.feedlist import SourceSpec
from digests.sources.fetch import Fetcher
from digests.sources.files_and_feeds import Failure, Item, Skipped, iter_items
from digests.store import stories as story_store
from digests.store.articles import SaveResult, save_article, sync_registry
from digests.store.connection import bulk_writes
from digests.store.meta import set_meta
from digests.store.transactions import WriteStopped
from digests.stories.cluster import StoryIndex

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
    stopped_because: str = ""  # "busy" or "disk_full" (WriteStopped.because)
    passed_over: list[Skipped] = field(default_factory=list)  # files that are no articles
    missing_module: str | None = None  # a package the install lacks: the batch stopped

    @property
    def done(self) -> int:
        return self.added + self.updated + self.skipped + self.failed

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, "
            f"skipped {self.skipped}, failed {self.failed}"
        )

    def count(self, result: SaveResult) -> None:
        if result == "added":
            self.added += 1
        elif result == "updated":
            self.updated += 1
        else:
            self.skipped += 1

    def fail(self, failure: Failure) -> None:
        self.failed += 1
        self.failures.append(failure)

    def pass_over(self, skipped: Skipped) -> None:
        """Note files left out of a folder, one entry per folder."""
        for i, seen in enumerate(self.passed_over):
            if seen.folder == skipped.folder:
                self.passed_over[i] = Skipped(seen.folder, seen.files + skipped.files)
                return
        self.passed_over.append(skipped)


def ingest(
    db: Database,
    targets: Iterable[str | SourceSpec],
    *,
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
    today: date | None = None,
    outlet: str = "",
) -> IngestReport:
    """Ingest every file, folder, feed, URL and sources file in ``targets`` into ``db``;
    ``outlet`` names the outlet of local files."""
    report = IngestReport()
    own_fetcher = fetcher is None
    http = fetcher or Fetcher()
    try:
        _load_pipeline()
        _sync_registry(db)
        with bulk_writes(db):
            stories = story_index(db)
            items = iter_items(list(targets), http, outlet=outlet)
            _ingest_items(db, items, report, progress, today, stories)
        if report.added or report.updated:
            set_meta(db, "last_ingest", datetime.now(UTC).isoformat(timespec="seconds"))
    except WriteStopped as exc:
        report.stopped, report.stopped_because = str(exc), exc.because
    except MissingModule as exc:
        report.stopped = str(exc)
        report.missing_module = exc.module
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
    stories: StoryIndex,
) -> None:
    for item in items:
        if isinstance(item, Skipped):
            report.pass_over(item)
            continue
        if isinstance(item, Failure):
            report.fail(item)
        else:
            try:
                report.count(ingest_document(db, item, today=today, stories=stories))
            except BadItem as exc:
                report.fail(Failure.from_error(_label(item), exc))
            except WriteStopped as exc:  # locked or disk full: the rest would fail alike
                report.stopped, report.stopped_because = str(exc), exc.because
                return
        if progress is not None:
            progress.update(
                report.done, report.added, report.updated, report.skipped, report.failed
            )


def ingest_document(
    db: Database,
    doc: RawDocument,
    *,
    today: date | None = None,
    stories: StoryIndex | None = None,
) -> SaveResult:
    """Clean, analyse and store one document; BadItem if it cannot become an article.

    ``stories`` carries the word statistics across a run; without it they are read
    from the store for this one document."""
    from digests.analysis.analyse import analyse
    from digests.sources.clean import clean_document

    article = _step("cleaning", doc, lambda: clean_document(doc, today=today))
    analysis = _step("analysis", doc, lambda: analyse(article))
    analysis.sector_outlet = doc.sector_outlet
    try:
        analysis.theme_scores = relevance.theme_scores(
            article, analysis, sector_outlet=doc.sector_outlet
        )
    except Exception:  # nothing is lost: stored and searchable, scored by `ictdigest rescore`
        log.warning("relevance failed for %s; stored without theme scores", doc.origin)
        log.debug("relevance failure", exc_info=True)
        analysis.theme_scores = {}
    return store_article(db, doc, article, analysis, stories or story_index(db))


def store_article(
    db: Database, doc: RawDocument, article: CleanArticle, analysis: Analysis, stories: StoryIndex
) -> SaveResult:
    """Store one analysed article; the story logic decides, among the candidates the
    store finds, which story it joins."""
    story = stories.story_for(article, analysis)
    try:
        result = save_article(db, doc, article, analysis, story)
    except sqlite3.IntegrityError as exc:  # rolled back: nothing of this article was written
        raise BadItem(f"not stored: {exc}") from exc
    if result == "added":
        stories.learn(story)
    return result


def story_index(db: Database) -> StoryIndex:
    """The store's word statistics, for one run's story decisions."""
    return StoryIndex(*story_store.word_frequencies(db))


def _step(name: str, doc: RawDocument, run: Callable[[], T]) -> T:
    """Run one pipeline step; a bug tripped by one document fails that document only."""
    try:
        return run()
    except BadItem:
        raise
    except ImportError as exc:  # the install is incomplete: every document would fail alike
        raise MissingModule(exc) from exc
    except Exception as exc:
        log.debug("%s failed for %s", name, doc.origin, exc_info=True)
        raise BadItem(f"{name} failed: {type(exc).__name__}: {exc}"[:200]) from exc


def _load_pipeline() -> None:
    """Import the cleaning and analysis steps up front: a package missing from the install
    (lxml_html_clean under an old pip) then stops the batch with one line, not per item."""
    try:
        import digests.analysis.analyse
        import digests.sources.clean  # noqa: F401  (imports trafilatura, justext, lxml.html.clean)
    except ImportError as exc:
        raise MissingModule(exc) from exc


class MissingModule(Exception):
    """A package ingest needs cannot be imported; the batch stops with one line."""

    def __init__(self, error: ImportError) -> None:
        text = str(error)
        if "lxml_html_clean" in text or "lxml.html.clean" in text:
            self.module = "lxml_html_clean"
        else:
            self.module = error.name or (text.splitlines()[0][:120] if text else "?")
        super().__init__(f"missing Python package: {self.module}")


def _sync_registry(db: Database) -> None:
    from digests.analysis.companies import load_registry

    sync_registry(db, load_registry().all())


def _label(doc: RawDocument) -> str:
    return doc.url or doc.origin
