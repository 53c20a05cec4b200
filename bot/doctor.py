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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx
from sqlite_utils import Database

from bot import texts
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
from digests.store.connection import resolve_db_path
from digests.store.meta import set_meta
from digests.store.schema import CORPUS_MIGRATIONS
from digests.store.transactions import write_transaction

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
    detail: str  # for ok: what was seen; otherwise: what to do (English)
    applies: bool = True  # False: nothing to check here (e.g. no bot ever ran on this store)
    # The template code and values behind ``detail``, to tell it in another language.
    code: str = field(default="", compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def line(self, lang: str = "en") -> str:
        status = "na" if not self.applies else "ok" if self.ok else "fix"
        detail = (
            self.detail if lang == "en" or not self.code else say(lang, self.code, **self.params)
        )
        return f"{self.name:<10} {say(lang, 'status', status=status)} {detail}".rstrip()


def say(lang: str, code: str, **params: Any) -> str:
    """One doctor phrase from bot/templates/<lang>/doctor.txt.j2."""
    return texts.plain("doctor", lang, None, code=code, **params)


def _check(name: str, ok: bool, code: str, *, applies: bool = True, **params: Any) -> Check:
    return Check(name, ok, say("en", code, **params), applies, code, params)


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
    behind = [(ns, versions.get(ns, 0), v) for ns, v in latest.items() if versions.get(ns, 0) < v]
    ahead = [(ns, versions[ns], v) for ns, v in latest.items() if versions.get(ns, 0) > v]
    if ahead:
        return _check("schema", False, "schema_ahead", items=ahead)
    if behind:
        return _check("schema", False, "schema_behind", items=behind)
    return _check("schema", True, "schema_ok", items=list(latest.items()))


def check_store_schema(versions: Mapping[str, int], latest: Mapping[str, int]) -> Check:
    """As check_schema, but a store no bot has started on (CLI only) is healthy: the bot's
    tables are created by its first start, so they are not "behind"."""
    if versions.get(BOT_NAMESPACE, 0) == 0 and versions.get(CORPUS_NAMESPACE, 0) > 0:
        corpus = {CORPUS_NAMESPACE: latest[CORPUS_NAMESPACE]}
        found = check_schema(versions, corpus)
        if found.ok:
            return _check("schema", True, "schema_cli_only", version=latest[CORPUS_NAMESPACE])
        return found
    return check_schema(versions, latest)


def check_scheduler(
    active_chats: Sequence[int],
    heartbeat: Heartbeat | None,
    now: datetime,
    *,
    bot_used: bool = True,
) -> Check:
    """Compare the running bot's digest jobs (from its heartbeat) with the active chats.

    ``bot_used`` False: no bot ever started on this store (it is used by the CLI only), so
    there is no schedule to check."""
    if not bot_used and heartbeat is None:
        return _check("scheduler", True, "cli_only", applies=False)
    if heartbeat is None:
        return _check("scheduler", False, "no_heartbeat")
    age = (now - heartbeat.at).total_seconds()
    if age > HEARTBEAT_STALE_AFTER_S:
        return _check("scheduler", False, "stale", ago=_ago(age))
    expected = {job_name(chat_id) for chat_id in active_chats}
    running = {name for name in heartbeat.jobs if name.startswith(DIGEST_JOB_PREFIX)}
    missing, extra = sorted(expected - running), sorted(running - expected)
    if missing or extra:
        return _check("scheduler", False, "jobs_mismatch", missing=missing, extra=extra)
    return _check("scheduler", True, "scheduler_ok", count=len(expected), ago=_ago(age))


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
    names = ("integrity", "schema", "scheduler")
    if not path.exists():
        return [
            _check("database", False, "no_database", path=str(path)),
            *(_check(name, False, "not_checked") for name in names),
        ]
    try:
        conn = open_existing(path)
    except BackupError as exc:
        return [
            _check("database", False, "open_failed", error=str(exc)),
            *(_check(n, False, "not_checked") for n in names),
        ]
    # Damaged pages can hand back bytes that are not UTF-8 (even in error messages):
    # read them as text with replacement characters so the damage is reported, not raised.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        integrity = _integrity(conn, quick=quick)
        try:
            versions = schema_versions(conn)
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            return [
                _check("database", True, "database_ok", path=str(path), size=_size(path)),
                integrity,
                *(_check(n, False, "schema_unreadable") for n in names[1:]),
            ]
        return [
            _check("database", True, "database_ok", path=str(path), size=_size(path)),
            integrity,
            check_store_schema(
                versions,
                {CORPUS_NAMESPACE: len(CORPUS_MIGRATIONS), BOT_NAMESPACE: len(BOT_MIGRATIONS)},
            ),
            check_scheduler(
                _active_chats(conn),
                _read_heartbeat(conn),
                now,
                bot_used=versions.get(BOT_NAMESPACE, 0) > 0,
            ),
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
        return _check("integrity", True, "integrity_ok", pragma=pragma)
    problems = [
        line for row in rows for line in row.splitlines() if line.strip() and line[:3] != "***"
    ]
    first = problems[0] if problems else "damage"
    return _check(
        "integrity", False, "integrity_bad", pragma=pragma, row=repr(first[:120]),
        more=len(problems) - 1,
    )  # fmt: skip


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
        return _check("token", False, "token_unset", var=var)
    try:
        response = await client.get(settings.api_url("getMe"), timeout=TOKEN_TIMEOUT_S)
    except httpx.HTTPError as exc:
        where = redact(settings.api_base_url, settings.secrets)
        return _check(
            "token",
            False,
            "token_unreachable",
            where=where,
            error=type(exc).__name__,
            api_var=ENV_VARS["api_base_url"],
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
        return _check(
            "token", True, "token_ok", username=me.get("username", "?"), id=me.get("id", "?")
        )
    if status in (401, 404):
        return _check("token", False, "token_rejected", status=status, var=var)
    description = str(payload.get("description") or f"HTTP {status}")
    return _check(
        "token", False, "token_failed", description=description, api_var=ENV_VARS["api_base_url"]
    )


async def check_source(source: str, client: httpx.AsyncClient) -> dict[str, Any] | None:
    """None if ``source`` answers (or, for a path, is readable); else why not (code, values)."""
    if not source.startswith(("http://", "https://")):
        path = Path(source).expanduser()
        if not path.exists():
            return {"source": source, "code": "missing"}
        return None if os.access(path, os.R_OK) else {"source": source, "code": "unreadable"}
    try:
        response = await client.head(source, timeout=SOURCE_TIMEOUT_S, follow_redirects=True)
        if response.status_code in (403, 405, 501):  # some servers refuse HEAD only
            async with client.stream(
                "GET", source, timeout=SOURCE_TIMEOUT_S, follow_redirects=True
            ) as streamed:
                response = streamed
    except httpx.TimeoutException:
        return {"source": source, "code": "timeout", "seconds": f"{SOURCE_TIMEOUT_S:g}"}
    except httpx.HTTPError as exc:
        return {"source": source, "code": "error", "error": type(exc).__name__}
    if response.status_code >= 400:
        return {"source": source, "code": "status", "status": response.status_code}
    return None


async def check_sources(sources: Sequence[str], client: httpx.AsyncClient) -> Check:
    var = ENV_VARS["sources"]
    if not sources:
        return _check("sources", False, "sources_none", var=var)
    problems = [p for p in await asyncio.gather(*(check_source(s, client) for s in sources)) if p]
    if problems:
        return _check("sources", False, "sources_bad", problems=problems, var=var)
    return _check("sources", True, "sources_ok", count=len(sources))


# --- running them -----------------------------------------------------------------------------


async def run_doctor_async(
    settings: Settings,
    *,
    out: TextIO,
    quick: bool = False,
    now: datetime | None = None,
    lang: str = "en",
) -> int:
    """Run the checks, print one line each to ``out``, return the exit code (0 ok, 1 fix)."""
    now = now or datetime.now(UTC)
    path = settings.db_path or resolve_db_path(None)
    checks = _database_checks(path, quick=quick, now=now)
    if not quick:
        async with httpx.AsyncClient(headers={"User-Agent": "ictdigest-doctor"}) as client:
            checks.append(await check_token(settings, client))
            checks.append(await check_sources(settings.sources, client))
    return report(checks, out, secrets=settings.secrets, lang=lang)


def report(
    checks: Iterable[Check], out: TextIO, *, secrets: Sequence[str] = (), lang: str = "en"
) -> int:
    checks = list(checks)
    for check in checks:
        print(redact(check.line(lang), secrets), file=out)
    print(summary(checks, lang), file=out)
    return 0 if all(c.ok for c in checks) else 1


def summary(checks: Sequence[Check], lang: str = "en") -> str:
    """The last line: what needs a fix, else that all is healthy and what did not apply."""
    failing = sum(not c.ok for c in checks)
    if failing:
        return say(lang, "summary_fix", count=failing)
    return say(lang, "summary_ok", idle=[c.name for c in checks if not c.applies])


def run_doctor(
    settings: Settings,
    *,
    out: TextIO,
    quick: bool = False,
    now: datetime | None = None,
    lang: str = "en",
) -> int:
    """``run_doctor_async`` for synchronous callers (the CLI)."""
    return asyncio.run(run_doctor_async(settings, out=out, quick=quick, now=now, lang=lang))
