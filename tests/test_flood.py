"""Fair limits: a flooder is slowed, one chat's 429 holds only that chat, SIGTERM is prompt."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import emulator_fixture, wait_until

from bot import chats
from bot.delivery import broadcast
from bot.emulator import BotApiEmulator
from bot.flood import QUIET_S, FloodGuard
from bot.ratelimit import FairLimits, Released
from bot.settings import Settings
from bot.storage import open_bot_db

__all__ = ["emulator_fixture"]

GROUP, MEMBER, READER = -5001, 5002, 5003
DAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 7, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


def subscribe(db_path: Path, chat_ids: list[int]) -> None:
    db = open_bot_db(db_path)
    for chat_id in chat_ids:
        chats.ensure_chat(db, chat_id, "private", None, now=datetime(2025, 3, 1, tzinfo=UTC))
        chats.set_themes(db, chat_id, ["telecom", "postal"])  # a one-part digest
    db.conn.close()


# --------------------------------------------------------------------------- decisions


USER_LIMIT = FloodGuard().group_user_limit  # 10 a minute: half of Telegram's 20 per group


def test_limits_follow_the_bot_api_limits_in_the_settings() -> None:
    guard = FloodGuard.for_settings(Settings())
    assert (guard.private_limit, guard.group_user_limit, guard.group_chat_limit) == (60, 10, 15)


def test_a_flooder_is_warned_once_then_ignored_for_a_while() -> None:
    guard = FloodGuard()
    verdicts = [guard.check(GROUP, MEMBER, True, now=float(i) / 10) for i in range(20)]
    assert verdicts[:USER_LIMIT] == ["ok"] * USER_LIMIT
    assert verdicts[USER_LIMIT] == "warn"
    assert set(verdicts[USER_LIMIT + 1 :]) == {"ignore"}
    assert guard.check(GROUP, READER, True, now=2.0) == "ok"  # another member still answered
    assert guard.check(GROUP, MEMBER, True, now=2.0 + QUIET_S) == "ok"  # quiet period over


def test_a_group_whose_members_together_flood_is_slowed_as_a_chat() -> None:
    guard = FloodGuard(group_chat_limit=5)
    verdicts = [guard.check(GROUP, 100 + i, True, now=float(i)) for i in range(7)]
    assert verdicts == ["ok"] * 5 + ["warn", "ignore"]
    assert guard.check(READER, READER, False, now=7.0) == "ok"  # other chats unaffected


def test_a_429_pauses_one_chat_unless_several_chats_get_one_at_once() -> None:
    limits = FairLimits(30, 20, 1)
    assert limits.note_429(11, 30) is False
    assert limits.paused_for(11) > 29 and limits.paused_for(12) == 0
    limits.note_429(12, 5)
    assert limits.note_429(13, 5) is True  # three chats within a second: Telegram's overall
    assert limits.paused_for(14) > 4


# --------------------------------------------------------------------------- end to end


async def test_group_flood_gets_one_slow_down_and_never_delays_another_chat(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator.add_bot_to_group(GROUP, MEMBER, as_admin=True)
    async with running(make_app(emulator, db_path)):
        mark = emulator.mark()
        for _ in range(100):  # more than PTB's 64 concurrent updates
            emulator.user_sends("/help", user_id=MEMBER, chat_id=GROUP, chat_type="group")
        began = time.monotonic()
        sent = emulator.user_sends("/help", user_id=READER)
        await emulator.await_messages(READER, 1, after=sent, timeout=10)
        waited = time.monotonic() - began
        await emulator.await_messages(GROUP, USER_LIMIT + 1, after=mark, timeout=20)
        await asyncio.sleep(1.0)  # nothing more comes
        answers = [m["visible_text"] for m in emulator.sent_messages(GROUP)]
        answers = [a for a in answers if not a.startswith("Chào cả nhóm")]  # the welcome
    assert waited < 2.0, waited  # the flood is the group's alone
    slow = [a for a in answers if a.startswith("Chậm lại")]
    assert len(slow) == 1, [a[:30] for a in answers]
    assert len(answers) <= USER_LIMIT + 1  # the rest were ignored, never queued for Telegram
    assert mark is not None


async def test_a_429_for_one_chat_delays_only_that_chat(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    slow, others = 6001, [6002, 6003, 6004]
    emulator.add_chats([slow, *others])
    subscribe(db_path, [slow, *others])
    emulator.fail_chat(slow, 429, "Too Many Requests: retry after 3", retry_after=3)
    app = make_app(emulator, db_path, lambda: NOW)
    async with running(app):
        began = time.monotonic()
        task = asyncio.create_task(broadcast(app, [slow], DAY))
        await wait_until(lambda: emulator.stats().rejected_429 == 1)
        rows = await broadcast(app, others, DAY)  # after the 429: not held by it
        others_done = time.monotonic() - began
        rows += await task
        slow_done = time.monotonic() - began
    assert others_done < 1.5 and slow_done >= 3.0
    assert {row.state for row in rows if row} == {"sent"}
    assert all(len(emulator.sent_messages(c)) == 1 for c in [slow, *others])


async def test_a_global_429_pauses_everything_and_the_bot_stops_hammering(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    chat_ids = list(range(6101, 6121))
    emulator.add_chats(chat_ids)
    subscribe(db_path, chat_ids)
    emulator.throttle(2.0)
    app = make_app(emulator, db_path, lambda: NOW)
    async with running(app):
        rows = await broadcast(app, chat_ids, DAY)
    assert {row.state for row in rows if row} == {"sent"}
    assert all(len(emulator.sent_messages(c)) == 1 for c in chat_ids)  # each once, none lost
    # each chat in flight met the 429 once, then all waited for the pause: no hammering
    assert emulator.stats().rejected_429 <= len(chat_ids)


async def test_closing_the_limiter_releases_waiting_requests_unsent(
    emulator: BotApiEmulator, db_path: Path
) -> None:
    chat_ids = list(range(6201, 6261))
    emulator.add_chats(chat_ids)
    subscribe(db_path, chat_ids)
    app = make_app(emulator, db_path, lambda: NOW, rate_overall_per_s=5.0)
    async with running(app):
        task = asyncio.create_task(broadcast(app, chat_ids, DAY))
        await emulator.await_messages(None, 6, timeout=10)
        began = time.monotonic()
        limiter = app.bot.rate_limiter
        assert isinstance(limiter, FairLimits)
        limiter.close()
        rows = await task
        released_in = time.monotonic() - began
    assert released_in < 2.0
    sent = len(emulator.sent_messages())
    pending = [row for row in rows if row is not None and row.state == "pending"]
    unsent = [row for row in rows if row is None]
    assert sent + len(pending) + len(unsent) == len(chat_ids)  # released, not lost, not failed
    assert not [row for row in rows if row is not None and row.state in ("failed", "uncertain")]
    assert Released.__doc__
