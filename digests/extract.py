"""Main text and metadata of an HTML news page, through trafilatura.

Only the article's own paragraphs are kept: navigation, comments, tables and link
lists are left to trafilatura's boilerplate removal. Line-level junk that survives
(captions, bylines …) is the job of :mod:`digests.clean`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree

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
    time), ``url`` (canonical, else ``url``), ``sitename``. Broken HTML is tolerated; an
    empty or navigation-only page gives ``""``.
    """
    blocks, meta = extract_blocks(html, url)
    return "\n\n".join(block.text for block in blocks), meta


def extract_blocks(html: str, url: str | None = None) -> tuple[list[Block], Meta]:
    """Like :func:`extract_html`, keeping which blocks the page marked as headings."""
    empty: Meta = {"title": None, "date": None, "url": url, "sitename": None}
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
    blocks: list[Block] = []
    if body is not None:
        for child in body:
            blocks.extend(_blocks(child))
    return blocks, meta
