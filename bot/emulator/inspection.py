"""Inspecting the emulator: what the bot sent, counters, and waiting for messages."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.emulator.base import EmulatorBase, EmulatorStats
from bot.emulator.state import ChatState


class InspectionMixin(EmulatorBase):
    """Observation API (thread-safe) for tests, benchmarks and the console."""

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Every accepted sendMessage, oldest first, optionally for one chat."""
        with self._lock:
            pool = self._sent if chat_id is None else self._sent_by_chat.get(chat_id, [])
            return [dict(m) for m in pool]

    def edits(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._edits if chat_id is None or e["chat_id"] == chat_id]

    def callback_answers(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(a) for a in self._callback_answers]

    def chat_actions(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(a) for a in self._chat_actions]

    def method_calls(self) -> list[str]:
        """Names (lower case) of every method the bot called except getUpdates, in order."""
        with self._lock:
            return [name for _, name in self._calls]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message (after edits), as Telegram stores it."""
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return dict(found) if found else None

    def chat(self, chat_id: int) -> ChatState | None:
        with self._lock:
            return self._chats.get(chat_id)

    def stats(self) -> EmulatorStats:
        with self._lock:
            s = self._stats
            return EmulatorStats(
                s.sent_count,
                s.rejected_429,
                s.rejected_other,
                s.first_send_at,
                s.last_send_at,
                list(s.send_times),
            )

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = EmulatorStats()

    def mark(self) -> int:
        """A point in time for ``wait_for_messages(after=...)``."""
        with self._lock:
            return next(self._seq)

    def pending_updates(self) -> int:
        """Updates queued and not yet handed to the bot."""
        with self._lock:
            return sum(1 for u in self._updates if u.seq > self._delivered_seq)

    def _after_seq(self, after: int | dict[str, Any] | None) -> int:
        if after is None:
            return 0
        if isinstance(after, int):
            return after
        return self._message_seq.get((after["chat"]["id"], after["message_id"]), 0)

    def _messages_after(self, chat_id: int | None, floor: int) -> list[dict[str, Any]]:
        pool = self._sent if chat_id is None else self._sent_by_chat.get(chat_id, [])
        return [dict(m) for m in pool if m["seq"] > floor]

    def wait_for_messages(
        self,
        chat_id: int | None,
        count: int,
        timeout: float = 5.0,
        *,
        after: int | dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Block until ``count`` messages were sent to the chat (after ``after``: a ``mark()``
        or a Message from ``user_sends``); returns them all, or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._lock:
            floor = self._after_seq(after)
            while True:
                found = self._messages_after(chat_id, floor)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    raise self._timeout(chat_id, count, timeout, found)
                self._changed.wait(remaining)

    async def await_messages(
        self,
        chat_id: int | None,
        count: int,
        timeout: float = 5.0,
        *,
        after: int | dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """``wait_for_messages`` for async tests: polls without blocking the event loop or
        taking an executor thread the bot under test may need."""
        deadline = time.monotonic() + timeout
        with self._lock:
            floor = self._after_seq(after)
        while True:
            with self._lock:
                found = self._messages_after(chat_id, floor)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline or self._closing:
                raise self._timeout(chat_id, count, timeout, found)
            await asyncio.sleep(0.01)

    @staticmethod
    def _timeout(
        chat_id: int | None, count: int, timeout: float, found: list[dict[str, Any]]
    ) -> TimeoutError:
        texts = [m["visible_text"][:80] for m in found]
        return TimeoutError(
            f"{len(found)} of {count} messages to chat {chat_id} after {timeout}s: {texts}"
        )

    def wait_until_quiet(self, quiet: float = 0.3, timeout: float = 10.0) -> bool:
        """Wait until the bot took every update and made no call for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                idle_for = self._monotonic() - self._last_bot_activity
                undelivered = any(u.seq > self._delivered_seq for u in self._updates)
                if not undelivered and idle_for >= quiet:
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    return False
                self._changed.wait(min(remaining, max(0.01, quiet - idle_for)))

    def last_activity(self) -> float:
        """Monotonic time of the bot's last call other than an empty getUpdates."""
        with self._lock:
            return self._last_bot_activity
