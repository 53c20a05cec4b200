"""Online backup while a writer is busy, and a careful restore."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digests.store.backup import (
    HEARTBEAT_KEY,
    BackupError,
    backup,
    parse_heartbeat_age,
    restore,
)
from digests.store.connection import open_db
from digests.store.schema import CORPUS_MIGRATIONS

NOW = datetime(2025, 6, 1, 0, 30, tzinfo=UTC)


def make_store(path: Path, articles: int = 50, tag: str = "a") -> None:
    db = open_db(path)
    rows = [
        (
            f"https://ictnews.vn/{tag}/{i}",
            f"{tag}-hash-{i}",
            "ictnews.vn",
            f"https://ictnews.vn/{tag}/{i}",
            f"Bài {tag} {i}",
            "2025-05-30",
            "Nội dung bưu chính viễn thông. " * 100,
            "",
            "html",
            "2025-05-30T01:00:00",
            "2025-05-30T01:00:00",
        )
        for i in range(articles)
    ]
    db.conn.execute("BEGIN")
    db.conn.executemany(
        "INSERT INTO articles (url, content_hash, source, origin, title, published, body, raw,"
        " kind, ingested_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.conn.execute("COMMIT")
    db.conn.close()


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM articles ORDER BY id")]
    finally:
        conn.close()


def test_backup_is_consistent_while_a_writer_commits(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    make_store(live, articles=3000)
    stop = threading.Event()
    committed: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        conn = sqlite3.connect(live, timeout=5, isolation_level=None)
        try:
            n = 0
            while not stop.is_set():
                # Two rows per transaction: a consistent copy has both or neither.
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO meta VALUES (?, 'a')", [f"w{n}a"])
                conn.execute("INSERT INTO meta VALUES (?, 'b')", [f"w{n}b"])
                conn.execute("COMMIT")
                committed.append(n)
                n += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(committed) < 50:
            threading.Event().wait(0.001)
        before = len(committed)
        results = [backup(live, tmp_path / f"copy{i}.db", now=NOW) for i in range(3)]
        during = len(committed) - before
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert during > 0, "the writer kept committing while the backups ran"
    for result in results:
        conn = sqlite3.connect(result.path)
        keys = [r[0] for r in conn.execute("SELECT key FROM meta WHERE key LIKE 'w%'")]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (3000,)
        conn.close()
        written = {k[1:-1] for k in keys}
        assert len(keys) == 2 * len(written) >= 100
        assert result.versions == {"corpus": len(CORPUS_MIGRATIONS)}
        assert not Path(f"{result.path}-wal").exists()


def test_backup_into_a_folder_names_the_file_and_never_overwrites(tmp_path: Path) -> None:
    live = tmp_path / "ictdigest.db"
    make_store(live)
    folder = tmp_path / "backups"
    folder.mkdir()
    result = backup(live, folder, now=NOW)
    assert result.path == folder / "ictdigest-20250601T003000Z.db"
    assert titles(result.path) == titles(live)
    assert result.size_bytes == result.path.stat().st_size
    with pytest.raises(BackupError, match=r"ictdigest-20250601T003000Z\.db already exists"):
        backup(live, result.path, now=NOW)
    assert sorted(p.name for p in folder.iterdir()) == ["ictdigest-20250601T003000Z.db"]


def test_backup_refuses_what_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"missing\.db does not exist"):
        backup(tmp_path / "missing.db", tmp_path / "out.db")
    assert not (tmp_path / "missing.db").exists(), "never created by mistake"
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(BackupError, match=r"notes\.txt is not an SQLite database"):
        backup(text, tmp_path / "out.db")
    live = tmp_path / "live.db"
    make_store(live)
    with pytest.raises(BackupError, match=r"folder .*nowhere does not exist"):
        backup(live, tmp_path / "nowhere" / "out.db")


def test_restore_brings_back_the_backup_and_keeps_the_old_database(tmp_path: Path) -> None:
    live = tmp_path / "ictdigest.db"
    make_store(live, articles=3, tag="old")
    saved = backup(live, tmp_path / "good.db", now=NOW).path
    db = open_db(live)
    db.conn.execute("UPDATE articles SET title = 'changed after backup'")
    db.conn.close()

    told: list[Path] = []
    result = restore(saved, live, now=NOW + timedelta(hours=1), on_saved=told.append)
    assert titles(live) == ["Bài old 0", "Bài old 1", "Bài old 2"]
    assert result.previous == tmp_path / "ictdigest.db.before-restore-20250601T013000Z.bak"
    assert told == [result.previous]
    assert titles(result.previous) == ["changed after backup"] * 3
    assert result.versions == {"corpus": len(CORPUS_MIGRATIONS)}
    reopened = open_db(live)  # the restored file opens normally, WAL and all
    assert reopened.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reopened.conn.close()


def test_restore_into_a_fresh_location(tmp_path: Path) -> None:
    source = tmp_path / "src.db"
    make_store(source, articles=2)
    copy = backup(source, tmp_path / "b.db", now=NOW).path
    result = restore(copy, tmp_path / "new.db", now=NOW)
    assert result.previous is None
    assert titles(tmp_path / "new.db") == ["Bài a 0", "Bài a 1"]


def test_restore_refuses_bad_sources(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    make_store(live)
    before = live.read_bytes()

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(BackupError, match=r"other\.db is not an ictdigest database"):
        restore(other, live)

    newer = tmp_path / "newer.db"
    make_store(newer)
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migrations VALUES ('corpus', 99, '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match=r"written by a newer ictdigest \(corpus schema 99"):
        restore(newer, live)

    damaged = tmp_path / "damaged.db"
    make_store(damaged, articles=200)
    data = bytearray(damaged.read_bytes())
    data[8192:12288] = b"\xff" * 4096  # wreck a b-tree page in the middle
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"damaged\.db fails the integrity check"):
        restore(damaged, live)

    with pytest.raises(BackupError, match=r"nothing\.db does not exist"):
        restore(tmp_path / "nothing.db", live)
    assert live.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("*.bak")) == []


def set_heartbeat(path: Path, at: datetime) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [HEARTBEAT_KEY, json.dumps({"at": at.isoformat(), "pid": 1, "jobs": []})],
    )
    conn.commit()
    conn.close()


def test_restore_refuses_while_the_bot_runs_unless_forced(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    make_store(live, articles=1, tag="live")
    good = tmp_path / "good.db"
    make_store(good, articles=2, tag="good")
    set_heartbeat(good, NOW - timedelta(days=3))
    set_heartbeat(live, NOW - timedelta(seconds=20))
    with pytest.raises(BackupError, match=r"the bot is running \(alive 20 s ago\); stop it"):
        restore(good, live, now=NOW)
    assert titles(live) == ["Bài live 0"]

    result = restore(good, live, now=NOW, force=True)
    assert titles(live) == ["Bài good 0", "Bài good 1"]
    assert result.previous is not None
    conn = sqlite3.connect(live)
    assert conn.execute("SELECT value FROM meta WHERE key = ?", [HEARTBEAT_KEY]).fetchall() == []
    conn.close()

    set_heartbeat(live, NOW - timedelta(minutes=10))  # a crashed bot's stale heartbeat
    restore(good, live, now=NOW + timedelta(seconds=1))
    assert titles(live) == ["Bài good 0", "Bài good 1"]


@pytest.mark.parametrize(
    ("value", "age"),
    [
        ('{"at": "2025-06-01T00:29:00+00:00", "jobs": []}', 60.0),
        ("2025-06-01T07:29:30+07:00", 30.0),
        ("2025-06-01T00:30:00", 0.0),
        ("yesterday", None),
        ('{"pid": 3}', None),
    ],
)
def test_heartbeat_age(value: str, age: float | None) -> None:
    assert parse_heartbeat_age(value, NOW) == age
