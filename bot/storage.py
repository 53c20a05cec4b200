"""The bot's tables (namespace "bot"), opened next to the article store.

chats        one row per chat the bot is in: settings, watermark, active flag
deliveries   the outbox: one row per (chat, digest day), its rendered parts and state
page_queries the argument behind a "More" button whose query did not fit callback data
watches, watch_alerts, watch_batches, watch_state   see bot/watch_store.py
chat_destinations, theme_topics, delivery_routes    see bot/topics_store.py
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from bot.topics_store import bot_topics
from bot.watch_store import bot_watches
from digests.store.connection import open_db
from digests.store.schema import Migration, apply_migrations
from digests.store.transactions import write_transaction

NAMESPACE = "bot"


def _v1(db: Database) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS chats (
            chat_id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            title TEXT,
            language TEXT NOT NULL DEFAULT 'vi',
            themes TEXT,                -- JSON list of theme keys; NULL means every theme
            time TEXT NOT NULL DEFAULT '07:00',
            active INTEGER NOT NULL DEFAULT 1,
            last_article_id INTEGER,    -- highest article id the chat has received
            schedule_since TEXT NOT NULL, -- when the current daily time took effect
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS deliveries (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            digest_day TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','uncertain')),
            messages TEXT NOT NULL,      -- JSON list of rendered Telegram HTML parts
            parts_sent INTEGER NOT NULL DEFAULT 0,
            uncertain_parts TEXT,        -- JSON list of part indexes possibly not delivered
            max_article_id INTEGER,
            article_count INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT,
            UNIQUE (chat_id, digest_day)
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS page_queries (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            arg TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (kind, arg)
        )"""
    )


def _bot_chat_digest_length(db: Database) -> None:
    """A chat may choose a longer digest than the one-message default."""
    columns = {column.name for column in db["chats"].columns}
    if "digest_length" not in columns:
        db.execute("ALTER TABLE chats ADD COLUMN digest_length TEXT NOT NULL DEFAULT 'short'")


def _bot_in_doubt_notices(db: Database) -> None:
    """When the reader was told that a part of a digest may be missing (bot/indoubt.py)."""
    db.execute("ALTER TABLE deliveries ADD COLUMN notified_at TEXT")


def _bot_delivery_more_button(db: Database) -> None:
    """The "Xem thêm" button under a scheduled digest's last part (bot/digest_more.py)."""
    db.execute("ALTER TABLE deliveries ADD COLUMN more_button TEXT")


def _bot_chat_in_doubt(db: Database) -> None:
    """A chat's own answer to a part in doubt (``/resend``); NULL follows the bot's default."""
    db.execute("ALTER TABLE chats ADD COLUMN in_doubt TEXT")


BOT_MIGRATIONS: list[Migration] = [
    _v1,
    _bot_chat_digest_length,
    bot_watches,
    bot_topics,
    _bot_in_doubt_notices,
    _bot_delivery_more_button,
    _bot_chat_in_doubt,
]


def apply_bot_migrations(db: Database) -> int:
    """Bring the bot's tables to the latest version; returns that version."""
    return apply_migrations(db, NAMESPACE, BOT_MIGRATIONS)


def open_bot_db(path: Path | str | None, *, migrate: bool = True) -> Database:
    """The store with both the corpus and the bot schema applied."""
    db = open_db(path, migrate=migrate)
    if migrate:
        apply_bot_migrations(db)
    return db


def remember_query(db: Database, kind: str, arg: str) -> int:
    """An id for (kind, arg), so a "More" button's callback data stays under 64 bytes."""
    with write_transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO page_queries (kind, arg, created_at) VALUES (?, ?, ?)",
            [kind, arg, datetime.now(UTC).isoformat(timespec="seconds")],
        )
        row = db.execute(
            "SELECT id FROM page_queries WHERE kind = ? AND arg = ?", [kind, arg]
        ).fetchone()
    return int(row[0])


def recall_query(db: Database, query_id: int) -> tuple[str, str] | None:
    row = db.execute("SELECT kind, arg FROM page_queries WHERE id = ?", [query_id]).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))
