"""A digest over a mixed stream, through the real bot against the Bot API emulator,
shows only the sector's stories (relevance decided at ingest)."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import make_app, running
from emulator_helpers import emulator_fixture
from test_relevance import PAIRS, _store

from bot.emulator import BotApiEmulator
from bot.storage import open_bot_db

__all__ = ["emulator_fixture"]
USER = 701
FAST = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}


async def test_digest_of_a_mixed_stream_shows_only_sector_stories(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    db_path = tmp_path / "ictdigest.db"
    db = open_bot_db(db_path)
    for n, (_, subject, passing) in enumerate(PAIRS):
        _store(db, *subject, f"{n}-subject")
        _store(db, *passing, f"{n}-passing")
    db.conn.close()
    async with running(make_app(emulator, db_path, **FAST)):
        sent = emulator.user_sends("/digest", user_id=USER)
        replies = await emulator.await_messages(USER, 1, after=sent)
    text = "\n".join(reply["visible_text"] for reply in replies)
    for _, (subject_title, _), (passing_title, _) in PAIRS:
        assert subject_title in text
        assert passing_title not in text
