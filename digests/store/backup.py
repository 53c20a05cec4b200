"""Online backup and restore of the store, through SQLite's backup API.

``backup`` reads one consistent snapshot while the bot keeps writing (WAL lets
the writer go on), checks the copy with ``PRAGMA integrity_check`` and only then
moves it into place, so a backup file that exists is a good one. The copy is a
single self-contained file (journal mode DELETE, no ``-wal`` beside it).

``restore`` refuses a file that is not an intact ictdigest database, and refuses
while the bot runs (its heartbeat in ``meta`` is fresh): a running bot would
keep its schedule and outbox state from the old data. The current database is
first saved as ``<name>.before-restore-<time>.bak``, then the backup is copied
into the same file through the backup API, so a leftover ``-wal`` can never be
replayed on top of the restored pages.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from digests.store.schema import CORPUS_MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"
# Written by the running bot every HEARTBEAT_INTERVAL seconds, removed on a clean stop.
HEARTBEAT_KEY = "bot_heartbeat"
HEARTBEAT_INTERVAL_S = 60
HEARTBEAT_STALE_AFTER_S = 3 * HEARTBEAT_INTERVAL_S
CORPUS_NAMESPACE = "corpus"


class BackupError(Exception):
    """Backup or restore refused or failed; ``str()`` is one line for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    seconds: float
    versions: dict[str, int]  # schema version per namespace, as copied


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    previous: Path | None  # where the replaced database was saved, None if there was none
    versions: dict[str, int]


def open_existing(path: Path) -> sqlite3.Connection:
    """Open an existing database without ever creating one by mistake."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite database")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=5)
        conn.execute("PRAGMA busy_timeout = 5000")
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {path}: {exc}") from None
    return conn


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` reports; empty when the database is intact."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else messages


def schema_versions(conn: sqlite3.Connection) -> dict[str, int]:
    """Schema version per namespace; empty when there is no ``schema_migrations`` table."""
    try:
        rows = conn.execute(
            "SELECT namespace, MAX(version) FROM schema_migrations GROUP BY namespace"
        ).fetchall()
    except sqlite3.DatabaseError:
        return {}
    return {str(namespace): int(version) for namespace, version in rows}


def check_ictdigest_database(conn: sqlite3.Connection, path: Path) -> dict[str, int]:
    """Raise ``BackupError`` unless ``conn`` is an intact ictdigest store; return its versions."""
    problems = integrity_problems(conn)
    if problems:
        raise BackupError(f"{path} fails the integrity check: {problems[0]}")
    versions = schema_versions(conn)
    if versions.get(CORPUS_NAMESPACE, 0) < 1:
        raise BackupError(f"{path} is not an ictdigest database (no corpus schema)")
    known = len(CORPUS_MIGRATIONS)
    if versions[CORPUS_NAMESPACE] > known:
        raise BackupError(
            f"{path} was written by a newer ictdigest (corpus schema"
            f" {versions[CORPUS_NAMESPACE]}, this one knows {known}); upgrade ictdigest first"
        )
    return versions


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def backup_destination(dest: Path, db_path: Path, now: datetime) -> Path:
    """A folder gets a time-stamped file name; an existing file is never overwritten."""
    if dest.is_dir():
        return dest / f"{db_path.stem}-{_stamp(now)}.db"
    if dest.exists():
        raise BackupError(f"{dest} already exists; choose a new file name or a folder")
    if not dest.parent.is_dir():
        raise BackupError(f"folder {dest.parent} does not exist")
    return dest


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        # One step: a single read transaction, so the copy is one consistent snapshot
        # and a writer committing meanwhile never forces the copy to restart.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode = DELETE")
        problems = integrity_problems(target)
        if problems:
            raise BackupError(f"the copy fails the integrity check: {problems[0]}")
        target.commit()
    finally:
        target.close()
    with target_path.open("rb") as fh:
        os.fsync(fh.fileno())


def backup(db_path: Path | str, dest: Path | str, *, now: datetime | None = None) -> BackupResult:
    """Copy the live database at ``db_path`` to ``dest`` (a new file, or a folder)."""
    started = time.perf_counter()
    db_path, dest = Path(db_path), Path(dest).expanduser()
    final = backup_destination(dest, db_path, now or datetime.now(UTC))
    partial = final.with_name(f".{final.name}.partial-{os.getpid()}")
    source = open_existing(db_path)
    try:
        versions = schema_versions(source)
        if not versions:
            raise BackupError(f"{db_path} is not an ictdigest database (no schema_migrations)")
        _copy(source, partial)
        os.replace(partial, final)
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {db_path} failed: {exc}") from None
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return BackupResult(final, final.stat().st_size, time.perf_counter() - started, versions)


def heartbeat_age(conn: sqlite3.Connection, now: datetime) -> float | None:
    """Seconds since the running bot last marked itself alive; None if it is not marked."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [HEARTBEAT_KEY]).fetchone()
    except sqlite3.DatabaseError:
        return None
    if row is None or not row[0]:
        return None
    return parse_heartbeat_age(str(row[0]), now)


def parse_heartbeat_age(value: str, now: datetime) -> float | None:
    """The age of a heartbeat value: JSON with an ``at`` ISO time, or a bare ISO time."""
    try:
        data = json.loads(value)
        at_text = data["at"] if isinstance(data, dict) else str(data)
        at = datetime.fromisoformat(at_text)
    except (ValueError, KeyError, TypeError):
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return (now - at).total_seconds()


def restore(
    src: Path | str,
    db_path: Path | str,
    *,
    force: bool = False,
    now: datetime | None = None,
    on_saved: Callable[[Path], None] | None = None,
) -> RestoreResult:
    """Replace the database at ``db_path`` by the backup ``src``, keeping the old one.

    Refuses while the bot runs unless ``force``. ``on_saved`` is told where the
    previous database was saved before anything is overwritten.
    """
    src, db_path = Path(src).expanduser(), Path(db_path)
    now = now or datetime.now(UTC)
    source = open_existing(src)
    try:
        versions = check_ictdigest_database(source, src)
        previous = _save_previous(db_path, now, force=force)
        if previous is not None and on_saved is not None:
            on_saved(previous)
        target = sqlite3.connect(db_path, timeout=5)
        try:
            target.execute("PRAGMA busy_timeout = 5000")
            source.backup(target, pages=-1)
            # The copied heartbeat describes the process that was running at backup time.
            target.execute("DELETE FROM meta WHERE key = ?", [HEARTBEAT_KEY])
            target.commit()
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restore into {db_path} failed: {exc}") from None
    finally:
        source.close()
    return RestoreResult(db_path, previous, versions)


def _save_previous(db_path: Path, now: datetime, *, force: bool) -> Path | None:
    if not db_path.exists():
        if not db_path.parent.is_dir():
            raise BackupError(f"folder {db_path.parent} does not exist")
        return None
    current = open_existing(db_path)
    try:
        age = heartbeat_age(current, now)
    finally:
        current.close()
    if age is not None and age < HEARTBEAT_STALE_AFTER_S and not force:
        raise BackupError(
            f"the bot is running (alive {age:.0f} s ago); stop it first, then restore"
            " (or pass --force if it is really stopped)"
        )
    saved = db_path.with_name(f"{db_path.name}.before-restore-{_stamp(now)}.bak")
    backup(db_path, saved, now=now)
    return saved
