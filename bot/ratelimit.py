"""The bot's own Bot API rate limiter: fair across chats, two budgets, prompt to stop.

PTB's ``AIORateLimiter`` pauses *every* request after *any* 429, so one flooded
group made ``/help`` elsewhere wait 53 s and delayed every digest. Here:

- Telegram's limits are kept: overall (``rate_overall_per_s``), per group
  (``rate_group_per_min``) and per chat (1/s with a burst of ``CHAT_BURST``).
  A request takes its chat's and group's slot first and the shared overall slot
  last, so a request waiting on its own chat never holds a shared slot.
- Two budgets: command replies may use at most ``COMMAND_SHARE`` of the overall
  rate, and they go ahead of digest parts in the queue for the overall slot. A
  command storm cannot take more than that share from the morning digest, and a
  digest broadcast never makes ``/help`` wait behind hundreds of queued parts.
- A 429 pauses only the chat it was for. Only when several chats get a 429
  within ``GLOBAL_WINDOW_S`` (Telegram's overall limit) does everything pause.
- A digest part is claimed in the outbox only when every slot is granted and
  the request is about to leave (``PartClaim``), so a crash leaves in doubt only
  requests actually in flight. ``InFlight`` keeps that number to what the pace
  needs (rate × latency, Little's law): a broadcast's first second no longer
  claims thirty parts at once.
- ``close()`` (SIGTERM) fails every request still waiting with ``Released``:
  unclaimed parts stay pending in the outbox and go out after the restart.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

CHAT_BURST = 3  # messages one chat may get at once before the 1/s pacing starts
COMMAND_SHARE = 0.35  # of the overall rate, at most, for command replies
GLOBAL_WINDOW_S = 1.0  # 429s for this many distinct chats within this window: global
GLOBAL_CHATS = 3
MAX_INLINE_WAIT_S = 5.0  # a command reply waits out a Retry-After up to this; longer: raise
MAX_RETRIES = 2  # RetryAfter answers a command reply absorbs before its handler sees one


FLIGHT_HEADROOM = 2.0  # in-flight digest requests: rate × latency × this, at least one
FLIGHT_MAX = 16
STALL_FACTOR = 4.0  # an answer this many times slower than usual (and ≥ 1 s) frees its slot
STALL_MIN_S = 1.0


class Released(Exception):
    """The bot is stopping: this request was never sent (nothing claimed, nothing lost)."""


class Claim(Protocol):
    async def before_request(self) -> None: ...


class PriorityBucket:
    """A token bucket whose waiters are served high priority first, then in order."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.capacity = rate, max(1.0, burst)
        self._tokens, self._updated = self.capacity, time.monotonic()
        self._queues: tuple[collections.deque[asyncio.Future[None]], ...] = (
            collections.deque(),
            collections.deque(),
        )
        self._pump: asyncio.Task[None] | None = None

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self, *, high: bool) -> None:
        self._refill()
        if self._tokens >= 1 and not any(self._queues):
            self._tokens -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[0 if high else 1].append(waiter)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._serve())
        await waiter

    async def _serve(self) -> None:
        while any(self._queues):
            self._refill()
            if self._tokens < 1:
                await asyncio.sleep((1 - self._tokens) / self.rate)
                continue
            queue = self._queues[0] if self._queues[0] else self._queues[1]
            waiter = queue.popleft()
            if not waiter.done():  # a cancelled waiter takes no token
                waiter.set_result(None)
                self._tokens -= 1

    def fail_waiting(self, error: BaseException) -> None:
        for queue in self._queues:
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_exception(error)


class InFlight:
    """At most as many digest requests on the wire as the pace needs, by Little's law.

    Every claimed part whose answer has not come is in doubt if the process dies.
    Sending at ``rate`` per second when each send holds its slot for L seconds
    (the claim's commit, then the request until its answer) needs about rate × L
    slots; more only widens the doubt after a kill -9. L is an average of recent
    sends, so a slow link or a slow disk gets more room (9 at 150 ms and 30/s)
    and a fast one less (1 on loopback, where a send takes ~5 ms).

    A request whose answer is late (``stall_after``) gives its slot back while it
    waits on: one slow answer must not hold up the rest of a broadcast.
    """

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._latency = 0.0  # one request at first; the answers' latency opens more room
        self._busy = 0
        self.peak = 0  # the most requests ever in flight at once (bench, tests)
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def capacity(self) -> int:
        needed = math.ceil(self._rate * self._latency * FLIGHT_HEADROOM)
        return max(1, min(FLIGHT_MAX, needed))

    @property
    def stall_after(self) -> float:
        """Seconds after which a request still unanswered no longer holds its slot."""
        return max(STALL_MIN_S, STALL_FACTOR * self._latency)

    @property
    def busy(self) -> int:
        return self._busy

    async def acquire(self) -> None:
        if self._busy < self.capacity and not self._waiters:
            self._take_slot()
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release_slot()  # granted as it was cancelled: pass the slot on
            elif waiter in self._waiters:  # a release may have passed over it already
                self._waiters.remove(waiter)
            raise

    def release(self, latency: float | None) -> None:
        """Give the slot back; ``latency``: how long the answer took (None: no answer)."""
        self.observe(latency)
        self._release_slot()

    def observe(self, latency: float | None) -> None:
        if latency is not None:
            self._latency += 0.2 * (latency - self._latency)

    def _release_slot(self) -> None:
        self._busy -= 1
        while self._waiters and self._busy < self.capacity:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._take_slot()
                waiter.set_result(None)

    def _take_slot(self) -> None:
        self._busy += 1
        self.peak = max(self.peak, self._busy)

    def fail_waiting(self, error: BaseException) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(error)


class FairLimits(BaseRateLimiter[Any]):
    """Per-chat, per-group and overall Bot API limits with per-chat 429 back-off."""

    def __init__(self, overall_per_s: float, group_per_min: float, chat_per_s: float) -> None:
        self._overall = PriorityBucket(overall_per_s, overall_per_s)
        self._flight = InFlight(overall_per_s)
        share = max(1.0, overall_per_s * COMMAND_SHARE)
        self._commands = AsyncLimiter(share, 1)
        self._group_rate, self._chat_rate = group_per_min, chat_per_s
        self._groups: dict[int, AsyncLimiter] = {}
        self._chats: dict[int, AsyncLimiter] = {}
        self._paused_until: dict[int, float] = {}  # chat id → monotonic time
        self._global_until = 0.0
        self._recent_429: collections.deque[tuple[float, int]] = collections.deque()
        self._closed = False
        self._waiting: set[asyncio.Task[Any]] = set()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self.close()

    def close(self) -> None:
        """Stop: requests still waiting for a slot fail with ``Released``, never sent."""
        self._closed = True
        self._overall.fail_waiting(Released("the bot is stopping"))
        self._flight.fail_waiting(Released("the bot is stopping"))
        for task in list(self._waiting):
            task.cancel()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def in_flight(self) -> InFlight:
        return self._flight

    # ------------------------------------------------------------------ limiters

    def _limiter(
        self, table: dict[int, AsyncLimiter], key: int, rate: float, period: float
    ) -> AsyncLimiter:
        found = table.get(key)
        if found is None:
            if len(table) > 20_000:  # idle limiters carry no state worth keeping
                for old in [k for k, v in table.items() if v.has_capacity(v.max_rate)]:
                    del table[old]
            found = table[key] = AsyncLimiter(rate, period)
        return found

    def _chat(self, chat_id: int) -> AsyncLimiter:
        # Telegram lets a chat take a short burst (a digest's parts, a paged answer) as
        # long as the average stays near 1/s: a leaky bucket of CHAT_BURST.
        return self._limiter(self._chats, chat_id, CHAT_BURST, CHAT_BURST / self._chat_rate)

    def _group(self, chat_id: int) -> AsyncLimiter:
        return self._limiter(self._groups, chat_id, self._group_rate, 60)

    # ------------------------------------------------------------------ 429s

    def paused_for(self, chat_id: int | None) -> float:
        """Seconds this chat (or everything) must still wait after a 429."""
        until = max(self._global_until, self._paused_until.get(chat_id or 0, 0.0))
        return max(0.0, until - time.monotonic())

    def note_429(self, chat_id: int | None, seconds: float) -> bool:
        """Record a 429; True when it looks global (several chats refused at once)."""
        now = time.monotonic()
        self._recent_429.append((now, chat_id or 0))
        while self._recent_429 and now - self._recent_429[0][0] > GLOBAL_WINDOW_S:
            self._recent_429.popleft()
        chats = {c for _, c in self._recent_429}
        if chat_id is None or len(chats) >= GLOBAL_CHATS:
            self._global_until = max(self._global_until, now + seconds)
            log.warning("event=rate_limited scope=global wait_s=%.1f", seconds)
            return True
        self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0.0), now + seconds)
        log.info("event=rate_limited scope=chat chat_id=%s wait_s=%.1f", chat_id, seconds)
        return False

    # ------------------------------------------------------------------ requests

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        chat_id = _chat_id(data.get("chat_id"))
        if chat_id is None or not endpoint.startswith(("send", "copy", "forward", "edit")):
            return await callback(*args, **kwargs)  # getUpdates, answerCallbackQuery, menus
        claim: Claim | None = (
            rate_limit_args if hasattr(rate_limit_args, "before_request") else None
        )
        retries = 0 if claim is not None else MAX_RETRIES  # the delivery policy retries parts
        for attempt in range(retries + 1):
            await self._wait_turn(chat_id, digest=claim is not None)
            try:
                if claim is None:
                    return await callback(*args, **kwargs)
                return await self._send_digest_part(claim, callback, args, kwargs)
            except RetryAfter as exc:
                seconds = _seconds(exc)
                self.note_429(chat_id, seconds)
                if attempt == retries or seconds > MAX_INLINE_WAIT_S:
                    raise
        raise AssertionError("unreachable")

    async def _send_digest_part(
        self,
        claim: Claim,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> Any:
        """Claim the part and send it; the in-flight slot was taken in ``_wait_turn``."""
        flight, holding = self._flight, True
        started = time.monotonic()  # the claim's commit counts: it holds the slot as well
        try:
            await claim.before_request()
            request = asyncio.ensure_future(callback(*args, **kwargs))
            try:
                done, _ = await asyncio.wait({request}, timeout=flight.stall_after)
                if not done:  # a late answer: the others go on while this one waits
                    holding = False
                    flight.release(None)
                result = await request
            except asyncio.CancelledError:
                request.cancel()
                request.add_done_callback(_retrieve)  # no "exception never retrieved" log
                raise
            except RetryAfter:
                flight.observe(time.monotonic() - started)
                raise
            flight.observe(time.monotonic() - started)
            return result
        finally:
            if holding:
                flight.release(None)

    async def _wait_turn(self, chat_id: int, *, digest: bool) -> None:
        """Wait for this chat's pause, its chat and group slots, then the overall slot.

        A digest part also takes an in-flight slot (``InFlight``), last but for the
        overall slot, so no part waiting on its own chat holds one; the caller
        gives it back when the answer comes.
        """
        if self._closed:
            raise Released("the bot is stopping")
        task = asyncio.current_task()
        if task is not None:
            self._waiting.add(task)
        try:
            while (pause := self.paused_for(chat_id)) > 0:
                await asyncio.sleep(pause)
            async with self._chat(chat_id):
                pass
            if chat_id < 0 and self._group_rate:
                async with self._group(chat_id):
                    pass
            if not digest:
                async with self._commands:
                    pass
            else:
                await self._flight.acquire()
            try:
                await self._overall.acquire(high=not digest)
            except BaseException:
                if digest:
                    self._flight.release(None)
                raise
        except asyncio.CancelledError:
            if self._closed:
                raise Released("the bot is stopping") from None
            raise
        finally:
            if task is not None:
                self._waiting.discard(task)


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Read a dropped request's outcome: the stop that dropped it is what gets reported."""
    if not task.cancelled():
        task.exception()


def _chat_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _seconds(error: RetryAfter) -> float:
    value = getattr(error, "_retry_after", None)
    return value.total_seconds() if value is not None else 1.0
