"""Daily delivery end to end: schedule, catch-up, the error policy, exactly-once."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bot_helpers import Clock, make_app, running, seeded_db
from emulator_helpers import emulator_fixture, wait_until

from bot import chats, outbox
from bot.delivery import daily_digest_job
from bot.emulator import BotApiEmulator
from bot.schedule import job_name
from bot.services import services_of
from bot.storage import open_bot_db
from digests.store import connection

__all__ = ["emulator_fixture"]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
USER = 701


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


def subscribe(db_path: Path, chat_id: int, since: datetime, at: time = time(7, 0)) -> None:
    db = open_bot_db(db_path)
    chats.ensure_chat(db, chat_id, "private", "Lan", now=since)
    chats.set_time(db, chat_id, at, since)
    db.conn.close()


async def test_daily_job_sends_once_per_day(emulator: BotApiEmulator, db_path: Path) -> None:
    clock = Clock(datetime(2025, 3, 10, 6, 0, tzinfo=HCM))
    emulator.user_sends("/start", user_id=USER)  # the chat exists in the emulator
    subscribe(db_path, USER, clock.now - timedelta(days=1))
    app = make_app(emulator, db_path, clock)
    async with running(app):
        await emulator.await_messages(USER, 1)  # the /start answer
        queue = app.job_queue
        assert queue is not None
        # The start-up job schedules the chats; the /start answer may come before it ran.
        await wait_until(lambda: queue.get_jobs_by_name(job_name(USER)))
        [job] = queue.get_jobs_by_name(job_name(USER))
        assert job.next_t is not None
        assert job.next_t.astimezone(HCM).time() == time(7, 0)
        clock.now = datetime(2025, 3, 10, 7, 0, tzinfo=HCM)
        before = len(emulator.sent_messages(USER))
        await job.run(app)
        await job.run(app)  # a second firing the same day sends nothing more
        digest = emulator.sent_messages(USER)[before:]
        assert len(digest) >= 1
        assert "Bản tin" in digest[0]["visible_text"]
        row = await services_of(app).db.read(outbox.get_delivery, USER, clock.now.date())
        assert row is not None and row.state == "sent"
        assert callable(daily_digest_job)


async def test_missed_digest_is_caught_up_once_after_downtime(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_chat(USER)
    subscribe(db_path, USER, datetime(2025, 3, 1, tzinfo=HCM))
    clock = Clock(datetime(2025, 3, 10, 9, 30, tzinfo=HCM))  # 07:00 passed while we were down
    async with running(make_app(emulator, db_path, clock)):
        sent = await emulator.await_messages(USER, 1)
        assert "Bản tin" in sent[0]["visible_text"]
    first = len(emulator.sent_messages(USER))
    async with running(make_app(emulator, db_path, clock)):  # restart: nothing again
        await __import__("asyncio").to_thread(emulator.wait_until_quiet, 0.5)
    assert len(emulator.sent_messages(USER)) == first


async def test_blocked_chat_is_deactivated(emulator: BotApiEmulator, db_path: Path) -> None:
    emulator.add_chat(USER)
    emulator.block(USER, notify=False)
    subscribe(db_path, USER, datetime(2025, 3, 1, tzinfo=HCM))
    clock = Clock(datetime(2025, 3, 10, 9, 30, tzinfo=HCM))
    app = make_app(emulator, db_path, clock)
    async with running(app):
        await __import__("asyncio").to_thread(emulator.wait_until_quiet, 0.5)
        chat = await services_of(app).db.read(chats.get_chat, USER)
        assert chat is not None and not chat.active
        queue = app.job_queue
        assert queue is not None
        assert not [
            j for j in queue.get_jobs_by_name(job_name(USER)) if j.enabled and not j.removed
        ]
        row = await services_of(app).db.read(outbox.get_delivery, USER, clock.now.date())
        assert row is not None and row.state == "failed"


async def test_unparsable_html_is_resent_as_plain_text(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_chat(USER)
    subscribe(db_path, USER, datetime(2025, 3, 1, tzinfo=HCM))
    emulator.fail_next(
        "sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag"
    )
    clock = Clock(datetime(2025, 3, 10, 9, 30, tzinfo=HCM))
    async with running(make_app(emulator, db_path, clock)):
        sent = await emulator.await_messages(USER, 1)
    assert sent[0]["parse_mode"] is None
    assert "Bản tin" in sent[0]["visible_text"]


async def test_in_doubt_notice_button_resends_that_part_once(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    clock = Clock(datetime(2025, 3, 10, 7, 0, tzinfo=HCM))
    emulator.add_chat(USER)
    subscribe(db_path, USER, clock.now - timedelta(days=1))
    db = open_bot_db(db_path)
    row, _ = outbox.enqueue(
        db, USER, clock.now.date(), ["một", "<b>hai</b>"], max_article_id=None, article_count=2
    )
    outbox.claim_part(db, row.id, 0)  # a process died with part 0 on the wire
    db.conn.close()
    async with running(make_app(emulator, db_path, clock)):
        await emulator.await_messages(USER, 2)
        [sent_two, notice] = emulator.sent_messages(USER)
        assert (sent_two["text"], notice["text"]) == (
            "<b>hai</b>",
            "(một phần bản tin có thể chưa được gửi: Xem lại)",
        )
        [[button]] = notice["reply_markup"]["inline_keyboard"]
        mark = emulator.mark()
        emulator.press_button(USER, USER, notice["message_id"], button["callback_data"])
        [resent] = await emulator.await_messages(USER, 1, after=mark)
        assert resent["text"] == "một"
        with pytest.raises(ValueError):  # the button is gone: one tap, one resend
            emulator.press_button(USER, USER, notice["message_id"], button["callback_data"])


def test_forged_callback_data_is_refused_by_the_parser() -> None:
    from bot.handlers.parsing import parse_callback

    assert parse_callback("more:99999999999999999999:0") == ("", [])
    assert parse_callback("more:12:99999") == ("", [])
    assert parse_callback("resend:99999999999999999999:0") == ("", [])
    assert parse_callback("resend:7:1") == ("resend", ["7", "1"])
    assert parse_callback("more:12:1") == ("more", ["12", "1"])


# --------------------------------------------------------------------------- a locked database


@contextmanager
def write_lock_held(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's long write: the lock is held until the block ends."""
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)  # SQLite gives up after 0.2 s


async def test_settings_change_waits_out_a_lock_longer_than_the_busy_timeout(
    emulator: BotApiEmulator, db_path: Path, short_busy_timeout: None
) -> None:
    emulator.add_chat(USER)
    subscribe(db_path, USER, datetime(2025, 3, 1, tzinfo=HCM))
    async with running(make_app(emulator, db_path)):
        with write_lock_held(db_path):
            sent = emulator.user_sends("/time 06:15", user_id=USER)
            await asyncio.sleep(1.0)  # five busy timeouts
        [answer] = await emulator.await_messages(USER, 1, after=sent)
    assert "06:15" in answer["visible_text"]
    db = open_bot_db(db_path)
    chat = chats.get_chat(db, USER)
    db.conn.close()
    assert chat is not None and chat.time == time(6, 15)  # the change was not lost


async def test_settings_change_refused_in_clear_words_when_the_lock_outlasts_patience(
    emulator: BotApiEmulator,
    db_path: Path,
    short_busy_timeout: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator.add_chat(USER)
    subscribe(db_path, USER, datetime(2025, 3, 1, tzinfo=HCM))
    app = make_app(emulator, db_path)
    services_of(app).db.busy_patience_s = 0.5
    async with running(app):
        with write_lock_held(db_path):
            sent = emulator.user_sends("/time 06:15", user_id=USER)
            [answer] = await emulator.await_messages(USER, 1, after=sent, timeout=10)
    assert answer["visible_text"].startswith("Cơ sở dữ liệu đang bận")
    assert "không có gì bị thay đổi" in answer["visible_text"]
    assert not [r for r in caplog.records if r.exc_info]  # no traceback in the log


async def test_scheduled_digest_that_meets_a_locked_database_is_retried_and_sent_once(
    emulator: BotApiEmulator, db_path: Path, short_busy_timeout: None
) -> None:
    clock = Clock(datetime(2025, 3, 10, 7, 0, tzinfo=HCM))
    emulator.add_chat(USER)
    subscribe(db_path, USER, clock.now - timedelta(days=1), at=time(8, 0))
    app = make_app(emulator, db_path, clock)
    services_of(app).db.busy_patience_s = 0.3
    async with running(app):
        queue = app.job_queue
        assert queue is not None
        await wait_until(lambda: queue.get_jobs_by_name(job_name(USER)))  # startup scheduled it
        [job] = queue.get_jobs_by_name(job_name(USER))
        with write_lock_held(db_path):
            await job.run(app)  # 07:00: the enqueue meets the lock
        assert emulator.sent_messages(USER) == []
        [retry] = queue.get_jobs_by_name(f"retry:{job_name(USER)}")
        await retry.run(app)
        await retry.run(app)  # even a second firing sends nothing more
        await job.run(app)
    row = await services_of(app).db.read(outbox.get_delivery, USER, clock.now.date())
    assert row is not None and row.state == "sent"
    assert [m["text"] for m in emulator.sent_messages(USER)] == list(row.messages)
