"""Settings from the environment and an optional TOML file (env wins).

Every value is validated at start; a bad one stops the start with one line
naming the setting (see ``SettingsError``). The TOML file is named by
``--config`` or ``$ICTDIGEST_CONFIG``; its keys are the ``Settings`` field
names (``token``, ``db_path``, ``default_time`` …), all at the top level.
Each setting's environment variable is listed in ``ENV_VARS``.

The token is never shown: not in ``repr(settings)``, not in error messages.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
TIME_RE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("logfmt", "json")
LANGUAGES = ("vi", "en")
MAX_CATCHUP_HOURS = 48.0
REDACTED = "[REDACTED]"
CONFIG_ENV = "ICTDIGEST_CONFIG"
TOKEN_FILE_ENV = "TELEGRAM_BOT_TOKEN_FILE"

# Settings field → environment variable. The TOML key is the field name.
ENV_VARS: dict[str, str] = {
    "token": "TELEGRAM_BOT_TOKEN",
    "api_base_url": "TELEGRAM_API_BASE_URL",
    "db_path": "ICTDIGEST_DB",
    "default_time": "ICTDIGEST_DEFAULT_TIME",
    "timezone": "ICTDIGEST_TIMEZONE",
    "sources": "ICTDIGEST_SOURCES",
    "ingest_interval_minutes": "ICTDIGEST_INGEST_INTERVAL",
    "catchup_hours": "ICTDIGEST_CATCHUP_HOURS",
    "send_when_empty": "ICTDIGEST_SEND_WHEN_EMPTY",
    "rate_overall_per_s": "ICTDIGEST_RATE_OVERALL",
    "rate_group_per_min": "ICTDIGEST_RATE_GROUP",
    "rate_chat_per_s": "ICTDIGEST_RATE_CHAT",
    "admin_user_ids": "ICTDIGEST_ADMIN_IDS",
    "log_level": "ICTDIGEST_LOG_LEVEL",
    "log_format": "ICTDIGEST_LOG_FORMAT",
    "webhook_url": "ICTDIGEST_WEBHOOK_URL",
    "webhook_secret": "ICTDIGEST_WEBHOOK_SECRET",
    "webhook_listen": "ICTDIGEST_WEBHOOK_LISTEN",
    "webhook_port": "ICTDIGEST_WEBHOOK_PORT",
    "template_dir": "ICTDIGEST_TEMPLATE_DIR",
    "language": "ICTDIGEST_LANG",  # one name for the bot and the CLI
    "fetch_allow_private": "ICTDIGEST_FETCH_ALLOW_PRIVATE",
    "in_doubt": "ICTDIGEST_IN_DOUBT",
}
# Older names still read when the new one is unset.
LEGACY_ENV_VARS: dict[str, str] = {"language": "ICTDIGEST_LANGUAGE"}
SECRET_FIELDS = frozenset({"token", "webhook_secret"})


class SettingsError(Exception):
    """A bad setting; ``str()`` is the one clear line shown to the operator."""


@dataclass(frozen=True, repr=False)
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
    # A little under Telegram's ~30/s: arrival jitter on the network must not trip its limit.
    rate_overall_per_s: float = 29.0  # ICTDIGEST_RATE_OVERALL
    rate_group_per_min: float = 20.0  # ICTDIGEST_RATE_GROUP
    rate_chat_per_s: float = 1.0  # ICTDIGEST_RATE_CHAT
    admin_user_ids: frozenset[int] = field(default_factory=frozenset)  # ICTDIGEST_ADMIN_IDS
    log_level: str = "INFO"  # ICTDIGEST_LOG_LEVEL
    log_format: str = "logfmt"  # ICTDIGEST_LOG_FORMAT: logfmt (key=value) or json
    webhook_url: str | None = None  # ICTDIGEST_WEBHOOK_URL; unset means polling
    webhook_secret: str | None = None  # ICTDIGEST_WEBHOOK_SECRET
    webhook_listen: str = "0.0.0.0"  # ICTDIGEST_WEBHOOK_LISTEN
    webhook_port: int = 8443  # ICTDIGEST_WEBHOOK_PORT
    template_dir: Path | None = None  # ICTDIGEST_TEMPLATE_DIR, operator overrides
    language: str = "vi"  # ICTDIGEST_LANG (formerly ICTDIGEST_LANGUAGE), new chats' language
    # ICTDIGEST_FETCH_ALLOW_PRIVATE: let ingest fetch loopback, private and link-local addresses
    fetch_allow_private: bool = False
    in_doubt: str = "notice"  # ICTDIGEST_IN_DOUBT: notice (reader taps to resend) or resend

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            shown = REDACTED if f.name in SECRET_FIELDS and value else repr(value)
            parts.append(f"{f.name}={shown}")
        return f"Settings({', '.join(parts)})"

    __str__ = __repr__

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in logs or error reports."""
        return tuple(v for v in (self.token, self.webhook_secret) if v)

    def api_url(self, method: str) -> str:
        """The Bot API URL of ``method`` for this token, built the way PTB builds it."""
        if self.token is None:
            raise ValueError("no token configured")
        if "{token}" in self.api_base_url:
            return self.api_base_url.replace("{token}", self.token) + "/" + method
        return f"{self.api_base_url}{self.token}/{method}"


# --- parsing and validating one value each; they raise ValueError("what is wrong") ----------


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value.strip()


def parse_token(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if not TOKEN_RE.fullmatch(text):
        # Never echo the value: a near-miss is still mostly the secret.
        raise ValueError(
            "does not look like a bot token (digits, a colon, then 30+ letters, digits, _ or -"
            " — copy it again from @BotFather)"
        )
    return text


def parse_base_url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{text!r} is not an http:// or https:// URL")
    if "{token}" not in text and not text.endswith("/bot"):
        raise ValueError(
            f"{text!r} must end with /bot (the token is appended to it),"
            " e.g. https://api.telegram.org/bot"
        )
    return text


def _first_existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def parse_db_path(value: Any) -> Path | None:
    text = _text(value)
    if not text:
        return None
    path = Path(text).expanduser()
    check_db_path(path)
    return path


def check_db_path(path: Path) -> None:
    """Raise ValueError unless ``path`` is (or can become) a writable database file."""
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give the path of the database file inside it")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise ValueError(f"{path} is not readable and writable by this user")
        return
    ancestor = _first_existing_ancestor(path.parent)
    if not ancestor.is_dir():
        raise ValueError(f"cannot create {path}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValueError(f"cannot create {path}: {ancestor} is not writable by this user")


def parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    text = _text(value)
    match = TIME_RE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a time; use HH:MM, e.g. 07:00")
    return time(int(match[1]), int(match[2]))


def parse_timezone(value: Any) -> str:
    text = _text(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{text!r} is not a known time zone, e.g. Asia/Ho_Chi_Minh") from None
    return text


def _items(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    text = _text(value)
    return [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]


def parse_sources(value: Any) -> tuple[str, ...]:
    sources = _items(value)
    for source in sources:
        if source.startswith(("http://", "https://")):
            if not urlsplit(source).hostname:
                raise ValueError(f"{source!r} is not a valid URL")
        elif "://" in source:
            raise ValueError(f"{source!r}: only http:// and https:// URLs or local paths")
        elif not Path(source).expanduser().exists():
            raise ValueError(f"{source!r} is neither an http(s) URL nor an existing path")
    return tuple(sources)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = _text(value)
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def parse_positive(value: Any) -> float:
    number = _number(value)
    if not number > 0 or number == float("inf"):
        raise ValueError(f"{value!r} must be a positive number")
    return number


def parse_positive_int(value: Any) -> int:
    number = _number(value)
    if number != int(number) or number < 1:
        raise ValueError(f"{value!r} must be a whole number of at least 1")
    return int(number)


def parse_catchup(value: Any) -> float:
    number = _number(value)
    if not 0 <= number <= MAX_CATCHUP_HOURS:
        raise ValueError(f"{value!r} must be between 0 and {MAX_CATCHUP_HOURS:g} hours")
    return number


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{text!r} is not yes/no (use true or false)")


def parse_admin_ids(value: Any) -> frozenset[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return frozenset({value})
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = [item for item in re.split(r"[,\s]+", _text(value)) if item]
    ids = set()
    for item in items:
        if not re.fullmatch(r"-?\d+", item.strip()):
            raise ValueError(f"{item!r} is not a numeric Telegram user id")
        ids.add(int(item))
    return frozenset(ids)


def _choice(options: tuple[str, ...], *, upper: bool = False) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        text = text.upper() if upper else text.lower()
        if text not in options:
            raise ValueError(f"{text!r} is not one of {', '.join(options)}")
        return text

    return parse


def parse_webhook_url(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"{text!r} must be an https:// URL (Telegram only calls https webhooks)")
    return text


def parse_secret(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if not SECRET_RE.fullmatch(text):
        raise ValueError("must be 1-256 characters among A-Z, a-z, 0-9, _ and -")
    return text


def parse_host(value: Any) -> str:
    text = _text(value)
    if not text or any(c.isspace() for c in text):
        raise ValueError(f"{text!r} is not an address to listen on, e.g. 0.0.0.0")
    return text


def parse_port(value: Any) -> int:
    port = parse_positive_int(value)
    if port > 65535:
        raise ValueError(f"{value!r} is not a port number (1-65535)")
    return port


def parse_template_dir(value: Any) -> Path | None:
    text = _text(value)
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_dir():
        raise ValueError(f"{path} is not an existing folder")
    return path


PARSERS: dict[str, Callable[[Any], Any]] = {
    "token": parse_token,
    "api_base_url": parse_base_url,
    "db_path": parse_db_path,
    "default_time": parse_time,
    "timezone": parse_timezone,
    "sources": parse_sources,
    "ingest_interval_minutes": parse_positive_int,
    "catchup_hours": parse_catchup,
    "send_when_empty": parse_bool,
    "rate_overall_per_s": parse_positive,
    "rate_group_per_min": parse_positive,
    "rate_chat_per_s": parse_positive,
    "admin_user_ids": parse_admin_ids,
    "log_level": _choice(LOG_LEVELS, upper=True),
    "log_format": _choice(LOG_FORMATS),
    "webhook_url": parse_webhook_url,
    "webhook_secret": parse_secret,
    "webhook_listen": parse_host,
    "webhook_port": parse_port,
    "template_dir": parse_template_dir,
    "in_doubt": _choice(("notice", "resend")),
    "language": _choice(LANGUAGES),
    "fetch_allow_private": parse_bool,
}


# --- assembling ------------------------------------------------------------------------------


def read_toml(path: Path) -> dict[str, Any]:
    """The settings table of a TOML file; unknown keys are an error (they are typos)."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"{CONFIG_ENV}: config file {path} does not exist") from None
    except OSError as exc:
        raise SettingsError(f"{CONFIG_ENV}: cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{CONFIG_ENV}: {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(PARSERS))
    if unknown:
        raise SettingsError(
            f"{path}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(PARSERS))}"
        )
    return data


def _read_token_file(env: Mapping[str, str]) -> str | None:
    name = env.get(TOKEN_FILE_ENV, "").strip()
    if not name:
        return None
    try:
        return Path(name).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(f"{TOKEN_FILE_ENV}: cannot read {name}: {exc.strerror}") from None


def _raw_values(
    env: Mapping[str, str], toml: Mapping[str, Any], toml_path: Path | None
) -> dict[str, tuple[Any, str]]:
    """Each configured field's raw value and where it came from; environment wins."""
    raw: dict[str, tuple[Any, str]] = {}
    for name in PARSERS:
        if name in toml:
            raw[name] = (toml[name], f"{name} (in {toml_path})")
    token_from_file = _read_token_file(env)
    if token_from_file is not None:
        raw["token"] = (token_from_file, TOKEN_FILE_ENV)
    for name, var in LEGACY_ENV_VARS.items():
        if var in env and ENV_VARS[name] not in env:
            raw[name] = (env[var], var)
    for name, var in ENV_VARS.items():
        if var in env:
            raw[name] = (env[var], var)
    return raw


def _check_combinations(settings: Settings, origin: Mapping[str, str]) -> None:
    if settings.webhook_url and not settings.webhook_secret:
        raise SettingsError(
            f"{origin.get('webhook_secret', ENV_VARS['webhook_secret'])}: required when"
            " a webhook URL is set (Telegram sends it back so the bot can trust the caller)"
        )
    if settings.webhook_url and settings.token is None:
        raise SettingsError(
            f"{origin.get('webhook_url', ENV_VARS['webhook_url'])}: webhook mode needs"
            f" {ENV_VARS['token']}"
        )


def load_settings(
    env: Mapping[str, str] | None = None, toml_path: Path | str | None = None
) -> Settings:
    """Build validated ``Settings`` from ``env`` (default ``os.environ``) and a TOML file.

    ``toml_path`` defaults to ``$ICTDIGEST_CONFIG``. Raises ``SettingsError``.
    """
    env = os.environ if env is None else env
    if toml_path is None and env.get(CONFIG_ENV, "").strip():
        toml_path = env[CONFIG_ENV].strip()
    path = Path(toml_path).expanduser() if toml_path is not None else None
    toml = read_toml(path) if path is not None else {}
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, (raw, where) in _raw_values(env, toml, path).items():
        try:
            values[name] = PARSERS[name](raw)
        except ValueError as exc:
            raise SettingsError(f"{where}: {exc}") from None
        origin[name] = where
    settings = Settings(**values)
    if settings.db_path is None:
        _check_default_db_path(env)
    _check_combinations(settings, origin)
    return settings


def _check_default_db_path(env: Mapping[str, str]) -> None:
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    path = Path(data_home) / "ictdigest" / "ictdigest.db"
    try:
        check_db_path(path)
    except ValueError as exc:
        raise SettingsError(f"{ENV_VARS['db_path']} (unset, default {path}): {exc}") from None


def load_or_exit(config: str | Path | None = None, *, stderr: TextIO | None = None) -> Settings:
    """``load_settings`` for a command line: a bad setting prints one line and exits 2."""
    try:
        return load_settings(toml_path=config)
    except SettingsError as exc:
        print(f"ictdigest: bad setting: {exc}", file=stderr or sys.stderr)
        raise SystemExit(2) from None
