"""What a reader notices, end to end: /help tells the truth, emoji themes, /time 7h."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture

from bot.emulator import BotApiEmulator
from bot.profile import add_to_group_link

__all__ = ["unlimited_emulator_fixture"]

USER = 1401
FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


async def ask(emulator: BotApiEmulator, text: str, count: int = 1) -> list[str]:
    sent = emulator.user_sends(text, user_id=USER)
    return [r["visible_text"] for r in await emulator.await_messages(USER, count, after=sent)]


async def test_help_tells_what_bare_subscribe_and_digest_keep(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        assert "Chủ đề đang chọn ở đây: mọi chủ đề" in (await ask(emulator, "/help"))[0]
        await ask(emulator, "/subscribe ai")
        await ask(emulator, "/unsubscribe")
        help_text = (await ask(emulator, "/help"))[0]
        again = (await ask(emulator, "/subscribe"))[0]
        postal = (await ask(emulator, "/digest 📮"))[0]
        noodles = (await ask(emulator, "/digest 🍜"))[0]
        seven = (await ask(emulator, "/time 7h"))[0]
        seven_oh = (await ask(emulator, "/time 7:00"))[0]
    assert "Chủ đề đang chọn ở đây: Trí tuệ nhân tạo" in help_text
    assert "không nêu thì giữ các chủ đề đang chọn" in help_text
    assert again.endswith("chủ đề: Trí tuệ nhân tạo.")
    assert postal.startswith("📰") or "📮 Bưu chính" in postal
    assert "🤖" not in postal  # only the postal section, not the chat's AI choice
    assert noodles.startswith("Mình không có chủ đề “🍜”.")
    assert "07:00" in seven and "07:00" in seven_oh


def test_add_to_group_link_asks_for_the_rights_it_needs() -> None:
    assert add_to_group_link("ictdigest_bot") == (
        "https://t.me/ictdigest_bot?startgroup=ictdigest&admin=manage_topics"
    )
    assert add_to_group_link("b", ("manage_topics", "pin_messages")).endswith(
        "&admin=manage_topics+pin_messages"
    )


async def test_profile_descriptions_menus_and_start_button(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        sent = emulator.user_sends("/start", user_id=USER)
        [start] = await emulator.await_messages(USER, 1, after=sent)
    vi, en = emulator.my_description("vi"), emulator.my_description("en")
    assert vi.startswith("Bản tin ngành ICT Việt Nam") and len(vi) <= 512
    assert en.startswith("A daily digest of Vietnam's ICT sector") and len(en) <= 512
    assert emulator.my_description("") == vi  # users of other languages: the default
    assert 0 < len(emulator.my_short_description("vi")) <= 120
    assert emulator.my_short_description("en").startswith("Vietnam ICT news digest")
    admins = [c["command"] for c in emulator.my_commands({"type": "all_chat_administrators"}, "en")]
    members = [c["command"] for c in emulator.my_commands({"type": "all_group_chats"}, "vi")]
    assert "watch" in admins and "topics" in admins and "watch" not in members
    assert "trend" in members
    [[button]] = start["reply_markup"]["inline_keyboard"]
    assert button == {
        "text": "➕ Thêm vào nhóm",
        "url": "https://t.me/ictdigest_bot?startgroup=ictdigest&admin=manage_topics",
    }


def test_one_language_variable_for_bot_and_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.settings import load_settings
    from digests import cli_common

    assert load_settings({"ICTDIGEST_LANG": "en"}).language == "en"
    assert load_settings({"ICTDIGEST_LANGUAGE": "en"}).language == "en"  # the old name still works
    both = {"ICTDIGEST_LANG": "vi", "ICTDIGEST_LANGUAGE": "en"}
    assert load_settings(both).language == "vi"  # the new name wins
    monkeypatch.setenv("ICTDIGEST_LANG", "fr")
    cli_common._warned_languages.clear()
    assert cli_common.chosen_language(None) == "vi"
    assert cli_common.chosen_language(None) == "vi"
    assert capsys.readouterr().err == "ictdigest: ICTDIGEST_LANG='fr' is not vi or en; using vi.\n"
    monkeypatch.delenv("ICTDIGEST_LANG")
    monkeypatch.setenv("ICTDIGEST_LANGUAGE", "en")
    assert cli_common.chosen_language(None) == "en"


def test_cli_help_for_the_bot_commands_speaks_the_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot import cli

    for argv, expected in (
        (["--lang", "vi", "--help"], "kiểm tra cơ sở dữ liệu"),
        (["--lang", "en", "--help"], "check database, schema"),
    ):
        with pytest.raises(SystemExit):
            cli.main(argv)
        assert expected in capsys.readouterr().out


async def test_send_speaks_the_operators_language(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    from bot import chats
    from bot.runner import send_now
    from bot.settings import Settings
    from bot.storage import open_bot_db

    emulator = unlimited_emulator
    emulator.add_chat(USER)
    db = open_bot_db(db_path)
    chats.ensure_chat(db, USER, "private", "Lan")
    db.conn.close()
    settings = Settings(token=emulator.token, db_path=db_path, **FAST)
    code, line = await send_now(settings, 999, base_url=emulator.base_url, lang="vi")
    assert (code, line) == (1, "không có cuộc trò chuyện 999; xem `ictdigest chats`")
    code, line = await send_now(settings, USER, base_url=emulator.base_url, lang="vi")
    assert code == 0 and line.startswith(f"cuộc trò chuyện {USER}, bản tin ")
    assert ": đã gửi, " in line
