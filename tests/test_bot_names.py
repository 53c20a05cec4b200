"""/person and /company's typo answers and candidate buttons, end to end against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture

from bot.emulator import BotApiEmulator
from bot.handlers.parsing import parse_callback, pick_data

__all__ = ["unlimited_emulator_fixture"]
FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}
USER = 502


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


async def ask(emulator: BotApiEmulator, text: str) -> dict[str, Any]:
    sent = emulator.user_sends(text, user_id=USER)
    [reply] = await emulator.await_messages(USER, 1, after=sent)
    return reply


async def test_person_and_typos_through_the_real_bot(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        person = (await ask(emulator, "/person Phạm Đức Long"))["visible_text"]
        assert person.startswith(
            "Phạm Đức Long\nVai trò:\n"
            "• Thứ trưởng, Bộ Thông tin và Truyền thông (17/10/2022; 1 bài)\n"
            "Số bài nêu tên: 1\n\nPhát biểu và được nhắc đến:\n"
            "• Thứ trưởng Phạm Đức Long và Cục Viễn thông có vai trò dẫn dắt"
        )
        assert "(Thứ trưởng, Bộ Thông tin và Truyền thông · 17/10/2022)" in person
        routed = (await ask(emulator, "/company Nguyễn Mạnh Hùng"))["visible_text"]
        assert routed.startswith("Nguyễn Mạnh Hùng\nVai trò:\n• Bộ trưởng, Bộ Thông tin")
        typo = await ask(emulator, "/company Vietel")
        assert typo["visible_text"].startswith("(hiểu là Viettel)\nViettel (doanh nghiệp)\n")
        assert not typo.get("reply_markup")
        garbage = (await ask(emulator, "/company 🤖🔥💀"))["visible_text"]
        assert garbage == (
            "“🤖🔥💀” không phải là tên: tên cần có chữ cái hoặc chữ số.\n"
            "Cách dùng: /company TÊN\nVí dụ: /company Viettel"
        )
        unsure = await ask(emulator, "/company Viet")
        assert unsure["visible_text"].startswith("Không tìm thấy “Viet”")
        buttons = [row[0] for row in unsure["reply_markup"]["inline_keyboard"]]
        assert [b["text"] for b in buttons][:3] == ["Viettel", "Viettel Telecom", "Viettel Post"]
        assert buttons[0]["callback_data"] == "pick:viettel"
        mark = emulator.mark()
        emulator.press_button(USER, USER, unsure["message_id"], buttons[2]["callback_data"])
        [picked] = await emulator.await_messages(USER, 1, after=mark)
        assert picked["visible_text"].startswith("Viettel Post (doanh nghiệp)\n")
        # /person with part of a name: not clearly it, offered; pressing it answers.
        near = await ask(emulator, "/person Nguyễn Huy")
        assert near["visible_text"].startswith("Không tìm thấy người tên “Nguyễn Huy”")
        [[button]] = near["reply_markup"]["inline_keyboard"]
        assert (button["text"], button["callback_data"]) == (
            "Nguyễn Huy Dũng",
            "pick:@Nguyễn Huy Dũng",
        )
        mark = emulator.mark()
        emulator.press_button(USER, USER, near["message_id"], button["callback_data"])
        [answer] = await emulator.await_messages(USER, 1, after=mark)
        assert answer["visible_text"].startswith("Nguyễn Huy Dũng\nVai trò:\n• Thứ trưởng")


def test_pick_data_is_short_and_validated() -> None:
    assert pick_data("viettel") == "pick:viettel"
    assert pick_data("@Nguyễn Mạnh Hùng") == "pick:@Nguyễn Mạnh Hùng"
    assert pick_data("x" * 80) is None
    assert parse_callback("pick:viettel") == ("pick", ["viettel"])
    assert parse_callback("pick:@Nguyễn Mạnh Hùng") == ("pick", ["@Nguyễn Mạnh Hùng"])
    for forged in ("pick:", "pick:Viettel; DROP", "pick:../x", "pick:" + "a" * 70):
        assert parse_callback(forged) == ("", [])


def test_a_picked_key_must_still_name_something(db_path: Path) -> None:
    from digests.answers.company import names_something
    from digests.store.connection import open_db

    db = open_db(db_path)
    assert names_something(db, "viettel-post")
    assert names_something(db, "@Phạm Đức Long")
    assert not names_something(db, "no-such-company")
    assert not names_something(db, "@Không Ai")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_help_says_how_to_search_and_name(lang: str) -> None:
    from bot import texts

    help_text = texts.html(
        "help", lang, commands=texts.command_specs(lang), themes=[], is_group=False, chosen=[]
    )
    for example in (
        '<code>/search "bưu điện" Hà Nội</code>',
        "<code>/search 5G -viettel</code>",
        "<code>/search viettel OR vnpt</code>",
        "<code>/company Vietel</code>",
    ):
        assert example in help_text
    assert "/person <i>" in help_text
