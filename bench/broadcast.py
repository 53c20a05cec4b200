"""Broadcast one digest to many chats through the emulator enforcing Telegram's limits.

Target (issue 4): at least 95% of 30 messages/s overall, with zero 429 answers.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bot.app import build_application
from bot.delivery import broadcast
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.storage import open_bot_db
from digests.ingest import ingest

FULL, QUICK = 10_000, 600
TARGET_RATE = 30.0
ROOT = Path(__file__).resolve().parent.parent
DAY = date(2025, 3, 10)
THEMES = '["telecom", "postal"]'  # a one-message digest: the bench counts messages per second


def subscribe_many(db_path: Path, chat_ids: list[int]) -> None:
    db = open_bot_db(db_path)
    report = ingest(db, [str(ROOT / "seeds")])
    assert report.added, report.summary()
    stamp = datetime(2025, 3, 1, tzinfo=UTC).isoformat()
    with db.conn:
        db.conn.executemany(
            "INSERT INTO chats (chat_id, type, title, language, themes, time, active,"
            " schedule_since, created_at, updated_at) VALUES (?, 'private', NULL, 'vi', ?,"
            " '07:00', 1, ?, ?, ?)",
            [(chat_id, THEMES, stamp, stamp, stamp) for chat_id in chat_ids],
        )
    db.conn.close()


async def send_all(emu: BotApiEmulator, db_path: Path, chat_ids: list[int]) -> float:
    settings = Settings(token=emu.token, db_path=db_path)
    clock = datetime(2025, 3, 10, 7, 0, tzinfo=UTC)
    app = build_application(settings, base_url=emu.base_url, clock=lambda: clock)
    async with app:
        began = time.perf_counter()
        rows = await broadcast(app, chat_ids, DAY)
        elapsed = time.perf_counter() - began
    states = {row.state if row else "none" for row in rows}
    assert states == {"sent"}, states
    return elapsed


def run(quick: bool) -> str:
    n = QUICK if quick else FULL
    chat_ids = list(range(10_000_001, 10_000_001 + n))
    with tempfile.TemporaryDirectory() as tmp, BotApiEmulator() as emu:
        db_path = Path(tmp) / "broadcast.db"
        subscribe_many(db_path, chat_ids)
        emu.add_chats(chat_ids)
        elapsed = asyncio.run(send_all(emu, db_path, chat_ids))
        stats = emu.stats()
    rate = stats.send_rate
    ratio = rate / TARGET_RATE
    verdict = "met" if ratio >= 0.95 and stats.rejected_429 == 0 else "NOT met"
    return "\n".join(
        [
            "## Broadcast (bot, H5)",
            "",
            f"One digest to {n:,} private chats through the Bot API emulator enforcing Telegram's"
            " limits (30/s overall, 1/s per chat, 20/min per group), the real PTB Application"
            " with AIORateLimiter and the outbox (one claim and one record per message).",
            "",
            "| Measure | Value |",
            "| --- | --- |",
            f"| Messages accepted | {stats.sent_count:,} |",
            f"| Wall time | {elapsed:.1f} s |",
            f"| Achieved rate | {rate:.2f} msg/s |",
            f"| Ratio to 30 msg/s (target ≥ 0.95) | {ratio:.3f} |",
            f"| 429 answers (target 0) | {stats.rejected_429} |",
            f"| Other refusals | {stats.rejected_other} |",
            "",
            f"Target {verdict}.",
            "",
        ]
    )
