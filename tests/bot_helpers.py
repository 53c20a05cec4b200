"""Shared pieces for the bot's end-to-end tests: a seeded store and the real Application."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
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


def add_long_digest(db_path: Path, chat_ids: list[int], day: date, stories: int = 20) -> None:
    """Give chats a digest of several messages: ``stories`` short telecom and postal
    stories published on ``day`` (each its own story), and the long digest setting.

    The default digest is one message; tests of multi-part delivery need more.
    """
    from digest_helpers import save_seed

    from bot import chats

    db = open_bot_db(db_path)
    first = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]) + 1
    for n in range(stories):
        topic = ("mạng 5G", "dịch vụ bưu chính")[n % 2]
        sentences = [
            f"Đơn vị số {n} mở rộng {topic} tới {n + 12} tỉnh, thành phố trong quý I, theo "
            f"báo cáo gửi Bộ Khoa học và Công nghệ ngày {n % 9 + 1}/3.",
            f"Doanh thu {topic} của đơn vị số {n} đạt {n + 100} tỷ đồng, tăng {n % 7 + 3}% "
            "so với cùng kỳ năm trước, nhờ khách hàng doanh nghiệp tăng mạnh.",
        ]
        title = f"Đơn vị số {n} mở rộng {topic} tới {n + 12} tỉnh"
        save_seed(
            db,
            "x",
            [(s, False) for s in sentences],
            title=title,
            published=day,
            source=f"bao{n % 4}.vn",
            url=f"https://bao{n % 4}.vn/tin-{n}",
        )
    db.execute("UPDATE articles SET story_id = id WHERE id >= ?", [first])
    db.conn.commit()
    for chat_id in chat_ids:
        chats.set_digest_length(db, chat_id, "long")
    db.conn.close()
