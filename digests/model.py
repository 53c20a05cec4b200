"""The records an article becomes as it flows from source to store.

Plain dataclasses, so every step is a function from one record to the next
and can be tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

DocumentKind = Literal["text", "html"]


@dataclass(frozen=True)
class RawDocument:
    """One article as a source handed it over, before any cleaning."""

    origin: str  # the path or URL it was read from
    source: str  # outlet shown to readers, e.g. "toquoc.vn"; "" when none is known (a file)
    raw: str  # decoded text or HTML, kept verbatim for re-processing
    kind: DocumentKind
    url: str | None = None  # canonical URL when known (feed link, <link rel=canonical>)
    title_hint: str | None = None  # e.g. a feed item's title
    date_hint: datetime | None = None  # e.g. a feed item's published date
    fetched_at: datetime | None = None
    sector_outlet: bool = False  # the operator marked its source as a sector outlet


@dataclass(frozen=True)
class CleanArticle:
    """An article with page junk removed: what readers may be shown."""

    title: str
    published: date
    published_at: datetime | None  # when the page gives a time too
    paragraphs: tuple[str, ...]  # body paragraphs, NFC, junk-free, in order
    headings: frozenset[int] = frozenset()  # indexes of paragraphs that are sub-headings
    url: str | None = None  # canonical URL if the page declared one
    source: str | None = None  # outlet name if the page declared one
    # False when neither the page nor its feed gave a date: ``published`` is then the
    # day it was loaded, kept for ordering, and readers are told the date is unknown.
    date_known: bool = True

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Sentence:
    idx: int  # position in the article, 0-based
    paragraph: int
    text: str  # verbatim, NFC
    is_heading: bool = False


@dataclass(frozen=True)
class Mention:
    org_key: str  # canonical key, e.g. "viettel"
    alias: str  # the alias as written in the text
    sentence_idx: int


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    kind: Literal["company", "media", "agency"]
    aliases: tuple[str, ...] = ()
    discovered: bool = False  # found by pattern, not in the curated registry


@dataclass(frozen=True)
class Person:
    name: str
    role: str | None
    org_key: str | None
    sentence_idx: int


@dataclass(frozen=True)
class Target:
    year: int
    month: int | None
    goal: str  # what is aimed at, with its figure, as written
    setter: str | None  # who set it, as written ("Bộ trưởng Nguyễn Mạnh Hùng")
    sentence_idx: int
    sentence: str


@dataclass
class Analysis:
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)  # discovered, not registry
    people: list[Person] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    # Relevance per theme (digests.analysis.relevance), set by ingest outside the write
    # transaction; None: the store computes it when saving.
    theme_scores: dict[str, float] | None = None
    sector_outlet: bool = False  # the scores include the sector-outlet factor
    # fold of the sentences joined by sentences.SEPARATOR (analyse has it; relevance reuses it)
    folded: str | None = None


class BadItem(Exception):
    """An item that cannot become an article; its message is the one-line reason."""
