"""The terminal console: HTML shown as readable text, and piped lines answered in order."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bot_helpers import seeded_db
from emulator_helpers import emulator_application_builder
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.console import (
    CONSOLE_USER_ID,
    AnyApplication,
    ConsoleSession,
    run_console,
)
from bot.console_render import format_event, to_plain_text, welcome
from bot.emulator import BotApiEmulator, parse_html
from bot.settings import Settings


def plain(html: str) -> str:
    parsed = parse_html(html)
    return to_plain_text(parsed.text, parsed.entities)


def test_links_show_their_address_after_the_title() -> None:
    html = '<b>Viettel</b> lãi lớn (<a href="https://ictnews.vn/a">ICTnews</a>, 12/3/2024)'
    assert plain(html) == "Viettel lãi lớn (ICTnews ‹https://ictnews.vn/a›, 12/3/2024)"


def test_a_link_whose_text_is_its_address_is_not_repeated() -> None:
    assert plain('<a href="https://vnpt.vn/">https://vnpt.vn</a>') == "https://vnpt.vn"


def test_entities_are_unescaped_and_offsets_survive_emoji() -> None:
    html = '😀 <i>A &amp; B</i> <a href="https://x.vn">x</a> &lt;3'
    assert plain(html) == "😀 A & B x ‹https://x.vn› <3"


def test_quotes_get_a_bar_on_every_line() -> None:
    assert plain("Tóm tắt:\n<blockquote>dòng 1\ndòng 2</blockquote>\nhết") == (
        "Tóm tắt:\n│ dòng 1\n│ dòng 2\nhết"
    )


def test_buttons_are_numbered_and_edits_marked() -> None:
    event = {
        "kind": "edit",
        "message_id": 3,
        "visible_text": "Chủ đề",
        "entities": [],
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Bưu chính ✓", "callback_data": "t:postal"}],
                [{"text": "Mở", "url": "https://mic.gov.vn"}],
            ]
        },
    }
    assert format_event(event) == "✎ Chủ đề\n[1] Bưu chính ✓  [2] Mở ‹https://mic.gov.vn›"
    assert format_event({"kind": "answer", "text": "Đã lưu"}) == "ⓘ Đã lưu"


# --------------------------------------------------------------------------- line loop


async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /hello with a link and a keyboard."""
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_html(
        f'Chào <b>{update.effective_user.first_name}</b>, xem <a href="https://a.vn">A</a>',
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Xem thêm", callback_data="more")]]
        ),
    )


async def two_parts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /long in two messages."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("phần 1")
    await update.effective_message.reply_text("phần 2")


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle the Xem thêm button."""
    query = update.callback_query
    assert query is not None
    await query.answer("Trang 2")
    await query.edit_message_text("Trang 2 &amp; hết", parse_mode="HTML")


def tiny_app(settings: Settings, emulator: BotApiEmulator) -> AnyApplication:
    app: Any = emulator_application_builder(emulator).build()
    app.add_handler(CommandHandler("hello", greet))
    app.add_handler(CommandHandler("long", two_parts))
    app.add_handler(CallbackQueryHandler(more))
    return app


def test_piped_lines_are_answered_in_order_and_exit_zero_at_eof() -> None:
    stdin = io.StringIO("/hello\n\n/long\n:1\n:5\n")
    stdout = io.StringIO()
    assert run_console(Settings(), stdin=stdin, stdout=stdout, app_factory=tiny_app) == 0
    assert stdout.getvalue() == (
        "Chào Bạn, xem A ‹https://a.vn›\n[1] Xem thêm\n\n"
        "phần 1\n\n"
        "phần 2\n\n"
        "ⓘ Trang 2\n\n"
        "✎ Trang 2 & hết\n\n"
        "(Không có nút số 5; chỉ có nút 1.)\n\n"
    )


def test_a_button_the_bot_took_away_gets_a_polite_line_and_the_session_goes_on() -> None:
    stdin = io.StringIO("/hello\n:1\n:1\n/long\n")
    stdout = io.StringIO()
    assert run_console(Settings(), stdin=stdin, stdout=stdout, app_factory=tiny_app) == 0
    assert stdout.getvalue() == (
        "Chào Bạn, xem A ‹https://a.vn›\n[1] Xem thêm\n\n"
        "ⓘ Trang 2\n\n"
        "✎ Trang 2 & hết\n\n"
        "(Nút này không còn dùng được. Bạn gõ lại lệnh để có nút mới nhé.)\n\n"
        "phần 1\n\n"
        "phần 2\n\n"
    )


class BrokenEmulator:
    """An emulator that fails when the user sends anything."""

    def user_sends(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("emulator gone")


def test_an_unexpected_error_is_one_polite_line_not_a_traceback() -> None:
    out = io.StringIO()
    session = ConsoleSession(BrokenEmulator(), out)  # type: ignore[arg-type]
    assert session.handle_line("/help\n") == "local"
    assert out.getvalue() == (
        "(Xin lỗi, không xử lý được dòng vừa gõ. Bạn thử lại hoặc gõ /help nhé.)\n\n"
    )
    session.lang = "en"
    assert session.handle_line(":1") == "local"
    assert out.getvalue().endswith("(There is no button to press yet.)\n\n")


def test_quit_word_stops_before_the_rest() -> None:
    stdin = io.StringIO("/long\n:q\n/hello\n")
    stdout = io.StringIO()
    assert run_console(Settings(), stdin=stdin, stdout=stdout, app_factory=tiny_app) == 0
    assert stdout.getvalue() == "phần 1\n\nphần 2\n\n"


class TerminalPipe(io.TextIOWrapper):
    """The read end of a pipe that says it is a terminal, like a user's tty."""

    def isatty(self) -> bool:
        return True


async def morning_digest_soon(app: Any) -> None:
    """Schedule a message to the console user one second after start."""

    async def send(context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(CONSOLE_USER_ID, "<b>Bản tin</b> sáng", parse_mode="HTML")

    app.job_queue.run_once(send, 1.0)


def scheduled_app(settings: Settings, emulator: BotApiEmulator) -> AnyApplication:
    app: Any = emulator_application_builder(emulator).post_init(morning_digest_soon).build()
    app.add_handler(CommandHandler("hello", greet))
    return app


def test_terminal_session_welcomes_and_prints_scheduled_messages_as_they_come() -> None:
    read_fd, write_fd = os.pipe()
    stdin = TerminalPipe(io.BufferedReader(io.FileIO(read_fd, "r")), encoding="utf-8")

    def user_types() -> None:
        time.sleep(0.3)
        os.write(write_fd, b"/hello\n")
        time.sleep(2.0)  # idle while the scheduled message arrives
        os.close(write_fd)

    typist = threading.Thread(target=user_types)
    typist.start()
    stdout = io.StringIO()
    try:
        code = run_console(Settings(), stdin=stdin, stdout=stdout, app_factory=scheduled_app)
    finally:
        typist.join()
        stdin.close()
    output = stdout.getvalue()
    assert code == 0
    assert output.startswith(welcome("vi") + "\n› ")
    assert "Chào Bạn, xem A ‹https://a.vn›\n[1] Xem thêm\n\n› " in output
    assert "\rBản tin sáng\n\n› " in output


def test_the_real_bot_answers_piped_commands(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "console.db")
    stdin = io.StringIO("/help\n/company\n")
    stdout = io.StringIO()
    assert run_console(settings, stdin=stdin, stdout=stdout) == 0
    output = stdout.getvalue()
    assert "/search" in output and "/lang" in output and "/about" in output  # /help
    usage = output.rstrip().rsplit("\n\n", 1)[1]
    assert "/company" in usage  # a bare /company gets a usage line, not silence
    assert "<" not in output and "&amp;" not in output  # rendered, not raw HTML


def test_a_button_pressed_after_a_paced_answer_is_the_newest_one(
    tmp_path: Path, tmp_path_factory: Any
) -> None:
    """Answers held back by the 1 message/s pacing are printed before the next line is read,
    so ``:1`` presses the keyboard the user has just seen."""
    settings = Settings(db_path=seeded_db(tmp_path, tmp_path_factory.getbasetemp()))
    stdin = io.StringIO("/start\n/help\n/digest\n/digest postal\n/themes\n:1\n")
    stdout = io.StringIO()
    assert run_console(settings, stdin=stdin, stdout=stdout) == 0
    output = stdout.getvalue()
    assert "Chưa có nút" not in output and "Traceback" not in output
    themes_at = output.index("[6] Tất cả chủ đề")
    assert output.index("ⓘ Đã cập nhật chủ đề.") > themes_at > output.rindex("📮 Bưu chính\n")
    assert "▫️ 📮 Bưu chính" in output[themes_at:]


class ClosedAfterOneWrite(io.StringIO):
    """A reader that leaves after the first line, like ``| head -1``."""

    def write(self, text: str) -> int:
        if self.getvalue():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_a_reader_leaving_early_ends_the_console_quietly() -> None:
    stdout = ClosedAfterOneWrite()
    stdin = io.StringIO("/long\n/long\n")
    assert run_console(Settings(), stdin=stdin, stdout=stdout, app_factory=tiny_app) == 0
    assert stdout.getvalue() == "phần 1\n\n"


def test_sigterm_stops_a_waiting_console_cleanly(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from bot.console import run_console; "
        "from bot.settings import Settings; "
        f"sys.exit(run_console(Settings(db_path=Path({str(tmp_path / 'c.db')!r}))))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("/help\n")
        process.stdin.flush()
        lines: list[str] = []
        while not any("/about" in line for line in lines):
            line = process.stdout.readline()
            assert line, "the console ended before answering /help"
            lines.append(line)
        process.send_signal(signal.SIGTERM)  # stdin still open: the console is waiting
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
