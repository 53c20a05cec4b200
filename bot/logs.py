"""Structured logs: one line per event, secrets removed before anything is written.

Format (``ICTDIGEST_LOG_FORMAT``):

* ``logfmt`` (default) — ``key=value`` pairs on one line, easy to read in
  ``journalctl``/``docker logs`` and to grep::

      ts=2025-06-01T07:00:00.120+07:00 level=info logger=bot.delivery msg="digest sent"
      chat_id=-1001 digest_key=2025-06-01      (one line in the real output)

* ``json`` — one JSON object per line with the same keys, for log shippers.

Fields: ``ts`` (in the configured time zone, with its offset), ``level``,
``logger``, ``msg``, then ``chat_id`` and ``digest_key`` when known, then any
other ``extra=`` fields, then ``exc`` (a traceback, newlines escaped so the event
stays on one line). ``chat_id``/``digest_key`` come from ``extra=`` or from an
enclosing ``log_context(chat_id=…, digest_key=…)`` block, which also tags the
lines PTB and httpx write while delivering to that chat.

Redaction: the bot token, the webhook secret and anything shaped like a bot token
are replaced by ``[REDACTED]`` in the message, its arguments, exception texts and
tracebacks — e.g. httpx's ``…/bot<TOKEN>/getMe`` becomes ``…/bot[REDACTED]/getMe``.
The filter sits on every root handler, so no handler sees the secret.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.settings import REDACTED, Settings

CONTEXT_FIELDS = ("chat_id", "digest_key")
# Anything shaped like a bot token, also URL-encoded, even one that is not ours.
TOKEN_SHAPE = re.compile(r"\d{3,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
# Libraries that log every HTTP request or job run: noise below DEBUG.
CHATTY_LOGGERS = ("httpx", "apscheduler.executors.default", "apscheduler.scheduler")
# httpcore's DEBUG output is a protocol trace, not events: never wanted.
SILENT_LOGGERS = ("httpcore",)

_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)
_context: ContextVar[dict[str, Any] | None] = ContextVar("ictdigest_log_context", default=None)
_secrets: tuple[str, ...] = ()
_installed: logging.Handler | None = None


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """``text`` without the configured secrets or anything shaped like a bot token."""
    for secret in _secrets if secrets is None else secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Tag every line logged inside the block (and in tasks it starts) with ``fields``."""
    current = _context.get() or {}
    token = _context.set({**current, **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class RedactingFilter(logging.Filter):
    """Rewrites each record so its message, exception and stack texts hold no secret."""

    _exception_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


class ContextFilter(logging.Filter):
    """Adds the fields of the enclosing ``log_context`` unless the call set them itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def event_fields(record: logging.LogRecord, tz: tzinfo) -> dict[str, Any]:
    """The ordered fields of one log line."""
    when = datetime.fromtimestamp(record.created, tz)
    fields: dict[str, Any] = {
        "ts": when.isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": record.getMessage(),
    }
    extras = {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}
    for key in CONTEXT_FIELDS:
        if extras.get(key) is not None:
            fields[key] = extras.pop(key)
    for key in sorted(extras):
        if not key.startswith("_") and extras[key] is not None:
            fields[key] = extras[key]
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        fields["exc"] = record.exc_text
    if record.stack_info:
        fields["stack"] = record.stack_info
    return fields


_NEEDS_QUOTES = re.compile(r'[\s"=\\]|^$')


def logfmt_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if not _NEEDS_QUOTES.search(text):
        return text
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


class LogfmtFormatter(logging.Formatter):
    def __init__(self, tz: tzinfo) -> None:
        super().__init__()
        self.tz = tz

    def format(self, record: logging.LogRecord) -> str:
        fields = event_fields(record, self.tz)
        return " ".join(f"{key}={logfmt_value(value)}" for key, value in fields.items())


class JsonFormatter(logging.Formatter):
    def __init__(self, tz: tzinfo) -> None:
        super().__init__()
        self.tz = tz

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(event_fields(record, self.tz), ensure_ascii=False, default=str)


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> logging.Handler:
    """Send all logging to ``stream`` (stderr) as one redacted line per event.

    Calling it again replaces the previous handler. Returns the handler.
    """
    global _secrets, _installed
    _secrets = settings.secrets
    tz = ZoneInfo(settings.timezone)
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter = JsonFormatter(tz) if settings.log_format == "json" else LogfmtFormatter(tz)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    if _installed is not None:
        root.removeHandler(_installed)
    root.addHandler(handler)
    _installed = handler
    for existing in root.handlers:
        _ensure_filters(existing)
    level = settings.log_level_number
    root.setLevel(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(level if level <= logging.DEBUG else logging.WARNING)
    for name in SILENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler


def _ensure_filters(handler: logging.Handler) -> None:
    kinds = {type(f) for f in handler.filters}
    if ContextFilter not in kinds:
        handler.addFilter(ContextFilter())
    if RedactingFilter not in kinds:
        handler.addFilter(RedactingFilter())
