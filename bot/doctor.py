"""``ictdigest doctor``: is this deployment healthy, and if not, what to do.

Each check prints one line, ``ok (…)`` or ``fix: <what to do>``; the exit code
is 0 when every check is ok and 1 otherwise.

How a separate process can tell whether the *running* bot scheduled every chat:
the bot writes a heartbeat into ``meta`` every ``HEARTBEAT_INTERVAL_S`` seconds
(``record_heartbeat``, called from a repeating job) holding the time, its pid and
the names and next run times of the jobs in its JobQueue. The doctor compares
those job names with the active chats in the database. A heartbeat older than
``HEARTBEAT_STALE_AFTER_S`` means the bot is not running (or is hung), which is
itself the thing to fix. ``--quick`` (the container HEALTHCHECK) runs only the
checks that need no network: database, integrity (``quick_check``), schema and
scheduler — so it also tells whether the bot process is alive.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx
from sqlite_utils import Database

from bot.logs import redact
from bot.schedule import job_name
from bot.settings import ENV_VARS, Settings
from bot.storage import BOT_MIGRATIONS
from bot.storage import NAMESPACE as BOT_NAMESPACE
from digests.store.backup import (
    CORPUS_NAMESPACE,
    HEARTBEAT_INTERVAL_S,
    HEARTBEAT_KEY,
    HEARTBEAT_STALE_AFTER_S,
    BackupError,
    open_existing,
    schema_versions,
)
from digests.store.store import CORPUS_MIGRATIONS, resolve_db_path, set_meta, write_transaction

TOKEN_TIMEOUT_S = 10.0
SOURCE_TIMEOUT_S = 5.0
DIGEST_JOB_PREFIX = "digest:"

__all__ = [
    "HEARTBEAT_INTERVAL_S",
    "Check",
    "clear_heartbeat",
    "heartbeat_value",
    "record_heartbeat",
    "run_doctor",
    "run_doctor_async",
]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # for ok: what was seen; otherwise: what to do

    def line(self) -> str:
        return f"{self.name:<10} {'ok' if self.ok else 'fix:'} {self.detail}".rstrip()


# --- heartbeat, written by the running bot ---------------------------------------------------


def heartbeat_value(
    jobs: Mapping[str, datetime | None], *, now: datetime, pid: int | None = None
) -> str:
    """The JSON the running bot stores: when, which process, and its jobs' next runs."""
    return json.dumps(
        {
            "at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "pid": os.getpid() if pid is None else pid,
            "jobs": {
                name: None if at is None else at.isoformat(timespec="seconds")
                for name, at in sorted(jobs.items())
            },
        },
        ensure_ascii=False,
    )


def record_heartbeat(
    db: Database, jobs: Mapping[str, datetime | None], *, now: datetime | None = None
) -> None:
    """Mark the bot alive with its JobQueue's jobs (name → next run time)."""
    set_meta(db, HEARTBEAT_KEY, heartbeat_value(jobs, now=now or datetime.now(UTC)))


def clear_heartbeat(db: Database) -> None:
    """On a clean stop: the bot is no longer running."""
    with write_transaction(db):
        db.execute("DELETE FROM meta WHERE key = ?", [HEARTBEAT_KEY])


@dataclass(frozen=True)
class Heartbeat:
    at: datetime
    pid: int | None
    jobs: dict[str, str | None]


def parse_heartbeat(value: str | None) -> Heartbeat | None:
    if not value:
        return None
    try:
        data = json.loads(value)
        at = datetime.fromisoformat(data["at"])
        jobs = data.get("jobs") or {}
        if isinstance(jobs, list):
            jobs = dict.fromkeys(jobs)
        return Heartbeat(at if at.tzinfo else at.replace(tzinfo=UTC), data.get("pid"), jobs)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


# --- checks: each returns a Check, decisions in pure functions --------------------------------


def check_schema(versions: Mapping[str, int], latest: Mapping[str, int]) -> Check:
    behind = [
        f"{ns} at {versions.get(ns, 0)} of {v}"
        for ns, v in latest.items()
        if versions.get(ns, 0) < v
    ]
    ahead = [
        f"{ns} at {versions[ns]}, this ictdigest knows {v}"
        for ns, v in latest.items()
        if versions.get(ns, 0) > v
    ]
    if ahead:
        return Check(
            "schema", False, f"written by a newer ictdigest ({', '.join(ahead)}); upgrade ictdigest"
        )
    if behind:
        return Check(
            "schema",
            False,
            f"not up to date ({', '.join(behind)}); start the bot once, migrations apply on start",
        )
    shown = ", ".join(f"{ns} v{v}" for ns, v in latest.items())
    return Check("schema", True, f"({shown})")


def check_scheduler(
    active_chats: Sequence[int], heartbeat: Heartbeat | None, now: datetime
) -> Check:
    """Compare the running bot's digest jobs (from its heartbeat) with the active chats."""
    if heartbeat is None:
        return Check("scheduler", False, "the bot is not running (no heartbeat); start it")
    age = (now - heartbeat.at).total_seconds()
    if age > HEARTBEAT_STALE_AFTER_S:
        return Check(
            "scheduler",
            False,
            f"the bot is not running or is stuck (last heartbeat {_ago(age)} ago); restart it",
        )
    expected = {job_name(chat_id) for chat_id in active_chats}
    running = {name for name in heartbeat.jobs if name.startswith(DIGEST_JOB_PREFIX)}
    missing, extra = sorted(expected - running), sorted(running - expected)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} active chat(s) without a daily job ({_few(missing)})")
        if extra:
            parts.append(f"{len(extra)} job(s) for inactive chats ({_few(extra)})")
        return Check("scheduler", False, "; ".join(parts) + "; restart the bot and report a bug")
    return Check(
        "scheduler",
        True,
        f"({len(expected)} active chat(s), a daily job for each; bot alive {_ago(age)} ago)",
    )


def _few(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} kB"


def _database_checks(path: Path, *, quick: bool, now: datetime) -> list[Check]:
    skipped = "not checked: the database does not open"
    names = ("integrity", "schema", "scheduler")
    if not path.exists():
        return [
            Check(
                "database",
                False,
                f"no database at {path} yet; run `ictdigest ingest` or"
                " start the bot, or set ICTDIGEST_DB to the right file",
            ),
            *(Check(name, False, skipped) for name in names),
        ]
    try:
        conn = open_existing(path)
    except BackupError as exc:
        return [Check("database", False, f"{exc}"), *(Check(n, False, skipped) for n in names)]
    # Damaged pages can hand back bytes that are not UTF-8 (even in error messages):
    # read them as text with replacement characters so the damage is reported, not raised.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        integrity = _integrity(conn, quick=quick)
        try:
            versions = schema_versions(conn)
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            return [
                Check("database", True, f"({path}, {_size(path)})"),
                integrity,
                *(Check(n, False, "not checked: the schema is unreadable") for n in names[1:]),
            ]
        return [
            Check("database", True, f"({path}, {_size(path)})"),
            integrity,
            check_schema(
                versions,
                {CORPUS_NAMESPACE: len(CORPUS_MIGRATIONS), BOT_NAMESPACE: len(BOT_MIGRATIONS)},
            ),
            check_scheduler(_active_chats(conn), _read_heartbeat(conn), now),
        ]
    finally:
        conn.close()


def _integrity(conn: sqlite3.Connection, *, quick: bool) -> Check:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        rows = [_damage(exc)]
    if rows == ["ok"]:
        return Check("integrity", True, f"({pragma})")
    problems = [
        line for row in rows for line in row.splitlines() if line.strip() and line[:3] != "***"
    ]
    first = problems[0] if problems else "damage"
    more = f" and {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""
    return Check(
        "integrity",
        False,
        f"{pragma} reports {first[:120]!r}{more}: the file is damaged, stop the bot;"
        " restore the latest backup (`ictdigest restore FILE`)",
    )


def _damage(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "unreadable bytes where text was expected (damaged pages)"
    return str(exc)


def _active_chats(conn: sqlite3.Connection) -> list[int]:
    try:
        return [int(r[0]) for r in conn.execute("SELECT chat_id FROM chats WHERE active = 1")]
    except (sqlite3.DatabaseError, UnicodeDecodeError, ValueError):
        return []


def _read_heartbeat(conn: sqlite3.Connection) -> Heartbeat | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [HEARTBEAT_KEY]).fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return None
    return None if row is None else parse_heartbeat(row[0])


async def check_token(settings: Settings, client: httpx.AsyncClient) -> Check:
    var = ENV_VARS["token"]
    if settings.token is None:
        return Check(
            "token",
            False,
            f"{var} is not set; get a token from @BotFather"
            " (without one the bot only talks to the local emulator)",
        )
    try:
        response = await client.get(settings.api_url("getMe"), timeout=TOKEN_TIMEOUT_S)
    except httpx.HTTPError as exc:
        where = redact(settings.api_base_url, settings.secrets)
        return Check(
            "token",
            False,
            f"cannot reach {where} ({type(exc).__name__}); check the"
            f" network or {ENV_VARS['api_base_url']}",
        )
    return token_verdict(response.status_code, _json(response))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def token_verdict(status: int, payload: Mapping[str, Any]) -> Check:
    """What a getMe answer says about the token."""
    var = ENV_VARS["token"]
    me = payload.get("result") if payload.get("ok") else None
    if status == 200 and isinstance(me, dict):
        return Check("token", True, f"(@{me.get('username', '?')}, id {me.get('id', '?')})")
    if status in (401, 404):
        return Check(
            "token",
            False,
            f"Telegram rejected the token ({status}); copy it again from @BotFather into {var}",
        )
    description = str(payload.get("description") or f"HTTP {status}")
    return Check(
        "token",
        False,
        f"getMe failed: {description}; check {ENV_VARS['api_base_url']} and try again later",
    )


async def check_source(source: str, client: httpx.AsyncClient) -> str | None:
    """None if ``source`` answers (or, for a path, is readable); else why not."""
    if not source.startswith(("http://", "https://")):
        path = Path(source).expanduser()
        if not path.exists():
            return f"{source} does not exist"
        return None if os.access(path, os.R_OK) else f"{source} is not readable"
    try:
        response = await client.head(source, timeout=SOURCE_TIMEOUT_S, follow_redirects=True)
        if response.status_code in (403, 405, 501):  # some servers refuse HEAD only
            async with client.stream(
                "GET", source, timeout=SOURCE_TIMEOUT_S, follow_redirects=True
            ) as streamed:
                response = streamed
    except httpx.TimeoutException:
        return f"{source} does not answer within {SOURCE_TIMEOUT_S:g} s"
    except httpx.HTTPError as exc:
        return f"{source} does not answer ({type(exc).__name__})"
    if response.status_code >= 400:
        return f"{source} answers HTTP {response.status_code}"
    return None


async def check_sources(sources: Sequence[str], client: httpx.AsyncClient) -> Check:
    if not sources:
        return Check(
            "sources",
            False,
            f"none configured; list feeds or pages in"
            f" {ENV_VARS['sources']} so the bot has news to ingest",
        )
    problems = [p for p in await asyncio.gather(*(check_source(s, client) for s in sources)) if p]
    if problems:
        return Check("sources", False, "; ".join(problems) + f" — check {ENV_VARS['sources']}")
    return Check("sources", True, f"({len(sources)} answer)")


# --- running them -----------------------------------------------------------------------------


async def run_doctor_async(
    settings: Settings, *, out: TextIO, quick: bool = False, now: datetime | None = None
) -> int:
    """Run the checks, print one line each to ``out``, return the exit code (0 ok, 1 fix)."""
    now = now or datetime.now(UTC)
    path = settings.db_path or resolve_db_path(None)
    checks = _database_checks(path, quick=quick, now=now)
    if not quick:
        async with httpx.AsyncClient(headers={"User-Agent": "ictdigest-doctor"}) as client:
            checks.append(await check_token(settings, client))
            checks.append(await check_sources(settings.sources, client))
    return report(checks, out, secrets=settings.secrets)


def report(checks: Iterable[Check], out: TextIO, *, secrets: Sequence[str] = ()) -> int:
    checks = list(checks)
    for check in checks:
        print(redact(check.line(), secrets), file=out)
    failing = sum(not c.ok for c in checks)
    print("all checks ok" if not failing else f"{failing} check(s) need a fix", file=out)
    return 0 if not failing else 1


def run_doctor(
    settings: Settings, *, out: TextIO, quick: bool = False, now: datetime | None = None
) -> int:
    """``run_doctor_async`` for synchronous callers (the CLI)."""
    return asyncio.run(run_doctor_async(settings, out=out, quick=quick, now=now))
