"""Chat with the bot in the terminal: the real Application against the embedded emulator.

Each line typed is a message from the user "Bạn" in a private chat; the bot's replies are
printed as plain text (links as ``title ‹url›``, inline buttons as ``[1] label``).
``:N`` presses button N of the most recent keyboard; ``:q``, ``/quit`` or Ctrl-D leaves.

On a terminal the bot runs live: scheduled digests print when they arrive. With piped
input each line waits for the bot's answer, and the console exits 0 at end of input::

    printf '/company Viettel\\n' | ictdigest console
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import IO, Any

from telegram.ext import Application

from bot.console_input import LineReader, is_terminal, stream_reader
from bot.console_modes import (
    CONSOLE_GROUP_ID,
    CONSOLE_GROUP_TITLE,
    MODE_WORDS,
    Mode,
    enter,
    next_mode,
)
from bot.console_render import (
    console_text,
    format_event,
    keyboard_buttons,
    welcome,
)
from bot.emulator import BotApiEmulator, RateLimits
from bot.settings import Settings

log = logging.getLogger(__name__)

CONSOLE_USER_ID = 100_001
CONSOLE_USER_NAME = "Bạn"
PROMPT = "› "
QUIT_WORDS = frozenset({":q", ":quit", "/quit", "/exit", "quit", "exit"})
FIRST_REPLY_TIMEOUT = 20.0  # a slow answer (big store) still counts as the answer
QUIET_AFTER_REPLY = 0.3  # the bot is done when it has been silent this long
QUIET_WITHOUT_REPLY = 2.0  # … or this long when nothing at all came back
QUIET_AT_EOF = 1.5  # before leaving, let paced multi-part answers finish

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
AppFactory = Callable[[Settings, BotApiEmulator], AnyApplication]
LanguageOf = Callable[[], Awaitable[str]]


# --------------------------------------------------------------------------- rendering


# --------------------------------------------------------------------------- session


class ConsoleSession:
    """The console user's side: sends lines, presses buttons, collects the bot's output."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        out: IO[str],
        *,
        lang: str = "vi",
        bot_busy: Callable[[], bool] = lambda: False,
    ) -> None:
        self.emulator = emulator
        self.out = out
        self.chat_id = CONSOLE_USER_ID
        self.lang = lang  # the chat's interface language, for the console's own lines
        self._bot_busy = bot_busy  # the bot is still working on an update
        self._seen_seq = 0
        self._keyboard: tuple[int, list[dict[str, Any]]] | None = None
        self.mode = Mode()  # :group / :admin / :member / :private (bot/console_modes.py)
        self.busy = False  # waiting for an answer: the background printer holds off

    def handle_line(self, line: str) -> str:
        """Act on one typed line: "sent" (the bot will answer), "local" or "quit".

        Whatever goes wrong here is told in one polite line; the session carries on."""
        try:
            return self._handle(line)
        except Exception:
            log.exception("event=console_line_failed")
            self._say(console_text("failed", self.lang))
            return "local"

    def _handle(self, line: str) -> str:
        text = line.strip()
        if not text:
            return "local"
        if text.lower() in QUIT_WORDS:
            return "quit"
        if text.startswith(":") and text[1:].isdigit():
            return "sent" if self._press(int(text[1:])) else "local"
        if text.lower() in MODE_WORDS:
            self.mode = next_mode(self.mode, text.lower())
            joining = self.mode.in_group and self.emulator.chat(CONSOLE_GROUP_ID) is None
            self.chat_id = enter(self.emulator, self.mode, CONSOLE_USER_ID)
            self._keyboard = None
            what = "private_mode" if not self.mode.in_group else "group_mode"
            self._say(console_text(what, self.lang, admin=self.mode.admin))
            return "sent" if joining else "local"  # joining: wait for the bot's welcome
        self.emulator.user_sends(
            text,
            user_id=CONSOLE_USER_ID,
            chat_id=self.chat_id,
            first_name=CONSOLE_USER_NAME,
            language_code="vi",
            title=CONSOLE_GROUP_TITLE if self.mode.in_group else None,
        )
        return "sent"

    def _press(self, number: int) -> bool:
        """Press button ``number`` of the latest keyboard; False when nothing was pressed."""
        if self._keyboard is None:
            self._say(console_text("no_buttons", self.lang))
            return False
        message_id, buttons = self._keyboard
        if not 1 <= number <= len(buttons):
            self._say(console_text("no_such_button", self.lang, number=number, count=len(buttons)))
            return False
        button = buttons[number - 1]
        if "callback_data" not in button:
            self._say(console_text("link_button", self.lang, url=button.get("url", "")))
            return False
        try:
            self.emulator.press_button(
                self.chat_id, CONSOLE_USER_ID, message_id, button["callback_data"]
            )
        except ValueError:  # the bot removed that button (a page already shown) or the message
            self._say(console_text("button_gone", self.lang))
            return False
        return True

    def new_events(self) -> list[dict[str, Any]]:
        """The bot's messages, edits and button answers in this chat since the last call."""
        emu = self.emulator
        photos = {p["message_id"] for p in emu.sent_photos(self.chat_id)}
        events = [
            {"kind": "message", "photo": m["message_id"] in photos, **m}
            for m in emu.sent_messages(self.chat_id)
        ]
        events += [{"kind": "edit", **e} for e in emu.edits(self.chat_id)]
        events += [
            {"kind": "answer", **a}
            for a in emu.callback_answers()
            if a["chat_id"] == self.chat_id and a["text"]
        ]
        fresh = sorted((e for e in events if e["seq"] > self._seen_seq), key=lambda e: e["seq"])
        if fresh:
            self._seen_seq = fresh[-1]["seq"]
        return fresh

    def print_new(self) -> int:
        """Print what the bot did since last time; returns how many events were shown."""
        events = self.new_events()
        for event in events:
            buttons = keyboard_buttons(event.get("reply_markup"))
            if buttons and event["kind"] != "answer":
                self._keyboard = (event["message_id"], buttons)
            shown = format_event(event)
            if shown:
                self._say(shown)
        return len(events)

    def _say(self, text: str) -> None:
        self.out.write(text + "\n\n")
        self.out.flush()

    async def wait_for_answer(
        self, mark: int, *, patience: float = QUIET_WITHOUT_REPLY, settle: float = QUIET_AFTER_REPLY
    ) -> None:
        """Wait until the bot has handled what came after ``mark`` and then was silent for
        ``settle`` seconds (or for ``patience`` seconds: not every line gets an answer).

        An answer held back by Telegram's pacing (1 message/s per chat) keeps the bot busy,
        so the next line — a button press above all — never runs ahead of it."""
        self.busy = True
        try:
            deadline = time.monotonic() + FIRST_REPLY_TIMEOUT
            while time.monotonic() < deadline:
                answered = self._has_output_after(mark)
                idle = time.monotonic() - self.emulator.last_activity()
                quiet = settle if answered else patience
                working = self.emulator.pending_updates() > 0 or self._bot_busy()
                if not working and idle >= quiet:
                    return
                await asyncio.sleep(0.02)
        finally:
            self.busy = False

    def new_events_pending(self) -> bool:
        return not self.busy and any(e["seq"] > self._seen_seq for e in self._peek())

    def _has_output_after(self, mark: int) -> bool:
        return any(event["seq"] > mark for event in self._peek())

    def _peek(self) -> list[dict[str, Any]]:
        emu = self.emulator
        return [
            *emu.sent_messages(self.chat_id),
            *emu.edits(self.chat_id),
            *(a for a in emu.callback_answers() if a["chat_id"] == self.chat_id),
        ]


# --------------------------------------------------------------------------- running


def default_app_factory(settings: Settings, emulator: BotApiEmulator) -> AnyApplication:
    """The product's Application, pointed at the emulator instead of Telegram."""
    from bot.app import build_application  # imported late: console is usable in tests alone

    return build_application(
        settings,
        base_url=emulator.base_url,
        base_file_url=emulator.base_file_url,
        token=emulator.token,
    )


def run_console(
    settings: Settings,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    app_factory: AppFactory | None = None,
    limits: RateLimits | None = None,
) -> int:
    """Run the bot against the embedded emulator, talking through stdin/stdout; exit code."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    factory = app_factory or default_app_factory
    try:
        return asyncio.run(_run(settings, stdin, stdout, factory, limits))
    except (KeyboardInterrupt, asyncio.CancelledError):
        stdout.write("\n")
        return 0
    except BrokenPipeError:
        # The reader left (``| head``): stop quietly, like any well-behaved filter.
        _silence(stdout)
        return 0


def _silence(stdout: IO[str]) -> None:
    """Point a closed stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        descriptor = stdout.fileno()
    except (AttributeError, ValueError, OSError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


async def _run(
    settings: Settings,
    stdin: IO[str],
    stdout: IO[str],
    factory: AppFactory,
    limits: RateLimits | None,
) -> int:
    _stop_on_sigterm()
    with BotApiEmulator(limits=limits) as emulator:
        app = factory(settings, emulator)
        session = ConsoleSession(
            emulator, stdout, lang=settings.language, bot_busy=lambda: app_busy(app)
        )
        language_of = chat_language(app, settings.language)
        await _start(app)
        try:
            reader = LineReader(stream_reader(stdin, stdout))
            if is_terminal(stdin):
                await _interactive(session, reader, stdout, language_of)
            else:
                await _piped(session, reader, language_of)
        finally:
            await _stop(app)
    return 0


def app_busy(app: AnyApplication) -> bool:
    """Updates queued or being handled (PTB's public counters)."""
    return app.update_queue.qsize() > 0 or app.update_processor.current_concurrent_updates > 0


def chat_language(app: AnyApplication, default: str) -> LanguageOf:
    """How to read the console chat's language (``/lang``) from the product's store."""

    async def language() -> str:
        services = app.bot_data.get("services")
        if services is None:  # an application without the product's services (tests)
            return default
        from bot import chats

        try:
            chat = await services.db.read(chats.get_chat, CONSOLE_USER_ID)
        except Exception:  # the language of a console hint is never worth a failure
            log.exception("event=console_language_failed")
            return default
        return chat.language if chat is not None else default

    return language


def _stop_on_sigterm() -> None:
    """SIGTERM ends the session like Ctrl-C: the bot stops cleanly, exit code 0."""
    task = asyncio.current_task()
    if task is None or threading.current_thread() is not threading.main_thread():
        return
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


async def _start(app: AnyApplication) -> None:
    """What ``run_polling`` does before it blocks: initialize, post_init, poll, start."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=10, drop_pending_updates=False)
    await app.start()


async def _stop(app: AnyApplication) -> None:
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop is not None:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def _piped(session: ConsoleSession, reader: LineReader, language_of: LanguageOf) -> None:
    """One line at a time: send it, wait for the whole answer, print it."""
    await session.wait_for_answer(session.emulator.mark(), patience=0.3)
    session.print_new()  # anything the bot says on start
    while True:
        line = await reader.next_line()
        mark = session.emulator.mark()
        if not line:  # end of input: let a paced multi-part answer finish first
            await session.wait_for_answer(mark, patience=QUIET_AT_EOF, settle=QUIET_AT_EOF)
            session.print_new()
            return
        session.lang = await language_of()
        action = session.handle_line(line)
        if action == "quit":
            return
        if action == "sent":
            await session.wait_for_answer(mark)
        session.print_new()


async def _interactive(
    session: ConsoleSession, reader: LineReader, stdout: IO[str], language_of: LanguageOf
) -> None:
    """Live chat: replies and scheduled digests print as they arrive."""
    stdout.write(welcome(await language_of()) + "\n")
    stdout.flush()
    printer = asyncio.create_task(_print_forever(session, stdout))
    try:
        while True:
            line = await reader.next_line(PROMPT)
            mark = session.emulator.mark()
            session.lang = await language_of()
            if not line:  # Ctrl-D: the prompt's line is left open; end it
                stdout.write("\n")
                stdout.flush()
                return
            action = session.handle_line(line)
            if action == "quit":
                return
            if action == "sent":
                await session.wait_for_answer(mark)
            session.print_new()
    finally:
        printer.cancel()


async def _print_forever(session: ConsoleSession, stdout: IO[str]) -> None:
    """Print what the bot sends on its own (scheduled digests) while the user idles."""
    while True:
        await asyncio.sleep(0.3)
        if session.new_events_pending():
            stdout.write("\r")
            session.print_new()
            stdout.write(PROMPT)
            stdout.flush()
