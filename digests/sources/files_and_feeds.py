"""Where articles come from: files, folders, RSS/Atom feeds and http(s) URLs → RawDocument.

Bytes become text in ``digests.sources.charsets`` (no mojibake, no wild guesses); every
reason an item fails is a ``SourceProblem`` (``digests.sources.problems``).

Readers never see a file name as a source: a local file's articles carry the
outlet the operator named (``ingest --outlet``), or none until the page names one.
Local files are read only when they are articles (text with Vietnamese in it,
HTML, feeds); the rest of a folder is reported as skipped.

What a document is (text, HTML, feed) is decided from its content; a server's
Content-Type only breaks ties, because servers mislabel feeds as text/html and
pages as text/plain often enough.
"""

from __future__ import annotations

import calendar
import logging
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import feedparser

from digests.model import BadItem, RawDocument
from digests.sources import outlets
from digests.sources.charsets import decode
from digests.sources.feedlist import SourcesFileError, SourceSpec, is_sources_file, load_sources
from digests.sources.problems import SourceProblem

__all__ = ["Failure", "Item", "Skipped", "SourceProblem", "decode", "iter_items", "sniff_kind"]

if TYPE_CHECKING:
    from digests.sources.fetch import Fetcher, Response

MAX_BYTES = 5 * 1024 * 1024
FILE_SUFFIXES = frozenset({".txt", ".html", ".htm", ".xml", ".rss", ".atom"})
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
TEASER_CHARS = 400  # a feed item whose text is shorter than this is a teaser: fetch its page

Kind = Literal["text", "html", "feed"]
log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Skipped:
    """Files found in a folder and left out because they are not articles."""

    folder: str
    files: tuple[str, ...]


Item = RawDocument | Failure | Skipped


_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


Target = str | SourceSpec


def iter_items(targets: Sequence[Target], fetcher: Fetcher, *, outlet: str = "") -> Iterator[Item]:
    """Every document (or failure) the targets lead to, in order, lazily.

    ``outlet`` names the outlet of local files (``ingest --outlet``); without it a
    file's articles have no source until the page names one.  Web targets are
    fetched ahead, concurrently, while the caller stores what came before.
    """
    specs = list(_expand(targets, outlet))
    ahead = {
        id(s): fetcher.submit(s.target)
        for s in specs
        if isinstance(s, SourceSpec) and is_url(s.target) and urlsplit(s.target).netloc
    }
    for spec in specs:
        if isinstance(spec, Failure):
            yield spec
            continue
        try:
            if id(spec) in ahead:
                yield from _from_url(spec, ahead[id(spec)], fetcher)
            else:
                yield from _from_path(spec, fetcher)
        except Exception as exc:  # a bug tripped by one source must not stop the others
            log.debug("reading %s failed", spec.target, exc_info=True)
            yield Failure(spec.target, f"unexpected error: {type(exc).__name__}: {exc}"[:200])


def _expand(targets: Sequence[Target], outlet: str) -> Iterator[SourceSpec | Failure]:
    """Targets as SourceSpecs; a sources file (``*.toml``) becomes its entries."""
    for target in targets:
        if isinstance(target, SourceSpec):
            yield target
        elif is_sources_file(target):
            try:
                yield from load_sources(Path(target).expanduser())
            except SourcesFileError as exc:
                yield Failure.from_error(target, SourceProblem("sources_file", detail=str(exc)))
        else:
            yield SourceSpec(target, name=outlet)


# --------------------------------------------------------------------------- files


def _from_path(spec: SourceSpec, fetcher: Fetcher) -> Iterator[Item]:
    target = spec.target
    path = Path(target).expanduser()
    if path.is_dir():
        files, others = list_folder_split(path)
        if not files:
            yield Failure.from_error(target, SourceProblem("no_files"))
        for file in files:
            yield from _from_file(file, _display(file, path, target), spec, fetcher, path)
        if others:
            yield Skipped(target, tuple(_display(p, path, target) for p in others))
    elif path.exists():
        yield from _from_file(path, target, spec, fetcher, None)
    elif _OTHER_SCHEME.match(target) or is_url(target):
        yield Failure.from_error(target, SourceProblem("bad_url"))  # ftp://, file://, http://
    else:
        yield Failure.from_error(target, SourceProblem("missing"))


def list_folder(folder: Path) -> list[Path]:
    """Article files under ``folder``, recursively, in a stable order; hidden ones skipped."""
    return list_folder_split(folder)[0]


def list_folder_split(folder: Path) -> tuple[list[Path], list[Path]]:
    """(article files, other files) under ``folder``, recursively, sorted; hidden ones and
    folders that cannot be listed are passed over."""
    found: list[Path] = []
    others: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=lambda _error: None):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            path = Path(root) / name
            (found if path.suffix.lower() in FILE_SUFFIXES else others).append(path)
    return sorted(found), sorted(others)


def _display(file: Path, folder: Path, target: str) -> str:
    return str(Path(target) / file.relative_to(folder))


def _from_file(
    path: Path, shown: str, spec: SourceSpec, fetcher: Fetcher, folder: Path | None
) -> Iterator[Item]:
    """The article (or the feed's articles) in one local file; ``folder`` when found by
    walking one, so that a file which is no article is reported as skipped, not failed."""
    try:
        if path.suffix.lower() not in FILE_SUFFIXES:
            raise SourceProblem("not_article")
        if not path.is_file():  # a FIFO or device would block or never end
            raise SourceProblem("unreadable", detail="not a regular file")
        data = read_file_bytes(path)
        text = decode(data, declared=None)
        kind = sniff_kind(text)
        if kind == "feed":
            yield from _from_feed(text, shown, spec, fetcher)
            return
        if not _looks_like_article(path, text, kind):
            raise SourceProblem("not_article")
    except SourceProblem as exc:
        if folder is not None and exc.code == "not_article":
            yield Skipped(str(folder), (shown,))
        else:
            yield Failure.from_error(shown, exc)
        return
    except BadItem as exc:
        yield Failure.from_error(shown, exc)
        return
    yield RawDocument(
        origin=str(path.resolve()),
        source=spec.name,
        raw=text,
        kind=kind,
        sector_outlet=spec.sector,
    )


_VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I
)
MIN_VIETNAMESE_LETTERS = 3


def _looks_like_article(path: Path, text: str, kind: Kind) -> bool:
    """An article file: a page, or text with Vietnamese in it. An .xml file that is
    neither a feed nor a page (a configuration file) is not one, nor is English text
    such as a README or a list of package versions."""
    if kind == "html":
        return True
    if path.suffix.lower() in (".xml", ".rss", ".atom"):
        return False
    folded = unicodedata.normalize("NFC", text[:20000])
    return len(_VIETNAMESE_LETTER.findall(folded)) >= MIN_VIETNAMESE_LETTERS


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


def _from_url(spec: SourceSpec, ahead: Future[Response], fetcher: Fetcher) -> Iterator[Item]:
    url = spec.target
    try:
        response = ahead.result()
        text = _page_text(response)
    except BadItem as exc:  # a dead feed: one line, named as the operator named it
        yield Failure.from_error(f"{spec.name} ({url})" if spec.name else url, exc)
        return
    kind = sniff_kind(text, response.content_type)
    if kind == "feed":
        yield from _from_feed(text, url, spec, fetcher)
        return
    yield _page_document(response, text, kind, spec)


def _page_text(response: Response) -> str:
    text = decode(response.body, response.charset)
    if not text.strip():
        raise SourceProblem("empty_page")
    return text


def _page_document(
    response: Response,
    text: str,
    kind: Kind,
    spec: SourceSpec,
    *,
    title_hint: str | None = None,
    date_hint: datetime | None = None,
) -> RawDocument:
    return RawDocument(
        origin=response.url,
        source=spec.name or site_name(response.url),
        raw=text,
        kind="html" if kind == "feed" else kind,
        url=response.url,
        title_hint=title_hint,
        date_hint=date_hint,
        fetched_at=response.fetched_at,
        sector_outlet=spec.sector,
    )


def site_name(url: str) -> str:
    """The outlet as readers know it when the page does not say: its host without "www."
    and port ("toquoc.vn", "127.0.0.1")."""
    return outlets.host_of(url)


# --------------------------------------------------------------------------- feeds

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class _PageToFetch:
    link: str
    title: str | None
    published: datetime | None


def _from_feed(text: str, shown: str, spec: SourceSpec, fetcher: Fetcher) -> Iterator[Item]:
    """The feed's items in order; teasers' pages are fetched concurrently meanwhile."""
    parsed = feedparser.parse(text)
    if not parsed.get("version") and not parsed.entries:
        detail = str(parsed.get("bozo_exception") or "no <rss> or <feed> element")
        yield Failure.from_error(shown, SourceProblem("feed_broken", detail=detail[:120]))
        return
    if not parsed.entries:
        yield Failure.from_error(shown, SourceProblem("feed_empty"))
        return
    plans = [_plan_entry(entry, shown, spec) for entry in parsed.entries]
    pages = {i: fetcher.submit(p.link) for i, p in enumerate(plans) if isinstance(p, _PageToFetch)}
    for i, plan in enumerate(plans):
        if isinstance(plan, _PageToFetch):
            yield _entry_page(plan, pages[i], spec)
        else:
            yield plan


def _plan_entry(
    entry: feedparser.FeedParserDict, feed: str, spec: SourceSpec
) -> Item | _PageToFetch:
    """The item itself when the feed carries the whole text, else its page to fetch."""
    link = str(entry.get("link") or "")
    title = _plain(str(entry.get("title") or "")) or None
    published = _entry_date(entry)
    content = _entry_content(entry)
    if len(_plain(content)) < TEASER_CHARS and is_url(link):
        return _PageToFetch(link, title, published)
    if not content.strip():
        return Failure.from_error(link or f"{feed} › {title or '?'}", SourceProblem("empty"))
    return RawDocument(
        origin=link or feed,
        source=spec.name or (site_name(link) if link else _feed_label(feed)),
        raw=content,
        kind="html" if sniff_kind(content) != "text" else "text",
        url=link or None,
        title_hint=title,
        date_hint=published,
        sector_outlet=spec.sector,
    )


def _entry_page(plan: _PageToFetch, page: Future[Response], spec: SourceSpec) -> Item:
    try:
        response = page.result()
        text = _page_text(response)
    except BadItem as exc:
        return Failure.from_error(plan.link, exc)
    kind = sniff_kind(text, response.content_type)
    return _page_document(
        response, text, kind, spec, title_hint=plan.title, date_hint=plan.published
    )


def _feed_label(feed: str) -> str:
    """A fetched feed is named by its host; a feed read from a file names nothing."""
    return site_name(feed) if is_url(feed) else ""


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
