"""The store: migrations, identity, updates, one transaction per article, stories."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from digests.model import (
    Analysis,
    CleanArticle,
    Mention,
    Organisation,
    Person,
    RawDocument,
    Sentence,
    Target,
)
from digests.store import store
from digests.textnorm import fold

BODY = (
    "Ông Tào Đức Thắng, Chủ tịch Viettel cho hay năm 2023 Viettel đạt doanh thu gần "
    "180.000 tỷ đồng, lợi nhuận đạt 51.000 tỷ đồng.\n\n"
    "Bưu điện Việt Nam phấn đấu đến năm 2025 có mặt ở mọi xã, hợp tác hài hoà với các "
    "doanh nghiệp trong ngành bưu chính và viễn thông trên cả nước."
)


def make_article(
    body: str = BODY, title: str = "Viettel và Bưu điện", **kw: object
) -> CleanArticle:
    return CleanArticle(
        title=title,
        published=date(2024, 1, 30),
        published_at=None,
        paragraphs=tuple(body.split("\n\n")),
        **kw,  # type: ignore[arg-type]
    )


def make_analysis(article: CleanArticle) -> Analysis:
    sentences = [Sentence(idx=i, paragraph=i, text=p) for i, p in enumerate(article.paragraphs)]
    return Analysis(
        sentences=sentences,
        mentions=[Mention("viettel", "Viettel", 0), Mention("vnpost", "Bưu điện Việt Nam", 1)],
        organisations=[Organisation("cong-ty-abc", "Công ty ABC", "company", discovered=True)],
        people=[Person("Tào Đức Thắng", "Chủ tịch", "viettel", 0)],
        targets=[Target(2025, None, "có mặt ở mọi xã", None, 1, article.paragraphs[-1])],
    )


def make_doc(origin: str = "seeds/a.txt", url: str | None = None, raw: str = BODY) -> RawDocument:
    return RawDocument(origin=origin, source="a.txt", raw=raw, kind="text", url=url)


def save(db: Database, article: CleanArticle, doc: RawDocument | None = None) -> str:
    return store.save_article(db, doc or make_doc(), article, make_analysis(article))


def count(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def fts_ids(db: Database, query: str) -> list[int]:
    rows = db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [query])
    return [r[0] for r in rows]


def test_open_db_sets_wal_timeout_foreign_keys_and_schema(db_path: Path) -> None:
    db = store.open_db(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    names = set(db.table_names())
    assert {
        "articles",
        "sentences",
        "mentions",
        "organisations",
        "people",
        "targets",
        "meta",
        "schema_migrations",
        "articles_fts",
    } <= names
    rows = db.execute("SELECT namespace, version FROM schema_migrations").fetchall()
    assert rows == [("corpus", 1), ("corpus", 2), ("corpus", 3), ("corpus", 4)]
    fts_config = dict(db.execute("SELECT k, v FROM articles_fts_config").fetchall())
    assert (fts_config["automerge"], fts_config["crisismerge"]) == (16, 32)


def test_resolve_db_path_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICTDIGEST_DB", str(tmp_path / "env" / "x.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store.resolve_db_path(str(tmp_path / "arg.db")) == tmp_path / "arg.db"
    assert store.resolve_db_path(None) == tmp_path / "env" / "x.db"
    assert (tmp_path / "env").is_dir()
    monkeypatch.delenv("ICTDIGEST_DB")
    assert store.resolve_db_path(None) == tmp_path / "xdg" / "ictdigest" / "ictdigest.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "ictdigest" / "ictdigest.db"
    assert store.resolve_db_path(None) == expected


def test_migrations_are_versioned_and_applied_once(db_path: Path) -> None:
    db = store.open_db(db_path)
    calls: list[int] = []

    def step1(d: Database) -> None:
        calls.append(1)
        d.execute("CREATE TABLE chats (id INTEGER PRIMARY KEY)")

    def step2(d: Database) -> None:
        calls.append(2)
        d.execute("ALTER TABLE chats ADD COLUMN lang TEXT")

    assert store.apply_migrations(db, "bot", [step1]) == 1
    assert store.apply_migrations(db, "bot", [step1, step2]) == 2
    assert store.apply_migrations(db, "bot", [step1, step2]) == 2
    assert calls == [1, 2]
    assert db["chats"].columns_dict == {"id": int, "lang": str}


def test_failing_migration_step_is_rolled_back(db_path: Path) -> None:
    db = store.open_db(db_path)

    def broken(d: Database) -> None:
        d.execute("CREATE TABLE half (id INTEGER)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.apply_migrations(db, "bot", [broken])
    assert "half" not in db.table_names()
    assert (
        db.execute("SELECT COUNT(*) FROM schema_migrations WHERE namespace='bot'").fetchone()[0]
        == 0
    )


def test_newer_schema_is_refused(db_path: Path) -> None:
    db = store.open_db(db_path)
    newer = len(store.CORPUS_MIGRATIONS) + 1
    db.execute("INSERT INTO schema_migrations VALUES ('corpus', ?, 'x')", [newer])
    with pytest.raises(store.StoreError, match="newer than this ictdigest knows"):
        store.open_db(db_path)


def test_save_add_then_unchanged_then_updated(db_path: Path) -> None:
    db = store.open_db(db_path)
    assert save(db, make_article()) == "added"
    assert save(db, make_article()) == "unchanged"
    counts = {t: count(db, t) for t in ("articles", "sentences", "mentions", "people", "targets")}
    assert counts == {"articles": 1, "sentences": 2, "mentions": 2, "people": 1, "targets": 1}
    changed = make_article(body=BODY.replace("gần 180.000", "hơn 172.000"))
    assert save(db, changed) == "updated"  # same file path: an edited file updates its article
    counts = {t: count(db, t) for t in ("articles", "sentences", "mentions", "people", "targets")}
    assert counts == {"articles": 1, "sentences": 2, "mentions": 2, "people": 1, "targets": 1}
    body = db.execute("SELECT body FROM articles").fetchone()[0]
    assert "hơn 172.000 tỷ đồng" in body
    org_counts = db.execute("SELECT org_key, articles FROM org_counts ORDER BY org_key").fetchall()
    assert org_counts == [("viettel", 1), ("vnpost", 1)]  # the update did not count twice
    assert fts_ids(db, '"172"') == [1]
    assert fts_ids(db, '"180"') == []  # the old text is gone from the index


def test_same_url_updates_and_tracking_query_is_ignored(db_path: Path) -> None:
    db = store.open_db(db_path)
    first = make_doc("https://example.vn/a?utm_source=x", url="https://Example.vn/a?utm_source=x")
    assert save(db, make_article(), first) == "added"
    assert db.execute("SELECT url FROM articles").fetchone()[0] == "https://example.vn/a"
    second = make_doc("https://example.vn/a#top", url="https://example.vn/a#top")
    assert save(db, make_article(title="Tiêu đề mới"), second) == "updated"
    assert db.execute("SELECT title FROM articles").fetchone()[0] == "Tiêu đề mới"


def test_folded_identical_text_is_the_same_article(db_path: Path) -> None:
    db = store.open_db(db_path)
    assert save(db, make_article()) == "added"
    other = make_doc("elsewhere/b.txt")
    assert save(db, make_article(body=BODY.replace("hài hoà", "hài hòa")), other) == "unchanged"


def test_fts_matches_folded_words(db_path: Path) -> None:
    db = store.open_db(db_path)
    save(db, make_article())
    assert fts_ids(db, '"buu dien"') == [1]
    assert fts_ids(db, '"hai hoa"') == [1]
    assert fts_ids(db, '"vien thong quan doi"') == []


def test_one_transaction_per_article(db_path: Path) -> None:
    db = store.open_db(db_path)
    article = make_article()
    analysis = make_analysis(article)
    analysis.sentences.append(analysis.sentences[0])  # duplicate primary key → failure midway
    with pytest.raises(sqlite3.IntegrityError):
        store.save_article(db, make_doc(), article, analysis)
    for table in ("articles", "sentences", "mentions", "targets", "story_sketches"):
        assert count(db, table) == 0, table
    assert fts_ids(db, '"viettel"') == []


def test_discovered_organisations_do_not_override_registry(db_path: Path) -> None:
    db = store.open_db(db_path)
    store.sync_registry(db, [Organisation("cong-ty-abc", "ABC Corp", "company", ("ABC",))])
    save(db, make_article())
    row = db.execute("SELECT name, aliases, discovered FROM organisations").fetchone()
    assert row == ("ABC Corp", '["ABC"]', 0)


LONG = (
    "Sáng 17/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức Hội nghị giao ban quản lý nhà nước "
    "Quý III/2022 với các đối tượng quản lý theo hình thức trực tuyến. Bộ trưởng Nguyễn Mạnh "
    "Hùng chủ trì Hội nghị và nhấn mạnh doanh nghiệp viễn thông cần đầu tư mạnh cho hạ tầng "
    "số, phủ sóng 5G rộng khắp và phát triển các nền tảng số phục vụ người dân."
)


def test_near_duplicate_from_another_outlet_is_one_story(db_path: Path) -> None:
    db = store.open_db(db_path)
    save(db, make_article(body=LONG), make_doc("https://a.vn/1", url="https://a.vn/1"))
    reworded = LONG.replace("Sáng 17/10/2022", "Ngày 17/10") + " Theo báo Tổ Quốc."
    save(db, make_article(body=reworded), make_doc("https://b.vn/2", url="https://b.vn/2"))
    unrelated = " ".join(reversed(LONG.split()))
    save(db, make_article(body=unrelated), make_doc("https://c.vn/3", url="https://c.vn/3"))
    rows = db.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall()
    assert rows == [(1, 1), (2, 1), (3, 3)]


def test_locked_database_gives_one_line_reason(db_path: Path) -> None:
    db = store.open_db(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(store.DatabaseBusy, match="locked by another process"):
            save(db, make_article())
    finally:
        other.execute("ROLLBACK")
    assert save(db, make_article()) == "added"


def test_not_a_database_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(store.StoreError, match="not an ictdigest database"):
        store.open_db(path)


def test_reindex_fts_rebuilds_index(db_path: Path) -> None:
    db = store.open_db(db_path)
    save(db, make_article())
    assert store.reindex_fts(db) == 1
    assert fts_ids(db, '"buu dien"') == [1]


def test_source_is_the_named_outlet_else_the_documents_name(db_path: Path) -> None:
    db = store.open_db(db_path)
    web = RawDocument(
        origin="https://toquoc.vn/a",
        source="toquoc.vn",
        raw=BODY,
        kind="html",
        url="https://toquoc.vn/a",
    )
    assert store.source_name(web, make_article(source="Báo điện tử Tổ Quốc")) == (
        "Báo điện tử Tổ Quốc"
    )
    assert store.source_name(web, make_article()) == "toquoc.vn"
    assert store.source_name(make_doc(), make_article()) == "a.txt"
    assert save(db, make_article()) == "added"
    # A re-ingest that names the outlet better updates the stored article; origin stays.
    assert save(db, make_article(source="Tổ Quốc")) == "updated"
    row = db.execute("SELECT source, origin FROM articles").fetchone()
    assert tuple(row) == ("Tổ Quốc", "seeds/a.txt")


def test_folded_sentences_are_cut_from_the_folded_body() -> None:
    body = "Bưu điện Hoà Bình mở cửa.\n\nĐà Nẵng: VNPT tăng 5%."
    sentences = [
        Sentence(idx=0, paragraph=0, text="Bưu điện Hoà Bình mở cửa."),
        Sentence(idx=1, paragraph=1, text="Đà Nẵng: VNPT tăng 5%."),
        Sentence(idx=2, paragraph=1, text="Câu  không có trong bài."),  # not verbatim: folded anew
    ]
    assert list(store.folded_sentences(body, fold(body), sentences)) == [
        "buu dien hoa binh mo cua.",
        "da nang: vnpt tang 5%.",
        "cau  khong co trong bai.",
    ]


def test_background_checkpoints_copy_the_wal_into_the_file_and_stop(db_path: Path) -> None:
    db = store.open_db(db_path)
    before = db_path.stat().st_size
    with store.background_checkpoints(db, every_s=0.01):
        assert save(db, make_article()) == "added"
        deadline = time.monotonic() + 5
        while db_path.stat().st_size == before and time.monotonic() < deadline:
            time.sleep(0.01)
    assert db_path.stat().st_size > before  # the article's pages reached the database file
    assert not [t for t in threading.enumerate() if t.name == "wal-checkpoint"]
    with store.background_checkpoints(store.open_db(":memory:")):
        pass  # no file, no WAL: nothing to run


def test_bulk_writes_raise_the_page_cache_and_wal_length_for_the_run_only(
    db_path: Path,
) -> None:
    db = store.open_db(db_path)
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -16 * 1024
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 32000
    with store.bulk_writes(db):
        assert db.execute("PRAGMA cache_size").fetchone()[0] == -64 * 1024
        assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 131072
        assert save(db, make_article()) == "added"
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -16 * 1024
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 32000


def test_a_wal_grown_past_the_everyday_limit_is_truncated_after_the_bulk_run(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "WAL_AUTOCHECKPOINT_PAGES", 5)  # an article writes more pages
    db = store.open_db(db_path)
    wal = Path(f"{db_path}-wal")
    with store.bulk_writes(db, every_s=60):  # no background round during the test
        assert save(db, make_article()) == "added"
        assert wal.stat().st_size > 5 * 4096
    assert wal.stat().st_size == 0
    assert count(db, "articles") == 1


def test_v2_rebands_stories_written_under_v1(db_path: Path) -> None:
    """A v1 store's bands (16 of 4) are rebuilt as 12 of 3, so old articles stay findable."""
    db = store.open_db(db_path)
    assert save(db, make_article(body=LONG)) == "added"
    db.execute("DELETE FROM story_bands")
    db.execute("INSERT INTO story_bands VALUES (1, 1), (2, 1)")  # stand-ins for v1 keys
    db.execute("DELETE FROM schema_migrations WHERE version >= 2")
    db.close()
    db = store.open_db(db_path)
    keys = [row[0] for row in db.execute("SELECT band_key FROM story_bands ORDER BY band_key")]
    assert len(keys) == 12 and [key >> 32 for key in keys] == list(range(12))
    retold = LONG.replace("Sáng 17/10/2022", "Ngày 17/10") + " Theo báo Tổ Quốc."
    doc = make_doc("https://other.vn/a", url="https://other.vn/a", raw=retold)
    assert save(db, make_article(body=retold), doc) == "added"
    assert db.execute("SELECT story_id FROM articles WHERE id = 2").fetchone()[0] == 1


def bulk_article(n: int) -> tuple[CleanArticle, RawDocument]:
    body = f"Bài số {n}: VNPT phủ sóng 5G tại {n} tỉnh.\n\n" + BODY
    return make_article(body=body, title=f"Bài {n}"), make_doc(origin=f"seeds/{n}.txt", raw=body)


def test_a_bulk_ingest_indexes_search_in_batches_and_at_the_end(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "SEARCH_BATCH", 2)
    db = store.open_db(db_path)
    with store.bulk_writes(db, every_s=60):
        for n in (1, 2, 3):
            article, doc = bulk_article(n)
            assert save(db, article, doc) == "added"
        assert fts_ids(db, '"phu song 5g"') == [1, 2]  # a full batch of two was indexed
        assert count(db, "search_pending") == 1  # the third waits for the next batch
        assert count(db, "articles") == 3  # ... but is stored whole
    assert fts_ids(db, '"phu song 5g"') == [1, 2, 3]
    assert count(db, "search_pending") == 0


def test_an_article_updated_before_its_batch_is_indexed_once_with_its_new_text(
    db_path: Path,
) -> None:
    db = store.open_db(db_path)
    with store.bulk_writes(db, every_s=60):
        assert save(db, make_article()) == "added"
        edited = make_article(body=BODY.replace("180.000", "190.000"))
        assert save(db, edited) == "updated"
    assert fts_ids(db, '"190.000"') == [1]
    assert fts_ids(db, '"180.000"') == []
    db.execute(
        "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')"
    )  # raises if corrupt


def test_search_entries_left_by_a_killed_bulk_ingest_are_written_on_the_next_open(
    db_path: Path,
) -> None:
    db = store.open_db(db_path)
    run = store.bulk_writes(db, every_s=60)
    run.__enter__()  # never exited, as when the process is killed mid-run
    try:
        assert save(db, make_article()) == "added"
        assert fts_ids(db, '"buu dien"') == []
        reopened = store.open_db(db_path)
        assert fts_ids(reopened, '"buu dien"') == [1]
        assert count(reopened, "search_pending") == 0
    finally:
        run.__exit__(None, None, None)
    assert fts_ids(db, '"buu dien"') == [1]  # exiting later finds nothing left to add


def test_a_deleted_article_leaves_nothing_waiting_for_the_index(db_path: Path) -> None:
    db = store.open_db(db_path)
    with store.bulk_writes(db, every_s=60):
        assert save(db, make_article()) == "added"
        db.execute("DELETE FROM articles WHERE id = 1")
        assert count(db, "search_pending") == 0
