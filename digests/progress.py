"""A live progress line for long ingests: count and rate on a terminal, silence in a pipe."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class ProgressState:
    done: int
    rate: float  # items per second since the start
    added: int
    updated: int
    skipped: int
    failed: int


def plain_line(state: ProgressState) -> str:
    return (
        f"{state.done} items, {state.rate:.1f}/s "
        f"(added {state.added}, updated {state.updated}, skipped {state.skipped}, "
        f"failed {state.failed})"
    )


class Progress:
    """Redraws one terminal line at most ``interval`` seconds apart; a no-op when piped."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        render: Callable[[ProgressState], str] = plain_line,
        enabled: bool | None = None,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_tty(self.stream) if enabled is None else enabled
        self.render = render
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self._last_draw = float("-inf")
        self._width = 0

    def state(
        self,
        done: int,
        added: int,
        updated: int,
        skipped: int,
        failed: int,
        now: float | None = None,
    ) -> ProgressState:
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-9)
        return ProgressState(done, done / elapsed, added, updated, skipped, failed)

    def update(self, done: int, added: int, updated: int, skipped: int, failed: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self._last_draw < self.interval:
            return
        self._last_draw = now
        self._draw(self.render(self.state(done, added, updated, skipped, failed, now)))

    def finish(self) -> None:
        """Clear the line so the summary that follows starts clean."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _draw(self, line: str) -> None:
        padding = " " * max(self._width - len(line), 0)
        self.stream.write("\r" + line + padding)
        self.stream.flush()
        self._width = len(line)


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
