"""Each row of the Telegram error policy, end to end: the real Application over HTTP
against the Bot API emulator, which answers the daily digest's sends with the error."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bot_helpers import add_long_digest, seeded_db
from emulator_helpers import emulator_fixture
from telegram.ext import Application

from bot import chats, outbox
from bot.app import build_application
from bot.delivery import deliver, schedule
from bot.emulator import BotApiEmulator
from bot.outbox import Delivery
from bot.schedule import job_name
from bot.services import services_of
from bot.settings import Settings
from bot.storage import open_bot_db

__all__ = ["emulator_fixture"]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 3, 10, 7, 0, tzinfo=HCM)
DAY = date(2025, 3, 10)
USER = 901
GROUP = -4902
App = Application[Any, Any, Any, Any, Any, Any]
IN_DOUBT_NOTICE = "(một phần bản tin có thể chưa được gửi: Xem lại)"


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


def add_chat(
    db_path: Path,
    chat_id: int,
    chat_type: str = "private",
    themes: list[str] | None = ["telecom", "postal"],  # noqa: B006 - never mutated
) -> None:
    db = open_bot_db(db_path)
    chats.ensure_chat(db, chat_id, chat_type, "Ban biên tập", now=datetime(2025, 3, 1, tzinfo=UTC))
    chats.set_themes(db, chat_id, themes)
    db.conn.close()


@asynccontextmanager
async def started(emu: BotApiEmulator, db_path: Path, **options: Any) -> AsyncIterator[App]:
    """The Application initialised and its JobQueue running, without polling for updates."""
    settings = Settings(token=emu.token, db_path=db_path)
    app = build_application(settings, base_url=emu.base_url, clock=lambda: NOW, **options)
    async with app:
        await app.start()
        try:
            for chat in await services_of(app).db.read(chats.list_chats, active_only=True):
                schedule(app, chat)
            yield app
        finally:
            await app.stop()


async def digest_for(app: App, chat_id: int) -> Delivery:
    row = await deliver(app, chat_id, DAY)
    assert row is not None
    return row


def texts_sent(emu: BotApiEmulator, chat_id: int) -> list[str]:
    return [m["text"] for m in emu.sent_messages(chat_id)]


def has_job(app: App, chat_id: int) -> bool:
    assert app.job_queue is not None
    return any(not j.removed for j in app.job_queue.get_jobs_by_name(job_name(chat_id)))


async def test_retry_after_waits_then_retries(emulator: BotApiEmulator, db_path: Path) -> None:
    emulator.add_chat(USER)
    add_chat(db_path, USER)
    emulator.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    # Without PTB's limiter the 429 reaches the policy itself (the limiter retries alone).
    async with started(emulator, db_path, rate_limit=False) as app:
        began = time.monotonic()
        row = await digest_for(app, USER)
        waited = time.monotonic() - began
    assert row.state == "sent"
    assert waited >= 1.0
    assert texts_sent(emulator, USER) == list(row.messages)  # each part once, none lost
    assert emulator.method_calls().count("sendmessage") == len(row.messages) + 1


async def test_retry_after_through_the_rate_limiter(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_chat(USER)
    add_chat(db_path, USER)
    emulator.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    async with started(emulator, db_path) as app:
        began = time.monotonic()
        row = await digest_for(app, USER)
        waited = time.monotonic() - began
    assert row.state == "sent" and waited >= 1.0
    assert texts_sent(emulator, USER) == list(row.messages)


async def test_forbidden_deactivates_the_chat_and_its_job(
    emulator: BotApiEmulator, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.add_chat(USER)
    emulator.block(USER, notify=False)
    add_chat(db_path, USER)
    async with started(emulator, db_path) as app:
        assert has_job(app, USER)
        row = await digest_for(app, USER)
        assert not has_job(app, USER)
        chat = await services_of(app).db.read(chats.get_chat, USER)
    assert chat is not None and not chat.active
    assert chat.themes == ("telecom", "postal")  # settings kept for when they come back
    assert row.state == "failed" and row.error is not None and "deactivate" in row.error
    assert emulator.method_calls().count("sendmessage") == 1  # never retried
    assert any("event=chat_deactivated" in r.getMessage() for r in caplog.records)


async def test_chat_migrated_moves_the_chat_and_resends_once(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_chat(GROUP, chat_type="group", title="Ban biên tập")
    new_id = emulator.migrate(GROUP, notify=False)  # we learn it only from the 400
    add_chat(db_path, GROUP, "group")
    async with started(emulator, db_path) as app:
        row = await digest_for(app, GROUP)
        assert has_job(app, new_id) and not has_job(app, GROUP)
        moved = await services_of(app).db.read(chats.get_chat, new_id)
        old = await services_of(app).db.read(chats.get_chat, GROUP)
        old_rows = await services_of(app).db.read(outbox.get_delivery, GROUP, DAY)
    assert old is None and old_rows is None
    assert moved is not None and moved.themes == ("telecom", "postal") and moved.active
    assert moved.type == "supergroup"
    assert row.chat_id == new_id and row.state == "sent"
    assert texts_sent(emulator, new_id) == list(row.messages)  # every part, once, at the new id
    assert texts_sent(emulator, GROUP) == []
    # one refused send to the old id, then each part once
    assert emulator.method_calls().count("sendmessage") == len(row.messages) + 1


async def test_unparsable_html_is_sent_once_as_plain_text_and_logged_as_a_bug(
    emulator: BotApiEmulator, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.add_chat(USER)
    add_chat(db_path, USER)
    emulator.fail_next("sendMessage", 400, "Bad Request: can't parse entities: unexpected end")
    async with started(emulator, db_path) as app:
        row = await digest_for(app, USER)
    sent = emulator.sent_messages(USER)
    assert row.state == "sent" and len(sent) == len(row.messages)
    assert sent[0]["parse_mode"] is None and "<b>" not in sent[0]["text"]
    assert sent[0]["text"].startswith("📰 Bản tin")
    assert all(m["parse_mode"] == "HTML" for m in sent[1:])
    assert row.messages[0] == sent[0]["text"]  # the outbox records what was really sent
    bugs = [r for r in caplog.records if "event=bug_unparsable_html" in r.getMessage()]
    assert len(bugs) == 1 and bugs[0].levelno == logging.ERROR


async def test_other_bad_request_is_logged_and_never_retried(
    emulator: BotApiEmulator, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.add_chat(USER)
    add_chat(db_path, USER)
    emulator.fail_next("sendMessage", 400, "Bad Request: message thread not found")
    async with started(emulator, db_path) as app:
        row = await digest_for(app, USER)
        again = await digest_for(app, USER)  # the next job run of the day: still nothing
        chat = await services_of(app).db.read(chats.get_chat, USER)
    assert row.state == "failed" and again.state == "failed"
    assert row.error is not None and row.error == "bug: Message thread not found"
    assert emulator.method_calls().count("sendmessage") == 1
    assert emulator.sent_messages(USER) == []
    assert chat is not None and chat.active and chat.last_article_id is None  # nothing skipped
    errors = [r for r in caplog.records if "event=delivery_failed" in r.getMessage()]
    assert len(errors) == 1 and errors[0].levelno == logging.ERROR


async def test_ambiguous_timeout_marks_the_part_uncertain_and_never_resends_it(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_chat(USER)
    add_chat(db_path, USER, themes=None)
    add_long_digest(db_path, [USER], NOW.date())  # a digest of several parts
    emulator.delay_next("sendMessage", 1.5)  # carried out, answered after the bot gave up
    async with started(emulator, db_path, read_timeout=0.4) as app:
        row = await digest_for(app, USER)
        again = await digest_for(app, USER)
        chat = await services_of(app).db.read(chats.get_chat, USER)
    assert row.state == "uncertain" and row.uncertain_parts == (0,)
    assert again.state == "uncertain" and again.notified_at is not None
    # part 0 arrived once, the rest were sent, and the reader is told, once, with a button
    assert texts_sent(emulator, USER) == [*row.messages, IN_DOUBT_NOTICE]
    notice = emulator.sent_messages(USER)[-1]
    assert notice["reply_markup"]["inline_keyboard"] == [
        [{"text": "Xem lại", "callback_data": f"resend:{row.id}:0"}]
    ]
    assert len(row.messages) >= 2
    assert chat is not None and chat.last_article_id == row.max_article_id


async def test_ambiguous_timeout_is_resent_when_the_chat_prefers_a_duplicate_to_a_gap(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_chat(USER)
    add_chat(db_path, USER, themes=None)
    emulator.delay_next("sendMessage", 1.5)
    async with started(emulator, db_path, read_timeout=0.4) as app:
        services_of(app).settings = dataclasses.replace(
            services_of(app).settings, in_doubt="resend"
        )
        row = await digest_for(app, USER)
    assert row.state == "sent" and row.uncertain_parts == ()
    # part 0 had arrived: the resend makes it a duplicate, never a gap
    assert texts_sent(emulator, USER) == [row.messages[0], *row.messages]


async def test_a_chat_chooses_resending_with_the_resend_command(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_chat(USER)
    add_chat(db_path, USER, themes=None)
    async with started(emulator, db_path, read_timeout=0.4) as app:
        assert services_of(app).settings.in_doubt == "notice"  # the bot's default
        answers = []
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            for command in ("/resend", "/resend maybe", "/resend on"):
                sent = emulator.user_sends(command, user_id=USER)
                [answer] = await emulator.await_messages(USER, 1, after=sent)
                answers.append(answer["visible_text"])
        finally:
            await app.updater.stop()
        emulator.delay_next("sendMessage", 1.5)  # carried out, answered after the bot gave up
        row = await digest_for(app, USER)
    assert "báo" in answers[0] and "(mặc định của bot)" in answers[0]
    assert "Mình không hiểu “maybe”" in answers[1]
    assert "gửi lại" in answers[2] and "mặc định" not in answers[2]
    assert row.state == "sent" and row.uncertain_parts == ()
    # this chat prefers a duplicate to a gap: part 0 went again, and no notice
    got = [m["text"] for m in emulator.sent_messages(USER)]
    assert got[-len(row.messages) - 1 :] == [row.messages[0], *row.messages]
    assert IN_DOUBT_NOTICE not in got
