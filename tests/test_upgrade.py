"""Upgrading a database made with the first released schema loses nothing.

``tests/data/schema_v1.sql`` is the schema as first released (corpus v1 + bot v1),
frozen. The test builds an old database from it, fills it with chats, deliveries and
articles, opens it the way the bot does on start (migrations apply automatically) and
checks every old row is still there, unchanged, and the search index still answers.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.storage import BOT_MIGRATIONS, open_bot_db
from digests.store.connection import open_db
from digests.store.schema import CORPUS_MIGRATIONS, apply_migrations
from digests.store.transactions import StoreError
from digests.textnorm import fold

SCHEMA_V1 = Path(__file__).parent / "data" / "schema_v1.sql"
OLD_TABLES = (
    "articles", "sentences", "mentions", "organisations", "targets", "meta",
    "chats", "deliveries", "page_queries",
)  # fmt: skip

ARTICLES = [
    (1, "https://ictnews.vn/a/1", "h1", "ictnews.vn", "Viettel đạt doanh thu 2024",
     "2025-04-30", "Viettel đặt mục tiêu phủ sóng 5G toàn quốc vào năm 2030."),
    (2, "https://vnexpress.net/b/2", "h2", "vnexpress.net", "VNPT và an ninh mạng",
     "2025-04-29", "VNPT ra mắt trung tâm an ninh mạng mới tại Hà Nội."),
    (3, None, "h3", "seeds/003.txt", "Bưu điện Việt Nam chuyển đổi số",
     "2025-04-28", "Bưu điện Việt Nam hoàn thành chuyển đổi số bưu chính."),
]  # fmt: skip


def build_v1_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    stamp = "2025-05-01T00:00:00+00:00"
    for aid, url, digest, source, title, published, body in ARTICLES:
        conn.execute(
            "INSERT INTO articles (id, url, content_hash, source, origin, title, published,"
            " body, raw, kind, story_id, ingested_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'html', ?, ?, ?)",
            [aid, url, digest, source, url or source, title, published, body, body, aid,
             stamp, stamp],
        )  # fmt: skip
        conn.execute(
            "INSERT INTO sentences (article_id, idx, paragraph, text, folded, is_heading)"
            " VALUES (?, 0, 0, ?, ?, 0)",
            [aid, body, fold(body)],
        )
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            [aid, fold(title), fold(body)],
        )
    conn.execute("INSERT INTO mentions VALUES (1, 'viettel', 'Viettel', 0)")
    conn.execute(
        "INSERT INTO organisations VALUES ('viettel', 'Viettel', 'telecom', ?, 0)",
        [json.dumps(["Viettel", "Tập đoàn Viettel"], ensure_ascii=False)],
    )
    conn.execute("INSERT INTO targets VALUES (1, 2030, NULL, 'phủ sóng 5G', 'Viettel', 0, 's')")
    conn.execute("INSERT INTO meta VALUES ('last_ingest', '2025-05-01T00:00:00+00:00')")
    chats: list[tuple[Any, ...]] = [
        (-1001, "supergroup", "Phòng Viễn thông", "vi", '["telecom", "ai"]', "07:00", 1, 2),
        (42, "private", None, "en", None, "06:30", 1, 3),
        (-2002, "group", "Nhóm cũ", "vi", None, "08:00", 0, None),
    ]
    for chat_id, kind, title, lang, themes, at, active, last in chats:
        conn.execute(
            "INSERT INTO chats (chat_id, type, title, language, themes, time, active,"
            " last_article_id, schedule_since, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [chat_id, kind, title, lang, themes, at, active, last, stamp, stamp, stamp],
        )
    deliveries = [
        (-1001, "2025-04-30", "sent", 2, 2, None),
        (42, "2025-04-30", "uncertain", 1, 3, "[1]"),
        (-1001, "2025-05-01", "pending", 0, 3, None),
    ]
    for chat_id, day, state, parts_sent, max_id, uncertain in deliveries:
        conn.execute(
            "INSERT INTO deliveries (chat_id, digest_day, state, messages, parts_sent,"
            " uncertain_parts, max_article_id, article_count, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 2, ?, ?)",
            [chat_id, day, state, json.dumps(["<b>Phần 1</b>", "Phần 2"]), parts_sent,
             uncertain, max_id, stamp, stamp],
        )  # fmt: skip
    conn.execute("INSERT INTO page_queries (kind, arg, created_at) VALUES ('search', '5G', ?)",
                 [stamp])  # fmt: skip
    conn.commit()
    conn.close()


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in OLD_TABLES
        }
    finally:
        conn.close()


def old_columns(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return len(conn.execute(f"PRAGMA table_info({table})").fetchall())
    finally:
        conn.close()


def test_the_frozen_schema_is_the_first_release() -> None:
    text = SCHEMA_V1.read_text(encoding="utf-8")
    assert "VALUES ('corpus', 1," in text
    assert "VALUES ('bot', 1," in text
    assert text.count("CREATE TABLE") == 13


def test_upgrading_a_v1_database_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    build_v1_database(path)
    before = snapshot(path)
    widths = {table: old_columns(path, table) for table in OLD_TABLES}
    assert [len(before[t]) for t in ("articles", "chats", "deliveries")] == [3, 3, 3]

    db = open_bot_db(path)  # what the bot does on start
    versions = dict(
        db.execute("SELECT namespace, MAX(version) FROM schema_migrations GROUP BY namespace")
    )
    assert versions == {"corpus": len(CORPUS_MIGRATIONS), "bot": len(BOT_MIGRATIONS)}
    hits = [
        row[0]
        for row in db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid",
            [fold("an ninh mạng")],
        )
    ]
    assert hits == [2]
    integrity = db.execute("PRAGMA integrity_check").fetchone()
    db.conn.close()
    assert integrity == ("ok",)

    after = snapshot(path)
    for table in OLD_TABLES:
        # New columns may be appended by later migrations; the old ones keep their values.
        kept = sorted((row[: widths[table]] for row in after[table]), key=repr)
        assert kept == before[table], table


def test_opening_twice_applies_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    build_v1_database(path)
    open_bot_db(path).conn.close()
    before = snapshot(path)
    db = open_bot_db(path)
    count = db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
    db.conn.close()
    assert count == (len(CORPUS_MIGRATIONS) + len(BOT_MIGRATIONS),)
    assert snapshot(path) == before


def test_a_failing_migration_step_leaves_the_database_at_the_previous_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    build_v1_database(path)
    db = open_db(path)

    def add_column(database: Database) -> None:
        database.execute("ALTER TABLE chats ADD COLUMN note TEXT")

    def broken(database: Database) -> None:
        database.execute("UPDATE chats SET note = 'half done'")
        raise sqlite3.OperationalError("simulated crash in the middle of a migration")

    with pytest.raises(sqlite3.OperationalError):
        apply_migrations(db, "ops-test", [add_column, broken])
    version = db.execute(
        "SELECT MAX(version) FROM schema_migrations WHERE namespace = 'ops-test'"
    ).fetchone()
    notes = db.execute("SELECT DISTINCT note FROM chats").fetchall()
    db.conn.close()
    assert version == (1,)
    assert notes == [(None,)]


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    build_v1_database(path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES ('bot', 99, '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"schema 'bot' is at version 99, newer than"):
        open_bot_db(path)
