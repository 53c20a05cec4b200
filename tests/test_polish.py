"""What a reader notices, end to end: /help tells the truth, emoji themes, /time 7h."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture

from bot.emulator import BotApiEmulator

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
