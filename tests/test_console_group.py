"""The console's group mode, paging without reprinting, and a clean end on Ctrl-D."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from bot_helpers import seeded_db
from test_console import TerminalPipe, tiny_app

from bot import answers
from bot.console import PROMPT, run_console
from bot.console_modes import Mode, next_mode
from bot.console_render import format_event, welcome
from bot.settings import Settings


def test_mode_words() -> None:
    private = Mode()
    assert next_mode(private, ":group") == Mode(True, True)  # an admin first: try settings
    assert next_mode(private, ":member") == Mode(True, False)
    assert next_mode(Mode(True, False), ":group") == Mode(True, False)
    assert next_mode(Mode(True, False), ":admin") == Mode(True, True)
    assert next_mode(Mode(True, False), ":private") == Mode(False, False)


def test_a_keyboard_only_edit_does_not_reprint_the_text() -> None:
    edit = {"kind": "edit", "message_id": 3, "text": None, "visible_text": "Trang 1 …"}
    assert format_event({**edit, "reply_markup": None}) == ""
    button = {"inline_keyboard": [[{"text": "📈 Xu hướng", "callback_data": "trend:1"}]]}
    assert format_event({**edit, "reply_markup": button}) == "✎ [1] 📈 Xu hướng"
    photo = {"kind": "message", "photo": True, "visible_text": "📈 Viettel: 4 bài."}
    assert format_event(photo) == "🖼 [PNG] 📈 Viettel: 4 bài."


@pytest.fixture
def settings(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(db_path=seeded_db(tmp_path, tmp_path_factory.getbasetemp()))


def test_group_mode_tries_admin_and_member_behaviour(settings: Settings) -> None:
    stdin = io.StringIO(":member\n/subscribe ai\n:admin\n/subscribe ai\n:private\n/time 7h\n")
    stdout = io.StringIO()
    assert run_console(settings, stdin=stdin, stdout=stdout) == 0
    blocks = stdout.getvalue().split("\n\n")
    assert blocks[0].startswith("(Giờ bạn đang ở nhóm “Nhóm thử” với vai trò thành viên.")
    assert blocks[1].startswith("Chào cả nhóm!")
    assert blocks[2].startswith("Xin lỗi, trong nhóm chỉ quản trị viên")
    assert blocks[3].startswith("(Giờ bạn đang ở nhóm “Nhóm thử” với vai trò quản trị viên.")
    assert blocks[4] == "✅ Đã bật bản tin hằng ngày lúc 07:00, chủ đề: Trí tuệ nhân tạo."
    assert blocks[5] == "(Đã quay lại trò chuyện riêng với bot.)"
    assert blocks[6].startswith("⏰ Bản tin hằng ngày sẽ được gửi lúc 07:00")


def test_more_shows_the_next_page_only(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "PAGE_LIMIT", 800)
    monkeypatch.setattr(answers, "ONE_PAGE_LIMIT", 800)
    stdin = io.StringIO("/company Viettel\n:1\n")
    stdout = io.StringIO()
    assert run_console(settings, stdin=stdin, stdout=stdout) == 0
    output = stdout.getvalue()
    assert output.count("Số bài nhắc đến: 4") == 1  # page 1 is printed once
    assert "\n\nTrang 2/" in output


def test_ctrl_d_leaves_the_terminal_on_a_clean_line() -> None:
    read_fd, write_fd = os.pipe()
    os.close(write_fd)  # the user presses Ctrl-D at the first prompt
    stdin = TerminalPipe(io.BufferedReader(io.FileIO(read_fd, "r")), encoding="utf-8")
    stdout = io.StringIO()
    try:
        code = run_console(Settings(), stdin=stdin, stdout=stdout, app_factory=tiny_app)
    finally:
        stdin.close()
    assert code == 0
    assert stdout.getvalue() == welcome("vi") + "\n" + PROMPT + "\n"
