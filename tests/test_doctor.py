"""``ictdigest doctor`` against a real store, the Bot API emulator and local HTTP sources."""

from __future__ import annotations

import io
import re
import socket
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.chats import ensure_chat, set_active
from bot.doctor import (
    Check,
    check_scheduler,
    clear_heartbeat,
    heartbeat_value,
    parse_heartbeat,
    record_heartbeat,
    run_doctor,
    token_verdict,
)
from bot.emulator.server import BotApiEmulator
from bot.settings import Settings
from bot.storage import BOT_MIGRATIONS, open_bot_db
from digests.store.connection import open_db
from digests.store.schema import CORPUS_MIGRATIONS

TOKEN = "123456789:AAHfakefakefakefakefakefakefake_-xyz"
NOW = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)
# Versions grow as migrations are added; the line's shape is what is under test.
SCHEMA_OK = f"schema     ok (corpus v{len(CORPUS_MIGRATIONS)}, bot v{len(BOT_MIGRATIONS)})"


@pytest.fixture
def sources() -> Iterator[dict[str, str]]:
    """One source that answers, one that refuses HEAD but answers GET, one 404, one down."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_HEAD(self) -> None:
            self._reply({"/feed.xml": 200, "/nohead": 405}.get(self.path, 404))

        def do_GET(self) -> None:
            self._reply({"/feed.xml": 200, "/nohead": 200}.get(self.path, 404))

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    down_port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield {
        "up": f"{base}/feed.xml",
        "nohead": f"{base}/nohead",
        "missing": f"{base}/gone.xml",
        "down": f"http://127.0.0.1:{down_port}/rss",
    }
    server.shutdown()
    server.server_close()


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    with BotApiEmulator(token=TOKEN, username="newsroom_bot") as emu:
        yield emu


def healthy_store(path: Path, *, jobs_for: tuple[int, ...] = (42, -1001)) -> None:
    db = open_bot_db(path)
    ensure_chat(db, 42, "private", None, now=NOW)
    ensure_chat(db, -1001, "supergroup", "Phòng CNTT", now=NOW)
    ensure_chat(db, -2002, "group", "Đã rời", now=NOW)
    set_active(db, -2002, False)
    jobs: dict[str, datetime | None] = {f"digest:{c}": NOW + timedelta(hours=23) for c in jobs_for}
    jobs["ingest"] = None
    record_heartbeat(db, jobs, now=NOW - timedelta(seconds=30))
    db.conn.close()


def doctor(settings: Settings, *, quick: bool = False) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = run_doctor(settings, out=out, quick=quick, now=NOW)
    return code, out.getvalue().splitlines()


def test_a_healthy_deployment_is_all_ok(
    tmp_path: Path, emulator: BotApiEmulator, sources: dict[str, str]
) -> None:
    path = tmp_path / "ictdigest.db"
    healthy_store(path)
    feed_file = tmp_path / "seed.txt"
    feed_file.write_text("x")
    settings = Settings(
        token=TOKEN,
        api_base_url=emulator.base_url,
        db_path=path,
        sources=(sources["up"], sources["nohead"], str(feed_file)),
    )
    code, lines = doctor(settings)
    assert re.fullmatch(rf"database   ok \({re.escape(str(path))}, \d+ kB\)", lines[0])
    assert lines[1:] == [
        "integrity  ok (integrity_check)",
        SCHEMA_OK,
        "scheduler  ok (2 active chat(s), a daily job for each; bot alive 30 s ago)",
        "token      ok (@newsroom_bot, id 123456789)",
        "sources    ok (3 answer)",
        "all checks ok",
    ]
    assert code == 0


def test_each_problem_gets_a_fix(
    tmp_path: Path, emulator: BotApiEmulator, sources: dict[str, str]
) -> None:
    path = tmp_path / "ictdigest.db"
    healthy_store(path, jobs_for=(42, -2002))
    wrong_token = "123456789:BBBthisisnotthetokentheemulatorknows"
    settings = Settings(
        token=wrong_token,
        api_base_url=emulator.base_url,
        db_path=path,
        sources=(sources["up"], sources["missing"], sources["down"], "/no/such/folder"),
    )
    code, lines = doctor(settings)
    assert lines[3:] == [
        "scheduler  fix: 1 active chat(s) without a daily job (digest:-1001); 1 job(s) for"
        " inactive chats (digest:-2002); restart the bot and report a bug",
        "token      fix: Telegram rejected the token (401); copy it again from @BotFather into"
        " TELEGRAM_BOT_TOKEN",
        f"sources    fix: {sources['missing']} answers HTTP 404; {sources['down']} does not"
        " answer (ConnectError); /no/such/folder does not exist — check ICTDIGEST_SOURCES",
        "3 check(s) need a fix",
    ]
    assert code == 1
    assert all(wrong_token not in line for line in lines)


def test_unreachable_api_and_no_token(tmp_path: Path) -> None:
    path = tmp_path / "ictdigest.db"
    healthy_store(path)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings = Settings(token=TOKEN, api_base_url=f"http://127.0.0.1:{port}/bot", db_path=path)
    code, lines = doctor(settings)
    assert lines[4:] == [
        f"token      fix: cannot reach http://127.0.0.1:{port}/bot (ConnectError); check the"
        " network or TELEGRAM_API_BASE_URL",
        "sources    fix: none configured; list feeds or pages in ICTDIGEST_SOURCES so the bot"
        " has news to ingest",
        "2 check(s) need a fix",
    ]
    assert code == 1
    _, lines = doctor(Settings(db_path=path))
    assert lines[4] == (
        "token      fix: TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather (without one"
        " the bot only talks to the local emulator)"
    )


def test_quick_mode_needs_no_network_and_tells_whether_the_bot_runs(tmp_path: Path) -> None:
    path = tmp_path / "ictdigest.db"
    healthy_store(path)
    # An address that would hang or fail if quick mode touched the network.
    settings = Settings(token=TOKEN, api_base_url="http://192.0.2.1/bot", db_path=path)
    code, lines = doctor(settings, quick=True)
    assert lines[1:] == [
        "integrity  ok (quick_check)",
        SCHEMA_OK,
        "scheduler  ok (2 active chat(s), a daily job for each; bot alive 30 s ago)",
        "all checks ok",
    ]
    assert code == 0
    db = open_bot_db(path)
    clear_heartbeat(db)
    db.conn.close()
    code, lines = doctor(settings, quick=True)
    assert lines[3] == "scheduler  fix: the bot is not running (no heartbeat); start it"
    assert code == 1


def test_no_database_yet(tmp_path: Path) -> None:
    path = tmp_path / "nothing" / "ictdigest.db"
    code, lines = doctor(Settings(db_path=path), quick=True)
    assert lines == [
        f"database   fix: no database at {path} yet; run `ictdigest ingest` or start the bot,"
        " or set ICTDIGEST_DB to the right file",
        "integrity  fix: not checked: the database does not open",
        "schema     fix: not checked: the database does not open",
        "scheduler  fix: not checked: the database does not open",
        "4 check(s) need a fix",
    ]
    assert code == 1
    assert not path.exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "ictdigest.db"
    path.write_text("not sqlite at all, just text that is long enough")
    code, lines = doctor(Settings(db_path=path), quick=True)
    assert lines[0] == f"database   fix: {path} is not an SQLite database"
    assert code == 1


def test_damaged_database_and_schema_behind(tmp_path: Path) -> None:
    path = tmp_path / "ictdigest.db"
    db = open_db(path)  # corpus only: the bot never started on it
    db.conn.execute("BEGIN")
    db.conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)", [(f"k{i}", "v" * 500) for i in range(400)]
    )
    db.conn.execute("COMMIT")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    code, lines = doctor(Settings(db_path=path), quick=True)
    # A store only the CLI used is healthy: the bot adds its tables when it first starts.
    assert lines[2:] == [
        f"schema     ok (corpus v{len(CORPUS_MIGRATIONS)}; the bot's tables come with its first"
        " start)",
        "scheduler  n/a (no bot has started on this store: CLI use only; `ictdigest run` starts"
        " one)",
        "all checks ok (scheduler: not applicable)",
    ]
    assert code == 0
    data = bytearray(path.read_bytes())
    data[3 * 4096 : 4 * 4096] = b"\x00\x01" * 2048
    path.write_bytes(bytes(data))
    code, lines = doctor(Settings(db_path=path))
    assert lines[1].startswith("integrity  fix: integrity_check reports ")
    assert lines[1].endswith("; restore the latest backup (`ictdigest restore FILE`)")
    assert code == 1


def test_scheduler_verdicts() -> None:
    beat = parse_heartbeat(heartbeat_value({"digest:1": None}, now=NOW, pid=7))
    assert beat is not None
    assert beat.pid == 7
    assert check_scheduler([1], beat, NOW + timedelta(minutes=10)) == Check(
        "scheduler",
        False,
        "the bot is not running or is stuck (last heartbeat 10 min ago); restart it",
    )
    assert check_scheduler([1], beat, NOW + timedelta(seconds=5)).ok
    no_jobs = parse_heartbeat('{"at": "2025-06-01T01:00:00"}')
    assert check_scheduler([3], no_jobs, NOW).detail == (
        "1 active chat(s) without a daily job (digest:3); restart the bot and report a bug"
    )
    assert check_scheduler(list(range(7)), beat, NOW).detail == (
        "6 active chat(s) without a daily job (digest:0, digest:2, digest:3, digest:4,"
        " digest:5 and 1 more); restart the bot and report a bug"
    )
    assert parse_heartbeat("garbage") is None


def test_heartbeat_value_is_json_with_next_runs() -> None:
    value = heartbeat_value(
        {"digest:5": datetime(2025, 6, 2, 7, 0, tzinfo=UTC), "ingest": None}, now=NOW, pid=3
    )
    assert value == (
        '{"at": "2025-06-01T01:00:00+00:00", "pid": 3, "jobs": '
        '{"digest:5": "2025-06-02T07:00:00+00:00", "ingest": null}}'
    )


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (200, {"ok": True, "result": {"id": 5, "username": "x_bot"}}, "ok (@x_bot, id 5)"),
        (404, {"ok": False}, "fix: Telegram rejected the token (404)"),
        (502, {}, "fix: getMe failed: HTTP 502; check TELEGRAM_API_BASE_URL"),
        (429, {"ok": False, "description": "Too Many Requests"}, "fix: getMe failed: Too Many"),
    ],
)
def test_token_verdicts(status: int, payload: dict[str, object], expected: str) -> None:
    assert token_verdict(status, payload).line().startswith(f"token      {expected}")


def test_the_heartbeat_lives_in_meta(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    healthy_store(path)
    conn = sqlite3.connect(path)
    (value,) = conn.execute("SELECT value FROM meta WHERE key = 'bot_heartbeat'").fetchone()
    conn.close()
    assert value.startswith('{"at": "2025-06-01T00:59:30+00:00", "pid": ')


def test_doctor_speaks_vietnamese_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "ictdigest.db"
    healthy_store(path)
    out = io.StringIO()
    code = run_doctor(Settings(db_path=path), out=out, quick=True, now=NOW, lang="vi")
    lines = out.getvalue().splitlines()
    assert lines[1:] == [
        "integrity  ổn (quick_check)",
        f"schema     ổn (corpus v{len(CORPUS_MIGRATIONS)}, bot v{len(BOT_MIGRATIONS)})",
        "scheduler  ổn (2 cuộc trò chuyện đang bật, mỗi cuộc có lịch gửi; bot còn sống cách"
        " đây 30 s)",
        "mọi mục đều ổn",
    ]
    assert code == 0
    out = io.StringIO()
    run_doctor(Settings(db_path=tmp_path / "none.db"), out=out, quick=True, now=NOW, lang="vi")
    assert out.getvalue().splitlines()[-1] == "4 mục cần sửa"
