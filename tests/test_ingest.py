"""Ingest end to end against 127.0.0.1: pages, RSS/Atom feeds, files, and every kind of bad item."""

from __future__ import annotations

import html
import io
import sqlite3
from pathlib import Path

import pytest
from conftest import LocalSite, Page

from digests.ingest import IngestReport, ingest
from digests.model import Analysis, CleanArticle
from digests.progress import Progress, ProgressState
from digests.sources.fetch import Fetcher
from digests.sources.netguard import AddressPolicy
from digests.store.connection import open_db
from digests.store.meta import get_meta

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(number: int) -> str:
    [path] = SEEDS.glob(f"{number:03d}_*.txt")
    return path.read_text(encoding="utf-8")


def as_page(text: str) -> bytes:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines[1:])
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(lines[0])}</title></head><body>"
        f"<nav><a href='/'>Trang chủ</a> <a href='/x'>Thời sự</a></nav>"
        f"<article><h1>{html.escape(lines[0])}</h1>\n{paragraphs}</article>"
        "<footer>Bản quyền © Báo điện tử</footer></body></html>"
    ).encode()


def rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{html.escape(t)}</title><link>{link}</link>"
        f"<description>{html.escape(d)}</description>"
        "<pubDate>Mon, 17 Oct 2022 15:10:00 +0700</pubDate></item>"
        for t, link, d in items
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    return f"{head}{body}</channel></rss>".encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f'<entry><title>{html.escape(t)}</title><link href="{link}"/><id>{link}</id>'
        f"<updated>2023-03-22T16:08:00+07:00</updated><summary>{html.escape(d)}</summary></entry>"
        for t, link, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Tin</title><id>urn:x</id><updated>2023-03-22T16:08:00+07:00</updated>{body}</feed>"
    ).encode()


NAV_PAGE = (
    "<html><body><nav>"
    + "".join(f"<a href='/m{i}'>Chuyên mục {i}</a> " for i in range(40))
    + "</nav></body></html>"
).encode()

BROKEN_HTML = (
    "<html><body><article><h1>Bưu điện Việt Nam mở rộng dịch vụ hành chính công\n"
    "<p>Ngày 12/5/2023, Tổng Công ty Bưu điện Việt Nam cho biết đã tiếp nhận hơn 1,2 triệu "
    "hồ sơ dịch vụ công trực tuyến trong quý I, tăng 15% so với cùng kỳ.\n"
    "<p>Theo lãnh đạo đơn vị, mạng lưới hơn 13.000 điểm phục vụ giúp người dân ở vùng sâu, "
    "vùng xa tiếp cận dịch vụ thuận lợi hơn, giảm thời gian đi lại và chi phí.\n"
    "<p>Năm 2024, Bưu điện Việt Nam phấn đấu số hoá toàn bộ quy trình tiếp nhận hồ sơ <b>tại"
    " các bưu cục cấp xã trên cả nước\n"
    "<div><span>Chia sẻ"
)


LOOPBACK_ALLOWED = AddressPolicy(allow_private=True)  # the test server is on 127.0.0.1


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(
        connect_timeout=1.0, read_timeout=0.5, retries=2, backoff=0.01, policy=LOOPBACK_ALLOWED
    )


@pytest.fixture
def world(local_site: LocalSite, tmp_path: Path) -> tuple[list[str], LocalSite]:
    site = local_site
    port = site.base.rsplit(":", 1)[1]
    other_outlet = f"http://localhost:{port}"
    near_duplicate = seed(0).replace("Ngày 30/1/2024, Bộ TT&TT", "Hôm 30/1/2024, Bộ TT&TT")
    near_duplicate = near_duplicate.replace("10 năm trước", "Mười năm trước")
    site.pages.update(
        {
            "/a1": Page(as_page(seed(0))),
            "/dup": Page(as_page(near_duplicate)),
            "/p-teaser": Page(as_page(seed(2))),
            "/p-atom": Page(as_page(seed(4))),
            "/down": Page(b"boom", "text/html", 500),
            "/slow": Page(as_page(seed(1)), delay=3.0),
            "/nav": Page(NAV_PAGE),
            "/latin1": Page("<p>Giá cước giảm</p>".encode()[:-6] + b"\xe9\xe8</p>", "text/html"),
            "/rss": Page(
                rss(
                    [
                        (
                            "Hội nghị giao ban Quý III/2022",
                            site.url("/p-teaser"),
                            "Sáng 17/10/2022…",
                        ),
                        ("5 cơ hội để ngành TT&TT bứt phá", site.url("/full"), seed(3)),
                    ]
                ),
                "application/rss+xml",
            ),
            "/atom": Page(
                atom(
                    [
                        ("Việt Nam - Hoa Kỳ thúc đẩy hợp tác", site.url("/p-atom"), "Ngắn."),
                        ("Bài đã gỡ", site.url("/gone"), "Ngắn."),
                    ]
                ),
                "application/atom+xml",
            ),
        }
    )
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(seed(1), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (folder / "big.txt").write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    (folder / "sub" / "latin.txt").write_bytes("Giá cước".encode() + b" \xe9t\xe9 caf\xe9")
    (folder / "sub" / "broken.html").write_text(BROKEN_HTML, encoding="utf-8")
    targets = [
        str(folder),
        site.url("/rss"),
        site.url("/atom"),
        site.url("/a1"),
        f"{other_outlet}/dup",
        site.url("/down"),
        site.url("/slow"),
        site.url("/nav"),
        site.url("/latin1"),
        str(tmp_path / "missing.txt"),
    ]
    return targets, site


def reasons(report: IngestReport) -> dict[str, str]:
    return {
        Path(f.item).name if "://" not in f.item else f.item.rsplit("/", 1)[1]: f.reason
        for f in report.failures
    }


def test_batch_with_every_kind_of_item(
    db_path: Path, world: tuple[list[str], LocalSite], fetcher: Fetcher
) -> None:
    targets, site = world
    db = open_db(db_path)
    report = ingest(db, targets, fetcher=fetcher)
    assert report.summary() == "added 7, updated 0, skipped 0, failed 10"
    got = reasons(report)
    assert {k: v for k, v in got.items() if k != "nav"} == {
        "empty.txt": "empty file",
        "binary.txt": "binary file, not text",
        "big.txt": "too large (5.0 MB; the limit is 5 MB)",
        "latin.txt": "not UTF-8 (tried utf-8)",
        "gone": "server answered HTTP 404",
        "down": "server answered HTTP 500",
        "slow": "timed out: the server sent nothing for 0.5 s",
        "latin1": "not UTF-8 (tried utf-8)",
        "missing.txt": "no such file or folder",
    }
    assert got["nav"]  # the cleaner's own one-line reason for a page of pure navigation
    assert all("\n" not in f.reason for f in report.failures)
    assert site.hits["/down"] == 3  # retried twice
    assert "/full" not in site.hits  # a full feed item is not fetched again

    titles = {row[0]: row[1] for row in db.execute("SELECT url, title FROM articles")}
    assert titles[site.url("/p-teaser")].startswith("Bộ Thông tin và Truyền thông tổ chức giao ban")
    port = site.base.rsplit(":", 1)[1]
    assert (
        titles[site.url("/a1")]
        == titles[f"http://localhost:{port}/dup"]
        == (
            "Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng nhấn mạnh, đất nước biết ơn các doanh nghiệp "
            "vì đã tạo ra của cải, công việc và làm cho đất nước hưng thịnh."
        )
    )
    sources = {row[0]: row[1] for row in db.execute("SELECT origin, source FROM articles")}
    folder = Path(targets[0]).resolve()
    assert sources == {
        # pages without og:site_name are named by host, without port
        site.url("/a1"): "127.0.0.1",
        f"http://localhost:{port}/dup": "localhost",
        site.url("/p-teaser"): "127.0.0.1",
        # the feed item carrying seed 003 in full names its outlet in the text
        site.url("/full"): "Tổ Quốc",
        # seed 004's page repeats the site banner above the headline
        site.url("/p-atom"): "Trung tâm Công nghệ thông tin và Truyền thông Nghệ An",
        # local files name no outlet (readers never see a file name), unless --outlet does
        str(folder / "good.txt"): "",
        str(folder / "sub" / "broken.html"): "",
    }
    assert get_meta(db, "last_ingest") is not None


def test_reingest_changes_nothing_and_near_duplicate_is_one_story(
    db_path: Path, world: tuple[list[str], LocalSite], fetcher: Fetcher
) -> None:
    targets, site = world
    db = open_db(db_path)
    ingest(db, targets, fetcher=fetcher)
    before = db.execute("SELECT id, content_hash, updated_at, story_id FROM articles").fetchall()
    fts_before = db.execute("SELECT COUNT(*) FROM sentences").fetchone()
    again = ingest(db, targets, fetcher=fetcher)
    assert again.summary() == "added 0, updated 0, skipped 7, failed 10"
    assert (
        db.execute("SELECT id, content_hash, updated_at, story_id FROM articles").fetchall()
        == before
    )
    assert db.execute("SELECT COUNT(*) FROM sentences").fetchone() == fts_before

    port = site.base.rsplit(":", 1)[1]
    stories = dict(db.execute("SELECT url, story_id FROM articles WHERE url IS NOT NULL"))
    ids = dict(db.execute("SELECT url, id FROM articles WHERE url IS NOT NULL"))
    assert stories[f"http://localhost:{port}/dup"] == ids[site.url("/a1")]
    assert stories[site.url("/a1")] == ids[site.url("/a1")]
    assert len(set(stories.values())) == len(stories) - 1  # only the duplicate shares a story


def test_changed_page_is_updated_in_place(
    db_path: Path, local_site: LocalSite, fetcher: Fetcher
) -> None:
    local_site.pages["/a"] = Page(as_page(seed(0)))
    db = open_db(db_path)
    assert (
        ingest(db, [local_site.url("/a")], fetcher=fetcher).summary()
        == "added 1, updated 0, skipped 0, failed 0"
    )
    changed = seed(0).replace("gần 180.000 tỷ đồng", "gần 181.000 tỷ đồng")
    local_site.pages["/a"] = Page(as_page(changed))
    assert (
        ingest(db, [local_site.url("/a")], fetcher=fetcher).summary()
        == "added 0, updated 1, skipped 0, failed 0"
    )
    [(body,)] = db.execute("SELECT body FROM articles").fetchall()
    assert "gần 181.000 tỷ đồng" in body and "gần 180.000" not in body
    hits = db.execute("SELECT COUNT(*) FROM sentences WHERE folded LIKE '%180.000 ty%'").fetchone()
    assert hits == (0,)


def test_locked_database_stops_the_batch_with_a_reason(
    db_path: Path, tmp_path: Path, fetcher: Fetcher
) -> None:
    db = open_db(db_path)
    (tmp_path / "a.txt").write_text(seed(1), encoding="utf-8")
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA busy_timeout = 50")
    try:
        report = ingest(db, [str(tmp_path / "a.txt")], fetcher=fetcher)
    finally:
        blocker.execute("ROLLBACK")
    assert report.stopped is not None and "locked by another process" in report.stopped
    assert report.added == 0
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone() == (0,)


def test_progress_is_silent_when_piped_and_live_on_a_terminal() -> None:
    piped = io.StringIO()
    progress = Progress(piped)
    progress.update(5, 5, 0, 0, 0)
    progress.finish()
    assert piped.getvalue() == ""

    ticks = iter([0.0, 2.0, 2.1, 4.0])
    live = io.StringIO()
    progress = Progress(live, enabled=True, clock=lambda: next(ticks))
    progress.update(10, 9, 0, 0, 1)  # t=2.0: drawn
    progress.update(11, 10, 0, 0, 1)  # t=2.1: too soon, skipped
    progress.update(20, 19, 0, 0, 1)  # t=4.0: drawn
    progress.finish()
    assert live.getvalue().split("\r")[1:3] == [
        "10 items, 5.0/s (added 9, updated 0, skipped 0, failed 1)",
        "20 items, 5.0/s (added 19, updated 0, skipped 0, failed 1)",
    ]


def test_progress_state_rate() -> None:
    ticks = iter([0.0, 4.0])
    progress = Progress(io.StringIO(), clock=lambda: next(ticks))
    assert progress.state(8, 8, 0, 0, 0) == ProgressState(8, 2.0, 8, 0, 0, 0)


def test_a_bug_on_one_document_fails_only_that_document(
    db_path: Path, tmp_path: Path, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    import digests.analysis.analyse

    real = digests.analysis.analyse.analyse

    def flaky(article: CleanArticle) -> Analysis:
        if "Hoa Kỳ" in article.title:
            raise RuntimeError("boom")
        return real(article)

    monkeypatch.setattr(digests.analysis.analyse, "analyse", flaky)
    (tmp_path / "a.txt").write_text(seed(4), encoding="utf-8")
    (tmp_path / "b.txt").write_text(seed(1), encoding="utf-8")
    report = ingest(open_db(db_path), [str(tmp_path)], fetcher=fetcher)
    assert report.summary() == "added 1, updated 0, skipped 0, failed 1"
    assert [(Path(f.item).name, f.reason) for f in report.failures] == [
        ("a.txt", "analysis failed: RuntimeError: boom")
    ]
