"""Render a Digest as Telegram HTML messages, terminal text or JSON.

Every word comes from the ``digest`` templates (``digests/templates/<lang>/``),
which an operator may override from a folder. Telegram HTML is packed from
whole blocks — the header, a section heading with its first bullet, each
further bullet — into messages of at most 4096 visible characters. A bullet
too long for a message on its own has its summary cut at the last sentence
end that fits (else at a word, with "…"), then its headline if still needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from digests.digest.select import Digest, DigestItem, DigestSection
from digests.digest.telegram_html import (
    TELEGRAM_LIMIT,
    split_html_blocks,
    truncate_text,
    utf16_length,
    visible_length,
)
from digests.templating import reader_date, render

RenderFormat = Literal["html", "txt", "text", "json"]
BLOCK_SEPARATOR = "\n\n"
_MIN_TITLE = 40  # a headline is never cut shorter than this


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are shown; anything else drops the link, not the bullet."""
    url = (url or "").strip()
    if not url or any(c.isspace() or c in '<>"' for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def _item_view(item: DigestItem, lang: str) -> dict[str, Any]:
    return {
        "article_id": item.article_id,
        "title": item.title,
        "summary": item.summary,
        "source": item.source,
        "date": reader_date(item.date, lang),
        "url": safe_url(item.url),
        "also": list(item.also),
    }


def _section_view(section: DigestSection, lang: str) -> dict[str, Any]:
    return {
        "key": section.theme,
        "label": section.label(lang),
        "emoji": section.emoji,
        "items": [_item_view(i, lang) for i in section.items],
        "more": section.more,
    }


def render_digest(
    digest: Digest,
    *,
    fmt: RenderFormat = "html",
    lang: str = "vi",
    override_dir: Path | None = None,
    limit: int = TELEGRAM_LIMIT,
) -> list[str]:
    """The digest as a list of messages (html) or a single text (txt, json).

    An empty digest renders the "nothing new" message; whether to send it is
    the caller's decision.
    """
    if fmt == "json":
        text = render(
            "digest", lang=lang, fmt="json", override_dir=override_dir, digest=digest.to_dict(lang)
        )
        return [text]
    if fmt in ("txt", "text"):
        text = render(
            "digest",
            lang=lang,
            fmt="txt",
            override_dir=override_dir,
            date=reader_date(digest.date, lang),
            articles=len(digest.article_ids),
            sections=[_section_view(s, lang) for s in digest.sections if s.items],
        )
        return [text]
    return _render_html(digest, lang, override_dir, limit)


def _render_html(digest: Digest, lang: str, override_dir: Path | None, limit: int) -> list[str]:
    def part(name: str, **context: Any) -> str:
        return render(
            "digest", lang=lang, fmt="html", override_dir=override_dir, part=name, **context
        )

    sections = [s for s in digest.sections if s.items]
    if not sections:
        return [part("empty", date=reader_date(digest.date, lang))]
    blocks = [
        part(
            "header",
            date=reader_date(digest.date, lang),
            articles=len(digest.article_ids),
            sections=len(sections),
        )
    ]
    for section in sections:
        view = _section_view(section, lang)
        heading = part("section", section=view)
        for index, item in enumerate(section.items):
            lead = heading + "\n" if index == 0 else ""
            tail = ""
            if index == len(section.items) - 1 and section.more:
                tail = "\n" + part("more", more=section.more, section=view)
            blocks.append(_fitted_item(_item_renderer(part, lead, tail, lang), item, limit))
    return split_html_blocks(blocks, limit=limit, separator=BLOCK_SEPARATOR)


def _item_renderer(
    part: Callable[..., str], lead: str, tail: str, lang: str
) -> Callable[[DigestItem], str]:
    def render_item(item: DigestItem) -> str:
        return lead + part("item", item=_item_view(item, lang)) + tail

    return render_item


def _fitted_item(render_item: Callable[[DigestItem], str], item: DigestItem, limit: int) -> str:
    """Render ``item``, shortening its summary (then its headline) until it fits."""
    block = render_item(item)
    for field_name, floor in (("summary", 0), ("title", _MIN_TITLE)):
        for _ in range(8):
            excess = visible_length(block) - limit
            if excess <= 0:
                return block
            current: str = getattr(item, field_name)
            target = max(floor, utf16_length(current) - excess - 1)
            if target >= utf16_length(current):
                break
            shorter = truncate_text(current, target)
            item = (
                replace(item, summary=shorter)
                if field_name == "summary"
                else replace(item, title=shorter)
            )
            block = render_item(item)
    if visible_length(block) > limit:  # a source name of thousands of characters
        item = replace(item, source=truncate_text(item.source, 60), also=())
        block = render_item(item)
    return block
