"""The one policy that maps each Telegram error to what the bot does about it.

``decide(error)`` is pure: delivery, handlers and the CLI all ask it, so a
given error is treated the same way wherever it happens.

| Error                                  | Action                                   |
| -------------------------------------- | ---------------------------------------- |
| RetryAfter                             | wait ``retry_after`` seconds, then retry |
| Forbidden                              | deactivate the chat and its job          |
| ChatMigrated                           | move the chat to its new id, resend once |
| BadRequest "can't parse entities"      | send once as plain text, log as a bug    |
| other BadRequest                       | our bug: log, never retry                |
| NetworkError that never left (connect) | retry: the request did not reach Telegram|
| TimedOut / other NetworkError          | uncertain: never resend blindly          |
| anything else                          | our bug: log, never retry                |
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)


class Kind(Enum):
    WAIT_AND_RETRY = "wait_and_retry"
    DEACTIVATE = "deactivate"
    MIGRATE = "migrate"
    RESEND_PLAIN = "resend_plain"
    RETRY_NOW = "retry_now"  # the request certainly never reached Telegram
    UNCERTAIN = "uncertain"
    BUG = "bug"


@dataclass(frozen=True)
class Action:
    kind: Kind
    wait_seconds: float = 0.0
    new_chat_id: int | None = None
    reason: str = ""


# httpx errors raised before any byte of the request could reach the server.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_UNPARSABLE = re.compile(r"can'?t parse entities|unsupported start tag|can't find end", re.I)


def _retry_seconds(error: RetryAfter) -> float:
    # Read the private timedelta: the public attribute warns about a deprecated int form.
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(error.retry_after if isinstance(error.retry_after, int) else 1)


def decide(error: BaseException) -> Action:
    """What to do about ``error`` raised by a Bot API call."""
    reason = str(error) or error.__class__.__name__
    if isinstance(error, RetryAfter):
        return Action(Kind.WAIT_AND_RETRY, wait_seconds=_retry_seconds(error), reason=reason)
    if isinstance(error, ChatMigrated):
        return Action(Kind.MIGRATE, new_chat_id=int(error.new_chat_id), reason=reason)
    if isinstance(error, Forbidden):
        return Action(Kind.DEACTIVATE, reason=reason)
    if isinstance(error, BadRequest):
        if _UNPARSABLE.search(error.message):
            return Action(Kind.RESEND_PLAIN, reason=reason)
        return Action(Kind.BUG, reason=reason)
    if isinstance(error, TimedOut):
        if isinstance(error.__cause__, _NEVER_SENT) or "not* sent" in error.message:
            return Action(Kind.RETRY_NOW, reason=reason)
        return Action(Kind.UNCERTAIN, reason=reason)
    if isinstance(error, NetworkError):
        if isinstance(error.__cause__, _NEVER_SENT):
            return Action(Kind.RETRY_NOW, reason=reason)
        return Action(Kind.UNCERTAIN, reason=reason)
    return Action(Kind.BUG, reason=reason)


_TAG = re.compile(r"<[^>]*>")


def html_to_plain(text: str) -> str:
    """Telegram HTML as plain text: tags dropped, entities decoded, links kept visible."""
    with_links = re.sub(
        r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>',
        lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})",
        text,
        flags=re.S | re.I,
    )
    return html.unescape(_TAG.sub("", with_links))
