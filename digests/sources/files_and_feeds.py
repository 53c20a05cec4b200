"""Where articles come from: files, folders, RSS/Atom feeds and http(s) URLs → RawDocument.

Decoding policy: a byte-order mark wins, then a declared charset (HTTP header,
``<meta charset>``, ``<?xml encoding?>``), then strict UTF-8.  There is no
windows-1252/cp1258 guess: those decoders accept any bytes, so a guess would turn
a mis-encoded page into garbled figures and names instead of a clear failure.
A page that *declares* windows-1258 or windows-1252 is decoded as declared.

What a document is (text, HTML, feed) is decided from its content; a server's
Content-Type only breaks ties, because servers mislabel feeds as text/html and
pages as text/plain often enough.
"""

from __future__ import annotations

import calendar
import codecs
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal
from urllib.parse import urlsplit

import feedparser

from digests.model import BadItem, RawDocument
from digests.sources import outlets

if TYPE_CHECKING:
    from digests.sources.fetch import Fetcher, Response

MAX_BYTES = 5 * 1024 * 1024
FILE_SUFFIXES = frozenset({".txt", ".html", ".htm", ".xml", ".rss", ".atom"})
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
TEASER_CHARS = 400  # a feed item whose text is shorter than this is a teaser: fetch its page

Kind = Literal["text", "html", "feed"]
log = logging.getLogger(__name__)


class SourceProblem(BadItem):
    """A bad item found while reading a source; ``code`` + ``params`` make its reason.

    The message (``str(problem)``) is the English reason; templates translate by code.
    """

    MESSAGES: ClassVar[dict[str, str]] = {
        "missing": "no such file or folder",
        "unreadable": "cannot read: {detail}",
        "empty": "empty file",
        "binary": "binary file, not text",
        "oversized": "too large ({size}; the limit is 5 MB)",
        "encoding": "not UTF-8 (tried {tried})",
        "bad_url": "not an http(s) URL",
        "connect": "cannot connect: {detail}",  # detail: refused, unknown host, …
        "timeout": "timed out after {seconds} s",
        "redirects": "too many redirects",
        "http_status": "server answered HTTP {status}",
        "feed_broken": "not a readable RSS/Atom feed: {detail}",
        "feed_empty": "the feed has no items",
        "no_files": "the folder holds no .txt, .html, .xml, .rss or .atom files",
    }

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(self.MESSAGES[code].format(**params))


@dataclass(frozen=True)
class Failure:
    """One bad item and why; ``code`` is None for reasons from later steps (cleaning)."""

    item: str
    reason: str
    code: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_error(cls, item: str, error: BadItem) -> Failure:
        if isinstance(error, SourceProblem):
            return cls(item, str(error), error.code, dict(error.params))
        return cls(item, str(error))


Item = RawDocument | Failure


_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def iter_items(targets: list[str], fetcher: Fetcher) -> Iterator[Item]:
    """Every document (or failure) the targets lead to, in order, lazily."""
    for target in targets:
        try:
            if is_url(target):
                yield from _from_url(target, fetcher)
            else:
                yield from _from_path(target, fetcher)
        except Exception as exc:  # a bug tripped by one source must not stop the others
            log.debug("reading %s failed", target, exc_info=True)
            yield Failure(target, f"unexpected error: {type(exc).__name__}: {exc}"[:200])


# --------------------------------------------------------------------------- files


def _from_path(target: str, fetcher: Fetcher) -> Iterator[Item]:
    path = Path(target).expanduser()
    if path.is_dir():
        files = list_folder(path)
        if not files:
            yield Failure.from_error(target, SourceProblem("no_files"))
        for file in files:
            yield from _from_file(file, _display(file, path, target), fetcher)
    elif path.exists():
        yield from _from_file(path, target, fetcher)
    elif _OTHER_SCHEME.match(target):
        yield Failure.from_error(target, SourceProblem("bad_url"))  # ftp://, file://…
    else:
        yield Failure.from_error(target, SourceProblem("missing"))


def list_folder(folder: Path) -> list[Path]:
    """Article files under ``folder``, recursively, in a stable order; hidden ones skipped."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in FILE_SUFFIXES:
            found.append(path)
    return sorted(found)


def _display(file: Path, folder: Path, target: str) -> str:
    return str(Path(target) / file.relative_to(folder))


def _from_file(path: Path, shown: str, fetcher: Fetcher) -> Iterator[Item]:
    try:
        data = read_file_bytes(path)
        text = decode(data, declared=None)
    except BadItem as exc:
        yield Failure.from_error(shown, exc)
        return
    origin = str(path.resolve())
    kind = sniff_kind(text)
    if kind == "feed":
        yield from _from_feed(text, shown, fetcher)
        return
    yield RawDocument(origin=origin, source=path.name, raw=text, kind=kind)


def read_file_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, or SourceProblem for unreadable, oversized or empty files."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise SourceProblem("oversized", size=f"{size / 1024 / 1024:.1f} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceProblem("unreadable", detail=exc.strerror or type(exc).__name__) from exc
    if not data.strip():
        raise SourceProblem("empty")
    return data


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)


def decode(data: bytes, declared: str | None) -> str:
    """Text from bytes: BOM, then declared charset, then in-document charset, then UTF-8."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(bom_encoding, errors="strict").lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise SourceProblem("encoding", tried=f"{bom_encoding} (BOM)") from exc
    if b"\x00" in data[:8192]:
        raise SourceProblem("binary")
    tried: list[str] = []
    for candidate in (declared, _in_document_charset(data), "utf-8"):
        encoding = _known_encoding(candidate)
        if encoding is None or encoding in tried:
            continue
        tried.append(encoding)
        try:
            return data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
    raise SourceProblem("encoding", tried=", ".join(tried))


def _in_document_charset(data: bytes) -> str | None:
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# --------------------------------------------------------------------------- sniffing

_FEED_ROOT = re.compile(r"<(rss|feed|rdf:RDF)\b", re.I)
_HTML_START = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!doctype\s+html|<html\b|<head\b|<body\b)", re.I)
_HTML_TAG = re.compile(r"</?(p|div|br|a|span|h[1-6]|article|li|ul|table|img|meta|section)\b", re.I)


def sniff_kind(text: str, content_type: str = "") -> Kind:
    """Feed, HTML or plain text, from the content first and the Content-Type second."""
    head = text[:2048].lstrip()
    if not _HTML_START.match(head) and (
        _FEED_ROOT.search(head) or content_type.endswith(("rss+xml", "atom+xml", "rdf+xml"))
    ):
        return "feed"
    if _HTML_START.match(head):
        return "html"
    if len(_HTML_TAG.findall(text[:20000])) >= 3:
        return "html"
    if content_type in ("text/html", "application/xhtml+xml") and "<" in head:
        return "html"
    return "text"


# --------------------------------------------------------------------------- web


def _from_url(url: str, fetcher: Fetcher) -> Iterator[Item]:
    if not urlsplit(url).netloc:
        yield Failure.from_error(url, SourceProblem("bad_url"))
        return
    try:
        response = fetcher.get(url)
        text = decode(response.body, response.charset)
        if not text.strip():
            raise SourceProblem("empty")
    except BadItem as exc:
        yield Failure.from_error(url, exc)
        return
    kind = sniff_kind(text, response.content_type)
    if kind == "feed":
        yield from _from_feed(text, url, fetcher)
        return
    yield _page_document(response, text, kind)


def _page_document(
    response: Response,
    text: str,
    kind: Kind,
    *,
    title_hint: str | None = None,
    date_hint: datetime | None = None,
) -> RawDocument:
    return RawDocument(
        origin=response.url,
        source=site_name(response.url),
        raw=text,
        kind="html" if kind == "feed" else kind,
        url=response.url,
        title_hint=title_hint,
        date_hint=date_hint,
        fetched_at=response.fetched_at,
    )


def site_name(url: str) -> str:
    """The outlet as readers know it when the page does not say: its host without "www."
    and port ("toquoc.vn", "127.0.0.1")."""
    return outlets.host_of(url)


# --------------------------------------------------------------------------- feeds

_TAG = re.compile(r"<[^>]+>")


def _from_feed(text: str, shown: str, fetcher: Fetcher) -> Iterator[Item]:
    parsed = feedparser.parse(text)
    if not parsed.get("version") and not parsed.entries:
        detail = str(parsed.get("bozo_exception") or "no <rss> or <feed> element")
        yield Failure.from_error(shown, SourceProblem("feed_broken", detail=detail[:120]))
        return
    if not parsed.entries:
        yield Failure.from_error(shown, SourceProblem("feed_empty"))
        return
    for entry in parsed.entries:
        yield _from_entry(entry, shown, fetcher)


def _from_entry(entry: feedparser.FeedParserDict, feed: str, fetcher: Fetcher) -> Item:
    link = str(entry.get("link") or "")
    title = _plain(str(entry.get("title") or "")) or None
    published = _entry_date(entry)
    content = _entry_content(entry)
    label = link or f"{feed} › {title or '?'}"
    if len(_plain(content)) >= TEASER_CHARS or not is_url(link):
        if not content.strip():
            return Failure.from_error(label, SourceProblem("empty"))
        return RawDocument(
            origin=link or feed,
            source=site_name(link) if link else _feed_label(feed),
            raw=content,
            kind="html" if sniff_kind(content) != "text" else "text",
            url=link or None,
            title_hint=title,
            date_hint=published,
        )
    try:
        response = fetcher.get(link)
        page = decode(response.body, response.charset)
        if not page.strip():
            raise SourceProblem("empty")
    except BadItem as exc:
        return Failure.from_error(link, exc)
    kind = sniff_kind(page, response.content_type)
    return _page_document(response, page, kind, title_hint=title, date_hint=published)


def _feed_label(feed: str) -> str:
    """A feed read from a file is named by its file name, a fetched one by its host."""
    return site_name(feed) if is_url(feed) else Path(feed).name


def _entry_content(entry: feedparser.FeedParserDict) -> str:
    contents = entry.get("content") or []
    best = max((str(c.get("value") or "") for c in contents), key=len, default="")
    summary = str(entry.get("summary") or "")
    return best if len(best) >= len(summary) else summary


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=VIETNAM_TIME)
    return None


def _plain(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).split())
