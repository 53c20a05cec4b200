"""kill -9 in the middle of a delivery run, then a restart: no digest lost, no part sent twice."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bot_helpers import ROOT, add_long_digest, seeded_db

from bot import chats, outbox
from bot.emulator import BotApiEmulator
from bot.storage import open_bot_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=HCM)  # 07:00 passed: every chat is owed its digest
CHATS = [801, 802, 803, 804, 805, 806]
SENT_BEFORE_HOLD = 4  # sends answered at once; every later one is carried out, answered late
WORKER = Path(__file__).with_name("bot_crash_worker.py")


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = seeded_db(tmp_path, tmp_path_factory.getbasetemp())
    db = open_bot_db(path)
    for chat_id in CHATS:
        chats.ensure_chat(
            db, chat_id, "private", f"Reader {chat_id}", now=datetime(2025, 3, 1, tzinfo=HCM)
        )
    db.conn.close()
    add_long_digest(path, CHATS, NOW.date())  # digests of several parts
    return path


def start_worker(
    emu: BotApiEmulator, db_path: Path, rate: float, in_doubt: str = "notice"
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [emu.base_url, emu.token, str(db_path), NOW.isoformat(), str(rate), in_doubt]
    return subprocess.Popen([sys.executable, str(WORKER), *args], env=env, cwd=ROOT)


def wait_for_sends(emu: BotApiEmulator, worker: subprocess.Popen[bytes], count: int) -> None:
    deadline = time.monotonic() + 30
    while len(emu.sent_messages()) < count:
        assert worker.poll() is None, "the delivery run ended before the kill"
        assert time.monotonic() < deadline, f"{len(emu.sent_messages())} of {count} sends"
        with contextlib.suppress(TimeoutError):
            emu.wait_for_messages(None, count, timeout=0.2)


def rows(db_path: Path) -> dict[int, outbox.Delivery]:
    db = open_bot_db(db_path)
    try:
        found = {c: outbox.get_delivery(db, c, NOW.date()) for c in CHATS}
        return {c: row for c, row in found.items() if row is not None}
    finally:
        db.conn.close()


NOTICE = "(một phần bản tin có thể chưa được gửi: Xem lại)"


@pytest.mark.parametrize("policy", ["notice", "resend"])
def test_kill_9_mid_run_then_restart_loses_nothing_and_repeats_nothing(
    db_path: Path, policy: str
) -> None:
    received: dict[int, list[str]] = {c: [] for c in CHATS}
    buttons: dict[int, list[str]] = {c: [] for c in CHATS}
    with BotApiEmulator() as telegram:
        telegram.add_chats(CHATS)
        for _ in range(SENT_BEFORE_HOLD):
            telegram.delay_next("sendMessage", 0)
        for _ in range(50):
            telegram.delay_next("sendMessage", 30)  # the process dies waiting for this answer
        # 2 messages/s: the kill lands while most chats still wait in the rate limiter.
        first = start_worker(telegram, db_path, rate=2)
        try:
            wait_for_sends(telegram, first, SENT_BEFORE_HOLD + 1)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        for chat_id in CHATS:
            received[chat_id] += [m["text"] for m in telegram.sent_messages(chat_id)]

    at_kill = rows(db_path)
    in_doubt = {c for c, row in at_kill.items() if row.state == "sending"}
    # Parts merely queued in the rate limiter were never claimed: only requests actually
    # on the wire are in doubt, and the held one is among them.
    assert len(in_doubt) in (1, 2), at_kill
    unfinished = [c for c in CHATS if c not in at_kill or not at_kill[c].done]
    assert len(unfinished) >= 3, "the kill must land mid-run"
    received_at_kill = {c: len(received[c]) for c in CHATS}

    with BotApiEmulator() as telegram:  # the same Telegram, answering at once again
        telegram.add_chats(CHATS)
        second = start_worker(telegram, db_path, rate=30, in_doubt=policy)
        assert second.wait(timeout=60) == 0
        for chat_id in CHATS:
            for message in telegram.sent_messages(chat_id):
                received[chat_id].append(message["text"])
                keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
                data = [b["callback_data"] for row in keyboard for b in row]
                # "Xem thêm" under the last part is the digest's own (bot/digest_more.py)
                buttons[chat_id] += [d for d in data if not d.startswith("more:")]

    after = rows(db_path)
    assert sorted(after) == CHATS  # every chat has its digest row
    for chat_id in CHATS:
        row = after[chat_id]
        expected = list(row.messages)
        if chat_id in in_doubt and policy == "resend":
            # The part in doubt goes out again: a duplicate only if it had arrived.
            part = at_kill[chat_id].parts_sent
            assert row.state == "sent"
            if received_at_kill[chat_id] > part:
                expected.insert(part, expected[part])
        elif chat_id in in_doubt:
            # Recorded, not resent blindly: the reader gets a notice with a resend button.
            part = at_kill[chat_id].parts_sent
            assert row.state == "uncertain" and row.notified_at is not None
            assert row.uncertain_parts == (part,)
            if received_at_kill[chat_id] <= part:  # killed before the request arrived
                del expected[part]
            expected.append(NOTICE)
            assert buttons[chat_id] == [f"resend:{row.id}:{part}"]
        else:
            assert row.state == "sent", (chat_id, row.state, row.error)
            assert row.uncertain_parts == ()
        assert received[chat_id] == expected, chat_id  # each part once, in order
        assert row.parts_sent == len(row.messages)
    doubtful = 0 if policy == "resend" else len(in_doubt)
    assert sum(len(r.uncertain_parts) for r in after.values()) == doubtful

    db = open_bot_db(db_path)
    try:
        for chat_id in CHATS:
            chat = chats.get_chat(db, chat_id)
            assert chat is not None and chat.last_article_id == after[chat_id].max_article_id
    finally:
        db.conn.close()


# --------------------------------------------------------------------------- SIGTERM under load

MANY = list(range(900_001, 900_151))  # 150 private chats owed today's digest


def owe_digests(db_path: Path, chat_ids: list[int]) -> None:
    """Chats whose daily time passed 10 minutes ago: `ictdigest run` catches them up."""
    now = datetime.now(HCM)
    at = (now - timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    db = open_bot_db(db_path)
    for chat_id in chat_ids:
        chats.ensure_chat(db, chat_id, "private", None, now=now - timedelta(days=2))
        chats.set_themes(db, chat_id, ["telecom", "postal"])
        chats.set_time(db, chat_id, at, now - timedelta(days=2))
    db.conn.close()


def start_bot(emu: BotApiEmulator, db_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "ICTDIGEST_DB": str(db_path),
        "ICTDIGEST_RATE_OVERALL": "10",  # slow enough that SIGTERM lands mid-broadcast
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], env=env, cwd=ROOT, stderr=subprocess.PIPE
    )


@pytest.mark.skipif(
    datetime.now(HCM).time() < dtime(0, 15), reason="the owed digest would be yesterday's"
)
def test_sigterm_mid_broadcast_exits_within_10_s_and_restart_sends_the_rest_once(
    db_path: Path,
) -> None:
    owe_digests(db_path, MANY)
    received: dict[int, int] = dict.fromkeys(MANY, 0)
    with BotApiEmulator() as telegram:
        telegram.add_chats(MANY)
        bot = start_bot(telegram, db_path)
        try:
            wait_for_sends(telegram, bot, 20)
            began = time.monotonic()
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
            took = time.monotonic() - began
        finally:
            if bot.poll() is None:
                bot.kill()
        _, log = bot.communicate()
        for chat_id in MANY:
            received[chat_id] += len(telegram.sent_messages(chat_id))
    assert bot.returncode == 0, log.decode()[-2000:]
    assert took <= 10.0, took
    assert b"Traceback" not in log
    assert sum(received.values()) < len(MANY), "SIGTERM must land mid-broadcast"
    assert all(row.state != "failed" for row in many_rows(db_path).values())

    with BotApiEmulator() as telegram:  # the restart sends what was released
        telegram.add_chats(MANY)
        bot = start_bot(telegram, db_path)
        try:
            deadline = time.monotonic() + 60
            while any(r.state == "pending" for r in many_rows(db_path).values()) or len(
                many_rows(db_path)
            ) < len(MANY):
                assert time.monotonic() < deadline, "the restart did not finish the broadcast"
                time.sleep(0.5)
            telegram.wait_until_quiet(0.5)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
        for chat_id in MANY:
            received[chat_id] += len(telegram.sent_messages(chat_id))
    after = many_rows(db_path)
    assert {row.state for row in after.values()} <= {"sent", "uncertain"}
    doubtful = [c for c, row in after.items() if row.state == "uncertain"]
    # every chat got its one-part digest exactly once; a part in doubt at SIGTERM (still on
    # the wire when the limiter closed) may add the notice instead
    assert all(received[c] == 1 for c in MANY if c not in doubtful), received
    assert all(received[c] in (1, 2) for c in doubtful)


def many_rows(db_path: Path) -> dict[int, outbox.Delivery]:
    db = open_bot_db(db_path)
    try:
        day = datetime.now(HCM).date()
        found = {c: outbox.get_delivery(db, c, day) for c in MANY}
        return {c: row for c, row in found.items() if row is not None}
    finally:
        db.conn.close()
