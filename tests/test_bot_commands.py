"""Every command end to end: the real Application over HTTP against the Bot API emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import emulator_fixture

from bot.emulator import BotApiEmulator

__all__ = ["emulator_fixture"]

USER = 501


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


async def ask(emulator: BotApiEmulator, text: str, count: int = 1, **kw: object) -> list[str]:
    chat_id = kw.get("chat_id", kw.get("user_id", USER))
    sent = emulator.user_sends(text, **{"user_id": USER, **kw})  # type: ignore[arg-type]
    replies = await emulator.await_messages(chat_id, count, after=sent)  # type: ignore[arg-type]
    return [r["text"] for r in replies]


async def test_start_and_help_in_vietnamese(emulator: BotApiEmulator, db_path: Path) -> None:
    async with running(make_app(emulator, db_path)):
        start = await ask(emulator, "/start")
        assert "Xin chào" in start[0]
        assert "07:00" in start[0]
        help_text = (await ask(emulator, "/help"))[0]
    for command in ("/digest", "/themes", "/subscribe", "/time", "/company", "/search", "/about"):
        assert command in help_text
    assert "Danh sách lệnh" in help_text
