"""The Telegram error policy: each error maps to exactly one action."""

from __future__ import annotations

import logging
import random
import socket
from pathlib import Path

import httpx
import pytest
from bot_helpers import SEEDS, seeded_db
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.cli import main
from bot.emulator import BotApiEmulator
from bot.errors import Kind, decide, html_to_plain
from bot.runner import wait_for_bot_api
from bot.settings import Settings
from digests.ingest import ingest
from digests.store.connection import open_db
from digests.templating import render


def _caused_by(error: Exception, cause: Exception) -> Exception:
    error.__cause__ = cause
    return error


def test_retry_after_waits_the_given_seconds() -> None:
    action = decide(RetryAfter(7))
    assert action.kind is Kind.WAIT_AND_RETRY
    assert action.wait_seconds == 7.0


def test_forbidden_deactivates_the_chat() -> None:
    assert decide(Forbidden("Forbidden: bot was blocked by the user")).kind is Kind.DEACTIVATE


def test_chat_migrated_moves_to_the_new_id() -> None:
    action = decide(ChatMigrated(-1001234567890))
    assert action.kind is Kind.MIGRATE
    assert action.new_chat_id == -1001234567890


@pytest.mark.parametrize(
    "message",
    [
        'Can\'t parse entities: unsupported start tag "foo" at byte offset 3',
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag b",
    ],
)
def test_unparsable_text_is_resent_as_plain_text(message: str) -> None:
    assert decide(BadRequest(message)).kind is Kind.RESEND_PLAIN


def test_other_bad_request_is_our_bug_and_never_retried() -> None:
    assert decide(BadRequest("Chat not found")).kind is Kind.BUG
    assert decide(BadRequest("Message is too long")).kind is Kind.BUG


def test_read_timeout_is_uncertain() -> None:
    error = _caused_by(TimedOut(), httpx.ReadTimeout("read"))
    assert decide(error).kind is Kind.UNCERTAIN


def test_connect_failure_never_reached_telegram_so_retry() -> None:
    error = _caused_by(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("x"))
    assert decide(error).kind is Kind.RETRY_NOW
    pool = _caused_by(TimedOut("Pool timeout: ... Request was *not* sent"), httpx.PoolTimeout("p"))
    assert decide(pool).kind is Kind.RETRY_NOW


def test_connection_dropped_after_sending_is_uncertain() -> None:
    error = _caused_by(NetworkError("httpx.RemoteProtocolError: x"), httpx.RemoteProtocolError("x"))
    assert decide(error).kind is Kind.UNCERTAIN


def test_unknown_exception_is_a_bug() -> None:
    assert decide(ValueError("boom")).kind is Kind.BUG


def test_html_to_plain_keeps_text_links_and_entities() -> None:
    text = '<b>VNPT &amp; Viettel</b> <a href="https://x.vn/a?b=1&amp;c=2">Đọc</a> 5 &lt; 6'
    assert html_to_plain(text) == "VNPT & Viettel Đọc (https://x.vn/a?b=1&c=2) 5 < 6"


# --------------------------------------------------------------------------- a damaged store


def _damage(path: Path, seed: int, spots: int = 60) -> None:
    """Random bytes over random places of the file, as a failing disk leaves it."""
    data = bytearray(path.read_bytes())
    rnd = random.Random(seed)
    for _ in range(spots):
        at = rnd.randrange(0, len(data) - 64)
        data[at : at + 64] = rnd.randbytes(64)
    path.write_bytes(bytes(data))


COMMANDS = [["doctor", "--quick"], ["ingest", str(SEEDS)], ["search", "Viettel"], ["digest"]]


@pytest.mark.parametrize("seed", [2, 5, 21, 33])
def test_a_damaged_store_gets_one_line_from_every_command_and_doctor_says_restore(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    seed: int,
) -> None:
    path = seeded_db(tmp_path, tmp_path_factory.getbasetemp())
    _damage(path, seed)
    for command in COMMANDS:
        code = main(["--db", str(path), *command])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        if command[0] == "doctor":
            assert code == 1
            assert "ictdigest restore" in out + err  # "… FILE" in English, "… TỆP" in Vietnamese
        elif code != 0:  # a command may still read undamaged pages; else one clear line
            assert len(err.strip().splitlines()) == 1, err
            assert "ictdigest doctor" in err


# --------------------------------------------------------------------------- Bot API unreachable


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_waits_for_an_unreachable_bot_api_with_one_line_per_try(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = _free_port()
    telegram = BotApiEmulator(port=port)
    settings = Settings(token=telegram.token, api_base_url=f"http://127.0.0.1:{port}/bot")
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            telegram.start()  # the network comes up

    caplog.set_level(logging.INFO)
    try:
        assert wait_for_bot_api(settings, sleep=sleep) is None
    finally:
        telegram.stop()
    assert pauses == [1.0, 2.0, 4.0]  # backoff
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.runner"]
    assert [line.split()[0] for line in lines] == ["event=bot_api_unreachable"] * 3 + [
        "event=bot_api_reachable"
    ]
    assert not [r for r in caplog.records if r.exc_info]


def test_run_with_a_token_telegram_rejects_ends_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with BotApiEmulator() as telegram:
        settings = Settings(token="999:wrong-token-for-this-bot", api_base_url=telegram.base_url)
        assert wait_for_bot_api(settings, sleep=lambda s: None) == 1
    assert [r.getMessage().split()[0] for r in caplog.records if r.name == "bot.runner"] == [
        "event=bot_token_rejected"
    ]


# --------------------------------------------------------------------------- a full disk


def test_ingest_on_a_full_disk_says_how_far_it_got_and_keeps_what_it_stored(
    tmp_path: Path,
) -> None:
    db = open_db(tmp_path / "full.db")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 30}")  # room for two of the five seeds
    report = ingest(db, [str(SEEDS)])
    assert (report.added, report.stopped_because) == (2, "disk_full")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2  # kept, none half
    text = render("ingest_report", lang="vi", report=report)
    assert "Đã dừng giữa chừng sau 2 mục: ổ đĩa đã đầy." in text
    assert "2 bài đã ghi trước đó vẫn được giữ và kho không hỏng" in text
    db.execute("PRAGMA max_page_count = 1000000")  # space freed: the same command finishes
    again = ingest(db, [str(SEEDS)])
    assert (again.added, again.skipped, again.stopped) == (3, 2, None)
