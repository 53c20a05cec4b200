"""Per-chat settings in SQLite: themes, daily time, language, active flag, watermark.

Plain synchronous functions of a ``Database``; the bot runs them through
``DbWorker`` so they never block the event loop.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlite_utils import Database

from digests.digest.story_rank import LONG_PER_THEME, SHORT_PER_THEME
from digests.store.transactions import write_transaction

DEFAULT_TIME = time(7, 0)
DIGEST_LENGTHS = ("short", "long")  # stories per theme: SHORT_PER_THEME or LONG_PER_THEME
IN_DOUBT_POLICIES = ("notice", "resend")  # what a part in doubt gets (bot/indoubt.py)


@dataclass(frozen=True)
class Chat:
    chat_id: int
    type: str  # "private", "group", "supergroup", "channel"
    title: str | None
    language: str
    themes: tuple[str, ...] | None  # None: every theme
    time: time
    active: bool
    last_article_id: int | None
    schedule_since: datetime
    created_at: datetime
    digest_length: str = "short"  # "short": one message; "long": more stories per theme
    in_doubt: str | None = None  # "notice" or "resend"; None: the bot's ICTDIGEST_IN_DOUBT

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row_to_chat(row: dict[str, Any]) -> Chat:
    hour, minute = (int(part) for part in str(row["time"]).split(":"))
    themes = row["themes"]
    return Chat(
        chat_id=int(row["chat_id"]),
        type=str(row["type"]),
        title=row["title"],
        language=str(row["language"]),
        themes=None if themes is None else tuple(json.loads(themes)),
        time=time(hour, minute),
        active=bool(row["active"]),
        last_article_id=row["last_article_id"],
        schedule_since=datetime.fromisoformat(row["schedule_since"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        digest_length=str(row.get("digest_length") or "short"),
        in_doubt=row.get("in_doubt") if row.get("in_doubt") in IN_DOUBT_POLICIES else None,
    )


def in_doubt_policy(chat: Chat | None, default: str) -> str:
    """The chat's own policy for a part in doubt, else the bot's default."""
    return chat.in_doubt if chat is not None and chat.in_doubt else default


def per_theme(chat: Chat) -> int:
    """How many stories per theme the chat's digest shows (before fitting one message)."""
    return LONG_PER_THEME if chat.digest_length == "long" else SHORT_PER_THEME


def get_chat(db: Database, chat_id: int) -> Chat | None:
    rows = list(db.query("SELECT * FROM chats WHERE chat_id = ?", [chat_id]))
    return _row_to_chat(rows[0]) if rows else None


def list_chats(db: Database, *, active_only: bool = False) -> list[Chat]:
    where = "WHERE active = 1" if active_only else ""
    return [_row_to_chat(r) for r in db.query(f"SELECT * FROM chats {where} ORDER BY chat_id")]


def ensure_chat(
    db: Database,
    chat_id: int,
    chat_type: str,
    title: str | None,
    *,
    language: str = "vi",
    default_time: time = DEFAULT_TIME,
    now: datetime | None = None,
) -> Chat:
    """The chat's row, created with defaults the first time the bot hears from it."""
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with write_transaction(db):
        db.execute(
            "INSERT INTO chats (chat_id, type, title, language, time, active, schedule_since,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET title = excluded.title, type = excluded.type"
            " WHERE chats.title IS NOT excluded.title OR chats.type IS NOT excluded.type",
            [chat_id, chat_type, title, language, f"{default_time:%H:%M}", stamp, stamp, stamp],
        )
    chat = get_chat(db, chat_id)
    assert chat is not None
    return chat


def _update(db: Database, chat_id: int, **values: Any) -> Chat | None:
    values["updated_at"] = _now()
    columns = ", ".join(f"{name} = ?" for name in values)
    with write_transaction(db):
        db.execute(f"UPDATE chats SET {columns} WHERE chat_id = ?", [*values.values(), chat_id])
    return get_chat(db, chat_id)


def set_themes(db: Database, chat_id: int, themes: Sequence[str] | None) -> Chat | None:
    return _update(db, chat_id, themes=None if themes is None else json.dumps(list(themes)))


def set_in_doubt(db: Database, chat_id: int, policy: str) -> Chat | None:
    if policy not in IN_DOUBT_POLICIES:
        raise ValueError(f"in-doubt policy must be one of {IN_DOUBT_POLICIES}: {policy!r}")
    return _update(db, chat_id, in_doubt=policy)


def set_digest_length(db: Database, chat_id: int, length: str) -> Chat | None:
    if length not in DIGEST_LENGTHS:
        raise ValueError(f"digest length must be one of {DIGEST_LENGTHS}: {length!r}")
    return _update(db, chat_id, digest_length=length)


def set_language(db: Database, chat_id: int, language: str) -> Chat | None:
    return _update(db, chat_id, language=language)


def set_time(db: Database, chat_id: int, at: time, now: datetime | None = None) -> Chat | None:
    since = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return _update(db, chat_id, time=f"{at:%H:%M}", schedule_since=since)


def set_active(
    db: Database, chat_id: int, active: bool, now: datetime | None = None
) -> Chat | None:
    """Subscribe or unsubscribe; a (re)activation starts its schedule afresh."""
    chat = get_chat(db, chat_id)
    if chat is None or chat.active == active:
        return chat
    if active:
        since = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        return _update(db, chat_id, active=1, schedule_since=since)
    return _update(db, chat_id, active=0)


def migrate_chat(db: Database, old_id: int, new_id: int) -> Chat | None:
    """A group became a supergroup: carry its settings and outbox over to the new id."""
    with write_transaction(db):
        if db.execute("SELECT 1 FROM chats WHERE chat_id = ?", [old_id]).fetchone():
            # The old row holds the admins' choices; a row the new id got meanwhile does not.
            db.execute("DELETE FROM chats WHERE chat_id = ?", [new_id])
            db.execute(
                "UPDATE chats SET chat_id = ?, type = 'supergroup', updated_at = ?"
                " WHERE chat_id = ?",
                [new_id, _now(), old_id],
            )
        db.execute(
            "DELETE FROM deliveries WHERE chat_id = ? AND digest_day IN"
            " (SELECT digest_day FROM deliveries WHERE chat_id = ?)",
            [new_id, old_id],
        )
        db.execute("UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", [new_id, old_id])
        for table in ("watches", "watch_alerts"):  # what the group follows, and was told
            db.execute(
                f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", [new_id, old_id]
            )
    return get_chat(db, new_id)
