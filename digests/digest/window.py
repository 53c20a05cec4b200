"""What a digest covers and is made of: the window, the articles loaded from the store
for it (with their sentences), and the Digest value the renderers read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from digests.analysis.quotes import carried_speaker
from digests.digest import story_rank
from digests.digest.standalone import needs_speaker, refers_back
from digests.digest.summarize import features
from digests.textnorm import fold_nfc

FIRST_DAYS = 7  # a chat's first digest covers this many days of publication dates…
FIRST_FALLBACK = 10  # …or, if those days hold nothing, this many latest articles


@dataclass(frozen=True)
class DigestWindow:
    """Which stored articles a digest covers; unset bounds are open."""

    after_article_id: int | None = None  # only articles with a larger id (not yet received)
    since: date | None = None  # publication date, inclusive
    until: date | None = None  # publication date, inclusive
    latest: int | None = None  # only the latest N articles by publication date
    through_article_id: int | None = None  # only ids up to this one (a window frozen for paging)


@dataclass(frozen=True)
class DigestItem:
    article_id: int
    title: str
    summary: str
    source: str
    date: date | None
    url: str | None
    also: tuple[str, ...] = ()  # other outlets that carried the same story
    about: bool = True  # False: the article only mentions the theme
    score: float = 0.0
    quoted: tuple[str, ...] = ()  # the stored sentences the summary quotes, as stored
    tags: tuple[Tag, ...] = ()  # the other themes the story touches
    story_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "summary": self.summary,
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
            "also": list(self.also),
            "tags": [tag.key for tag in self.tags],
        }


@dataclass(frozen=True)
class Tag:
    key: str
    emoji: str
    label_vi: str
    label_en: str

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class DigestSection:
    theme: str
    label_vi: str
    label_en: str
    emoji: str
    items: tuple[DigestItem, ...]
    more: int = 0  # bullets left out by the per-section budget
    rest: tuple[DigestItem, ...] = ()  # those bullets, in order, for "Xem thêm"

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "theme": self.theme,
            "label": self.label(lang),
            "emoji": self.emoji,
            "items": [item.to_dict() for item in self.items],
            "more": self.more,
        }


@dataclass(frozen=True)
class Coverage:
    """What the window's articles are, for a header that tells the truth."""

    fresh: int = 0  # published, by a known date, in the FRESH_DAYS up to the digest's date
    older: int = 0  # published before that
    undated: int = 0
    first: date | None = None  # earliest and latest known publication dates
    last: date | None = None
    fresh_days: int = story_rank.FRESH_DAYS


def coverage_of(published: Sequence[date | None], today: date) -> Coverage:
    """Fresh, older and undated counts and the date range of the window's articles."""
    known = [day for day in published if day is not None]
    fresh = sum(story_rank.is_fresh(day, today) for day in known)
    return Coverage(
        fresh=fresh,
        older=len(known) - fresh,
        undated=len(published) - len(known),
        first=min(known, default=None),
        last=max(known, default=None),
    )


@dataclass(frozen=True)
class Digest:
    date: date
    sections: tuple[DigestSection, ...]
    article_ids: tuple[int, ...]  # every article the window covered, in a section or not
    window: DigestWindow = field(default_factory=DigestWindow)
    coverage: Coverage = field(default_factory=lambda: Coverage())

    @property
    def max_article_id(self) -> int | None:
        """The id a chat's "received up to" mark moves to once this digest is sent."""
        return max(self.article_ids) if self.article_ids else None

    @property
    def is_empty(self) -> bool:
        return not any(section.items for section in self.sections)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) + section.more for section in self.sections)

    @property
    def story_count(self) -> int:
        return sum(len(section.items) + section.more for section in self.sections)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The stable JSON interface: date, sections, items."""
        return {
            "date": self.date.isoformat(),
            "sections": [section.to_dict(lang) for section in self.sections],
        }


def window_for_chat(
    db: Database,
    last_article_id: int | None,
    *,
    now: datetime,
    first_days: int = FIRST_DAYS,
    first_fallback: int = FIRST_FALLBACK,
) -> DigestWindow:
    """The window of a chat's next digest.

    A chat that has received articles gets those stored since (larger ids). A
    first digest covers the last ``first_days`` days of publication dates up to
    ``now``; if they hold nothing, the ``first_fallback`` latest articles.
    """
    if last_article_id is not None:
        return DigestWindow(after_article_id=last_article_id)
    until = now.date()
    since = until - timedelta(days=max(1, first_days) - 1)
    row = db.execute(
        "SELECT 1 FROM articles WHERE published >= ? AND published <= ? LIMIT 1",
        [since.isoformat(), until.isoformat()],
    ).fetchone()
    if row is not None:
        return DigestWindow(since=since, until=until)
    return DigestWindow(latest=first_fallback)


@dataclass
class StoredArticle:
    id: int
    title: str
    source: str
    url: str | None
    published: date | None
    story_id: int
    texts: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    headings: list[bool] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    db: Database | None = None  # for the people named, looked up only when a quote needs them
    _speakers: dict[int, str | None] = field(default_factory=dict)
    _people: list[tuple[str, str | None]] | None = None
    _refers: dict[int, bool] = field(default_factory=dict)
    _needs: dict[int, bool] = field(default_factory=dict)

    def refers_back(self, idx: int) -> bool:
        if idx not in self._refers:
            self._refers[idx] = refers_back(self.texts[idx])
        return self._refers[idx]

    def needs_speaker(self, idx: int) -> bool:
        if idx not in self._needs:
            self._needs[idx] = needs_speaker(self.texts[idx])
        return self._needs[idx]

    def speaker(self, idx: int) -> str | None:
        """Who said sentence ``idx`` when the sentence does not say (None: unknown)."""
        if idx not in self._speakers:
            self._speakers[idx] = self._find_speaker(idx)
        return self._speakers[idx]

    def _find_speaker(self, idx: int) -> str | None:
        if self._people is None:
            rows = (
                self.db.execute(
                    "SELECT name, role FROM people WHERE article_id = ? ORDER BY sentence_idx",
                    [self.id],
                ).fetchall()
                if self.db is not None
                else []
            )
            self._people = [(str(name), role) for name, role in rows]
        number = self.paragraphs[idx]
        members = [i for i, p in enumerate(self.paragraphs) if p == number]
        before_number = max((p for p in self.paragraphs if p < number), default=None)
        before = [t for t, p in zip(self.texts, self.paragraphs, strict=True) if p == before_number]
        paragraph = [self.texts[i] for i in members]
        return carried_speaker(paragraph, members.index(idx), self._people, before)

    def stands_alone(self, idx: int) -> bool:
        """Sentence ``idx`` can open a bullet: it points at nothing said before it, and a
        quotation or directive in it has a speaker, named in it or found in its paragraph."""
        if self.refers_back(idx):
            return False
        return not self.needs_speaker(idx) or self.speaker(idx) is not None

    def shown_text(self, idx: int) -> str:
        """The sentence as a bullet shows it: with its speaker in front when it lacks one."""
        text = self.texts[idx]
        if self.needs_speaker(idx):
            speaker = self.speaker(idx)
            if speaker:
                return f"{speaker[:1].upper()}{speaker[1:]}: {text}"
        return text


def _window_query(window: DigestWindow) -> tuple[str, list[Any]]:
    """The ids of the window's articles, newest first, as SQL and parameters."""
    where: list[str] = []
    params: list[Any] = []
    if window.after_article_id is not None:
        where.append("id > ?")
        params.append(window.after_article_id)
    if window.since is not None:
        where.append("published >= ?")
        params.append(window.since.isoformat())
    if window.until is not None:
        where.append("published <= ?")
        params.append(window.until.isoformat())
    if window.through_article_id is not None:
        where.append("id <= ?")
        params.append(window.through_article_id)
    sql = "SELECT id FROM articles"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY published DESC, id DESC"
    if window.latest is not None:
        sql += " LIMIT ?"
        params.append(max(0, window.latest))
    return sql, params


def window_articles(db: Database, window: DigestWindow) -> list[StoredArticle]:
    """The window's articles, newest first, each with its stored sentences.

    Two queries whatever the window's size: the articles, then all their
    sentences in order (the window as a subquery, so no id list is sent back).
    """
    ids_sql, params = _window_query(window)
    rows = db.execute(
        "SELECT id, title, source, url, CASE WHEN date_known THEN published END, story_id "
        f"FROM articles WHERE id IN ({ids_sql}) ORDER BY published DESC, id DESC",
        params,
    ).fetchall()
    articles = [
        StoredArticle(
            id=row[0],
            title=row[1] or "",
            source=row[2] or "",
            url=row[3],
            published=_parse_date(row[4]),
            story_id=row[5] if row[5] is not None else row[0],
            db=db,
        )
        for row in rows
    ]
    by_id = {a.id: a for a in articles}
    sentences = db.execute(
        "SELECT article_id, text, folded, is_heading, paragraph FROM sentences "
        f"WHERE article_id IN ({ids_sql}) ORDER BY article_id, idx",
        params,
    ).fetchall()
    for article_id, text, folded, is_heading, paragraph in sentences:
        article = by_id[article_id]
        article.texts.append(text)
        # Stored folded text is fold(text); a row that disagrees is folded again
        # so that offsets found in it still point into the text.
        article.folded.append(folded if len(folded) == len(text) else fold_nfc(text))
        article.headings.append(bool(is_heading))
        article.paragraphs.append(int(paragraph))
    return articles


class RedundancyTokens:
    """Syllables and syllable pairs of an article's sentences, computed on demand.

    Redundancy (between a bullet's sentences, and MMR between bullets) compares
    these; only the few sentences that reach a comparison need them.
    """

    def __init__(self, article: StoredArticle) -> None:
        self._article = article
        self._cache: dict[int, frozenset[str]] = {}

    def __getitem__(self, idx: int) -> frozenset[str]:
        tokens = self._cache.get(idx)
        if tokens is None:
            article = self._article
            tokens = self._cache[idx] = frozenset(features(article.texts[idx], article.folded[idx]))
        return tokens


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
