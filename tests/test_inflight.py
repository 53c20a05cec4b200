"""Digest requests in flight: as many as the pace needs, so a kill -9 leaves few in doubt."""

from __future__ import annotations

import asyncio
import gc
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import emulator_fixture

from bot import chats
from bot.delivery import broadcast
from bot.emulator import BotApiEmulator
from bot.ratelimit import FLIGHT_MAX, FairLimits, InFlight, Released
from bot.storage import open_bot_db

__all__ = ["emulator_fixture"]


def settle(flight: InFlight, latency: float, answers: int = 40) -> None:
    for _ in range(answers):
        flight._take_slot()
        flight.release(latency)


def test_one_request_at_first_then_room_by_littles_law() -> None:
    flight = InFlight(30)
    assert flight.capacity == 1  # nothing measured yet
    settle(flight, 0.005)
    assert flight.capacity == 1  # loopback: 30/s × 5 ms is far below one
    settle(flight, 0.150)
    assert flight.capacity == 9  # 30/s × 150 ms × 2 headroom
    settle(flight, 2.0)
    assert flight.capacity == FLIGHT_MAX


async def test_waiters_get_freed_slots_in_order() -> None:
    flight = InFlight(30)
    await flight.acquire()
    order: list[str] = []

    async def wait(name: str) -> None:
        await flight.acquire()
        order.append(name)

    first, second = asyncio.create_task(wait("a")), asyncio.create_task(wait("b"))
    await asyncio.sleep(0)
    assert order == [] and flight.busy == 1
    flight.release(0.005)
    await asyncio.sleep(0)
    assert order == ["a"] and flight.busy == 1
    flight.release(0.005)
    await asyncio.gather(first, second)
    assert order == ["a", "b"] and flight.peak == 1


async def test_a_cancelled_waiter_leaks_no_slot() -> None:
    flight = InFlight(30)
    await flight.acquire()
    waiter = asyncio.create_task(flight.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    flight.release(None)
    assert flight.busy == 0
    await asyncio.wait_for(flight.acquire(), 1)  # the slot is free again


async def test_stopping_fails_the_waiters_with_released() -> None:
    flight = InFlight(30)
    await flight.acquire()
    waiters = [asyncio.create_task(flight.acquire()) for _ in range(3)]
    await asyncio.sleep(0)
    flight.fail_waiting(Released("stopping"))
    for waiter in waiters:
        with pytest.raises(Released):
            await waiter
    assert flight.busy == 1  # only the slot really taken; the failed waiters held none


async def test_a_waiter_cancelled_then_passed_over_by_a_release_leaves_quietly() -> None:
    flight = InFlight(30)
    await flight.acquire()
    waiter = asyncio.create_task(flight.acquire())
    await asyncio.sleep(0)
    waiter.cancel()  # its future is cancelled at once; the task resumes later
    flight.release(None)  # …and this release passes over it before it does
    with pytest.raises(asyncio.CancelledError):  # not a ValueError from the queue
        await waiter
    assert flight.busy == 0


def readers_app(
    emulator: BotApiEmulator,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    readers: list[int],
) -> Any:
    """The bot over the seeds with ``readers`` subscribed to a one-part digest."""
    db_path = seeded_db(tmp_path, tmp_path_factory.getbasetemp())
    emulator.add_chats(readers)
    db = open_bot_db(db_path)
    for chat_id in readers:
        chats.ensure_chat(db, chat_id, "private", None, now=datetime(2025, 3, 1, tzinfo=UTC))
        chats.set_themes(db, chat_id, ["telecom", "postal"])
    db.conn.close()
    return make_app(emulator, db_path, clock=lambda: datetime(2025, 3, 10, 7, 0, tzinfo=UTC))


async def test_a_broadcast_keeps_one_part_on_the_wire_over_loopback(
    emulator: BotApiEmulator, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    readers = list(range(7001, 7021))
    app = readers_app(emulator, tmp_path, tmp_path_factory, readers)
    async with running(app):
        rows = await broadcast(app, readers, date(2025, 3, 10))
        limiter = app.bot.rate_limiter
        assert isinstance(limiter, FairLimits)
        peak = limiter.in_flight.peak
    assert all(row is not None and row.state == "sent" for row in rows)
    assert len(emulator.sent_messages()) >= len(readers)
    assert peak in (1, 2), peak  # thirty parts claimed at once before: thirty in doubt


async def test_one_late_answer_does_not_hold_up_the_broadcast(
    emulator: BotApiEmulator, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    readers = list(range(7101, 7106))
    app = readers_app(emulator, tmp_path, tmp_path_factory, readers)
    async with running(app):
        emulator.delay_next("sendMessage", 4.0)  # the first part's answer comes 4 s late
        began = time.monotonic()
        sending = asyncio.create_task(broadcast(app, readers, date(2025, 3, 10)))
        while sum(bool(emulator.sent_messages(c)) for c in readers) < len(readers):
            assert time.monotonic() - began < 10
            await asyncio.sleep(0.02)
        everyone = time.monotonic() - began
        rows = await sending
    assert all(row is not None and row.state == "sent" for row in rows)
    assert everyone < 3.0, everyone  # the others went on after ~1 s, not after 4


async def test_a_send_dropped_at_stop_leaves_no_unretrieved_error_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits = FairLimits(30, 20, 1)

    class Claim:
        async def before_request(self) -> None:
            return None

    async def failing_request() -> None:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:  # a transport that fails its own way when dropped
            raise RuntimeError("connection reset") from None

    sending = asyncio.create_task(
        limits.process_request(failing_request, (), {}, "sendMessage", {"chat_id": 5}, Claim())
    )
    await asyncio.sleep(0.01)
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    await asyncio.sleep(0.1)
    gc.collect()
    assert "never retrieved" not in caplog.text
    assert limits.in_flight.busy == 0
