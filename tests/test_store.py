"""The store: migrations, identity, updates, one transaction per article, stories."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from digests.store import articles, connection
from digests.store import stories as story_store
from digests.store.articles import folded_sentences, save_article, source_name, sync_registry
from digests.store.connection import background_checkpoints, bulk_writes, open_db, resolve_db_path
from digests.store.schema import CORPUS_MIGRATIONS, apply_migrations
from digests.store.search_index import reindex_fts
from digests.store.transactions import DatabaseBusy, StoreError
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
    return save_article(db, doc or make_doc(), article, make_analysis(article))


def count(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def fts_ids(db: Database, query: str) -> list[int]:
    rows = db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [query])
    return [r[0] for r in rows]


def test_open_db_sets_wal_timeout_foreign_keys_and_schema(db_path: Path) -> None:
    db = open_db(db_path)
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
    assert rows == [("corpus", n) for n in range(1, len(CORPUS_MIGRATIONS) + 1)]
    fts_config = dict(db.execute("SELECT k, v FROM articles_fts_config").fetchall())
    assert (fts_config["automerge"], fts_config["crisismerge"]) == (16, 32)


def test_resolve_db_path_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICTDIGEST_DB", str(tmp_path / "env" / "x.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_db_path(str(tmp_path / "arg.db")) == tmp_path / "arg.db"
    assert resolve_db_path(None) == tmp_path / "env" / "x.db"
    assert (tmp_path / "env").is_dir()
    monkeypatch.delenv("ICTDIGEST_DB")
    assert resolve_db_path(None) == tmp_path / "xdg" / "ictdigest" / "ictdigest.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "ictdigest" / "ictdigest.db"
    assert resolve_db_path(None) == expected


def test_migrations_are_versioned_and_applied_once(db_path: Path) -> None:
    db = open_db(db_path)
    calls: list[int] = []

    def step1(d: Database) -> None:
        calls.append(1)
        d.execute("CREATE TABLE chats (id INTEGER PRIMARY KEY)")

    def step2(d: Database) -> None:
        calls.append(2)
        d.execute("ALTER TABLE chats ADD COLUMN lang TEXT")

    assert apply_migrations(db, "bot", [step1]) == 1
    assert apply_migrations(db, "bot", [step1, step2]) == 2
    assert apply_migrations(db, "bot", [step1, step2]) == 2
    assert calls == [1, 2]
    assert db["chats"].columns_dict == {"id": int, "lang": str}


def test_failing_migration_step_is_rolled_back(db_path: Path) -> None:
    db = open_db(db_path)

    def broken(d: Database) -> None:
        d.execute("CREATE TABLE half (id INTEGER)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        apply_migrations(db, "bot", [broken])
    assert "half" not in db.table_names()
    assert (
        db.execute("SELECT COUNT(*) FROM schema_migrations WHERE namespace='bot'").fetchone()[0]
        == 0
    )


def test_newer_schema_is_refused(db_path: Path) -> None:
    db = open_db(db_path)
    newer = len(CORPUS_MIGRATIONS) + 1
    db.execute("INSERT INTO schema_migrations VALUES ('corpus', ?, 'x')", [newer])
    with pytest.raises(StoreError, match="newer than this ictdigest knows"):
        open_db(db_path)


def test_save_add_then_unchanged_then_updated(db_path: Path) -> None:
    db = open_db(db_path)
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
    db = open_db(db_path)
    first = make_doc("https://example.vn/a?utm_source=x", url="https://Example.vn/a?utm_source=x")
    assert save(db, make_article(), first) == "added"
    assert db.execute("SELECT url FROM articles").fetchone()[0] == "https://example.vn/a"
    second = make_doc("https://example.vn/a#top", url="https://example.vn/a#top")
    assert save(db, make_article(title="Tiêu đề mới"), second) == "updated"
    assert db.execute("SELECT title FROM articles").fetchone()[0] == "Tiêu đề mới"


def test_folded_identical_text_is_the_same_article(db_path: Path) -> None:
    db = open_db(db_path)
    assert save(db, make_article()) == "added"
    other = make_doc("elsewhere/b.txt")
    assert save(db, make_article(body=BODY.replace("hài hoà", "hài hòa")), other) == "unchanged"


def test_fts_matches_folded_words(db_path: Path) -> None:
    db = open_db(db_path)
    save(db, make_article())
    assert fts_ids(db, '"buu dien"') == [1]
    assert fts_ids(db, '"hai hoa"') == [1]
    assert fts_ids(db, '"vien thong quan doi"') == []


def test_one_transaction_per_article(db_path: Path) -> None:
    db = open_db(db_path)
    article = make_article()
    analysis = make_analysis(article)
    analysis.sentences.append(analysis.sentences[0])  # duplicate primary key → failure midway
    with pytest.raises(sqlite3.IntegrityError):
        save_article(db, make_doc(), article, analysis)
    for table in ("articles", "sentences", "mentions", "targets", "story_profiles", "word_df"):
        assert count(db, table) == 0, table
    assert fts_ids(db, '"viettel"') == []


def test_discovered_organisations_do_not_override_registry(db_path: Path) -> None:
    db = open_db(db_path)
    sync_registry(db, [Organisation("cong-ty-abc", "ABC Corp", "company", ("ABC",))])
    save(db, make_article())
    row = db.execute("SELECT name, aliases, discovered FROM organisations").fetchone()
    assert row == ("ABC Corp", '["ABC"]', 0)


LONG = (
    "Sáng 17/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức Hội nghị giao ban quản lý nhà nước "
    "Quý III/2022 với các đối tượng quản lý theo hình thức trực tuyến. Bộ trưởng Nguyễn Mạnh "
    "Hùng chủ trì Hội nghị và nhấn mạnh doanh nghiệp viễn thông cần đầu tư mạnh cho hạ tầng "
    "số, phủ sóng 5G rộng khắp và phát triển các nền tảng số phục vụ người dân."
)


@dataclass
class FixedStory:
    """A stand-in for the story logic: fixed keys, a marker profile, and a record of
    the candidates the store offered it; it joins the story of the first one."""

    given_keys: list[str]
    marker: bytes
    body: str
    offered: list[list[tuple[int, int, bytes]]] = field(default_factory=list)
    words: set[str] = field(default_factory=set)

    @property
    def folded_body(self) -> str:
        return fold(self.body)

    def keys(self) -> list[str]:
        return self.given_keys

    def blob(self) -> bytes:
        return self.marker

    def choose(self, candidates: Sequence[story_store.StoryCandidate]) -> int | None:
        self.offered.append([(c.article_id, c.story_id, c.profile) for c in candidates])
        return candidates[0].story_id if candidates else None


def test_the_store_offers_articles_sharing_keys_and_records_the_choice(db_path: Path) -> None:
    db = open_db(db_path)
    first = FixedStory(["vnpt", "ai"], b"p1", f"{LONG} Bài 1.")
    other = FixedStory(["viettel"], b"p2", f"{LONG} Bài 2.")
    retold = FixedStory(["ai", "vnpt", "smartbot"], b"p3", f"{LONG} Bài 3.")
    for n, story in enumerate((first, other, retold), start=1):
        doc = make_doc(f"https://x{n}.vn/a", url=f"https://x{n}.vn/a")
        article = make_article(body=story.body)
        assert save_article(db, doc, article, make_analysis(article), story) == "added"
    assert first.offered == [[]] and other.offered == [[]]
    assert retold.offered == [[(1, 1, b"p1")]]  # shares two keys with 1, none with 2
    rows = db.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall()
    assert rows == [(1, 1), (2, 2), (3, 1)]
    keys = db.execute("SELECT key, article_id FROM story_keys ORDER BY key, article_id")
    assert keys.fetchall() == [
        ("ai", 1), ("ai", 3), ("smartbot", 3), ("viettel", 2), ("vnpt", 1), ("vnpt", 3)
    ]  # fmt: skip


def test_an_updated_article_forgets_its_old_keys_and_is_decided_again(db_path: Path) -> None:
    db = open_db(db_path)
    doc = make_doc("https://a.vn/1", url="https://a.vn/1")
    article = make_article(body=LONG)
    old = FixedStory(["vnpt"], b"old", LONG)
    save_article(db, doc, article, make_analysis(article), old)
    changed = make_article(body=LONG + " Cập nhật.")
    story = FixedStory(["viettel"], b"new", LONG + " Cập nhật.")
    assert save_article(db, doc, changed, make_analysis(changed), story) == "updated"
    assert story.offered == [[]]  # never offered itself
    assert db.execute("SELECT key FROM story_keys").fetchall() == [("viettel",)]
    assert db.execute("SELECT profile FROM story_profiles").fetchall() == [(b"new",)]


def test_identical_text_from_another_outlet_is_a_second_article(db_path: Path) -> None:
    db = open_db(db_path)
    article = make_article(body=LONG)
    first = RawDocument("https://a.vn/1", "a.vn", LONG, "text", url="https://a.vn/1")
    second = RawDocument("https://b.vn/2", "b.vn", LONG, "text", url="https://b.vn/2")
    assert save_article(db, first, article, make_analysis(article)) == "added"
    assert save_article(db, second, article, make_analysis(article)) == "added"
    for doc in (first, second):  # and each again: nothing changes
        assert save_article(db, doc, article, make_analysis(article)) == "unchanged"
    rows = db.execute("SELECT id, source, url FROM articles ORDER BY id").fetchall()
    assert rows == [(1, "a.vn", "https://a.vn/1"), (2, "b.vn", "https://b.vn/2")]


def test_word_frequencies_count_each_article_once_and_follow_updates(db_path: Path) -> None:
    db = open_db(db_path)
    save(db, make_article(body=LONG, title="Giao ban"))
    save(db, make_article(title="Bưu điện"), make_doc("seeds/b.txt"))
    counts, docs = story_store.word_frequencies(db)
    assert docs == 2
    assert (counts["giao"], counts["viettel"], counts["hung"]) == (1, 1, 1)
    assert counts["va"] == 2  # in both bodies, counted once per article
    changed = make_article(body=BODY.replace("Viettel", "VNPT"), title="Bưu điện")
    save(db, changed, make_doc("seeds/b.txt"))
    counts, docs = story_store.word_frequencies(db)
    assert docs == 2 and counts["viettel"] == 0 and counts["vnpt"] == 1


def test_locked_database_gives_one_line_reason(db_path: Path) -> None:
    db = open_db(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(DatabaseBusy, match="locked by another process"):
            save(db, make_article())
    finally:
        other.execute("ROLLBACK")
    assert save(db, make_article()) == "added"


def test_not_a_database_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not an ictdigest database"):
        open_db(path)


def test_reindex_fts_rebuilds_index(db_path: Path) -> None:
    db = open_db(db_path)
    save(db, make_article())
    assert reindex_fts(db) == 1
    assert fts_ids(db, '"buu dien"') == [1]


def test_source_is_the_named_outlet_else_the_documents_name(db_path: Path) -> None:
    db = open_db(db_path)
    web = RawDocument(
        origin="https://toquoc.vn/a",
        source="toquoc.vn",
        raw=BODY,
        kind="html",
        url="https://toquoc.vn/a",
    )
    assert source_name(web, make_article(source="Báo điện tử Tổ Quốc")) == ("Báo điện tử Tổ Quốc")
    assert source_name(web, make_article()) == "toquoc.vn"
    assert source_name(make_doc(), make_article()) == "a.txt"
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
    assert list(folded_sentences(body, fold(body), sentences)) == [
        "buu dien hoa binh mo cua.",
        "da nang: vnpt tang 5%.",
        "cau  khong co trong bai.",
    ]


def test_background_checkpoints_copy_the_wal_into_the_file_and_stop(db_path: Path) -> None:
    db = open_db(db_path)
    before = db_path.stat().st_size
    with background_checkpoints(db, every_s=0.01):
        assert save(db, make_article()) == "added"
        deadline = time.monotonic() + 5
        while db_path.stat().st_size == before and time.monotonic() < deadline:
            time.sleep(0.01)
    assert db_path.stat().st_size > before  # the article's pages reached the database file
    assert not [t for t in threading.enumerate() if t.name == "wal-checkpoint"]
    with background_checkpoints(open_db(":memory:")):
        pass  # no file, no WAL: nothing to run


def test_bulk_writes_raise_the_page_cache_and_wal_length_for_the_run_only(
    db_path: Path,
) -> None:
    db = open_db(db_path)
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -16 * 1024
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 32000
    with bulk_writes(db):
        assert db.execute("PRAGMA cache_size").fetchone()[0] == -64 * 1024
        assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 131072
        assert save(db, make_article()) == "added"
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -16 * 1024
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 32000


def test_a_wal_grown_past_the_everyday_limit_is_truncated_after_the_bulk_run(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "WAL_AUTOCHECKPOINT_PAGES", 5)  # an article writes more pages
    db = open_db(db_path)
    wal = Path(f"{db_path}-wal")
    with bulk_writes(db, every_s=60):  # no background round during the test
        assert save(db, make_article()) == "added"
        assert wal.stat().st_size > 5 * 4096
    assert wal.stat().st_size == 0
    assert count(db, "articles") == 1


def test_a_v4_store_upgrades_keeping_story_ids_and_counting_words(db_path: Path) -> None:
    db = open_db(db_path)
    save(db, make_article(body=LONG))
    save(db, make_article(), make_doc("seeds/b.txt"))
    db.execute("UPDATE articles SET story_id = 1")  # as the old method had decided
    for table in ("story_profiles", "story_keys", "word_df"):
        db.execute(f"DROP TABLE {table}")
    db.execute("CREATE TABLE story_sketches (article_id INTEGER PRIMARY KEY, signature BLOB)")
    db.execute("CREATE TABLE story_bands (band_key INTEGER, article_id INTEGER)")
    db.execute("DELETE FROM schema_migrations WHERE version > 4")
    db.close()
    db = open_db(db_path)
    names = set(db.table_names())
    assert {"story_profiles", "story_keys", "word_df"} <= names
    assert not {"story_sketches", "story_bands"} & names
    assert db.execute("SELECT id, story_id FROM articles").fetchall() == [(1, 1), (2, 1)]
    counts, docs = story_store.word_frequencies(db)
    assert docs == 2 and counts["va"] == 2 and counts["hung"] == 1


def bulk_article(n: int) -> tuple[CleanArticle, RawDocument]:
    body = f"Bài số {n}: VNPT phủ sóng 5G tại {n} tỉnh.\n\n" + BODY
    return make_article(body=body, title=f"Bài {n}"), make_doc(origin=f"seeds/{n}.txt", raw=body)


def test_a_bulk_ingest_indexes_search_in_batches_and_at_the_end(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(articles, "SEARCH_BATCH", 2)
    db = open_db(db_path)
    with bulk_writes(db, every_s=60):
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
    db = open_db(db_path)
    with bulk_writes(db, every_s=60):
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
    db = open_db(db_path)
    run = bulk_writes(db, every_s=60)
    run.__enter__()  # never exited, as when the process is killed mid-run
    try:
        assert save(db, make_article()) == "added"
        assert fts_ids(db, '"buu dien"') == []
        reopened = open_db(db_path)
        assert fts_ids(reopened, '"buu dien"') == [1]
        assert count(reopened, "search_pending") == 0
    finally:
        run.__exit__(None, None, None)
    assert fts_ids(db, '"buu dien"') == [1]  # exiting later finds nothing left to add


def test_a_deleted_article_leaves_nothing_waiting_for_the_index(db_path: Path) -> None:
    db = open_db(db_path)
    with bulk_writes(db, every_s=60):
        assert save(db, make_article()) == "added"
        db.execute("DELETE FROM articles WHERE id = 1")
        assert count(db, "search_pending") == 0


def test_an_article_updated_without_a_decider_keeps_its_story(db_path: Path) -> None:
    db = open_db(db_path)
    for n in (1, 2):
        doc = make_doc(f"https://x{n}.vn/a", url=f"https://x{n}.vn/a")
        article = make_article(body=f"{LONG} Bài {n}.")
        story = FixedStory(["vnpt"], b"p", article.body)
        save_article(db, doc, article, make_analysis(article), story)
    changed = make_article(body=f"{LONG} Bài 2, cập nhật.")
    doc = make_doc("https://x2.vn/a", url="https://x2.vn/a")
    assert save_article(db, doc, changed, make_analysis(changed)) == "updated"
    assert db.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall() == [
        (1, 1),
        (2, 1),
    ]
