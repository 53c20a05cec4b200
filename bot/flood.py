"""Per-user and per-chat command limits, applied before anything reaches Telegram.

A member who floods a group with commands gets one polite "chậm lại" and is then
ignored for ``quiet_s``; a group whose members together exceed the chat limit is
treated the same way. Only commands and button presses count: plain group talk is
not ours to limit. Decisions are pure (``FloodGuard.check``); the handler in group
-1 stops a refused update before any other handler runs.
"""

from __future__ import annotations

import collections
import logging
import time
from dataclasses import dataclass, field
from typing import Literal

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.services import services_of
from bot.settings import Settings

log = logging.getLogger(__name__)

Verdict = Literal["ok", "warn", "ignore"]
WINDOW_S = 60.0
QUIET_S = 60.0


@dataclass
class FloodGuard:
    """Command budgets per window: what Telegram would let the bot answer in that time.

    A private chat may ask as fast as its replies can go (``rate_chat_per_s``); in a
    group, the whole chat gets three quarters of the group send limit (the rest is
    left for the digest) and one member half of it.
    """

    private_limit: int = 60
    group_user_limit: int = 10
    group_chat_limit: int = 15
    window_s: float = WINDOW_S
    quiet_s: float = QUIET_S
    _seen: dict[tuple[str, int], collections.deque[float]] = field(default_factory=dict)
    _quiet_until: dict[tuple[str, int], float] = field(default_factory=dict)

    @classmethod
    def for_settings(cls, settings: Settings) -> FloodGuard:
        per_window = settings.rate_group_per_min * WINDOW_S / 60
        return cls(
            private_limit=max(1, int(settings.rate_chat_per_s * WINDOW_S)),
            group_user_limit=max(1, int(per_window * 0.5)),
            group_chat_limit=max(1, int(per_window * 0.75)),
        )

    def check(self, chat_id: int, user_id: int, is_group: bool, now: float) -> Verdict:
        """Count one command from ``user_id`` in ``chat_id``; say whether to answer it."""
        keys = [("user", user_id), ("chat", chat_id)] if is_group else [("private", chat_id)]
        if any(self._quiet_until.get(key, 0.0) > now for key in keys):
            return "ignore"
        over = []
        for key in keys:
            seen = self._seen.setdefault(key, collections.deque())
            while seen and now - seen[0] > self.window_s:
                seen.popleft()
            seen.append(now)
            if len(seen) > self._limit(key[0]):
                over.append(key)
        if not over:
            self._forget_idle(now)
            return "ok"
        for key in over:
            self._quiet_until[key] = now + self.quiet_s
        return "warn"

    def _limit(self, kind: str) -> int:
        return {
            "user": self.group_user_limit,
            "chat": self.group_chat_limit,
            "private": self.private_limit,
        }[kind]

    def _forget_idle(self, now: float) -> None:
        if len(self._seen) < 50_000:
            return
        for key in [k for k, v in self._seen.items() if not v or now - v[-1] > self.window_s]:
            del self._seen[key]
        for key in [k for k, t in self._quiet_until.items() if t <= now]:
            del self._quiet_until[key]


def guard_of(context: ContextTypes.DEFAULT_TYPE) -> FloodGuard:
    found = context.bot_data.get("flood_guard")
    if not isinstance(found, FloodGuard):
        found = FloodGuard.for_settings(services_of(context).settings)
        context.bot_data["flood_guard"] = found
    return found


def _is_command(update: Update) -> bool:
    if update.callback_query is not None:
        return True
    message = update.message
    return bool(message and message.text and message.text.startswith("/"))


async def flood_gate(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: answer a flooder once with "chậm lại", then drop their updates a while."""
    if not isinstance(update, Update) or not _is_command(update):
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    verdict = guard_of(context).check(chat.id, user.id, chat.type != "private", time.monotonic())
    if verdict == "ok":
        return
    if verdict == "warn":
        log.warning("event=flood_refused chat_id=%s user_id=%s", chat.id, user.id)
        settings = services_of(context).settings
        text = texts.html(
            "slow_down", settings.language, settings.template_dir, seconds=int(QUIET_S)
        )
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(texts_plain(text), show_alert=False)
            elif update.message is not None:
                await update.message.reply_text(text)
        except Exception as exc:  # a refusal that cannot be sent is still a refusal
            log.info("event=flood_notice_not_sent chat_id=%s error=%r", chat.id, str(exc))
    raise ApplicationHandlerStop


def texts_plain(html_text: str) -> str:
    from bot.errors import html_to_plain

    return html_to_plain(html_text)[:200]


__all__ = ["FloodGuard", "flood_gate"]
