"""Shared pieces for the bot's end-to-end tests: a seeded store and the real Application."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import build_application
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.storage import open_bot_db
from digests.clean import clean_document
from digests.fetch import Fetcher
from digests.model import Analysis, RawDocument, Sentence
from digests.sentences import split_sentences
from digests.sources import iter_items
from digests.store import save_article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
_SEEDED: dict[str, Path] = {}


def seeded_db(tmp_path: Path, cache_dir: Path) -> Path:
    """A copy of a store holding the seed articles (ingested once per session)."""
    key = str(cache_dir)
    if key not in _SEEDED:
        master = cache_dir / "seeded.db"
        db = open_bot_db(master)
        with Fetcher() as fetcher:
            for item in iter_items([str(SEEDS)], fetcher):
                assert isinstance(item, RawDocument), item
                _store(db, item)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        _SEEDED[key] = master
    target = tmp_path / "ictdigest.db"
    shutil.copy(_SEEDED[key], target)
    return target


def _store(db: Any, doc: RawDocument) -> None:
    """Clean and store one seed with its sentences (organisation analysis is not needed here)."""
    article = clean_document(doc)
    sentences = [
        Sentence(idx, number, text, is_heading=number in article.headings)
        for number, paragraph in enumerate(article.paragraphs)
        for text in split_sentences(paragraph)
        for idx in [0]
    ]
    sentences = [Sentence(i, s.paragraph, s.text, s.is_heading) for i, s in enumerate(sentences)]
    save_article(db, doc, article, Analysis(sentences=sentences))


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
    """Run the real Application with long polling against the emulator."""
    async with app:
        assert app.post_init is not None
        await app.post_init(app)  # as run_polling does: command menus, startup and jobs
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()
