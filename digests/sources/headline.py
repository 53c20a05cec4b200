"""The top of a page's text: the site's banner lines and the article's headline, chosen
from the text, the HTML title or, failing both, the lead's first sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digests.sources import dates, outlets
from digests.sources.junk_lines import IMAGE_PLACEHOLDER, junk_reason
from digests.sources.line_shape import ends_sentence, line_key, word_count
from digests.textnorm import nfc

SITE_BANNER_PHRASES = ("trang thong tin dien tu", "cong thong tin dien tu", "bao dien tu")
# A headline may open on a lower-case brand: "e - Cabinet: …", "iPhone 15 …", "eKYC …".
_TITLE_START = re.compile(r"^(?:[A-ZÀ-ỸĐ0-9\"“‘'(«]|[a-z]{1,2}\b|[a-z]+[A-Z])")
_TITLE_TAIL_DATE = re.compile(
    r"[\s,|\-–—]*(?:(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|ngày)[\s,|\-–—]*)?$",
    re.IGNORECASE,
)
HEADLINE_MIN_WORDS = 4
MAX_TOP_LABELS = 2
HEADLINE_MAX_WORDS = 40
BANNER_MAX_CHARS = 250  # banners and headlines are shorter; longer lines skip that check
TITLE_FALLBACK_CHARS = 160


def doubled_half(line: str) -> str | None:
    """``AB`` where A == B (a banner glued to itself) → A."""
    n = len(line)
    if n >= 8 and n % 2 == 0 and line[: n // 2] == line[n // 2 :]:
        return line[: n // 2].strip()
    return None


# --- header: banners, headline, date --------------------------------------------------------
def find_banners(lines: Sequence[str], sitename: str | None = None) -> set[str]:
    """Keys of lines that are the site's banner rather than article text."""
    banners: set[str] = set()
    counts: dict[str, int] = {}
    for line in lines[: dates.HEADER_LINES]:
        if len(line) > BANNER_MAX_CHARS:
            continue  # a paragraph, not a banner: keying it was a third of the clean step
        half = doubled_half(line)
        if half:
            banners.add(line_key(half))
            banners.add(line_key(line))
        key = line_key(line)
        counts[key] = counts.get(key, 0) + 1
        if any(key == phrase for phrase in SITE_BANNER_PHRASES):
            banners.add(key)
    banners.update(key for key, n in counts.items() if n > 1 and key)
    if sitename:
        banners.add(line_key(sitename))
    return banners


def is_headline_like(line: str) -> bool:
    """A title-shaped line: unlike a sub-heading, a headline may ask or exclaim
    ("Vì sao …?") or end on a quote; it never ends like a statement (".", ";", ":", ",")."""
    last = line.rstrip("\"”’»')] ")[-1:]
    return (
        HEADLINE_MIN_WORDS <= word_count(line) <= HEADLINE_MAX_WORDS
        and bool(_TITLE_START.match(line))
        and (last not in ".;:," or line.endswith("..."))
    )


def _is_banner(line: str, banners: set[str]) -> bool:
    return len(line) <= BANNER_MAX_CHARS and line_key(line) in banners


def _is_headline_candidate(line: str, banners: set[str]) -> bool:
    return is_headline_like(line) and junk_reason(line) is None and not _is_banner(line, banners)


def find_headline(lines: Sequence[str], date_idx: int | None, banners: set[str]) -> int | None:
    """Index of the headline line, or ``None`` when the text opens without one.

    With a date line near the top, the headline is the nearest title-like line above it
    (banners and contact blocks sit higher up). Without one, only the first real line
    can be the headline (after at most :data:`MAX_TOP_LABELS` section labels such as
    "Thời sự"): a title-like line there, not the lead sentence.
    """
    if date_idx is not None:
        for idx in range(date_idx - 1, -1, -1):
            if _is_headline_candidate(lines[idx], banners):
                return idx
    labels = 0
    for idx, line in enumerate(lines[: dates.HEADER_LINES]):
        if _is_banner(line, banners) or junk_reason(line) is not None:
            continue
        if _is_headline_candidate(line, banners):
            return idx
        if labels < MAX_TOP_LABELS and is_section_label(line):
            labels += 1  # "Thời sự", "Kinh tế số": a section name above the headline
            continue
        return None
    return None


def is_section_label(line: str) -> bool:
    """A one-to-three-word line without punctuation, like a section name."""
    return word_count(line) < HEADLINE_MIN_WORDS and not re.search(r"[.,;:!?]", line)


def clean_meta_title(title: str | None, sitename: str | None) -> str | None:
    """An HTML title without its `` | Site name`` suffix; ``None`` if it is only the site."""
    if not title:
        return None
    title = nfc(title).strip()
    parts = outlets.split_title(title)
    if parts and parts[0]:
        head, suffix = parts
        # Only a suffix that names a site goes: "Việt Nam - Hoa Kỳ thúc đẩy hợp tác công
        # nghệ" keeps its second half although "công" looks like "Cổng".
        if (sitename and line_key(suffix) == line_key(sitename)) or outlets.from_title(title):
            title = head
    written_date = dates.first_date_span(title)
    if written_date is not None:
        # an unclosed <h1> swallowed the date line: "Headline Thứ tư - 22/03/2023 16:08 6620"
        title = _TITLE_TAIL_DATE.sub("", title[: written_date[0]]).strip()
    if sitename and line_key(title) == line_key(sitename):
        return None
    if word_count(title) < 2:
        return None
    return title or None


def same_headline(text_title: str | None, meta_title: str) -> bool:
    if text_title is None:
        return False
    a, b = line_key(text_title), line_key(meta_title)
    return a == b or a.startswith(b) or b.startswith(a)


def fallback_title(paragraphs: Sequence[str]) -> str:
    """A headline from the lead when the page has none: its first sentence, shortened at a
    word boundary with "…" past :data:`TITLE_FALLBACK_CHARS` characters, final period dropped.
    """
    lead = next((p for p in paragraphs if ends_sentence(p)), paragraphs[0])
    m = re.search(r"(?<=[^\d\s][.!?])\s+(?=[A-ZÀ-ỸĐ\"“])", lead)
    sentence = lead[: m.start()] if m else lead
    sentence = sentence.rstrip(" .")
    if len(sentence) <= TITLE_FALLBACK_CHARS:
        return sentence
    cut = sentence[:TITLE_FALLBACK_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "…"


def strip_image_suffix(title: str) -> str:
    return IMAGE_PLACEHOLDER.sub("", title).strip()
