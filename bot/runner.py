"""Start the bot: seeds on first run, then Telegram (token) or the local emulator console."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot import chats, outbox, texts
from bot.settings import Settings
from bot.storage import open_bot_db
from digests.store.connection import resolve_db_path

log = logging.getLogger(__name__)


def seed_paths() -> list[Path]:
    """Where the seed articles are: the repository's seeds/ folder, else the packaged copy."""
    package_root = Path(__file__).resolve().parent.parent
    candidates = [package_root / "seeds", package_root / "digests" / "seeds"]
    return [p for p in candidates if p.is_dir() and any(p.glob("*.txt"))][:1]


def db_path(settings: Settings) -> Path:
    return resolve_db_path(str(settings.db_path) if settings.db_path else None)


def load_seeds_if_empty(settings: Settings, out: TextIO = sys.stderr) -> int:
    """First run: an empty store gets the seed articles. Returns how many were added."""
    from digests.ingest import ingest

    db = open_bot_db(db_path(settings))
    try:
        if db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]:
            return 0
        paths = seed_paths()
        if not paths:
            print(texts.plain("first_run", settings.language, added=None), file=out)
            return 0
        report = ingest(db, [str(p) for p in paths])
        print(
            texts.plain("first_run", settings.language, added=report.added, report=report), file=out
        )
        return report.added
    finally:
        db.conn.close()


def run(settings: Settings) -> int:
    """``ictdigest run``: serve Telegram with a token, else chat in the terminal."""
    if not settings.token:
        return console(settings)  # log lines would land in the conversation: the console's own
    from bot.app import build_application
    from bot.app import run as serve
    from bot.logs import configure_logging

    configure_logging(settings)
    load_seeds_if_empty(settings)
    refused = wait_for_bot_api(settings)
    if refused is not None:
        return refused
    serve(build_application(settings), settings)
    return 0


API_BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


def wait_for_bot_api(settings: Settings, sleep: Any = time.sleep) -> int | None:
    """Block until the Bot API answers getMe, one log line per failed try, with backoff.

    A bot started before the network is up waits for it instead of dying with a
    traceback; a token Telegram rejects is final (exit code 1), said in one line.
    """
    from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError

    attempt = 0
    while True:
        try:
            asyncio.run(_get_me(settings))
        except (InvalidToken, Forbidden, BadRequest) as exc:
            log.error("event=bot_token_rejected error=%r fix=check_TELEGRAM_BOT_TOKEN", str(exc))
            return 1
        except (NetworkError, OSError) as exc:
            delay = API_BACKOFF_S[min(attempt, len(API_BACKOFF_S) - 1)]
            attempt += 1
            log.warning(
                "event=bot_api_unreachable url=%s attempt=%d retry_in_s=%.0f error=%r",
                settings.api_base_url,
                attempt,
                delay,
                str(exc) or exc.__class__.__name__,
            )
            sleep(delay)
            continue
        if attempt:
            log.info("event=bot_api_reachable after_attempts=%d", attempt)
        return None


async def _get_me(settings: Settings) -> None:
    from telegram import Bot

    async with Bot(str(settings.token), base_url=settings.api_base_url) as bot:
        await bot.get_me()


def console(settings: Settings) -> int:
    """``ictdigest console``: the same Application against the embedded emulator."""
    from bot.console import run_console

    load_seeds_if_empty(settings)
    return run_console(settings)


# --------------------------------------------------------------------------- operator commands


def chat_rows(settings: Settings) -> list[dict[str, Any]]:
    """Every chat with its settings and last delivery, for ``ictdigest chats``."""
    db = open_bot_db(db_path(settings))
    try:
        rows = []
        for chat in chats.list_chats(db):
            last = outbox.last_delivery(db, chat.chat_id)
            rows.append(
                {
                    "chat_id": chat.chat_id,
                    "type": chat.type,
                    "title": chat.title,
                    "active": chat.active,
                    "language": chat.language,
                    "time": f"{chat.time:%H:%M}",
                    "themes": list(chat.themes) if chat.themes else "all",
                    "last_delivery": None
                    if last is None
                    else {
                        "day": last.digest_day.isoformat(),
                        "state": last.state,
                        "parts": f"{last.parts_sent}/{len(last.messages)}",
                        "uncertain_parts": list(last.uncertain_parts),
                        "error": last.error,
                    },
                }
            )
        return rows
    finally:
        db.conn.close()


COLUMNS = ("chat_id", "type", "active", "time", "language", "themes", "last", "title")


def chat_table_words(lang: str) -> dict[str, str]:
    """The words of the ``ictdigest chats`` table (bot/templates/<lang>/chat_table.txt.j2)."""
    from bot import texts

    words = {}
    for line in texts.plain("chat_table", lang).splitlines():
        key, sep, text = line.partition("=")
        if sep:
            words[key.strip()] = text.strip()
    return words


def format_chat_rows(rows: list[dict[str, Any]], lang: str = "vi") -> str:
    """The chats as an aligned table with a header row, in ``lang``."""
    words = chat_table_words(lang)
    if not rows:
        return words["empty"]
    table = [[words[f"h.{column}"] for column in COLUMNS]]
    table += [_chat_cells(row, words) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )


def _chat_cells(row: dict[str, Any], words: dict[str, str]) -> list[str]:
    last = row["last_delivery"]
    if last is None:
        delivered = words["never"]
    else:
        state = words.get(f"state.{last['state']}", last["state"])
        delivered = f"{last['day']} {state} {last['parts']}"
        if last["uncertain_parts"]:
            parts = ",".join(str(part) for part in last["uncertain_parts"])
            delivered += f" ({words['uncertain']}: {parts})"
        if last["error"] and last["state"] != "sent":
            delivered += f" ({last['error']})"
    themes = words["all"] if isinstance(row["themes"], str) else ",".join(row["themes"])
    return [
        str(row["chat_id"]),
        words.get(f"type.{row['type']}", row["type"]),
        words["on"] if row["active"] else words["off"],
        row["time"],
        row["language"],
        themes,
        delivered,
        row["title"] or "",
    ]


async def send_now(
    settings: Settings,
    chat_id: int,
    theme: str | None = None,
    *,
    base_url: str | None = None,
    day: date | None = None,
    lang: str = "en",
) -> tuple[int, str]:
    """Send today's digest to one chat through the outbox; (exit code, one-line outcome)."""
    from bot.app import build_application
    from bot.delivery import deliver
    from bot.schedule import digest_day
    from bot.services import services_of

    def say(what: str, **values: object) -> str:
        return texts.plain(
            "send", lang, settings.template_dir, what=what, chat_id=chat_id, **values
        )

    app = build_application(settings, base_url=base_url)
    async with app:
        svc = services_of(app)
        chat = await svc.db.read(chats.get_chat, chat_id)
        if chat is None:
            return 1, say("unknown_chat")
        if not chat.active:
            return 1, say("inactive")
        the_day = day or digest_day(svc.now(), svc.tz)
        row = await deliver(app, chat_id, the_day, themes=[theme] if theme else None)
    if row is None:
        return 1, say("nothing")
    line = say(
        "outcome",
        day=row.digest_day,
        state=row.state,
        sent=row.parts_sent,
        parts=len(row.messages),
        error=row.error,
    )
    return (0 if row.state in ("sent", "uncertain") else 1), line


def send(settings: Settings, chat_id: int, theme: str | None, lang: str = "en") -> int:
    if not settings.token:
        print(texts.plain("send", lang, settings.template_dir, what="no_token"), file=sys.stderr)
        return 2
    code, line = asyncio.run(send_now(settings, chat_id, theme, lang=lang))
    print(line)
    return code


def with_db(settings: Settings, db: str | None) -> Settings:
    return dataclasses.replace(settings, db_path=Path(db)) if db else settings
