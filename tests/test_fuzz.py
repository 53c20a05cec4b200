"""Hostile and random input: every reply escaped once, valid Telegram HTML, no traceback.

Escaping is checked end to end (the real Application against the emulator, which
parses the HTML as Telegram does); the fuzzing runs in-process with bounded examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture

from bot.emulator import BotApiEmulator

__all__ = ["unlimited_emulator_fixture"]

USER = 611
FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ('/target "', '"'),
        ("/target <b>x</b>", "<b>x</b>"),
        ("/digest <b>&", "<b>&"),
        ("/time 'a&b'", "'a&b'"),
    ],
)
async def test_user_text_in_a_refusal_is_escaped_exactly_once(
    unlimited_emulator: BotApiEmulator, db_path: Path, command: str, shown: str
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        sent = emulator.user_sends(command, user_id=USER)
        [answer] = await emulator.await_messages(USER, 1, after=sent)
    visible = answer["visible_text"]
    assert shown in visible, visible  # the reader sees what they typed
    assert "&amp;" not in visible and "&lt;" not in visible and "&#34;" not in visible
