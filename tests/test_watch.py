"""Watch alerts: the pure decisions, and /watch end to end with ingest in another process."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from article_texts import OFF_SECTOR, ON_SECTOR, POSTAL, SECURITY
from bot_helpers import ROOT, make_app, running, seeded_db
from emulator_helpers import unlimited_emulator_fixture, wait_until

from bot import watch_store
from bot.emulator import BotApiEmulator
from bot.storage import open_bot_db
from bot.watch import batch_matches, find_watch, parse_watch, recent_enough
from bot.watch_store import Match, NewArticle, Watch, phrase_in

__all__ = ["unlimited_emulator_fixture"]

FAST: dict[str, Any] = {"rate_chat_per_s": 1000.0, "rate_group_per_min": 60_000.0}
GROUP, ADMIN, MEMBER = -4101, 701, 702

ORGS = {"viettel": ("viettel", "Viettel"), "vnpt": ("vnpt", "VNPT")}


def parse(text: str) -> Watch | Any:
    return parse_watch(
        text,
        lambda name: ORGS.get(name.lower()),
        lambda name: "Nguyễn Mạnh Hùng" if name.lower() == "nguyễn mạnh hùng" else None,
        lambda name: ["Viettel"] if name.lower() == "vietel" else [],
    )


def test_parse_watch_tells_organisation_year_person_and_phrase_apart() -> None:
    assert parse("Viettel") == Watch("org", "viettel", "Viettel")
    assert parse("2045") == Watch("year", "2045", "2045")
    assert parse("nguyễn mạnh hùng") == Watch("person", "nguyen manh hung", "Nguyễn Mạnh Hùng")
    assert parse('"Cáp quang"') == Watch("phrase", "cap quang", "Cáp quang")
    assert parse("“cáp  quang biển”") == Watch("phrase", "cap quang bien", "cáp quang biển")
    assert parse("kinh tế số") == Watch("phrase", "kinh te so", "kinh tế số")


def test_parse_watch_refuses_what_would_never_match() -> None:
    assert parse("").code == "missing"
    assert parse('""').code == "too_short"
    assert parse("1850").code == "bad_year"
    assert parse("x" * 61).code == "too_long"
    problem = parse("Vietel")  # a typo of a known name would silently never match
    assert (problem.code, problem.suggestions) == ("unknown", ("Viettel",))
    assert parse('"Vietel"') == Watch("phrase", "vietel", "Vietel")  # quotes: these exact words


def test_find_watch_by_label_or_key_without_accents() -> None:
    watches = [Watch("org", "viettel", "Viettel"), Watch("phrase", "cap quang", "cáp quang")]
    assert find_watch(watches, "viettel") == watches[0]
    assert find_watch(watches, '"Cap Quang"') == watches[1]
    assert find_watch(watches, "VNPT") is None


def test_phrase_matches_whole_words_only() -> None:
    assert phrase_in("ai", "ung dung ai trong y te")
    assert not phrase_in("ai", "trien khai 5g")
    assert phrase_in("cap quang", "tuyen cap quang bien")


def test_only_recent_or_undated_articles_are_news() -> None:
    today = date(2026, 12, 2)
    assert recent_enough("2026-11-30", today)
    assert recent_enough(None, today)  # undated: the benefit of the doubt
    assert not recent_enough("2024-01-30", today)  # an archive stored today is not news


def test_matches_are_batched_a_few_stories_per_message() -> None:
    article = NewArticle(1, 1, "T", "vnexpress.net", None, None)
    matches = [Match(1, article, ("Viettel",))] * 19
    assert [len(b) for b in batch_matches(matches, 8)] == [8, 8, 3]


# --------------------------------------------------------------------------- end to end


def ingest_in_another_process(db_path: Path, folder: Path) -> None:
    """As cron would: the CLI in its own process, while the bot runs."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "digests", "--db", str(db_path), "ingest", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_db(tmp_path, tmp_path_factory.getbasetemp())


async def ask(emulator: BotApiEmulator, text: str, chat_id: int, user_id: int) -> str:
    sent = emulator.user_sends(text, user_id=user_id, chat_id=chat_id, title="ICT")
    replies = await emulator.await_messages(chat_id, 1, after=sent)
    return str(replies[0]["visible_text"])


def fast_watch_app(emulator: BotApiEmulator, db_path: Path) -> Any:
    app = make_app(emulator, db_path, **FAST)
    app.bot_data["watch_poll_s"] = 0.2
    return app


async def test_watch_alerts_once_per_story_after_an_ingest_by_cron(
    unlimited_emulator: BotApiEmulator, db_path: Path, tmp_path: Path
) -> None:
    emulator = unlimited_emulator
    async with running(fast_watch_app(emulator, db_path)):
        emulator.add_bot_to_group(GROUP, ADMIN, "ICT")
        emulator.set_admins(GROUP, [ADMIN], owner_id=ADMIN)
        await emulator.await_messages(GROUP, 1)  # the welcome
        assert "chỉ quản trị viên" in await ask(
            emulator, "/watch@ictdigest_bot VNPT", GROUP, MEMBER
        )
        added = await ask(emulator, "/watch@ictdigest_bot Viettel", GROUP, ADMIN)
        assert added.startswith("🔔 Đã theo dõi tổ chức Viettel.")
        await ask(emulator, '/watch@ictdigest_bot "thắng trận"', GROUP, ADMIN)
        listed = await ask(emulator, "/watches@ictdigest_bot", GROUP, MEMBER)
        assert listed == ("Nhóm này đang theo dõi:\n• tổ chức Viettel\n• cụm từ thắng trận")
        await asyncio.sleep(0.5)  # the watermark starts at the store as it is: no old alerts
        mark = emulator.mark()
        folder = tmp_path / "new"
        folder.mkdir()
        (folder / "a.txt").write_text(ON_SECTOR.format(n=1), "utf-8")
        (folder / "b.txt").write_text(OFF_SECTOR, "utf-8")
        ingest_in_another_process(db_path, folder)
        alerts = await emulator.await_messages(GROUP, 1, after=mark, timeout=10)
        await asyncio.sleep(1.0)  # more polls: nothing more may come
    sent = [m for m in emulator.sent_messages(GROUP) if m["seq"] > mark]
    assert len(sent) == 1
    text = alerts[0]["visible_text"]
    assert text.startswith("🔔 Tin mới bạn theo dõi\n• Viettel phủ sóng 5G tại 63 tỉnh thành 1 — ")
    assert text.splitlines()[-1] == "  Viettel"  # the watch it matched
    assert "thắng trận derby" not in text  # off-sector: never alerts, even on a watched phrase


async def test_several_matches_go_in_one_message_and_a_restart_never_resends(
    unlimited_emulator: BotApiEmulator, db_path: Path, tmp_path: Path
) -> None:
    emulator = unlimited_emulator
    user = 801
    async with running(fast_watch_app(emulator, db_path)):
        assert (await ask(emulator, "/watch 2030", user, user)).startswith("🔔 Đã theo dõi")
        await asyncio.sleep(0.5)
        folder = tmp_path / "new"
        folder.mkdir()
        for n, text in enumerate((ON_SECTOR.format(n=1), POSTAL, SECURITY)):
            (folder / f"{n}.txt").write_text(text, "utf-8")
        mark = emulator.mark()
        ingest_in_another_process(db_path, folder)
        alerts = await emulator.await_messages(user, 1, after=mark, timeout=10)
        await asyncio.sleep(0.6)
    assert len([m for m in emulator.sent_messages(user) if m["seq"] > mark]) == 1
    lines = [line for line in alerts[0]["visible_text"].splitlines() if line.startswith("• ")]
    db = open_bot_db(db_path)
    assert len(lines) == 3, alerts[0]["visible_text"]  # one line per story, in one message
    # A crash between claim and send: the batch is in doubt and must not be sent again.
    with watch_store.write_transaction(db):
        db.execute("UPDATE watch_batches SET state = 'sending'")
    db.conn.close()
    before = len(emulator.sent_messages(user))
    async with running(fast_watch_app(emulator, db_path)):
        await asyncio.sleep(0.8)
    assert len(emulator.sent_messages(user)) == before
    db = open_bot_db(db_path)
    assert watch_store.alert_counts(db) == {"uncertain": 1}


async def test_unwatch_removes_and_lists(unlimited_emulator: BotApiEmulator, db_path: Path) -> None:
    emulator = unlimited_emulator
    user = 802
    async with running(fast_watch_app(emulator, db_path)):
        await ask(emulator, '/watch "cáp quang"', user, user)
        assert (await ask(emulator, "/unwatch Cap Quang", user, user)) == (
            "🔕 Đã bỏ theo dõi cụm từ cáp quang."
        )
        assert (await ask(emulator, "/unwatch", user, user)).startswith("Cách dùng: /unwatch")
        await wait_until(lambda: True)
