"""Main text and metadata of an HTML news page, through trafilatura.

Only the article's own paragraphs are kept: navigation, comments, tables and link
lists are left to trafilatura's boilerplate removal. Line-level junk that survives
(captions, bylines …) is the job of :mod:`digests.sources.clean`.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree

from digests.sources import outlets
from digests.textnorm import nfc, squash_spaces

Meta = dict[str, str | None]

_HEADING_TAGS = {"head"}
_LIST_TAGS = {"list"}
_SKIP_TAGS = {"graphic", "ref", "table"}

# <meta property="article:published_time" content="2023-03-22T16:08:00+07:00"> in any
# attribute order; trafilatura keeps only the day, readers want the time too.
_PUBLISHED_META = re.compile(
    r"<meta\b(?=[^>]*\b(?:property|name|itemprop)\s*=\s*[\"']"
    r"(?:article:published_time|og:published_time|datePublished|pubdate|publishdate|"
    r"dc\.date\.issued|date)[\"'])[^>]*\bcontent\s*=\s*[\"'](?P<value>[^\"']+)[\"']",
    re.IGNORECASE,
)
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"(?P<value>[^"]+)"')
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
_H1_TAG = re.compile(r"<h1\b", re.IGNORECASE)
_TITLE_TAG = re.compile(r"<title\b[^>]*>(?P<value>[^<]{1,600})</title\s*>", re.IGNORECASE)
# trafilatura cuts a <title> at its last spaced separator (this set) and may keep either half.
_TRAFILATURA_TITLE_PARTS = re.compile(r"^(.+)?\s+[–•·—|⁄*⋆~‹«<›»>:-]\s+(.+)$")
HEAD_CHARS = 200_000


@dataclass(frozen=True)
class Block:
    """One paragraph-level block of a page's main text."""

    text: str
    is_heading: bool = False


def _blocks(element: Any) -> list[Block]:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP_TAGS:
        return []
    if tag in _LIST_TAGS:
        blocks: list[Block] = []
        for item in element:
            blocks.extend(_blocks(item))
        return blocks
    text = nfc(squash_spaces(" ".join(element.itertext())))
    if not text:
        return []
    return [Block(text, tag in _HEADING_TAGS)]


def _published_time(html: str) -> str | None:
    head = html[:200_000]
    for pattern in (_PUBLISHED_META, _JSONLD_PUBLISHED):
        m = pattern.search(head)
        if m:
            return m["value"].strip()
    return None


def _page_title(html: str) -> str | None:
    """The page's <title> as written, site suffix and all ("… | Báo Tin tức")."""
    end = _HEAD_END.search(html, 0, HEAD_CHARS)
    m = _TITLE_TAG.search(html, 0, end.start() if end else HEAD_CHARS)
    if m is None:
        return None
    return nfc(squash_spaces(html_lib.unescape(m["value"]))) or None


def _repair_title_halves(meta: Meta, page_title: str | None, html: str) -> None:
    """Undo trafilatura's guesses from the halves of a <title>.

    Without an og:title it keeps the first half without a dot, else the second: a
    headline with "180.000" loses to its site suffix ("Báo Tin tức"), and "Việt Nam -
    Hoa Kỳ thúc đẩy hợp tác" becomes "Việt Nam". Without an og:site_name it takes the
    half with a dot for the site's name: that is the headline again. The headline half
    is kept when the other half names a site or is the page's only <h1>, else the whole
    title; a headline posing as the site name gives way to the URL's host,
    trafilatura's own last resort.
    """
    m = _TRAFILATURA_TITLE_PARTS.match(page_title) if page_title else None
    if m is None or not page_title:
        return
    head, tail = (nfc(squash_spaces(part or "")) for part in m.groups())
    site_suffix = meta["sitename"] == tail or outlets.from_title(page_title) is not None
    if meta["title"] == tail and head:
        meta["title"] = head if site_suffix else page_title
    elif meta["title"] == head and not site_suffix and len(_H1_TAG.findall(html)) != 1:
        meta["title"] = page_title  # cut from the <title>, not the page's own <h1>
    if meta["sitename"] and meta["sitename"] == head:
        meta["sitename"] = outlets.host_of(meta["url"]) if meta["url"] else None


def _document_fields(doc: Any) -> tuple[Any, Meta]:
    """Body element and metadata from trafilatura 1.x (dict) or 2.x (Document)."""

    def get(key: str) -> Any:
        return doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)

    meta: Meta = {
        key: (nfc(str(get(key))).strip() or None) if get(key) else None
        for key in ("title", "date", "url", "sitename")
    }
    return get("body"), meta


def extract_html(html: str, url: str | None = None) -> tuple[str, Meta]:
    """The article text of ``html`` (paragraphs separated by blank lines) and its metadata.

    Metadata keys: ``title``, ``date`` (ISO date, or ISO datetime when the page gives a
    time), ``url`` (canonical, else ``url``), ``sitename``, ``page_title`` (the <title>
    as written, with its site suffix: an outlet clue). Broken HTML is tolerated; an
    empty or navigation-only page gives ``""``.
    """
    blocks, meta = extract_blocks(html, url)
    return "\n\n".join(block.text for block in blocks), meta


def extract_blocks(html: str, url: str | None = None) -> tuple[list[Block], Meta]:
    """Like :func:`extract_html`, keeping which blocks the page marked as headings."""
    empty: Meta = {"title": None, "date": None, "url": url, "sitename": None, "page_title": None}
    if not html or not html.strip():
        return [], empty
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            with_metadata=True,
            favor_precision=True,
        )
    except (ValueError, TypeError, etree.LxmlError):
        return [], empty
    if doc is None:
        return [], empty
    body, meta = _document_fields(doc)
    meta["date"] = _published_time(html) or meta["date"]
    meta["url"] = meta["url"] or url
    meta["page_title"] = _page_title(html)
    _repair_title_halves(meta, meta["page_title"], html)
    blocks: list[Block] = []
    if body is not None:
        for child in body:
            blocks.extend(_blocks(child))
    return blocks, meta
