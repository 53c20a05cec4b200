"""Telegram's flood limits as token buckets.

Telegram publishes only rough numbers (about 30 messages/s overall, 20 per minute in a
group, about 1 per second in a chat, short bursts tolerated). We model each limit as a
bucket that refills continuously at the limit's rate and holds at most ``burst`` sends:

- overall: 30/s, burst 30 (what PTB's ``AIORateLimiter`` assumes, so a bot using it
  at full speed sees no 429);
- per group (chat id < 0): 20 per 60 s, burst 20;
- per chat: 1/s with a burst of 3, so a reply split into a few messages goes through,
  as it does on Telegram, but a loop hammering one chat does not.

``tolerance_s`` (100 ms) forgives an arrival up to that many seconds early: a client's
limiter starts its clock at its first send, ours at the first arrival, and the first
request (a new connection) is slower than the next ones; scheduling noise on a loaded
machine bunches arrivals further. At 50 ms a PTB ``AIORateLimiter`` bot pacing 400 sends
at exactly 30/s still drew one or two 429s; at 100 ms, none. It cannot hide a sustained
excess: a bot sending faster than a limit runs out of tokens within seconds and gets 429.
A refused send consumes nothing; ``retry_after`` is whole seconds, at least 1, as Telegram
sends it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    """The emulator's limits; ``None`` for a rate disables that limit."""

    overall_per_s: float | None = 30.0
    overall_burst: float = 30.0
    group_per_min: float | None = 20.0
    group_burst: float = 20.0
    chat_per_s: float | None = 1.0
    chat_burst: float = 3.0
    tolerance_s: float = 0.1

    @classmethod
    def unlimited(cls) -> RateLimits:
        return cls(overall_per_s=None, group_per_min=None, chat_per_s=None)


@dataclass
class _Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now

    def wait_needed(self, tolerance_s: float) -> float:
        """Seconds until one token is available (0 when available now)."""
        missing = 1.0 - tolerance_s * self.rate - self.tokens
        return 0.0 if missing <= 0 else missing / self.rate


class RateLimiter:
    """Thread-safe admission of sends against ``RateLimits`` with an injectable clock."""

    def __init__(
        self, limits: RateLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._lock = threading.Lock()
        self._overall: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Bucket] = {}

    def try_acquire(self, chat_id: int) -> int:
        """Take one send for ``chat_id``: 0 when allowed, else the ``retry_after`` seconds."""
        with self._lock:
            now = self._clock()
            buckets = self._buckets_for(chat_id, now)
            for bucket in buckets:
                bucket.refill(now)
            wait = max((b.wait_needed(self.limits.tolerance_s) for b in buckets), default=0.0)
            if wait > 0:
                return max(1, math.ceil(wait))
            for bucket in buckets:
                bucket.tokens -= 1.0
            return 0

    def _buckets_for(self, chat_id: int, now: float) -> list[_Bucket]:
        limits = self.limits
        buckets: list[_Bucket] = []
        if limits.overall_per_s is not None:
            if self._overall is None:
                self._overall = _new_bucket(limits.overall_per_s, limits.overall_burst, now)
            buckets.append(self._overall)
        if limits.chat_per_s is not None:
            if chat_id not in self._chats:
                self._chats[chat_id] = _new_bucket(limits.chat_per_s, limits.chat_burst, now)
            buckets.append(self._chats[chat_id])
        if limits.group_per_min is not None and chat_id < 0:
            if chat_id not in self._groups:
                rate = limits.group_per_min / 60.0
                self._groups[chat_id] = _new_bucket(rate, limits.group_burst, now)
            buckets.append(self._groups[chat_id])
        return buckets


def _new_bucket(rate: float, burst: float, now: float) -> _Bucket:
    capacity = max(1.0, burst)
    return _Bucket(rate=rate, capacity=capacity, tokens=capacity, updated=now)
