"""RawDocument → CleanArticle: the real headline, the publication date and a junk-free body.

The text is handled line by line (one line = one paragraph). Page chrome is recognised by
general rules, each a small pure function, with the junk phrases kept as data below:

* header: every line above the headline (hotline/contact blocks, site banners) and the
  date line itself (``Thứ hai, 17/10/2022 15:10``, ``Thời sự 06/07/2020 20:45``);
* site banners anywhere: a line written twice in a row (``XX``), its half, a line the page
  repeats, the site's own name;
* contact lines: only phone numbers, e-mail addresses or web addresses;
* junk phrases (whole line or line start, accent-insensitive): ``Đường dây nóng``,
  ``Liên hệ quảng cáo``, ``Xem thêm``, ``Tin liên quan``, ``Tài liệu …`` links, ``banner``,
  ``icon``, ``Top``, ``Cổng dịch vụ công`` …;
* images: file names (``bt1.jpg``), placeholders (``<headline> - Ảnh 1.``), a credit at the
  end of a line (``(Ảnh: Chí Hiếu)``, ``(ảnh nhadautu.vn)``, ``(ản mic.gov.vn)``,
  ``… Ảnh: Đức Huy``), the caption right after an image marker (a line without final
  punctuation that names a person), ``Toàn cảnh …``/``Quang cảnh …`` lines, and lines that
  are only a title and a name (``Thứ trưởng Bộ Ngoại giao Đỗ Hùng Việt.``);
* pull quotes: ``Person: paraphrase`` whose words repeat another paragraph;
* tail: after the last real sentence, short lines without final punctuation (bylines
  such as ``Hồng Hà (t/h)``, portal blocks, ``NỔI BẬT TRANG CHỦ``);
* credit lines of a republished story, with or without a final period: ``Theo
  VnExpress.``, ``(Theo ICTnews).``, ``Hải Yến (theo TTXVN)`` (the outlet they name is
  kept as the article's source, see :func:`~digests.sources.page_outlet.find_credit`);
* the dateline prefix ``(Tổ Quốc) - `` of the lead paragraph.

A line that ends a sentence and matches none of these stays, verbatim.

This module is the step itself (:func:`clean_document`); its rules live beside it:
:mod:`~digests.sources.line_shape` (what a line looks like), :mod:`~digests.sources.junk_lines`
(junk, captions, pull quotes, bylines), :mod:`~digests.sources.person_names` (names and
titles in captions), :mod:`~digests.sources.headline` (banners and the headline),
:mod:`~digests.sources.page_outlet` (the outlet the page names), and before them
:mod:`~digests.sources.sapo` and :mod:`~digests.sources.page_dates`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from digests.model import CleanArticle, RawDocument
from digests.sources import dates, outlets, page_dates, sapo
from digests.sources.extract import Block, extract_page
from digests.sources.headline import (
    BANNER_MAX_CHARS,
    clean_meta_title,
    fallback_title,
    find_banners,
    find_headline,
    same_headline,
    strip_image_suffix,
)
from digests.sources.junk_lines import (
    is_caption_after_image,
    is_image_marker,
    is_pull_quote,
    junk_reason,
    strip_glued_byline,
    trim_tail,
)
from digests.sources.line_shape import is_heading_like, line_key, word_count
from digests.sources.page_outlet import find_credit, find_outlet, split_dateline
from digests.sources.page_parts import PageParts
from digests.sources.problems import SourceProblem
from digests.textnorm import nfc

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HAS_SENTENCE_END = re.compile(r"[.!?…](?:[\"”’»)]*)(?:\s|$)")
MIN_BODY_WORDS = 12
MIN_SENTENCE_WORDS = 8


# --- the pipeline ---------------------------------------------------------------------------
def _split_lines(text: str) -> list[str]:
    out: list[str] = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw_line.replace("\u00a0", " ").replace("\u200b", "").split())
        line = line.lstrip("•·▪►»*- ").strip() if line[:1] in "•·▪►»*" else line
        if line:
            out.append(nfc(line))
    return out


def _check_usable(raw: str) -> None:
    if not raw or not raw.strip():
        raise SourceProblem("empty_text")
    sample = raw[:4096]
    controls = len(_CONTROL_CHARS.findall(sample))
    if "\x00" in sample or controls > len(sample) * 0.01:
        raise SourceProblem("binary_text")
    if sample.count("\ufffd") > max(3, len(sample) * 0.01):
        raise SourceProblem("undecodable")


def _body(
    lines: Sequence[str],
    *,
    skip: set[int],
    banners: set[str],
    title: str | None,
    marked_headings: set[int],
) -> tuple[list[str], set[int], str | None]:
    """Body paragraphs, which of them are headings, and the lead dateline's label."""
    title_key = line_key(title) if title else None
    kept: list[tuple[str, bool]] = []
    after_image = False
    for idx, line in enumerate(lines):
        if idx in skip:
            continue
        key = line_key(line) if len(line) <= BANNER_MAX_CHARS else ""
        if key and (key in banners or key == title_key):
            after_image = False
            continue
        if is_image_marker(line):
            after_image = True
            continue
        if after_image and is_caption_after_image(line):
            after_image = False
            continue
        after_image = False
        if junk_reason(line) is not None:
            continue
        kept.append((line, idx in marked_headings))
    texts = [text for text, _ in kept]
    kept = [(t, h) for t, h in kept if not is_pull_quote(t, texts)]
    trimmed = trim_tail([t for t, _ in kept])
    kept = kept[: len(trimmed)]
    if kept and not kept[-1][1]:
        kept[-1] = (strip_glued_byline(kept[-1][0]), False)
    paragraphs: list[str] = []
    headings: set[int] = set()
    dateline: str | None = None
    for text, marked in kept:
        if not paragraphs and not marked:
            text, dateline = split_dateline(text)
        if marked or is_heading_like(text):
            headings.add(len(paragraphs))
        paragraphs.append(text)
    return paragraphs, headings, dateline


def clean_document(doc: RawDocument, *, today: date | None = None) -> CleanArticle:
    """The article in ``doc`` with its headline, date and junk-free paragraphs.

    ``today`` bounds year inference (no publication date in the future); it defaults to
    the document's fetch date, else the current date. Raises :class:`BadItem` for empty,
    binary, navigation-only or body-less documents.
    """
    _check_usable(doc.raw)
    if today is None:
        today = doc.fetched_at.date() if doc.fetched_at else date.today()
    meta: dict[str, str | None] = {}
    marked: set[int] = set()
    parts = PageParts()
    if doc.kind == "html":
        blocks, meta, parts = extract_page(doc.raw, doc.url)
        if not blocks:
            raise SourceProblem("navigation")
        lines, marked = _lines_from_blocks(blocks)
        lines, marked = sapo.drop_bylines(lines, marked, parts.bylines)
        lines, marked = sapo.with_headline(lines, marked, parts, header_lines=dates.HEADER_LINES)
        lines, marked = sapo.with_sapo(lines, marked, parts, header_lines=dates.HEADER_LINES)
    else:
        lines = _split_lines(doc.raw)
    lines, marked, lone_dateline = sapo.take_dateline_line(lines, marked)
    lines, marked = sapo.drop_top_byline(lines, marked)
    if not lines:
        raise SourceProblem("empty_text")

    sitename = meta.get("sitename")
    title_site = outlets.from_title(meta.get("page_title")) or outlets.from_title(meta.get("title"))
    banners = find_banners(lines, sitename)
    text_date, date_idx = dates.find_publication_date(lines, today=today)
    meta_title = clean_meta_title(meta.get("title"), sitename)
    skip: set[int] = set() if date_idx is None else {date_idx}
    head_idx = find_headline(lines, date_idx, banners)
    title: str | None = None
    if head_idx is not None:
        title = lines[head_idx]
        skip.update(range(head_idx + 1))
    if meta_title and line_key(meta_title) not in banners and not same_headline(title, meta_title):
        # The page's declared title beats a guess from the text, unless the guess is the
        # same headline (then the text's copy is dropped and its wording kept).
        title = meta_title
    if title is None and doc.title_hint:
        title = nfc(doc.title_hint).strip() or None
    paragraphs, headings, dateline = _body(
        lines, skip=skip, banners=banners, title=title, marked_headings=marked
    )
    _check_body(paragraphs, headings)
    if title is None:
        title = fallback_title([p for i, p in enumerate(paragraphs) if i not in headings])
    published, published_at, date_known = page_dates.published(
        text_date, date_idx, meta, parts, doc, today
    )
    return CleanArticle(
        title=strip_image_suffix(title),
        published=published,
        published_at=published_at,
        date_known=date_known,
        paragraphs=tuple(paragraphs),
        headings=frozenset(headings),
        url=meta.get("url") or doc.url,
        source=_named_outlet(
            find_outlet(
                lines[: head_idx if head_idx is not None else (date_idx or 0)],
                sitename,
                dateline or lone_dateline,
                title_site=title_site,
                credit=find_credit(lines),
            ),
            doc,
        ),
    )


def _named_outlet(found: str | None, doc: RawDocument) -> str | None:
    """The page's own outlet name, unless it only gave its host while the operator named
    the outlet (a sources-file entry, ``ingest --outlet``): a name beats a host."""
    named = doc.source and not outlets.looks_like_host(doc.source)
    if found and named and outlets.looks_like_host(found):
        return doc.source
    return found


def _lines_from_blocks(blocks: Sequence[Block]) -> tuple[list[str], set[int]]:
    lines: list[str] = []
    marked: set[int] = set()
    for block in blocks:
        for line in _split_lines(block.text):
            if block.is_heading:
                marked.add(len(lines))
            lines.append(line)
    return lines, marked


def _check_body(paragraphs: Sequence[str], headings: set[int]) -> None:
    body = [p for i, p in enumerate(paragraphs) if i not in headings]
    words = sum(word_count(p) for p in body)
    has_sentence = any(
        word_count(p) >= MIN_SENTENCE_WORDS and _HAS_SENTENCE_END.search(p) for p in body
    )
    if not body:
        raise SourceProblem("no_body")
    if words < MIN_BODY_WORDS or not has_sentence:
        raise SourceProblem("too_short", words=str(words))
