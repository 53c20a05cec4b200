"""/trend end to end (a PNG through sendPhoto) and the chart's pure parts."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture

from bot.emulator import BotApiEmulator
from bot.emulator.media import image_size
from bot.storage import open_bot_db
from bot.trend_chart import TrendData, Who, fill_months, month_span, render_png, trend_data

__all__ = ["unlimited_emulator_fixture"]

USER = 1301
FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}


def test_month_span_fills_the_gaps() -> None:
    assert month_span("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert fill_months({"2023-12": 3}, "2023-11", "2024-01") == [
        ("2023-11", 0),
        ("2023-12", 3),
        ("2024-01", 0),
    ]
    assert fill_months({}, None, None) == []


def test_render_png_draws_vietnamese_labels() -> None:
    data = TrendData(Who("org", "viettel", "Viettel"), [("2024-01", 2), ("2024-02", 5)], [], 0, 7)
    labels = {
        "title": "Viettel: số bài",
        "mentions": "Số bài",
        "themes": "Chủ đề",
        "none": "Chưa đủ",
    }
    png = render_png(data, labels)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert image_size(png) == (800, 520)
    assert struct.unpack(">I", png[16:20])[0] == 800


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


def test_trend_data_counts_months_over_the_store_span(db_path: Path) -> None:
    db = open_bot_db(db_path)
    data = trend_data(db, Who("org", "viettel", "Viettel"))
    months = dict(data.months)
    assert data.months[0][0] <= "2020-07" and data.months[-1][0] >= "2024-11"
    assert months["2024-01"] >= 1 and months["2024-11"] >= 1
    assert data.total == sum(months.values())
    assert data.sample >= 1 and data.themes  # the theme mix of its mention sentences


async def test_trend_command_and_company_button_send_a_png(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        sent = emulator.user_sends("/trend Viettel", user_id=USER)
        [photo] = await emulator.await_messages(USER, 1, after=sent)
        assert photo["visible_text"].startswith("📈 Viettel: ")
        sent = emulator.user_sends("/trend", user_id=USER)
        [usage] = await emulator.await_messages(USER, 1, after=sent)
        assert usage["visible_text"].startswith("Cách dùng: /trend TÊN")
        sent = emulator.user_sends("/trend Vietel", user_id=USER)
        [unknown] = await emulator.await_messages(USER, 1, after=sent)
        assert "Có phải: Viettel" in unknown["visible_text"]
        sent = emulator.user_sends("/company Viettel", user_id=USER)
        [company] = await emulator.await_messages(USER, 1, after=sent)
        button = company["reply_markup"]["inline_keyboard"][-1][0]
        assert button["text"] == "📈 Xu hướng"
        emulator.press_button(USER, USER, company["message_id"], button["callback_data"])
        await emulator.await_messages(USER, 1, after=company["seq"])
    photos = emulator.sent_photos(USER)
    assert len(photos) == 2
    assert all(p["bytes"][:4] == b"\x89PNG" for p in photos)
    assert "upload_photo" in [a["action"] for a in emulator.chat_actions()]


def test_a_person_is_found_without_accents_and_charted(db_path: Path) -> None:
    from bot.trend import find_who

    db = open_bot_db(db_path)
    who = find_who(db, "nguyen manh hung")
    assert who == Who("person", "Nguyễn Mạnh Hùng", "Nguyễn Mạnh Hùng")
    data = trend_data(db, who)
    assert data.total >= 1 and sum(n for _, n in data.months) == data.total
    assert find_who(db, "Vietel")[0] == "Viettel"  # not found: the nearest names
