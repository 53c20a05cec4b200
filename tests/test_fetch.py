"""A real-shaped feed whose links misbehave: every item ends in an article or one clear line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from feed_server import Behaviour, FeedSite, closed_port, misbehaving_paths, seed_page, serve

from digests.sources.fetch import Fetcher
from digests.sources.files_and_feeds import Failure, RawDocument, SourceProblem, iter_items
from digests.sources.netguard import AddressPolicy
from digests.store.connection import open_db

LOOPBACK_ALLOWED = AddressPolicy(allow_private=True)  # the test server is on 127.0.0.1


def quick_fetcher(**options: float) -> Fetcher:
    settings: dict[str, float] = {
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "deadline": 2.0,
        "retries": 2,
        "backoff": 0.01,
    }
    settings.update(options)
    return Fetcher(**settings, max_bytes=5 * 1024 * 1024, policy=LOOPBACK_ALLOWED)  # type: ignore[arg-type]


def test_every_bad_link_in_a_feed_ends_in_one_clear_line(db_path: Path) -> None:
    links = [
        ("Bài tốt", "/good"),
        ("Mất", "/gone"),
        ("Lỗi máy chủ", "/broken"),
        ("Bận rồi được", "/flaky"),
        ("Treo", "/hang"),
        ("Nhỏ giọt", "/drip"),
        ("Quá lớn", "/huge"),
        ("Nhãn sai", "/mislabelled"),
        ("Ảnh", "/binary"),
        ("Rỗng", "/empty"),
        ("Vòng lặp", "/loop"),
    ]
    with serve() as site:
        site.paths.update(misbehaving_paths(drip=0.2))
        site.paths["/good"] = Behaviour(body=seed_page(0))
        links.append(("Từ chối", f"http://127.0.0.1:{closed_port()}/x"))
        site.paths["/feed"] = Behaviour(body=site.rss(links), content_type="application/rss+xml")
        started = time.monotonic()
        with quick_fetcher() as fetcher:
            got = list(iter_items([site.url("/feed")], fetcher))
        took = time.monotonic() - started
    by_path = {
        (g.url or "" if isinstance(g, RawDocument) else g.item).split("/", 3)[-1]: g for g in got
    }
    assert len(got) == len(links)
    reasons = {k: (v.code, v.reason) for k, v in by_path.items() if isinstance(v, Failure)}
    assert reasons == {
        "gone": ("http_status", "server answered HTTP 404"),
        "broken": ("http_status", "server answered HTTP 500"),
        "hang": ("timeout", "timed out: the server sent nothing for 1 s"),
        "drip": (
            "deadline",
            "gave up after 2 s, the limit per item (the server was too slow)",
        ),
        "huge": ("oversized", "too large (6.0 MB; the limit is 5 MB)"),
        "binary": ("binary", "binary file, not text"),
        "empty": ("empty_page", "empty page"),
        "loop": ("redirects", "too many redirects"),
        "x": ("connect", "cannot connect: refused"),
    }
    docs = {k: v for k, v in by_path.items() if isinstance(v, RawDocument)}
    assert set(docs) == {"good", "flaky", "mislabelled"}
    assert site.hits["/flaky"] == 2  # 503 first, then the page
    assert "Tá»" not in docs["mislabelled"].raw and "Bộ" in docs["mislabelled"].raw
    good = docs["good"]
    assert good.title_hint == "Bài tốt"
    assert good.date_hint is not None and good.date_hint.isoformat() == "2024-11-29T08:00:00+07:00"
    assert good.source == "127.0.0.1"
    assert took < 10  # hang (1 s), drip (2 s) and the rest at once; one by one: ~13 s


def test_a_dripping_server_cannot_hold_an_item_past_its_deadline() -> None:
    with serve() as site:
        site.paths["/drip"] = Behaviour(drip=0.1)
        with quick_fetcher(deadline=1.5, read_timeout=10.0) as fetcher:
            started = time.monotonic()
            with pytest.raises(SourceProblem) as caught:
                fetcher.get(site.url("/drip"))
            took = time.monotonic() - started
    assert caught.value.code == "deadline"
    assert took < 4 and took > 1.4  # not the minutes an endless drip would take


def test_retries_stop_at_the_deadline_with_the_last_answer() -> None:
    with serve() as site:
        site.paths["/busy"] = Behaviour(fail_first=100)
        with quick_fetcher(deadline=0.5, backoff=0.4, retries=5) as fetcher:
            started = time.monotonic()
            with pytest.raises(SourceProblem, match="HTTP 503"):
                fetcher.get(site.url("/busy"))
            took = time.monotonic() - started
    assert took < 0.8 and site.hits["/busy"] == 2


def test_at_most_two_requests_at_a_time_per_host() -> None:
    with serve() as site:
        for i in range(8):
            site.paths[f"/p{i}"] = Behaviour(body=seed_page(i), delay=0.3)
        site.paths["/feed"] = Behaviour(
            body=site.rss([(f"Bài {i}", f"/p{i}") for i in range(8)]),
            content_type="application/rss+xml",
        )
        with quick_fetcher() as fetcher:
            started = time.monotonic()
            got = list(iter_items([site.url("/feed")], fetcher))
            took = time.monotonic() - started
    assert all(isinstance(g, RawDocument) for g in got)
    assert [g.title_hint for g in got if isinstance(g, RawDocument)] == [
        f"Bài {i}" for i in range(8)
    ]
    assert site.most_active == 2
    assert took > 1.1  # 8 pages of 0.3 s, two at a time


def test_a_whole_feed_ingests_with_reasons_and_no_traceback(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from digests.cli import main

    with serve() as site:
        site.paths.update(misbehaving_paths(drip=0.2))
        site.paths["/a"] = Behaviour(body=seed_page(0))
        site.paths["/b"] = Behaviour(body=seed_page(1))
        links = [("A", "/a"), ("B", "/b"), ("Mất", "/gone"), ("Nhỏ giọt", "/drip"), ("", "/empty")]
        site.paths["/feed"] = Behaviour(body=site.rss(links), content_type="application/rss+xml")
        argv = ["--db", str(db_path), "ingest", "--allow-private", "--timeout", "2"]
        code = main([*argv, site.url("/feed")])
    out = capsys.readouterr()
    assert code == 1
    lines = out.out.strip().splitlines()
    assert lines[-1] == "Đã thêm 2, cập nhật 0, bỏ qua 0 (không đổi), lỗi 3."
    assert f"✗ {site.url('/gone')}: máy chủ trả về lỗi HTTP 404" in lines
    assert f"✗ {site.url('/empty')}: trang rỗng" in lines
    assert (
        f"✗ {site.url('/drip')}: bỏ qua sau 2 giây, thời hạn cho mỗi bài (máy chủ quá chậm)"
        in lines
    )
    assert "Traceback" not in out.out + out.err
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2


def test_the_feed_date_reaches_the_document(tmp_path: Path) -> None:
    with serve() as site:
        site.paths["/a"] = Behaviour(body=seed_page(0))
        feed = tmp_path / "tin.rss"
        feed.write_bytes(FeedSite(base=site.base).rss([("Tin", "/a")]))
        with quick_fetcher() as fetcher:
            [doc] = list(iter_items([str(feed)], fetcher, outlet="Báo Thử"))
    assert isinstance(doc, RawDocument)
    assert doc.date_hint is not None and doc.date_hint.isoformat() == "2024-11-29T08:00:00+07:00"
    assert doc.source == "Báo Thử"  # the operator's outlet names a local feed's pages


def test_a_package_missing_from_the_install_stops_ingest_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As when an old pip left lxml_html_clean out: trafilatura cannot be imported."""
    import sys

    from digests.cli import main

    for name in list(sys.modules):
        if name.startswith(("trafilatura", "justext", "lxml.html.clean", "lxml_html_clean")) or (
            name in ("digests.sources.clean", "digests.sources.extract")
        ):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)  # "not installed"
    page = tmp_path / "bai.html"
    page.write_bytes(seed_page(0))
    code = main(["--db", str(tmp_path / "x.db"), "ingest", str(page)])
    out = capsys.readouterr()
    assert code == 1
    assert out.out.splitlines()[0] == (
        "Đã dừng: thiếu gói Python lxml_html_clean. Hãy cài lại ictdigest"
        " (pip install --force-reinstall ictdigest) hoặc: pip install lxml_html_clean"
    )
    assert "Traceback" not in out.out + out.err
