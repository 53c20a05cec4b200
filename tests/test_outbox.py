"""The outbox state machine and chat storage, on a real SQLite file."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from sqlite_utils import Database

from bot import chats, outbox
from bot.storage import open_bot_db

DAY = date(2025, 3, 10)


def _db(tmp_path: Path) -> Database:
    db = open_bot_db(tmp_path / "bot.db")
    chats.ensure_chat(db, 42, "private", "Lan")
    return db


def test_new_chat_gets_defaults(tmp_path: Path) -> None:
    chat = chats.get_chat(_db(tmp_path), 42)
    assert chat is not None
    assert (chat.language, chat.time, chat.themes, chat.active) == ("vi", time(7, 0), None, True)


def test_enqueue_is_once_per_chat_and_day(tmp_path: Path) -> None:
    db = _db(tmp_path)
    first, created = outbox.enqueue(db, 42, DAY, ["a", "b"], max_article_id=9, article_count=3)
    again, created_again = outbox.enqueue(db, 42, DAY, ["x"], max_article_id=12, article_count=1)
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert again.messages == ("a", "b")


def test_parts_then_finish_moves_the_watermark(tmp_path: Path) -> None:
    db = _db(tmp_path)
    row, _ = outbox.enqueue(db, 42, DAY, ["a", "b"], max_article_id=9, article_count=3)
    assert outbox.claim_part(db, row.id, 0)
    assert not outbox.claim_part(db, row.id, 0)  # a second sender loses the claim
    outbox.mark_part_sent(db, row.id, 1)
    assert outbox.claim_part(db, row.id, 1)
    outbox.mark_part_sent(db, row.id, 2)
    done = outbox.finish(db, row.id)
    assert (done.state, done.parts_sent, done.uncertain_parts) == ("sent", 2, ())
    chat = chats.get_chat(db, 42)
    assert chat is not None and chat.last_article_id == 9


def test_crash_while_sending_makes_only_that_part_uncertain(tmp_path: Path) -> None:
    db = _db(tmp_path)
    row, _ = outbox.enqueue(db, 42, DAY, ["a", "b", "c"], max_article_id=9, article_count=3)
    assert outbox.claim_part(db, row.id, 0)
    outbox.mark_part_sent(db, row.id, 1)
    assert outbox.claim_part(db, row.id, 1)  # killed here, while part 1 was in flight
    recovered = outbox.recover_after_crash(db)
    assert [(r.state, r.parts_sent, r.uncertain_parts, again) for r, again in recovered] == [
        ("pending", 2, (1,), False)
    ]
    assert [r.id for r in outbox.unfinished(db)] == [row.id]
    assert outbox.claim_part(db, row.id, 2)
    outbox.mark_part_sent(db, row.id, 3)
    assert outbox.finish(db, row.id).state == "uncertain"
    assert [r.id for r in outbox.unnotified(db)] == [row.id]  # the reader is still to be told
    outbox.mark_notified(db, row.id)
    assert outbox.unnotified(db) == []


def test_crash_while_sending_resends_that_part_when_the_chat_prefers_it(tmp_path: Path) -> None:
    db = _db(tmp_path)
    row, _ = outbox.enqueue(db, 42, DAY, ["a", "b"], max_article_id=9, article_count=2)
    assert outbox.claim_part(db, row.id, 0)  # killed here
    recovered = outbox.recover_after_crash(db, resend=True)
    assert [(r.state, r.parts_sent, r.uncertain_parts, again) for r, again in recovered] == [
        ("pending", 0, (), True)
    ]
    assert outbox.claim_part(db, row.id, 0)  # part 0 goes out again


def test_each_chat_s_own_policy_overrides_the_bot_default_after_a_crash(tmp_path: Path) -> None:
    db = _db(tmp_path)
    chats.ensure_chat(db, 43, "private", "Minh")
    chats.set_in_doubt(db, 42, "resend")  # 42 prefers a rare duplicate; 43 follows the bot
    rows = [
        outbox.enqueue(db, c, DAY, ["a"], max_article_id=9, article_count=1)[0] for c in (42, 43)
    ]
    for row in rows:
        assert outbox.claim_part(db, row.id, 0)  # killed with both parts in flight
    recovered = outbox.recover_after_crash(db, resend=False)
    assert [(r.chat_id, r.uncertain_parts, again) for r, again in recovered] == [
        (42, (), True),
        (43, (0,), False),
    ]
    outbox.finish(db, rows[1].id)  # 43's digest ends uncertain; its reader is to be told
    assert [r.chat_id for r in outbox.unnotified(db, "notice")] == [43]
    assert outbox.unnotified(db, "resend") == []  # a resend bot tells no one…
    chats.set_in_doubt(db, 43, "notice")
    assert [r.chat_id for r in outbox.unnotified(db, "resend")] == [43]  # …but 43 chose it
    assert chats.in_doubt_policy(chats.get_chat(db, 43), "resend") == "notice"
    assert chats.in_doubt_policy(chats.get_chat(db, 44), "resend") == "resend"  # unknown chat


def test_empty_digest_is_recorded_as_answered(tmp_path: Path) -> None:
    db = _db(tmp_path)
    row, created = outbox.enqueue(db, 42, DAY, [], max_article_id=None, article_count=0)
    assert created
    assert (row.state, row.error) == ("sent", "nothing new")
    assert outbox.delivered_days(db, 42) == {DAY}


def test_failed_keeps_the_watermark(tmp_path: Path) -> None:
    db = _db(tmp_path)
    row, _ = outbox.enqueue(db, 42, DAY, ["a"], max_article_id=9, article_count=1)
    outbox.mark_failed(db, row.id, "Forbidden: bot was blocked by the user")
    chat = chats.get_chat(db, 42)
    assert chat is not None and chat.last_article_id is None
    last = outbox.last_delivery(db, 42)
    assert last is not None and last.state == "failed"


def test_migrate_chat_carries_settings_and_outbox(tmp_path: Path) -> None:
    db = _db(tmp_path)
    chats.ensure_chat(db, -100, "group", "Phòng CNTT")
    chats.set_themes(db, -100, ["postal", "ai"])
    outbox.enqueue(db, -100, DAY, ["a"], max_article_id=3, article_count=1)
    chats.ensure_chat(db, -100999, "supergroup", "Phòng CNTT")  # the new id spoke first
    moved = chats.migrate_chat(db, -100, -100999)
    assert moved is not None and moved.themes == ("postal", "ai")
    assert chats.get_chat(db, -100) is None
    assert outbox.delivered_days(db, -100999) == {DAY}


def test_time_change_restarts_the_schedule(tmp_path: Path) -> None:
    db = _db(tmp_path)
    before = chats.get_chat(db, 42)
    assert before is not None
    after = chats.set_time(db, 42, time(6, 15))
    assert after is not None and after.time == time(6, 15)
    assert after.schedule_since >= before.schedule_since


def test_the_bot_writer_commits_with_synchronous_full(tmp_path: Path) -> None:
    from bot.dbworker import DbWorker

    worker = DbWorker(tmp_path / "bot.db")
    try:
        level = worker.write_sync(lambda db: db.execute("PRAGMA synchronous").fetchone()[0])
    finally:
        worker.close()
    assert level == 2  # FULL: a "sent" mark survives power loss
