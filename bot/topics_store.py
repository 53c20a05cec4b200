"""Where a chat's digest goes in a forum: the /here topic, one topic per theme, part routes.

chat_destinations  one row per chat that chose a topic (/here) or per-theme topics (/topics on)
theme_topics       the topic the bot created for each theme of a chat
delivery_routes    the theme of each part of an outbox row sent to per-theme topics
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from digests.store.transactions import write_transaction


def bot_topics(db: Database) -> None:
    """Migration: the forum-topic tables (appended to BOT_MIGRATIONS)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS chat_destinations (
            chat_id INTEGER PRIMARY KEY,
            thread_id INTEGER,           -- the /here topic; NULL: the General topic
            per_theme INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS theme_topics (
            chat_id INTEGER NOT NULL,
            theme TEXT NOT NULL,
            thread_id INTEGER NOT NULL,
            PRIMARY KEY (chat_id, theme)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS delivery_routes (
            delivery_id INTEGER NOT NULL,
            part INTEGER NOT NULL,
            theme TEXT,
            PRIMARY KEY (delivery_id, part)
        )"""
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Destination:
    thread_id: int | None = None
    per_theme: bool = False
    theme_topics: Mapping[str, int] = field(default_factory=dict)

    def thread_for(self, theme: str | None) -> int | None:
        """The topic for a part of ``theme`` (None: a part of no theme, or no topic)."""
        if self.per_theme and theme is not None and theme in self.theme_topics:
            return self.theme_topics[theme]
        return self.thread_id


def destination(db: Database, chat_id: int) -> Destination:
    row = db.execute(
        "SELECT thread_id, per_theme FROM chat_destinations WHERE chat_id = ?", [chat_id]
    ).fetchone()
    if row is None:
        return Destination()
    topics = dict(
        db.execute("SELECT theme, thread_id FROM theme_topics WHERE chat_id = ?", [chat_id])
    )
    return Destination(row[0], bool(row[1]), topics)


def _upsert(db: Database, chat_id: int) -> None:
    db.execute(
        "INSERT OR IGNORE INTO chat_destinations (chat_id, updated_at) VALUES (?, ?)",
        [chat_id, _now()],
    )


def set_here(db: Database, chat_id: int, thread_id: int | None) -> None:
    with write_transaction(db):
        _upsert(db, chat_id)
        db.execute(
            "UPDATE chat_destinations SET thread_id = ?, updated_at = ? WHERE chat_id = ?",
            [thread_id, _now(), chat_id],
        )


def set_per_theme(db: Database, chat_id: int, on: bool, topics: Mapping[str, int]) -> None:
    with write_transaction(db):
        _upsert(db, chat_id)
        db.execute(
            "UPDATE chat_destinations SET per_theme = ?, updated_at = ? WHERE chat_id = ?",
            [int(on), _now(), chat_id],
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO theme_topics (chat_id, theme, thread_id) VALUES (?, ?, ?)",
            [(chat_id, theme, thread) for theme, thread in topics.items()],
        )


def forget_thread(db: Database, chat_id: int, thread_id: int) -> bool:
    """A topic is gone or closed: stop sending there. True for the one caller that changed
    something, so the admins get one notice however many sends failed at once."""
    with write_transaction(db):
        here = db.execute(
            "UPDATE chat_destinations SET thread_id = NULL, updated_at = ?"
            " WHERE chat_id = ? AND thread_id = ?",
            [_now(), chat_id, thread_id],
        ).rowcount
        themed = db.execute(
            "DELETE FROM theme_topics WHERE chat_id = ? AND thread_id = ?", [chat_id, thread_id]
        ).rowcount
    return bool(here or themed)


def save_routes(db: Database, delivery_id: int, themes: Sequence[str | None]) -> None:
    with write_transaction(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO delivery_routes (delivery_id, part, theme) VALUES (?, ?, ?)",
            [(delivery_id, part, theme) for part, theme in enumerate(themes)],
        )


def route_of(db: Database, delivery_id: int, part: int) -> str | None:
    row = db.execute(
        "SELECT theme FROM delivery_routes WHERE delivery_id = ? AND part = ?", [delivery_id, part]
    ).fetchone()
    return None if row is None else row[0]


def per_theme(db: Database, chat_id: int) -> bool:
    return destination(db, chat_id).per_theme


def part_thread(db: Database, chat_id: int, delivery_id: int, part: int) -> int | None:
    """The topic an outbox part goes to, in one read (None: General, or not a forum)."""
    where = destination(db, chat_id)
    if where.thread_id is None and not where.per_theme:
        return None  # most chats: no topic chosen, no route to look up
    return where.thread_for(route_of(db, delivery_id, part))
