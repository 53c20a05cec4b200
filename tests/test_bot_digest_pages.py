"""The story-first digest end to end: the real Application against the Bot API emulator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from digest_helpers import load_labels, save_seed
from emulator_helpers import unlimited_emulator_fixture

from bot import chats
from bot.emulator import BotApiEmulator
from bot.storage import open_bot_db
from digests.digest.telegram_html import TELEGRAM_LIMIT

__all__ = ["unlimited_emulator_fixture"]
FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}
USER = 701

# Three outlets retell one event in their own words (sentences written for this test).
EVENT = [
    (
        "vnexpress.net",
        "Viettel phủ sóng 5G toàn thành phố Đà Nẵng",
        [
            "Viettel đã phủ sóng mạng 5G tại toàn bộ 56 phường, xã của thành phố Đà Nẵng "
            "từ ngày 1/12.",
            "Nhà mạng cho biết tốc độ tải xuống trung bình đạt 450 Mbps, gấp 8 lần mạng 4G.",
        ],
    ),
    (
        "vietnamnet.vn",
        "Đà Nẵng có sóng 5G Viettel ở mọi phường, xã",
        [
            "Từ ngày 1/12, mạng 5G của Viettel đã phủ sóng toàn bộ 56 phường, xã tại "
            "thành phố Đà Nẵng.",
            "Tốc độ tải xuống trung bình của mạng 5G đạt 450 Mbps theo đo kiểm của nhà mạng.",
        ],
    ),
    (
        "dantri.com.vn",
        "Viettel hoàn tất phủ sóng 5G tại Đà Nẵng",
        [
            "Tập đoàn Viettel hoàn tất phủ sóng 5G ở 56 phường, xã của Đà Nẵng, thuê bao "
            "di động được dùng 5G miễn phí đến hết tháng 12.",
            "Viettel cho biết mạng 5G đạt tốc độ tải xuống trung bình 450 Mbps.",
        ],
    ),
]


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


async def _digest(emulator: BotApiEmulator, text: str = "/digest") -> dict[str, Any]:
    sent = emulator.user_sends(text, user_id=USER)
    [message] = await emulator.await_messages(USER, 1, after=sent)
    return message


def _titles(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("• ")]


async def test_three_outlets_on_one_event_give_one_bullet_naming_the_others(
    unlimited_emulator: BotApiEmulator, tmp_path: Path
) -> None:
    path = tmp_path / "event.db"
    db = open_bot_db(path)
    today = datetime.now(UTC).date()
    for source, title, sentences in EVENT:
        save_seed(
            db,
            "x",
            [(s, False) for s in sentences],
            title=title,
            published=today,
            source=source,
            url=f"https://{source}/5g-da-nang",
        )
    db.execute("UPDATE articles SET story_id = 1")  # one story, as the story linker decides
    db.conn.commit()
    db.conn.close()
    async with running(make_app(unlimited_emulator, path, **FAST)):
        message = await _digest(unlimited_emulator)
    text = message["visible_text"]
    assert len(_titles(text)) == 1, text
    assert "+2 nguồn: " in text
    (line,) = [line for line in text.splitlines() if "+2 nguồn: " in line]
    named = line.split("+2 nguồn: ")[1].split(", ")
    lead = line.split(" · ")[0]
    assert sorted([lead, *named]) == ["dantri.com.vn", "vietnamnet.vn", "vnexpress.net"]
    assert "56 phường, xã" in text and "450 Mbps" in text
    assert "1 tin từ 3 bài" in text and "Tất cả đăng trong 7 ngày qua." in text


async def test_the_seeds_default_digest_is_one_message_and_more_pages_forward(
    unlimited_emulator: BotApiEmulator, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The five seed stories fall under three themes, so a short digest of three per theme
    # shows them all; one per theme leaves two for "Xem thêm".
    monkeypatch.setattr(chats, "SHORT_PER_THEME", 1)
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        first = await _digest(emulator)
        text = first["visible_text"]
        assert len(text) <= TELEGRAM_LIMIT
        assert "5 tin từ 5 bài" in text and "bài mới" not in text.splitlines()[1]
        shown = _titles(text)
        assert len(shown) == len(set(shown)) >= 3
        [[button]] = first["reply_markup"]["inline_keyboard"]
        assert button["text"].startswith("Xem thêm")
        mark = emulator.mark()
        emulator.press_button(USER, USER, first["message_id"], button["callback_data"])
        [second] = await emulator.await_messages(USER, 1, after=mark)
    more = _titles(second["visible_text"])
    assert more and not set(more) & set(shown)  # forward: nothing shown twice
    assert len(shown) + len(more) == 5  # every seed story once
    assert not second.get("reply_markup")  # the last page has no button


async def test_a_chat_chooses_a_long_digest(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        assert "ngắn" in (await _digest(emulator, "/length"))["visible_text"]
        assert (
            "Độ dài “rất dài” không có"
            in (await _digest(emulator, "/length rất dài"))["visible_text"]
        )
        assert "dài" in (await _digest(emulator, "/length dài"))["visible_text"]
        long = await _digest(emulator)
    assert len(_titles(long["visible_text"])) == 5  # every seed story on page 1
    assert not long.get("reply_markup")


async def test_the_hint_leads_to_the_whole_theme_and_never_back_to_itself(
    unlimited_emulator: BotApiEmulator, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chats, "SHORT_PER_THEME", 1)  # telecom's second story left out
    emulator = unlimited_emulator
    async with running(make_app(emulator, db_path, **FAST)):
        short = (await _digest(emulator))["visible_text"]
        assert "… và 1 tin nữa: /digest telecom" in short
        theme = await _digest(emulator, "/digest telecom")
    text = theme["visible_text"]
    assert "/digest telecom" not in text and not theme.get("reply_markup")
    assert len(_titles(text)) == 5  # every story touching telecom, the one left out included


async def test_the_scheduled_digest_has_the_more_button_too(
    unlimited_emulator: BotApiEmulator, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chats, "SHORT_PER_THEME", 1)  # two seed stories left for "Xem thêm"
    emulator = unlimited_emulator
    emulator.add_chats([USER])
    db = open_bot_db(db_path)
    chats.ensure_chat(db, USER, "private", None, now=datetime(2025, 3, 1, tzinfo=UTC))
    db.conn.close()
    morning = datetime(2025, 3, 10, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội: 07:00's digest owed
    async with running(make_app(emulator, db_path, clock=lambda: morning, **FAST)):
        [first] = await emulator.await_messages(USER, 1, timeout=20)
        shown = _titles(first["visible_text"])
        [[button]] = first["reply_markup"]["inline_keyboard"]
        assert button["text"] == "Xem thêm ▸ trang 2/2"
        mark = emulator.mark()
        emulator.press_button(USER, USER, first["message_id"], button["callback_data"])
        [second] = await emulator.await_messages(USER, 1, after=mark)
    more = _titles(second["visible_text"])
    assert second["visible_text"].startswith("Trang 2/2")
    assert more and not set(more) & set(shown)  # what the morning left out, nothing twice
    assert len(shown) + len(more) == 5
    assert not second.get("reply_markup")


async def test_the_scheduled_button_counts_the_pages_it_leads_to(
    unlimited_emulator: BotApiEmulator, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thirty new stories since the chat's last digest, one shown per theme: the pages after
    # the digest give every story its summary, which the digest itself did not work out.
    monkeypatch.setattr(chats, "SHORT_PER_THEME", 1)
    emulator = unlimited_emulator
    emulator.add_chats([USER])
    db = open_bot_db(db_path)
    seen = int(db.execute("SELECT MAX(id) FROM articles").fetchone()[0])
    by_seed: dict[str, list[tuple[str, bool]]] = {}
    for label in load_labels():
        if not label.junk:
            by_seed.setdefault(label.seed, []).append((label.sentence, label.heading))
    for i in range(30):  # five days apart: never one story, whatever the wording
        seed = sorted(by_seed)[i % len(by_seed)]
        sentences = by_seed[seed][i // len(by_seed) :]
        day = date(2025, 1, 1) + timedelta(days=5 * i)
        save_seed(db, seed, sentences, title=f"Tin số {i}", published=day, url=f"https://x.vn/{i}")
    chats.ensure_chat(db, USER, "private", None, now=datetime(2025, 3, 1, tzinfo=UTC))
    db.execute("UPDATE chats SET last_article_id = ? WHERE chat_id = ?", [seen, USER])
    db.conn.close()
    morning = datetime(2025, 6, 1, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội
    async with running(make_app(emulator, db_path, clock=lambda: morning, **FAST)):
        [message] = await emulator.await_messages(USER, 1, timeout=20)
        labels, headers = [], []
        while message.get("reply_markup"):
            [[button]] = message["reply_markup"]["inline_keyboard"]
            labels.append(button["text"])
            mark = emulator.mark()
            emulator.press_button(USER, USER, message["message_id"], button["callback_data"])
            [message] = await emulator.await_messages(USER, 1, after=mark)
            headers.append(message["visible_text"].splitlines()[0])
    pages = len(headers) + 1
    assert pages >= 3, headers  # a real test: the left-out stories fill several pages
    assert labels == [f"Xem thêm ▸ trang {n}/{pages}" for n in range(2, pages + 1)]
    assert headers == [f"Trang {n}/{pages}" for n in range(2, pages + 1)]
