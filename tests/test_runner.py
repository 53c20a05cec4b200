"""Start-up: seeds on first run, and `ictdigest run` without a token is a clean console."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.runner import load_seeds_if_empty
from bot.settings import Settings


def test_first_run_loads_the_seeds_once_and_says_so_in_the_ui_language(tmp_path: Path) -> None:
    out = io.StringIO()
    settings = Settings(db_path=tmp_path / "vi.db")
    assert load_seeds_if_empty(settings, out=out) == 5
    assert out.getvalue() == "ictdigest: lần chạy đầu, đã nạp các bài mẫu (thêm 5, lỗi 0).\n"
    again = io.StringIO()
    assert load_seeds_if_empty(settings, out=again) == 0
    assert again.getvalue() == ""

    english = io.StringIO()
    load_seeds_if_empty(Settings(db_path=tmp_path / "en.db", language="en"), out=english)
    assert english.getvalue() == (
        "ictdigest: first run, loaded the seed articles (added 5, failed 0).\n"
    )


def test_run_without_a_token_chats_in_the_terminal_without_log_lines(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["ICTDIGEST_DB"] = str(tmp_path / "run.db")
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", "run"],
        input="/start\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "ictdigest: lần chạy đầu, đã nạp các bài mẫu (thêm 5, lỗi 0).\n"
    assert done.stdout.startswith("Xin chào bạn! Mình gửi bản tin ngành ICT Việt Nam")
