"""Every command end to end: the real Application over HTTP against the Bot API emulator."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import emulator_fixture, unlimited_emulator_fixture

from bot import answers
from bot.emulator import BotApiEmulator

__all__ = ["emulator_fixture", "unlimited_emulator_fixture"]
# Answers are paced like Telegram (1 message/s per chat) unless a test lifts it: these
# tests are about what the bot answers, and twenty answers would take twenty seconds
# (or a minute in a group: 20 per minute).
FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}

USER = 501


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


async def ask(emulator: BotApiEmulator, text: str, count: int = 1, **kw: object) -> list[str]:
    chat_id = kw.get("chat_id", kw.get("user_id", USER))
    sent = emulator.user_sends(text, **{"user_id": USER, **kw})  # type: ignore[arg-type]
    replies = await emulator.await_messages(chat_id, count, after=sent)  # type: ignore[arg-type]
    return [r["visible_text"] for r in replies]


async def test_start_and_help_in_vietnamese(emulator: BotApiEmulator, db_path: Path) -> None:
    async with running(make_app(emulator, db_path)):
        start = await ask(emulator, "/start")
        assert "Xin chào" in start[0]
        assert "07:00" in start[0]
        help_text = (await ask(emulator, "/help"))[0]
    for command in ("/digest", "/themes", "/subscribe", "/time", "/company", "/search", "/about"):
        assert command in help_text
    assert "Danh sách lệnh" in help_text


GROUP = -4001
ADMIN, MEMBER = 601, 602


async def test_every_command_answers_in_a_private_chat(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        assert "Bưu chính" in (await ask(emulator, "/digest postal"))[0]
        assert "/digest" in (await ask(emulator, "/digest nope"))[0]  # usage, with an example
        themes = (await ask(emulator, "/themes"))[0]
        assert themes.startswith("Chủ đề — số bài trong 5 bài mới nhất:\n")  # 5 stored, not 10
        assert themes.endswith(
            "Bản tin hằng ngày của bạn: mọi chủ đề.\nBấm nút để bật/tắt từng chủ đề."
        )
        assert "📮 Bưu chính" in (await ask(emulator, "/digest Bưu chính"))[0]
        assert (await ask(emulator, "/digest thoi tiet"))[0] == (
            "Mình không có chủ đề “thoi tiet”.\n"
            "Cách dùng: /digest [chủ đề…]\n"
            "Ví dụ: /digest bưu chính\n"
            "Các chủ đề (gõ mã hoặc tên, có dấu hay không đều được): postal Bưu chính, "
            "telecom Viễn thông, ai Trí tuệ nhân tạo, cybersecurity An ninh mạng, "
            "press Báo chí – Xuất bản"
        )
        assert (await ask(emulator, "/subscribe buu chinh, AI"))[0] == (
            "✅ Đã bật bản tin hằng ngày lúc 07:00, chủ đề: Bưu chính, Trí tuệ nhân tạo."
        )
        assert "chủ đề: Bưu chính." in (await ask(emulator, "/subscribe postal"))[0]
        assert "/subscribe" in (await ask(emulator, "/subscribe bogus"))[0]
        assert "Đã tắt" in (await ask(emulator, "/unsubscribe"))[0]
        assert "06:30" in (await ask(emulator, "/time 6:30"))[0]
        assert "25:00" in (await ask(emulator, "/time 25:00"))[0]
        assert "Viettel" in (await ask(emulator, "/company Viettel"))[0]
        assert "Ví dụ: /company Viettel" in (await ask(emulator, "/company"))[0]
        assert (await ask(emulator, "/companies"))[0]
        assert "2030" in (await ask(emulator, "/target 2030"))[0]
        assert "/target" in (await ask(emulator, "/target abc"))[0]
        assert (await ask(emulator, "/target 1800"))[0] == (
            "Năm 1800 nằm ngoài khoảng 1900–2100.\nCách dùng: /target NĂM hoặc TỪ-ĐẾN\n"
            "Ví dụ: /target 2030"
        )
        mark = emulator.mark()
        years = (await ask(emulator, "/target"))[0]
        assert years == (
            "Các năm có mục tiêu (năm: số mục tiêu):\n• 2022: 3\n• 2025: 1\n• 2026: 1\n"
            "• 2027: 1\n• 2030: 1\n• 2045: 2\n"
            "Xem chi tiết: /target NĂM, ví dụ /target 2045 hoặc /target 2022-2045"
        )
        assert (await ask(emulator, '/search "'))[0] == (
            "Không có từ nào để tìm (chỉ có dấu câu hoặc ký hiệu).\n"
            "Cách dùng: /search TỪ KHOÁ\nVí dụ: /search chuyển đổi số"
        )
        # /target without a year was one message, not a usage line and then the list
        assert (
            len(emulator.sent_messages(USER))
            == len([m for m in emulator.sent_messages(USER) if m["seq"] < mark]) + 2
        )
        assert (await ask(emulator, "/time"))[0] == (
            "Giờ gửi hiện tại: 06:30 (giờ Việt Nam). Đổi giờ: /time HH:MM, ví dụ /time 07:30"
        )
        assert "chuyển đổi số" in (await ask(emulator, "/search chuyển đổi số"))[0]
        assert "Ví dụ" in (await ask(emulator, "/search"))[0]
        assert "5 bài" in (await ask(emulator, "/about"))[0]
        assert "English" in (await ask(emulator, "/lang en"))[0]
        assert "Usage" in (await ask(emulator, "/lang fr"))[0]
        assert "commands" in (await ask(emulator, "/help"))[0]
        assert "/frobnicate" in (await ask(emulator, "/frobnicate"))[0]
        assert (await ask(emulator, "x" * 3000))[0] == (
            "That message is too long for me to read. I only answer commands, such as "
            "/search 5G or /company VNPT. All of them: /help"
        )


async def test_group_admin_rules(emulator: BotApiEmulator, db_path: Path) -> None:
    async with running(make_app(emulator, db_path)):
        emulator.add_bot_to_group(GROUP, ADMIN, "Phòng CNTT")
        emulator.set_admins(GROUP, [ADMIN], owner_id=ADMIN)
        welcome = await emulator.await_messages(GROUP, 1)
        assert "Chào cả nhóm" in welcome[0]["visible_text"]

        async def group_says(text: str, user: int, **kw: object) -> str:
            sent = emulator.user_sends(text, user_id=user, chat_id=GROUP, **kw)  # type: ignore[arg-type]
            return str((await emulator.await_messages(GROUP, 1, after=sent))[0]["visible_text"])

        assert "chỉ quản trị viên" in await group_says("/time@ictdigest_bot 08:15", MEMBER)
        assert "08:15" in await group_says("/time@ictdigest_bot 08:15", ADMIN)
        assert "08:45" in await group_says("/time 08:45", MEMBER, is_anonymous_admin=True)
        assert "Bưu chính" in await group_says("/digest@ictdigest_bot postal", MEMBER)  # reading
        # everyone sees the counts; only administrators get the toggles
        sent = emulator.user_sends("/themes@ictdigest_bot", user_id=MEMBER, chat_id=GROUP)
        [seen] = await emulator.await_messages(GROUP, 1, after=sent)
        assert seen["visible_text"].endswith(
            "Bản tin hằng ngày của nhóm: mọi chủ đề.\nQuản trị viên nhóm có thể chọn chủ đề."
        )
        assert not seen.get("reply_markup")
        sent = emulator.user_sends("/themes@ictdigest_bot", user_id=ADMIN, chat_id=GROUP)
        [toggles] = await emulator.await_messages(GROUP, 1, after=sent)
        assert toggles["visible_text"].endswith("Bấm nút để bật/tắt từng chủ đề.")
        assert len(toggles["reply_markup"]["inline_keyboard"]) == 6
        before = len(emulator.sent_messages(GROUP))
        emulator.user_sends("/help@otherbot", user_id=MEMBER, chat_id=GROUP)
        emulator.user_sends("/frobnicate", user_id=MEMBER, chat_id=GROUP)  # maybe another bot's
        await asyncio.to_thread(emulator.wait_until_quiet, 0.4)
        assert len(emulator.sent_messages(GROUP)) == before
        assert "/frobnicate" in await group_says("/frobnicate@ictdigest_bot", MEMBER)


async def test_every_command_answers_in_a_group_addressed_to_this_bot(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        emulator.add_bot_to_group(GROUP, ADMIN, "Phòng CNTT")
        emulator.set_admins(GROUP, [ADMIN], owner_id=ADMIN)
        await emulator.await_messages(GROUP, 1)

        async def admin_says(text: str) -> str:
            sent = emulator.user_sends(text, user_id=ADMIN, chat_id=GROUP)
            return str((await emulator.await_messages(GROUP, 1, after=sent))[0]["visible_text"])

        bot = "@ictdigest_bot"
        assert "Xin chào" in await admin_says(f"/start{bot}")
        assert "chỉ quản trị viên" in await admin_says(f"/help{bot}")
        assert "Bưu chính" in await admin_says(f"/digest{bot} postal")
        assert "Ví dụ: /digest" in await admin_says(f"/digest{bot} nope")
        assert "Chủ đề" in await admin_says(f"/themes{bot}")
        assert "Bưu chính" in await admin_says(f"/subscribe{bot} postal")
        assert "Đã tắt" in await admin_says(f"/unsubscribe{bot}")
        assert "06:30" in await admin_says(f"/time{bot} 6:30")
        assert "06:00" in await admin_says(f"/time{bot} 6h")  # "7h" is how people write it
        assert "Ví dụ: /time" in await admin_says(f"/time{bot} 6")
        assert "Viettel" in await admin_says(f"/company{bot} Viettel")
        assert "Ví dụ: /company Viettel" in await admin_says(f"/company{bot}")
        assert "Viettel" in await admin_says(f"/companies{bot}")
        assert "2030" in await admin_says(f"/target{bot} 2030")
        assert "Ví dụ: /target" in await admin_says(f"/target{bot} 2030-2020x")
        assert "bưu chính" in (await admin_says(f"/search{bot} buu chinh")).lower()
        assert "Ví dụ: /search" in await admin_says(f"/search{bot}")
        assert "5 bài" in await admin_says(f"/about{bot}")
        assert "English" in await admin_says(f"/lang{bot} en")
        assert "Example: /lang" in await admin_says(f"/lang{bot}")


async def test_long_answer_pages_with_a_more_button(
    unlimited_emulator: BotApiEmulator, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The seed store's answers fit one page; smaller pages make /company Viettel take two
    # or more (the seeds are local files: their lines cite the date alone, no file name).
    monkeypatch.setattr(answers, "PAGE_LIMIT", 700)
    monkeypatch.setattr(answers, "ONE_PAGE_LIMIT", 700)
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        sent = emulator.user_sends("/company Viettel", user_id=USER)
        [first] = await emulator.await_messages(USER, 1, after=sent)
        [[button], [trend]] = first["reply_markup"]["inline_keyboard"]
        assert button["text"].startswith("Xem thêm ▸ trang 2/")
        pages = int(button["text"].rsplit("/", 1)[1])
        assert pages >= 2
        assert trend["text"] == "📈 Xu hướng"  # bot/trend.py
        # page 1 is filled: the header and the first statements with their sources
        assert "Số bài nhắc đến: 4\n\nThông tin đáng chú ý:\n• " in first["visible_text"]
        assert first["visible_text"].count("• ") == first["visible_text"].count("\n  (")
        mark = emulator.mark()
        emulator.press_button(USER, USER, first["message_id"], button["callback_data"])
        [second] = await emulator.await_messages(USER, 1, after=mark)
    assert second["visible_text"].startswith(f"Trang 2/{pages}\n• ")
    assert "Viettel" in second["visible_text"]
    # the pressed button is gone, so the same page is not sent twice
    message = emulator.message(USER, first["message_id"])
    assert message is not None and not message.get("reply_markup")


async def test_a_chat_with_no_digest_yet_is_not_told_since_the_last_one(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    from digests.store.connection import open_db

    empty = tmp_path / "empty.db"
    open_db(empty).close()
    async with running(make_app(emulator, empty, **FAST)):
        reply = (await ask(emulator, "/digest"))[0]
    assert reply.startswith("Chưa có bài mới trong 7 ngày qua.")
    assert "kể từ bản tin trước" not in reply
