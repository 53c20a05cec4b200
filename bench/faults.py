"""Faults under load (issue 15): kill -9 mid-broadcast, a command flood, SIGTERM, fsync cost.

Everything runs against the Bot API emulator enforcing Telegram's limits, with real
processes and a real SQLite file where a crash is involved:

- kill -9 at a random point of a 150-chat delivery, then a restart: parts duplicated
  (target 0), parts delivered (target ≥ 99.9 %), parts in doubt per kill;
- 100 commands from one group member while a 150-chat digest goes out: p95 latency of
  commands in other chats (target ≤ 2 s) and digest completion against a no-flood run;
- SIGTERM to ``ictdigest run`` under that load: time to exit (target ≤ 10 s);
- the price of ``synchronous=FULL`` on the outbox writer, per part, against NORMAL.

``python -m bench.faults deliver URL TOKEN DB NOW`` is the delivery process killed here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from bench import corpus
from bot import chats, outbox
from bot.emulator import BotApiEmulator
from bot.storage import open_bot_db
from digests.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=HCM)  # every chat's 07:00 digest is owed
DAY = NOW.date()
CHATS = list(range(20_000_001, 20_000_151))
ONE_PART = ["telecom", "postal"]
GROUP, MEMBER, READERS = -20_100_001, 20_100_002, [20_100_011, 20_100_012, 20_100_013]
NOTICE = "(một phần bản tin có thể chưa được gửi: Xem lại)"
FULL_ROUNDS, QUICK_ROUNDS = 30, 4
SYNTHETIC = 300  # bench/corpus.py articles beside the seeds in the long-digest store


def _master(folder: Path, themes: list[str] | None) -> Path:
    """A store holding the seeds and 150 chats owed the day's digest: with every theme
    and the long digest (several parts, so a kill can fall between a digest's parts),
    or with ``themes`` and the default short one (one part)."""
    path = folder / f"master-{'all' if themes is None else 'one'}.db"
    db = open_bot_db(path)
    report = ingest(db, [str(ROOT / "seeds")])
    assert report.added, report.summary()
    seen = int(db.execute("SELECT MAX(id) FROM articles").fetchone()[0])
    if themes is None:  # enough new stories since the seeds for a long digest of several parts
        pool, orgs = corpus.seed_sentences(), corpus.organisation_names()
        corpus.ingest_corpus(db, corpus.synthetic_documents(SYNTHETIC, pool, orgs))
    since = datetime(2025, 3, 1, tzinfo=UTC)
    for chat_id in CHATS:
        chats.ensure_chat(db, chat_id, "private", None, now=since)
        chats.set_themes(db, chat_id, themes)
        if themes is None:
            chats.set_digest_length(db, chat_id, "long")
            db.execute("UPDATE chats SET last_article_id = ? WHERE chat_id = ?", [seen, chat_id])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def _copy(master: Path, target: Path) -> Path:
    shutil.copy(master, target)
    return target


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# --------------------------------------------------------------------------- kill -9


async def _deliver_once(url: str, token: str, db: Path, now: datetime) -> None:
    from bot.app import build_application
    from bot.delivery import startup
    from bot.settings import Settings

    settings = Settings(token=token, db_path=db)
    app = build_application(settings, base_url=url, clock=lambda: now)
    async with app:
        await startup(app)


def _worker(emu: BotApiEmulator, db: Path) -> subprocess.Popen[bytes]:
    args = ["deliver", emu.base_url, emu.token, str(db), NOW.isoformat()]
    return subprocess.Popen([sys.executable, "-m", "bench.faults", *args], env=_env(), cwd=ROOT)


def _texts(emu: BotApiEmulator) -> dict[int, list[str]]:
    return {c: [m["text"] for m in emu.sent_messages(c)] for c in CHATS}


@dataclass
class KillRound:
    parts: int
    delivered: int
    duplicated: int
    in_doubt: int
    notices: int
    killed_after: int  # sends accepted before the kill
    offered: int = 0  # parts not received but announced by the in-doubt notice's button


def total_sends(master: Path, folder: Path) -> int:
    """How many messages an uninterrupted delivery sends (where a kill can land)."""
    db = _copy(master, folder / "calibrate.db")
    with BotApiEmulator() as telegram:
        telegram.add_chats(CHATS)
        _worker(telegram, db).wait(timeout=300)
        return telegram.stats().sent_count


def kill_round(master: Path, folder: Path, rnd: random.Random, index: int, total: int) -> KillRound:
    db = _copy(master, folder / f"kill-{index}.db")
    kill_at = rnd.randrange(1, max(2, total - 1))
    with BotApiEmulator() as telegram:
        telegram.add_chats(CHATS)
        first = _worker(telegram, db)
        deadline = time.monotonic() + 120
        while telegram.stats().sent_count < kill_at and first.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_after = telegram.stats().sent_count
        received = _texts(telegram)
    conn = open_bot_db(db)
    in_doubt = conn.execute("SELECT COUNT(*) FROM deliveries WHERE state = 'sending'").fetchone()[0]
    conn.conn.close()
    with BotApiEmulator() as telegram:
        telegram.add_chats(CHATS)
        second = _worker(telegram, db)
        second.wait(timeout=300)
        for chat_id, texts in _texts(telegram).items():
            received[chat_id] += texts
    return _score(db, received, in_doubt, killed_after)


def _score(db_path: Path, received: dict[int, list[str]], in_doubt: int, after: int) -> KillRound:
    db = open_bot_db(db_path)
    parts = delivered = duplicated = notices = offered = 0
    try:
        for chat_id in CHATS:
            row = outbox.get_delivery(db, chat_id, DAY)
            messages = list(row.messages) if row else []
            got = received[chat_id]
            notices += got.count(NOTICE)
            parts += len(messages)
            for index, message in enumerate(messages):
                seen = got.count(message)
                delivered += seen > 0
                duplicated += max(0, seen - 1)
                told = row is not None and index in row.uncertain_parts and NOTICE in got
                offered += seen == 0 and told
    finally:
        db.conn.close()
    return KillRound(parts, delivered, duplicated, in_doubt, notices, after, offered)


# --------------------------------------------------------------------------- flood


async def _polling(app: Any) -> None:
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)


async def flood_run(master: Path, folder: Path, *, flood: bool) -> tuple[float, list[float]]:
    """(digest completion s, latencies of commands in other chats) with or without a flood."""
    from bot.app import build_application
    from bot.delivery import broadcast
    from bot.settings import Settings

    db = _copy(master, folder / f"flood-{flood}.db")
    latencies: list[float] = []
    with BotApiEmulator() as telegram:
        telegram.add_chats([*CHATS, *READERS])
        telegram.add_bot_to_group(GROUP, MEMBER, as_admin=True)
        app = build_application(
            Settings(token=telegram.token, db_path=db),
            base_url=telegram.base_url,
            clock=lambda: NOW,
        )
        async with app:
            await _polling(app)
            try:
                await asyncio.sleep(1.0)  # the welcome in the group, the startup job
                began = time.monotonic()
                digest = asyncio.create_task(broadcast(app, CHATS, DAY))
                if flood:
                    for _ in range(100):
                        telegram.user_sends("/help", user_id=MEMBER, chat_id=GROUP)
                readers = [_ask_repeatedly(telegram, r, digest, latencies) for r in READERS]
                await asyncio.gather(*readers)
                await digest
                took = time.monotonic() - began
            finally:
                if app.updater is not None:
                    await app.updater.stop()
                await app.stop()
    return took, latencies


async def _ask_repeatedly(
    telegram: BotApiEmulator, reader: int, until: asyncio.Task[Any], latencies: list[float]
) -> None:
    while not until.done():
        sent = telegram.user_sends("/help", user_id=reader)
        began = time.monotonic()
        await telegram.await_messages(reader, 1, after=sent, timeout=60)
        latencies.append(time.monotonic() - began)
        await asyncio.sleep(0.2)


# --------------------------------------------------------------------------- SIGTERM


def sigterm_under_load(master: Path, folder: Path) -> tuple[float, int, int]:
    """(seconds to exit, sends before SIGTERM, exit code) for ``ictdigest run``."""
    db = _copy(master, folder / "sigterm.db")
    now = datetime.now(HCM)
    conn = open_bot_db(db)
    at = (now - timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    for chat_id in CHATS:
        chats.set_time(conn, chat_id, at, now - timedelta(days=2))
    conn.conn.close()
    with BotApiEmulator() as telegram:
        telegram.add_chats(CHATS)
        telegram.add_bot_to_group(GROUP, MEMBER, as_admin=True)
        for _ in range(100):
            telegram.user_sends("/help", user_id=MEMBER, chat_id=GROUP)
        env = {
            **_env(),
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "ICTDIGEST_DB": str(db),
        }
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            env=env,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while telegram.stats().sent_count < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        sent = telegram.stats().sent_count
        began = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        try:
            code = bot.wait(timeout=60)
        except subprocess.TimeoutExpired:
            bot.kill()
            code = bot.wait()
        took = time.monotonic() - began
    return took, sent, code


# --------------------------------------------------------------------------- fsync


def fsync_cost(folder: Path, parts: int) -> dict[str, float]:
    """Milliseconds per one-part digest (enqueue, claim, sent mark, finish) per policy.

    NORMAL everywhere (the old writer), FULL everywhere, and what the bot does: FULL with
    enqueue and finish relaxed to NORMAL (``outbox.relaxed_sync``).
    """
    result: dict[str, float] = {}
    for name, level, relax in (
        ("NORMAL", "NORMAL", False),
        ("FULL everywhere", "FULL", False),
        ("FULL, enqueue/finish NORMAL (bot)", "FULL", True),
    ):
        db = open_bot_db(folder / f"sync-{len(result)}.db")
        db.execute(f"PRAGMA synchronous = {level}")
        # Without the bot's relaxation, enqueue and finish commit at the connection's level.
        same_level = (
            contextlib.nullcontext()
            if relax
            else mock.patch.object(outbox, "relaxed_sync", contextlib.nullcontext)
        )
        began = time.perf_counter()
        with same_level:
            for chat_id in range(1, parts + 1):
                row, _ = outbox.enqueue(
                    db, chat_id, DAY, ["x"], max_article_id=None, article_count=1
                )
                outbox.claim_part(db, row.id, 0)
                outbox.mark_part_sent(db, row.id, 1)
                outbox.finish(db, row.id)
        result[name] = (time.perf_counter() - began) * 1000 / parts
        db.conn.close()
    return result


# --------------------------------------------------------------------------- report


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")


def run(quick: bool) -> str:
    rounds = QUICK_ROUNDS if quick else FULL_ROUNDS
    rnd = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        many_parts = _master(folder, None)
        one_part = _master(folder, ONE_PART)
        total = total_sends(many_parts, folder)
        kills = [kill_round(many_parts, folder, rnd, i, total) for i in range(rounds)]
        calm_s, calm_lat = asyncio.run(flood_run(one_part, folder, flood=False))
        flood_s, flood_lat = asyncio.run(flood_run(one_part, folder, flood=True))
        exit_s, sent_before, code = sigterm_under_load(many_parts, folder)
        fsync = fsync_cost(folder, 100 if quick else 400)
    parts = sum(k.parts for k in kills)
    delivered = sum(k.delivered for k in kills)
    duplicated = sum(k.duplicated for k in kills)
    doubt = [k.in_doubt for k in kills]
    share = delivered / parts if parts else 0.0
    p95 = _p95(flood_lat)
    verdicts = {
        "dup": "met" if duplicated == 0 else "NOT met",
        "share": "met" if share >= 0.999 else "NOT met",
        "p95": "met" if p95 <= 2.0 else "NOT met",
        "exit": "met" if exit_s <= 10.0 and code == 0 else "NOT met",
    }
    return "\n".join(
        [
            "## Faults under load (bot, issue 15)",
            "",
            f"Emulator enforcing Telegram's limits, {len(CHATS)} private chats, the real PTB"
            " Application with the bot's own rate limiter (bot/ratelimit.py) and the outbox"
            " (claim as the request leaves, synchronous=FULL). In-doubt parts get the notice"
            ' with a "Xem lại" button (default policy).',
            "",
            f"### kill -9 mid-delivery ({rounds} rounds of {total} messages, then a restart)",
            "",
            "| Measure | Value | Target |",
            "| --- | --- | --- |",
            f"| Parts owed | {parts:,} | |",
            f"| Parts delivered after restart | {delivered:,} ({share:.4%}) | ≥ 99.9 %"
            f" ({verdicts['share']}) |",
            f"| Parts not received, each announced by the notice's resend button |"
            f" {sum(k.offered for k in kills)} of {parts - delivered} | all (no silent gap) |",
            f"| Parts duplicated | {duplicated} | 0 ({verdicts['dup']}) |",
            f"| Parts in doubt per kill (mean / max) | {statistics.mean(doubt):.2f} /"
            f" {max(doubt)} | at most the requests in flight |",
            f"| In-doubt notices sent | {sum(k.notices for k in kills)} | one per digest with a"
            " doubtful part |",
            f"| Kill points (sends before kill, min–max) | {min(k.killed_after for k in kills)}"
            f"–{max(k.killed_after for k in kills)} | random |",
            "",
            "### A flood of 100 commands from one group member during a 150-chat digest",
            "",
            "| Measure | No flood (baseline) | Flood | Ratio |",
            "| --- | --- | --- | --- |",
            f"| Digest completion | {calm_s:.1f} s | {flood_s:.1f} s | {flood_s / calm_s:.2f} |",
            f"| p95 latency of /help in 3 other chats | {_p95(calm_lat):.2f} s | {p95:.2f} s"
            f" | {p95 / max(_p95(calm_lat), 1e-6):.2f} |",
            f"| Commands measured | {len(calm_lat)} | {len(flood_lat)} | |",
            "",
            f"p95 target ≤ 2 s: {verdicts['p95']}.",
            "",
            "### SIGTERM under that load (`ictdigest run`, 150 chats owed, 100 queued commands)",
            "",
            f"Exit after {exit_s:.2f} s (exit code {code}), {sent_before} messages accepted"
            f" before the signal. Target ≤ 10 s: {verdicts['exit']}.",
            "",
            "### Durability: synchronous=FULL on the outbox writer",
            "",
            "| Outbox writer | ms per one-part digest (4 commits) | Ratio to NORMAL |",
            "| --- | --- | --- |",
            *(
                f"| {name}{' (baseline)' if name == 'NORMAL' else ''} | {ms:.2f} |"
                f" {ms / fsync['NORMAL']:.2f} |"
                for name, ms in fsync.items()
            ),
            "",
            f"At 30 messages/s a message has {1000 / 30:.0f} ms of the single writer's time;"
            " the claim and the sent mark are the two writes that must reach the disk before"
            " the next step (a lost one could send a part twice).",
            "",
        ]
    )


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "deliver":
    url, token, db, now = sys.argv[2:6]
    asyncio.run(_deliver_once(url, token, Path(db), datetime.fromisoformat(now)))
elif __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
