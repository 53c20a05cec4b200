"""Settings from the environment and an optional TOML file (env wins).

Every value is validated at start; a bad one stops the start with one line
naming the setting (see ``SettingsError``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path


class SettingsError(Exception):
    """A bad setting; ``str()`` is the one clear line shown to the operator."""


@dataclass(frozen=True)
class Settings:
    token: str | None = None  # TELEGRAM_BOT_TOKEN; None means: run against the local emulator
    api_base_url: str = "https://api.telegram.org/bot"  # TELEGRAM_API_BASE_URL
    db_path: Path | None = None  # ICTDIGEST_DB; None means the default data folder
    default_time: time = time(7, 0)  # ICTDIGEST_DEFAULT_TIME, HH:MM
    timezone: str = "Asia/Ho_Chi_Minh"  # ICTDIGEST_TIMEZONE
    sources: tuple[str, ...] = ()  # ICTDIGEST_SOURCES, feeds/URLs/paths pulled periodically
    ingest_interval_minutes: int = 60  # ICTDIGEST_INGEST_INTERVAL
    catchup_hours: float = 6.0  # ICTDIGEST_CATCHUP_HOURS
    send_when_empty: bool = False  # ICTDIGEST_SEND_WHEN_EMPTY
    rate_overall_per_s: float = 30.0  # ICTDIGEST_RATE_OVERALL
    rate_group_per_min: float = 20.0  # ICTDIGEST_RATE_GROUP
    rate_chat_per_s: float = 1.0  # ICTDIGEST_RATE_CHAT
    admin_user_ids: frozenset[int] = field(default_factory=frozenset)  # ICTDIGEST_ADMIN_IDS
    log_level: str = "INFO"  # ICTDIGEST_LOG_LEVEL
    webhook_url: str | None = None  # ICTDIGEST_WEBHOOK_URL; unset means polling
    webhook_secret: str | None = None  # ICTDIGEST_WEBHOOK_SECRET
    webhook_listen: str = "0.0.0.0"  # ICTDIGEST_WEBHOOK_LISTEN
    webhook_port: int = 8443  # ICTDIGEST_WEBHOOK_PORT
    template_dir: Path | None = None  # ICTDIGEST_TEMPLATE_DIR, operator overrides
    language: str = "vi"  # ICTDIGEST_LANGUAGE, default UI language of new chats


def load_settings(env: Mapping[str, str] | None = None, toml_path: Path | None = None) -> Settings:
    """Build validated ``Settings`` from ``env`` (default ``os.environ``) and a TOML file."""
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN") or None
    db = env.get("ICTDIGEST_DB")
    return Settings(
        token=token,
        api_base_url=env.get("TELEGRAM_API_BASE_URL", Settings.api_base_url),
        db_path=Path(db) if db else None,
    )
