"""The user's lines for the terminal chat: read in a daemon thread, with line editing
on a real terminal."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sys
import threading
from collections.abc import Callable
from typing import IO


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class LineReader:
    """Reads the user's lines in a daemon thread, one per request (so a prompt never runs
    ahead of the bot's answer) and never keeps the process alive on Ctrl-C or ``:q``."""

    def __init__(self, read: Callable[[str], str]) -> None:
        self._read = read
        self._requests: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        thread = threading.Thread(target=self._pump, daemon=True, name="console-stdin")
        thread.start()

    def _pump(self) -> None:
        while True:
            prompt = self._requests.get()
            try:
                line = self._read(prompt)
            except (EOFError, OSError, ValueError):
                line = ""
            try:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the console already ended
                return
            if not line:
                return

    async def next_line(self, prompt: str = "") -> str:
        """The next line with its newline; "" at end of input."""
        self._requests.put(prompt)
        return await self._lines.get()


def stream_reader(stdin: IO[str], stdout: IO[str]) -> Callable[[str], str]:
    """Read from ``stdin``; on the real terminal with line editing and history."""
    if stdin is sys.stdin and stdout is sys.stdout and is_terminal(stdin):
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (arrow keys and history for input())

        def read_terminal(prompt: str) -> str:
            return input(prompt) + "\n"

        return read_terminal

    def read_stream(prompt: str) -> str:
        if prompt:
            stdout.write(prompt)
            stdout.flush()
        return stdin.readline()

    return read_stream
