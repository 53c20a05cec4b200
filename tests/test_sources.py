"""Sources and fetching: decoding, sniffing, folders, feeds and HTTP against 127.0.0.1."""

from __future__ import annotations

import socket
import unicodedata
from pathlib import Path

import httpx
import pytest
from conftest import LocalSite, Page

from digests.model import RawDocument
from digests.sources.fetch import USER_AGENT, Fetcher, connect_failure, parse_content_type
from digests.sources.files_and_feeds import (
    Failure,
    SourceProblem,
    decode,
    iter_items,
    list_folder,
    read_file_bytes,
    site_name,
    sniff_kind,
)
from digests.templating import make_environment

LONG_TEXT = "Viettel đạt doanh thu gần 180.000 tỷ đồng. " * 15  # > 400 chars: not a teaser


def rss(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><description><![CDATA[{d}]]>"
        "</description><pubDate>Tue, 30 Jan 2024 08:00:00 +0700</pubDate></item>"
        for t, link, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
        f"{entries}</channel></rss>"
    ).encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id>'
        f"<updated>2023-03-22T16:08:00+07:00</updated><summary>{d}</summary></entry>"
        for t, link, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Tin</title><id>x</id><updated>2023-03-22T16:08:00+07:00</updated>{entries}</feed>"
    ).encode()


def items(targets: list[str], fetcher: Fetcher) -> list[RawDocument | Failure]:
    return list(iter_items(targets, fetcher))


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(connect_timeout=1.0, read_timeout=0.5, retries=2, backoff=0.01)


def test_decode_prefers_bom_then_declared_then_utf8() -> None:
    assert decode("\ufeffBưu điện".encode(), None) == "Bưu điện"
    assert decode("Bưu điện".encode("utf-16"), None) == "Bưu điện"
    assert decode("Bưu điện".encode(), None) == "Bưu điện"
    decomposed = unicodedata.normalize("NFD", "hài hoà")
    assert decode(decomposed.encode("cp1258"), "windows-1258") == decomposed
    html = b'<html><head><meta charset="windows-1252"></head>caf\xe9</html>'
    assert decode(html, None).endswith("café</html>")


def test_decode_refuses_to_guess_a_legacy_charset() -> None:
    with pytest.raises(SourceProblem, match=r"^not UTF-8 \(tried utf-8\)$") as caught:
        decode("Thông tin".encode()[:-1] + b"\xe9 \xff", None)
    assert caught.value.code == "encoding"
    with pytest.raises(SourceProblem, match=r"^not UTF-8 \(tried ascii, utf-8\)$"):
        decode(b"\xa0\xff", "ascii")
    with pytest.raises(SourceProblem, match=r"^not UTF-8 \(tried utf-8\)$"):
        decode(b"\xa0\xff", "no-such-charset")


def test_decode_rejects_binary() -> None:
    with pytest.raises(SourceProblem, match="binary file"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None)


def test_read_file_bytes_rejects_empty_and_oversized(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n ")
    with pytest.raises(SourceProblem, match=r"^empty file$"):
        read_file_bytes(empty)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(SourceProblem, match=r"too large \(0\.0 MB; the limit is 5 MB\)"):
        read_file_bytes(big, limit=1024)


@pytest.mark.parametrize(
    ("text", "content_type", "kind"),
    [
        ("Bộ TT&TT tổ chức hội nghị.\n\nNgày 30/1/2024, …", "", "text"),
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "", "html"),
        ("  <html lang='vi'><p>x</p>", "text/plain", "html"),
        ("<div><p>a</p><p>b</p></div>", "", "html"),
        ('<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "text/html", "feed"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "", "feed"),
        ("Giá cước < 5% và > 3%", "", "text"),
    ],
)
def test_sniff_kind_by_content(text: str, content_type: str, kind: str) -> None:
    assert sniff_kind(text, content_type) == kind


def test_list_folder_is_recursive_sorted_and_skips_hidden_and_other_types(tmp_path: Path) -> None:
    for name in ("b.txt", "a.html", "sub/c.rss", "sub/d.pdf", ".git/e.txt", "sub/F.HTM"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in list_folder(tmp_path)]
    assert found == ["a.html", "b.txt", "sub/F.HTM", "sub/c.rss"]


def test_files_and_missing_paths(tmp_path: Path, fetcher: Fetcher) -> None:
    (tmp_path / "a.txt").write_text("Bưu điện Việt Nam\n\nNội dung.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    got = items([str(tmp_path), str(tmp_path / "nope.txt")], fetcher)
    doc = got[0]
    assert isinstance(doc, RawDocument)
    assert (doc.kind, doc.raw, doc.url) == ("text", "Bưu điện Việt Nam\n\nNội dung.", None)
    assert doc.origin == str((tmp_path / "a.txt").resolve())
    assert doc.source == "a.txt"  # readers see the file's name, not where it lies on disk
    assert got[1] == Failure(str(tmp_path / "b.txt"), "empty file", "empty", {})
    assert got[2] == Failure(str(tmp_path / "nope.txt"), "no such file or folder", "missing", {})


def test_url_page_and_user_agent(local_site: LocalSite, fetcher: Fetcher) -> None:
    local_site.pages["/a"] = Page("<html><p>Xin chào</p></html>".encode())
    [doc] = items([local_site.url("/a")], fetcher)
    assert isinstance(doc, RawDocument)
    assert (doc.kind, doc.url, doc.source) == ("html", local_site.url("/a"), "127.0.0.1")
    assert local_site.user_agents == [USER_AGENT]


def test_server_error_is_retried_then_reported(local_site: LocalSite, fetcher: Fetcher) -> None:
    local_site.pages["/down"] = Page(b"oops", status=500)
    local_site.pages["/gone"] = Page(b"no", status=404)
    got = items([local_site.url("/down"), local_site.url("/gone")], fetcher)
    assert [f.reason for f in got if isinstance(f, Failure)] == [
        "server answered HTTP 500",
        "server answered HTTP 404",
    ]
    assert local_site.hits == {"/down": 3, "/gone": 1}  # 2 retries for 5xx, none for 404


def test_timeout_and_refused_connection(local_site: LocalSite, fetcher: Fetcher) -> None:
    local_site.pages["/slow"] = Page(b"late", delay=3.0)
    got = items([local_site.url("/slow"), "http://127.0.0.1:9/x"], fetcher)
    assert isinstance(got[0], Failure) and got[0].reason == "timed out after 0.5 s"
    assert isinstance(got[1], Failure) and got[1].code == "connect"
    assert got[1].reason.startswith("cannot connect: ")


def test_oversized_download_is_refused(local_site: LocalSite) -> None:
    local_site.pages["/big"] = Page(b"<p>" + b"a" * 5000)
    small = Fetcher(read_timeout=1.0, max_bytes=1000, backoff=0.01)
    [failure] = items([local_site.url("/big")], small)
    assert isinstance(failure, Failure) and failure.code == "oversized"


def test_rss_teasers_are_fetched_and_full_items_are_not(
    local_site: LocalSite, fetcher: Fetcher
) -> None:
    local_site.pages["/p1"] = Page("<html><p>Toàn văn bài 1</p></html>".encode())
    local_site.pages["/feed"] = Page(
        rss(
            [
                ("Bài 1", local_site.url("/p1"), "Tóm tắt ngắn"),
                ("Bài 2", local_site.url("/p2"), f"<p>{LONG_TEXT}</p>"),
            ]
        ),
        "application/rss+xml",
    )
    first, second = items([local_site.url("/feed")], fetcher)
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.raw == "<html><p>Toàn văn bài 1</p></html>"
    assert first.title_hint == "Bài 1"
    assert (
        first.date_hint is not None and first.date_hint.isoformat() == "2024-01-30T08:00:00+07:00"
    )
    assert LONG_TEXT.strip() in second.raw and second.url == local_site.url("/p2")
    assert "/p2" not in local_site.hits  # the full item was not fetched


def test_atom_feed_served_as_text_html_with_a_dead_item(
    local_site: LocalSite, fetcher: Fetcher
) -> None:
    local_site.pages["/ok"] = Page("<html><p>Bài Atom</p></html>".encode())
    local_site.pages["/atom"] = Page(
        atom([("A", local_site.url("/ok"), "ngắn"), ("B", local_site.url("/dead"), "ngắn")]),
        "text/html",
    )
    ok, dead = items([local_site.url("/atom")], fetcher)
    assert isinstance(ok, RawDocument) and ok.title_hint == "A"
    assert dead == Failure(
        local_site.url("/dead"), "server answered HTTP 404", "http_status", {"status": "404"}
    )


def test_broken_and_empty_feeds(tmp_path: Path, fetcher: Fetcher) -> None:
    empty = tmp_path / "empty.rss"
    empty.write_text('<rss version="2.0"><channel><title>x</title></channel></rss>')
    [failure] = items([str(empty)], fetcher)
    assert failure == Failure(str(empty), "the feed has no items", "feed_empty", {})


def test_parse_content_type_and_site_name() -> None:
    assert parse_content_type('text/HTML; charset="UTF-8"') == ("text/html", "utf-8")
    assert parse_content_type("") == ("", None)
    assert site_name("https://www.toquoc.vn/a/b") == "toquoc.vn"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_is_named_in_words(fetcher: Fetcher) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/rss.xml"
    with pytest.raises(SourceProblem) as caught:
        fetcher.get(url)
    assert (caught.value.code, caught.value.params) == ("connect", {"detail": "refused"})
    failure = Failure.from_error(url, caught.value)
    assert reason_line("vi", failure) == "máy chủ từ chối kết nối"
    assert reason_line("en", failure) == "the server refused the connection"


def reason_line(lang: str, failure: Failure) -> str:
    """The one-line reason the ingest report shows for ``failure``."""
    env = make_environment(("digests",), None)
    line = env.from_string(f"{{% import '{lang}/_store.txt.j2' as m %}}{{{{ m.reason(f) }}}}")
    return line.render(f=failure).strip()


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("[Errno 111] Connection refused", "refused"),
        ("[Errno -2] Name or service not known", "unknown host"),
        ("[Errno 101] Network is unreachable", "unreachable"),
        ("[Errno 104] Connection reset by peer", "reset"),
        ("something new", "something new"),
    ],
)
def test_connect_failures_in_words(error: str, reason: str) -> None:
    assert connect_failure(httpx.ConnectError(error)) == reason


def test_other_url_schemes_are_not_files(fetcher: Fetcher) -> None:
    (failure,) = list(iter_items(["ftp://example.vn/a.txt"], fetcher))
    assert isinstance(failure, Failure) and failure.code == "bad_url"


def test_a_file_that_is_not_utf8_says_so_once() -> None:
    only_utf8 = Failure.from_error("x.txt", SourceProblem("encoding", tried="utf-8"))
    declared = Failure.from_error("x.html", SourceProblem("encoding", tried="ascii, utf-8"))
    assert reason_line("vi", only_utf8) == "không phải UTF-8"
    assert reason_line("en", only_utf8) == "not UTF-8"
    assert reason_line("vi", declared) == "không phải UTF-8 (đã thử ascii, utf-8)"
    assert reason_line("en", declared) == "not UTF-8 (tried ascii, utf-8)"
