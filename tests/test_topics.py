"""Forum topics end to end: answers in the asking topic, /here, /topics on, gone topics."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from article_texts import POSTAL
from bot_helpers import Clock, make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture
from telegram.error import BadRequest

from bot import outbox
from bot.delivery import deliver
from bot.emulator import BotApiEmulator
from bot.services import services_of
from bot.storage import open_bot_db
from bot.topics import parse_switch, topic_gone, topic_name
from digests.ingest import ingest

__all__ = ["unlimited_emulator_fixture"]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FORUM, ADMIN, MEMBER = -100555, 901, 902
# send_when_empty: the second day (no new article) still sends a part to route.
FAST: dict[str, Any] = {
    "rate_chat_per_s": 1000.0,
    "rate_group_per_min": 60_000.0,
    "send_when_empty": True,
}
DAY = date(2025, 3, 10)


def test_pure_decisions() -> None:
    assert topic_gone(BadRequest("Message thread not found"))
    assert topic_gone(BadRequest("Topic_closed"))
    assert not topic_gone(BadRequest("Chat not found"))
    assert topic_name("📮", "Bưu chính") == "📮 Bưu chính"
    assert [parse_switch([w]) for w in ("on", "Bật", "tắt", "off", "maybe")] == [
        True,
        True,
        False,
        False,
        None,
    ]


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


async def ask(emulator: BotApiEmulator, text: str, user: int, thread: int | None) -> dict[str, Any]:
    sent = emulator.user_sends(text, user_id=user, chat_id=FORUM, message_thread_id=thread)
    return (await emulator.await_messages(FORUM, 1, after=sent))[0]


def forum(emulator: BotApiEmulator, *, can_manage: bool = True) -> None:
    emulator.make_forum(FORUM, "Diễn đàn ICT", bot_can_manage_topics=can_manage)
    emulator.set_admins(FORUM, [ADMIN], owner_id=ADMIN)


async def test_commands_answer_in_their_topic_and_here_moves_the_digest(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    forum(emulator, can_manage=False)
    news = emulator.create_topic(FORUM, "Tin tức")
    clock = Clock(datetime(2025, 3, 10, 7, 0, tzinfo=HCM))
    app = make_app(emulator, db_path, clock, **FAST)
    async with running(app):
        answer = await ask(emulator, "/help@ictdigest_bot", MEMBER, news)
        assert answer["message_thread_id"] == news
        assert "/watch" in answer["visible_text"]
        refused = await ask(emulator, "/here@ictdigest_bot", MEMBER, news)
        assert "chỉ quản trị viên" in refused["visible_text"]
        here = await ask(emulator, "/here@ictdigest_bot", ADMIN, news)
        assert here["visible_text"] == (
            "✅ Từ nay bản tin hằng ngày và tin theo dõi sẽ gửi vào chủ đề này."
        )
        assert here["message_thread_id"] == news
        mark = emulator.mark()
        await deliver(app, FORUM, DAY)
        digest = [m for m in emulator.sent_messages(FORUM) if m["seq"] > mark]
        assert digest and all(m["message_thread_id"] == news for m in digest)
        # The topic is closed (the bot may not manage topics): back to General, one notice.
        emulator.close_topic(FORUM, news)
        mark = emulator.mark()
        clock.now += timedelta(days=1)
        await deliver(app, FORUM, DAY + timedelta(days=1))
        await deliver(app, FORUM, DAY + timedelta(days=1))  # a second run sends nothing
        after = [m for m in emulator.sent_messages(FORUM) if m["seq"] > mark]
        row = await services_of(app).db.read(outbox.get_delivery, FORUM, DAY + timedelta(days=1))
    assert row is not None and row.state == "sent"
    notices = [m for m in after if m["visible_text"].startswith("⚠️")]
    assert len(notices) == 1, [(m["message_thread_id"], m["visible_text"][:50]) for m in after]
    assert notices[0]["message_thread_id"] is None
    parts = [m for m in after if not m["visible_text"].startswith("⚠️")]
    assert len(parts) == len(row.messages)  # each part once, all in General
    assert all(m["message_thread_id"] is None for m in parts)


def add_postal_article(db_path: Path, tmp_path: Path) -> None:
    """An ingest (its own connection, as cron's would be) of one new postal article."""
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "postal.txt").write_text(POSTAL, "utf-8")
    db = open_bot_db(db_path)
    try:
        assert ingest(db, [str(folder)]).added == 1
    finally:
        db.conn.close()


async def test_topics_on_posts_each_theme_in_its_own_topic(
    unlimited_emulator: BotApiEmulator, db_path: Path, tmp_path: Path
) -> None:
    emulator = unlimited_emulator
    forum(emulator, can_manage=False)
    clock = Clock(datetime(2025, 3, 10, 7, 0, tzinfo=HCM))
    app = make_app(emulator, db_path, clock, **FAST)
    async with running(app):
        no_right = await ask(emulator, "/topics@ictdigest_bot on", ADMIN, None)
        assert "Quản lý chủ đề" in no_right["visible_text"]
        assert emulator.topics(FORUM) == {}
        emulator.set_bot_can_manage_topics(FORUM, True)
        done = await ask(emulator, "/topics@ictdigest_bot on", ADMIN, None)
        assert done["visible_text"].startswith("✅ Mỗi chủ đề của bản tin có một topic riêng: 📮")
        created = {t["name"]: thread for thread, t in emulator.topics(FORUM).items()}
        assert len(created) == 5
        mark = emulator.mark()
        await deliver(app, FORUM, DAY)
        sent = [m for m in emulator.sent_messages(FORUM) if m["seq"] > mark]
        by_thread = {m["message_thread_id"] for m in sent}
        assert None not in by_thread and by_thread <= set(created.values())
        # Each section goes to its theme's topic (the seeds' stories fall under telecom
        # and press: the story-first digest places each story once).
        name_of = {thread: name for name, thread in created.items()}
        assert len(sent) >= 2
        for message in sent:
            label = name_of[message["message_thread_id"]].split(" ", 1)[1]
            assert label in message["visible_text"][:200], (label, message["visible_text"][:200])
        # A deleted theme topic: that section falls back to General; the others stay.
        emulator.delete_topic(FORUM, created["📮 Bưu chính"])
        add_postal_article(db_path, tmp_path)
        mark = emulator.mark()
        clock.now += timedelta(days=1)
        await deliver(app, FORUM, DAY + timedelta(days=1))
        await asyncio.sleep(0.1)
        again = [m for m in emulator.sent_messages(FORUM) if m["seq"] > mark]
    general = [m for m in again if m["message_thread_id"] is None]
    notices = [m for m in general if m["visible_text"].startswith("⚠️")]
    assert len(notices) == 1
    assert [m for m in general if "VNPost" in m["visible_text"]]  # the section, in General
    assert all(m["message_thread_id"] != created["📮 Bưu chính"] for m in again)


async def test_buttons_answer_in_the_topic_they_were_pressed_in(
    unlimited_emulator: BotApiEmulator, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import answers

    monkeypatch.setattr(answers, "PAGE_LIMIT", 700)
    monkeypatch.setattr(answers, "ONE_PAGE_LIMIT", 700)
    emulator = unlimited_emulator
    forum(emulator)
    news = emulator.create_topic(FORUM, "Tin tức")
    async with running(make_app(emulator, db_path, **FAST)):
        first = await ask(emulator, "/company@ictdigest_bot Viettel", MEMBER, news)
        assert first["message_thread_id"] == news
        [[more], [trend]] = first["reply_markup"]["inline_keyboard"]
        emulator.press_button(FORUM, MEMBER, first["message_id"], trend["callback_data"])
        [photo] = await emulator.await_messages(FORUM, 1, after=first["seq"])
        emulator.press_button(FORUM, MEMBER, first["message_id"], more["callback_data"])
        [page] = await emulator.await_messages(FORUM, 1, after=photo["seq"])
    assert photo["message_thread_id"] == news and photo["visible_text"].startswith("📈 Viettel")
    assert emulator.sent_photos(FORUM)[0]["message_thread_id"] == news
    assert page["message_thread_id"] == news and page["visible_text"].startswith("Trang 2/")


async def test_watch_alerts_go_to_the_here_topic(
    unlimited_emulator: BotApiEmulator, db_path: Path, tmp_path: Path
) -> None:
    emulator = unlimited_emulator
    forum(emulator)
    news = emulator.create_topic(FORUM, "Cảnh báo")
    app = make_app(emulator, db_path, **FAST)
    app.bot_data["watch_poll_s"] = 0.2
    async with running(app):
        await ask(emulator, "/here@ictdigest_bot", ADMIN, news)
        await ask(emulator, "/watch@ictdigest_bot VNPost", ADMIN, None)
        await asyncio.sleep(0.5)  # the poller has set its watermark
        mark = emulator.mark()
        add_postal_article(db_path, tmp_path)
        [alert] = await emulator.await_messages(FORUM, 1, after=mark, timeout=10)
    assert alert["message_thread_id"] == news
    assert alert["visible_text"].startswith("🔔 Tin mới bạn theo dõi\n• Bưu điện Việt Nam")
