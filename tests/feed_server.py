"""A misbehaving news site on 127.0.0.1 for fetch tests and the feeds benchmark.

It serves an RSS 2.0 feed in the shape of a Vietnamese outlet's (CDATA teasers,
``+0700`` pubDates) whose items point at good article pages and at every kind of
bad link a real feed meets: 404, 500, 503-then-200, a server that hangs, one that
drips a few bytes at a time, an oversized page, a UTF-8 page labelled ISO-8859-1,
binary data, an empty answer and a redirect loop.  Article text is built from the
repository's seeds, never from other sites.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def seed_page(number: int, stamp: str = "", extra: str = "") -> bytes:
    """An article page from seed ``number`` (0-4): headline, dateline, paragraphs; ``stamp``
    is added to the headline and ``extra`` as a last paragraph, to make pages distinct."""
    files = sorted(SEEDS.glob("*.txt"))
    lines = [line.strip() for line in files[number % len(files)].read_text().splitlines()]
    paragraphs = [line for line in lines if line]
    title, body = paragraphs[0], paragraphs[1:] + ([extra] if extra else [])
    parts = "".join(f"<p>{escape(p)}</p>" for p in body)
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}{stamp}</title></head><body><article>"
        f"<h1>{escape(title)}{stamp}</h1>{parts}</article></body></html>"
    ).encode()


@dataclass
class Behaviour:
    """How the site answers one path."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before the answer
    hang: bool = False  # never answer (until the server stops)
    drip: float = 0.0  # seconds between 100-byte pieces of an endless body
    fail_first: int = 0  # answer 503 this many times first
    location: str = ""  # redirect target (with status 301/302)


@dataclass
class FeedSite:
    base: str = ""
    paths: dict[str, Behaviour] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    active: int = 0
    most_active: int = 0  # the most requests served at the same moment
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def rss(self, links: list[tuple[str, str]]) -> bytes:
        """An RSS 2.0 feed of (title, path or URL) items with teasers and +0700 dates."""
        items = []
        for i, (title, link) in enumerate(links):
            url = link if "://" in link else self.url(link)
            items.append(
                f"<item><title><![CDATA[{title}]]></title><link>{escape(url)}</link>"
                f'<guid>{escape(url)}</guid><description><![CDATA[<a href="{escape(url)}">'
                f'<img src="/x.jpg"></a></br>Tóm tắt ngắn của bài {i + 1}.]]></description>'
                f"<pubDate>Fri, 29 Nov 2024 {8 + i // 60:02d}:{i % 60:02d}:00 +0700</pubDate>"
                "</item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>Số hóa - Tin mới</title><link>https://example.vn/so-hoa</link>"
            f"<description>Tin công nghệ</description>{''.join(items)}</channel></rss>"
        ).encode()


def misbehaving_paths(drip: float = 0.2) -> dict[str, Behaviour]:
    """The bad links every feed test serves, by path."""
    huge = b"<p>" + b"a" * (6 * 1024 * 1024)
    return {
        "/gone": Behaviour(404, b"not found", "text/plain"),
        "/broken": Behaviour(500, b"oops", "text/plain"),
        "/flaky": Behaviour(body=seed_page(2), fail_first=1),
        "/hang": Behaviour(hang=True),
        "/drip": Behaviour(drip=drip),
        "/huge": Behaviour(body=huge),
        "/mislabelled": Behaviour(body=seed_page(3), content_type="text/html; charset=ISO-8859-1"),
        "/binary": Behaviour(body=PNG, content_type="image/png"),
        "/empty": Behaviour(body=b""),
        "/loop": Behaviour(302, location="/loop2"),
        "/loop2": Behaviour(302, location="/loop"),
    }


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (it gave up on a hanging link) is no server error."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _handler(site: FeedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            with site.lock:
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                hit = site.hits[self.path]
                site.active += 1
                site.most_active = max(site.most_active, site.active)
            try:
                self._answer(site.paths.get(self.path), hit)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with site.lock:
                    site.active -= 1

        def _answer(self, how: Behaviour | None, hit: int) -> None:
            if how is None:
                how = Behaviour(404, b"not found", "text/plain")
            if how.delay:
                site.stopping.wait(how.delay)
            if how.hang:
                site.stopping.wait(120)
                return
            if hit <= how.fail_first:
                return self._send(503, b"busy", "text/plain")
            if how.location:
                self.send_response(how.status)
                self.send_header("Location", how.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if how.drip:
                self.send_response(200)
                self.send_header("Content-Type", how.content_type)
                self.end_headers()
                while not site.stopping.wait(how.drip):
                    self.wfile.write(b"<p>" + b"x" * 97)
                    self.wfile.flush()
                return
            self._send(how.status, how.body, how.content_type)

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def serve(site: FeedSite | None = None) -> Iterator[FeedSite]:
    """Run ``site`` on 127.0.0.1 on a free port until the block ends."""
    site = site or FeedSite()
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        time.sleep(0.02)
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
