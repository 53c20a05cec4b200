"""Shared pieces for the bot's end-to-end tests: a seeded store and the real Application."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emulator_helpers import polling
from telegram.ext import Application

from bot.app import build_application
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.storage import open_bot_db
from digests.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
_SEEDED: dict[str, Path] = {}


def seeded_db(tmp_path: Path, cache_dir: Path) -> Path:
    """A copy of a store holding the seed articles (ingested once per session)."""
    key = str(cache_dir)
    if key not in _SEEDED:
        master = cache_dir / "seeded.db"
        db = open_bot_db(master)
        report = ingest(db, [str(SEEDS)])  # as the first run does: clean, analyse, store
        assert report.added == 5, report.summary()
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        _SEEDED[key] = master
    target = tmp_path / "ictdigest.db"
    shutil.copy(_SEEDED[key], target)
    return target


class Clock:
    """A controllable clock for schedules and catch-up."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_app(
    emu: BotApiEmulator, db_path: Path, clock: Callable[[], datetime] | None = None, **settings: Any
) -> Application[Any, Any, Any, Any, Any, Any]:
    config = Settings(token=emu.token, db_path=db_path, **settings)
    return build_application(
        config, base_url=emu.base_url, clock=clock or (lambda: datetime.now(UTC))
    )


@asynccontextmanager
async def running(app: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """Run the real Application against the emulator, with its command menus, startup
    and jobs set up by post-init as under ``run_polling``."""
    assert app.post_init is not None
    async with polling(app, post_init=True):
        yield
