"""Fixtures and helpers for end-to-end bot tests against the Bot API emulator.

Usage in a test module (tests/ is on sys.path, so import it by its bare name)::

    from emulator_helpers import emulator_fixture, polling, emulator_application_builder

    # ``emulator_fixture`` registers the ``emulator`` fixture (``unlimited_emulator_fixture``:
    # the same without flood limits); list it in ``__all__`` or mark it ``# noqa: F401``.

    async def test_start(emulator):
        app = emulator_application_builder(emulator).build()
        app.add_handler(...)
        async with polling(app):
            sent = emulator.user_sends("/start", user_id=42)
            replies = await emulator.await_messages(42, 1, after=sent)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram.ext import Application, ApplicationBuilder

from bot.emulator import BotApiEmulator, RateLimits

__all__ = [
    "emulator_application_builder",
    "emulator_fixture",
    "polling",
    "unlimited_emulator_fixture",
    "wait_until",
]


@pytest.fixture(name="emulator")
def emulator_fixture() -> Iterator[BotApiEmulator]:
    """A running emulator on 127.0.0.1 (free port) with Telegram's default limits."""
    with BotApiEmulator() as emu:
        yield emu


@pytest.fixture(name="unlimited_emulator")
def unlimited_emulator_fixture() -> Iterator[BotApiEmulator]:
    """A running emulator with no flood limits, for tests that send in bulk."""
    with BotApiEmulator(limits=RateLimits.unlimited()) as emu:
        yield emu


def emulator_application_builder(emu: BotApiEmulator) -> Any:
    """An ``ApplicationBuilder`` already pointed at ``emu`` (add handlers, then build)."""
    return (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .get_updates_read_timeout(5.0)
    )


@asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any], *, post_init: bool = False
) -> AsyncIterator[None]:
    """Run ``app`` with long polling for the duration of the block, then stop it cleanly.

    ``post_init`` runs the application's post-init hook first, as ``run_polling`` does
    (``initialize()`` alone does not call it).
    """
    async with app:
        if post_init and app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def wait_until(predicate: Any, timeout: float = 5.0, interval: float = 0.02) -> None:
    """Await until ``predicate()`` is truthy; fails the test with a clear message otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {predicate}")
        await asyncio.sleep(interval)
