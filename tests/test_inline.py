"""Inline answers end to end (``@bot Viettel`` in any chat), and their pure decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_helpers import make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture

from bot.emulator import BotApiEmulator
from bot.inline import TtlCache, card_id, clip, query_kind
from bot.storage import open_bot_db
from digests.store.transactions import write_transaction

__all__ = ["unlimited_emulator_fixture"]

USER, FRIEND = 1201, 1202


def test_query_kind() -> None:
    def is_org(name: str) -> bool:
        return name.lower() == "viettel"

    assert query_kind("2045", is_org) == "targets"
    assert query_kind("2025-2030", is_org) == "targets"
    assert query_kind("năm 2030", is_org) == "targets"
    assert query_kind("Viettel", is_org) == "company"
    assert query_kind("cáp quang", is_org) == "search"


def test_card_ids_are_stable_and_short() -> None:
    assert card_id("statement", 1, "x") == card_id("statement", 1, "x")
    assert card_id("statement", 1, "x") != card_id("statement", 2, "x")
    assert len(card_id("target", 9, "y" * 500).encode()) <= 64
    assert clip("a  b " * 50, 10) == "a b a b a…"


def test_ttl_cache_forgets_after_its_time() -> None:
    now = [0.0]
    cache = TtlCache(60, 2, clock=lambda: now[0])
    cache.put("q", [1])
    assert cache.get("q") == [1]
    now[0] = 61
    assert cache.get("q") is None


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, each given the address it would have had online (files have none)."""
    path = seeded_db(tmp_path, tmp_path_factory.getbasetemp())
    db = open_bot_db(path)
    with write_transaction(db):
        db.execute("UPDATE articles SET url = 'https://example.vn/bai-' || id || '.html'")
    db.conn.close()
    return path


async def inline(emulator: BotApiEmulator, query: str, **kw: Any) -> dict[str, Any]:
    query_id = emulator.user_inline_query(query, user_id=USER, **kw)
    return await emulator.await_inline_answer(query_id)


async def test_inline_answers_cite_their_source_and_post_with_a_link(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    emulator.enable_inline()
    emulator.add_chat(FRIEND)
    async with running(make_app(emulator, db_path)):
        company = await inline(emulator, "Viettel")
        target = await inline(emulator, "2030")
        words = await inline(emulator, "cáp quang")
        nothing = await inline(emulator, "x")
        again = await inline(emulator, "viettel")  # from the in-process cache
    for answer in (company, target, words):
        assert answer["cache_time"] == 60
        assert len(answer["results"]) in range(1, 11), answer
        for result in answer["results"]:
            assert result["type"] == "article"
            assert result["description"]  # outlet and date
            text = result["input_message_content"]["message_text"]
            assert "— " in text
    assert company["results"][0]["title"].startswith("Viettel: ")
    assert company["results"][0]["input_message_content"]["message_text"].startswith(
        "🏢 <b>Viettel</b>"
    )
    assert target["results"][0]["title"].startswith("2030")
    assert target["results"][0]["input_message_content"]["message_text"].startswith(
        "🎯 <b>Mục tiêu năm 2030</b>"
    )
    assert nothing["results"] == []
    assert nothing["button"]["start_parameter"] == "inline"  # opens the bot's own chat
    assert company["button"] is None
    assert [r["id"] for r in again["results"]] == [r["id"] for r in company["results"]]
    # Choosing a result posts it in the chat the user typed in, via the bot.
    chosen = company["results"][0]
    posted = emulator.choose_inline_result(company["inline_query_id"], chosen["id"], FRIEND)
    assert posted["via_bot"]["username"] == "ictdigest_bot"
    assert posted["text"].startswith("🏢 Viettel")
    [source_button] = posted["reply_markup"]["inline_keyboard"][0]
    assert source_button["text"] == "Đọc bài gốc ↗"
    assert source_button["url"].startswith("http")
    assert any(e["type"] == "text_link" for e in posted["entities"])  # the outlet links back


async def test_english_speakers_get_english_labels(
    unlimited_emulator: BotApiEmulator, db_path: Path
) -> None:
    emulator = unlimited_emulator
    emulator.enable_inline()
    async with running(make_app(emulator, db_path)):
        query_id = emulator.user_inline_query("2030", user_id=USER + 5, language_code="en")
        answer = await emulator.await_inline_answer(query_id)
    text = answer["results"][0]["input_message_content"]["message_text"]
    assert text.startswith("🎯 <b>Target for 2030</b>")


def test_inline_mode_must_be_enabled(unlimited_emulator: BotApiEmulator) -> None:
    with pytest.raises(ValueError, match="setinline"):
        unlimited_emulator.user_inline_query("Viettel")


async def test_the_operator_is_told_when_inline_mode_is_off(
    unlimited_emulator: BotApiEmulator, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(make_app(unlimited_emulator, db_path)):
        pass
    assert "event=inline_mode_off" in caplog.text
    caplog.clear()
    unlimited_emulator.enable_inline()
    async with running(make_app(unlimited_emulator, db_path)):
        pass
    assert "event=inline_mode_off" not in caplog.text
