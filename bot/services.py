"""What every handler and job needs, kept in ``application.bot_data["services"]``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext

from bot.dbworker import DbWorker
from bot.settings import Settings

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    db: DbWorker
    clock: Clock = system_clock
    owns_db: bool = True  # close the worker on shutdown
    # (window, themes, lang, newest article id) → rendered digest, shared by a broadcast
    digest_cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock()


def services_of(
    holder: Application[Any, Any, Any, Any, Any, Any] | CallbackContext[Any, Any, Any, Any],
) -> Services:
    """The Services of an Application or of a handler's/job's context."""
    app = holder if isinstance(holder, Application) else holder.application
    found = app.bot_data["services"]
    assert isinstance(found, Services)
    return found
