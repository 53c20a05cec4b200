"""Build a theme digest from the store: which articles, which sentences, what order.

For each theme, each article in the window contributes at most one bullet made
of its sentences that speak to that theme, so a ministry meeting touching all
themes gives a postal bullet about postal matters and a press bullet about the
press. Articles *about* a theme lead its section; articles that only mention it
follow. The same story from several outlets is one bullet with the others
listed in ``also``; near-identical bullets are pushed down (MMR).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from digests.analysis.themes import (
    SENTENCE_THRESHOLD,
    ArticleTheme,
    ThemeMatcher,
    ThemeSet,
    classify_article,
    load_themes,
)
from digests.digest.summarize import (
    THEME_WEIGHT,
    ArticleVectors,
    features,
    is_dangling,
    is_summary_sentence,
    join_summary,
    overlap,
    syllables,
)
from digests.textnorm import fold_nfc, nfc

FIRST_DAYS = 7  # a chat's first digest covers this many days of publication dates…
FIRST_FALLBACK = 10  # …or, if those days hold nothing, this many latest articles
ITEM_MAX_CHARS = 420  # a second sentence is added only while the summary stays this short
MMR_LAMBDA = 0.5  # weight of redundancy against relevance when ordering a section


@dataclass(frozen=True)
class DigestWindow:
    """Which stored articles a digest covers; unset bounds are open."""

    after_article_id: int | None = None  # only articles with a larger id (not yet received)
    since: date | None = None  # publication date, inclusive
    until: date | None = None  # publication date, inclusive
    latest: int | None = None  # only the latest N articles by publication date


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "summary": self.summary,
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
            "also": list(self.also),
        }


@dataclass(frozen=True)
class DigestSection:
    theme: str
    label_vi: str
    label_en: str
    emoji: str
    items: tuple[DigestItem, ...]
    more: int = 0  # bullets left out by the per-section budget

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
class Digest:
    date: date
    sections: tuple[DigestSection, ...]
    article_ids: tuple[int, ...]  # every article the window covered, in a section or not
    window: DigestWindow = field(default_factory=DigestWindow)

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
class _Article:
    id: int
    title: str
    source: str
    url: str | None
    published: date | None
    story_id: int
    texts: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    headings: list[bool] = field(default_factory=list)


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
    sql = "SELECT id FROM articles"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY published DESC, id DESC"
    if window.latest is not None:
        sql += " LIMIT ?"
        params.append(max(0, window.latest))
    return sql, params


def _window_articles(db: Database, window: DigestWindow) -> list[_Article]:
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
        _Article(
            id=row[0],
            title=row[1] or "",
            source=row[2] or "",
            url=row[3],
            published=_parse_date(row[4]),
            story_id=row[5] if row[5] is not None else row[0],
        )
        for row in rows
    ]
    by_id = {a.id: a for a in articles}
    sentences = db.execute(
        "SELECT article_id, text, folded, is_heading FROM sentences "
        f"WHERE article_id IN ({ids_sql}) ORDER BY article_id, idx",
        params,
    ).fetchall()
    for article_id, text, folded, is_heading in sentences:
        article = by_id[article_id]
        article.texts.append(text)
        # Stored folded text is fold(text); a row that disagrees is folded again
        # so that offsets found in it still point into the text.
        article.folded.append(folded if len(folded) == len(text) else fold_nfc(text))
        article.headings.append(bool(is_heading))
    return articles


class _RedundancyTokens:
    """Syllables and syllable pairs of an article's sentences, computed on demand.

    Redundancy (between a bullet's sentences, and MMR between bullets) compares
    these; only the few sentences that reach a comparison need them.
    """

    def __init__(self, article: _Article) -> None:
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


_CAPITALISED_WORD = re.compile(r'(?<!\S)[“"(]*[A-ZĐÀ-Ỹ]')  # a word (after its opening marks)
_LIST_SEPARATOR = re.compile(r"[,;…]|\s+và\s+")
SPECIFICITY = 0.4  # a sentence counts for a theme only if no other theme outweighs it 1 : 2.5
LONG_SENTENCE = 320  # longer sentences make poor bullets
TOPIC_BONUS = 0.6
TOPIC_SHARE = 0.35  # "early" means within the first third of the sentence
RELEVANCE_CAP = 6.0  # beyond two strong terms, more terms mean a list, not more relevance


def is_enumeration(text: str) -> bool:
    """A list of names or fields (attendees, companies, rankings) rather than a statement."""
    commas = text.count(",") + text.count(";")
    if commas + text.count("…") + text.count("và") < 4:
        return False  # at most 4 segments, and too few commas for a list of names
    segments = [s for s in _LIST_SEPARATOR.split(text) if s.strip()]
    if len(segments) >= 5:
        lengths = sorted(len(s.split()) for s in segments)
        if lengths[len(lengths) // 2] <= 4:
            return True
    if commas < 5:
        return False
    capitalised = len(_CAPITALISED_WORD.findall(text))
    return capitalised / max(1, len(text.split())) >= 0.35


def topic_bonus(offset: int | None, text: str) -> float:
    """A theme named early in a sentence is its topic, not an afterthought."""
    return TOPIC_BONUS if offset is not None and offset < TOPIC_SHARE * len(text) else 0.0


def bullet_penalty(text: str) -> float:
    """Sentences that lean on the one before, or run very long, read badly alone."""
    penalty = 0.5 if is_dangling(text) else 0.0
    if text.count("“") != text.count("”"):
        penalty += 0.5  # one sentence of a longer quotation
    if len(text) > LONG_SENTENCE:
        penalty += min(2.0, (len(text) - LONG_SENTENCE) / LONG_SENTENCE)
    return penalty


@dataclass
class _Candidate:
    """An article's bullet for one theme, chosen lazily.

    Ranking a section needs only the score; the second sentence of a bullet,
    its text and its tokens for MMR are worked out for the few candidates that
    get that far.
    """

    article: _Article
    relation: ArticleTheme
    ranked: tuple[int, ...]  # its quotable on-theme sentences, best first
    values: dict[int, float]
    tokens: _RedundancyTokens
    lead: tuple[int, ...]  # the sentence(s) the bullet opens with
    score: float
    _chosen: tuple[int, ...] | None = None
    _redundancy: frozenset[str] | None = None

    @property
    def chosen(self) -> tuple[int, ...]:
        """The bullet's sentences, in document order."""
        if self._chosen is None:
            self._chosen = _complete_bullet(self.article, self.ranked, self.lead, self.tokens)
        return self._chosen

    @property
    def redundancy_tokens(self) -> frozenset[str]:
        if self._redundancy is None:
            self._redundancy = frozenset().union(*(self.tokens[i] for i in self.chosen))
        return self._redundancy

    @property
    def quoted(self) -> tuple[str, ...]:
        return tuple(self.article.texts[i] for i in self.chosen)

    @property
    def summary(self) -> str:
        return join_summary([(i, self.article.texts[i]) for i in self.chosen])

    def without(self, shown: set[str]) -> _Candidate | None:
        """This candidate without the sentences (texts) already shown in earlier sections.

        None when nothing else of the article can lead a bullet on this theme: the
        article then stays out of the section rather than repeat itself.
        """
        if not shown.intersection(self.article.texts[i] for i in self.ranked):
            return self
        ranked = tuple(i for i in self.ranked if self.article.texts[i] not in shown)
        return _candidate(self.article, self.relation, ranked, self.values, self.tokens)


def _bullet_lead(article: _Article, ranked: Sequence[int]) -> tuple[int, ...] | None:
    """The best sentence that can open a bullet, or a referring-back sentence together
    with the on-theme sentence it leans on; None when there is neither."""
    on_theme = set(ranked)
    for i in ranked:
        if not is_dangling(article.texts[i]):
            return (i,)
        if i - 1 in on_theme and len(article.texts[i - 1]) + len(article.texts[i]) < ITEM_MAX_CHARS:
            return (i - 1, i)
    return None


def _complete_bullet(
    article: _Article, ranked: Sequence[int], lead: tuple[int, ...], tokens: _RedundancyTokens
) -> tuple[int, ...]:
    """The lead plus, if it is alone, the next best sentence that fits and adds something.

    A referring-back sentence joins only right after the sentence it leans on.
    """
    if len(lead) > 1:
        return lead
    (first,) = lead
    for i in ranked:
        if i == first or (is_dangling(article.texts[i]) and i - 1 != first):
            continue
        length = len(article.texts[first]) + 1 + len(article.texts[i])
        if length <= ITEM_MAX_CHARS and overlap(tokens[i], tokens[first]) < 0.6:
            return tuple(sorted((first, i)))
    return lead


def _candidate(
    article: _Article,
    relation: ArticleTheme,
    ranked: tuple[int, ...],
    values: dict[int, float],
    tokens: _RedundancyTokens,
) -> _Candidate | None:
    lead = _bullet_lead(article, ranked)
    if lead is None:
        return None
    best = max(values[i] for i in lead)
    return _Candidate(
        article=article,
        relation=relation,
        ranked=ranked,
        values=values,
        tokens=tokens,
        lead=lead,
        score=best + 0.05 * min(relation.score, 30.0),
    )


def _theme_candidates(
    article: _Article,
    theme_set: ThemeSet,
    scores: list[dict[str, float]],
    firsts: list[dict[str, int]],
    title_scores: dict[str, float],
    geometry: ArticleVectors,
) -> dict[str, _Candidate]:
    """This article's bullet for each theme it relates to."""
    headings = article.headings
    speaking: dict[str, list[int]] = {}  # per theme, the body sentences speaking to it
    heading_scores: dict[str, list[float]] = {}
    for i, sentence in enumerate(scores):
        if not sentence:
            continue
        for key, score in sentence.items():
            if headings[i]:
                heading_scores.setdefault(key, []).append(score)
            elif score >= SENTENCE_THRESHOLD:
                speaking.setdefault(key, []).append(i)
    body_count = len(headings) - sum(headings)
    plans: list[tuple[str, ArticleTheme, list[int]]] = []
    eligible: dict[int, bool] = {}
    for key in theme_set.keys:
        indices = speaking.get(key)
        if not indices:
            continue  # no body sentence speaks to the theme: classify_article says None
        sentence_scores = [scores[i][key] for i in indices]
        relation = classify_article(
            title_scores.get(key, 0.0),
            heading_scores.get(key, []),
            sentence_scores + [0.0] * (body_count - len(indices)),
            key=key,
        )
        if relation is None:
            continue
        quotable = []
        for i in indices:
            if i not in eligible:
                eligible[i] = is_summary_sentence(article.texts[i])
            if eligible[i]:
                quotable.append(i)
        if quotable:
            plans.append((key, relation, quotable))
    if not plans:
        return {}
    texts = article.texts
    needed = {i for _, _, on_theme in plans for i in on_theme}
    base = {i: geometry.base_score(i, texts[i]) - bullet_penalty(texts[i]) for i in needed}
    tokens = _RedundancyTokens(article)
    result: dict[str, _Candidate] = {}
    for key, relation, on_theme in plans:
        value = {
            i: base[i]
            + THEME_WEIGHT * min(scores[i][key], RELEVANCE_CAP)
            + topic_bonus(firsts[i].get(key), texts[i])
            for i in on_theme
        }
        ranked = tuple(sorted(on_theme, key=lambda i: (-value[i], i)))
        candidate = _candidate(article, relation, ranked, value, tokens)
        if candidate is not None:
            result[key] = candidate
    return result


def _sentence_scores(
    matcher: ThemeMatcher,
    texts: Sequence[str],
    folded: Sequence[str],
    sentence_syllables: Sequence[Sequence[str]],
) -> tuple[list[dict[str, float]], list[dict[str, int]]]:
    """Each sentence's theme scores and first-term offsets.

    Lists of names and sentences touching four themes or more score nothing; a
    theme outweighed 1 : 2.5 by another in the same sentence does not count.
    """
    scores, firsts = matcher.scan_sentences(texts, folded, sentence_syllables)
    for index, sentence in enumerate(scores):
        if not sentence:
            continue
        if len(sentence) == 1:  # most sentences: one theme, nothing to weigh it against
            (value,) = sentence.values()
            if value >= SENTENCE_THRESHOLD and is_enumeration(texts[index]):
                scores[index] = {}
            continue
        strong = sum(1 for value in sentence.values() if value >= SENTENCE_THRESHOLD)
        if not strong:
            continue  # below the threshold a score counts nowhere: no need to look further
        if strong >= 4 or is_enumeration(texts[index]):
            scores[index] = {}
        else:
            top = max(sentence.values())
            scores[index] = {k: v for k, v in sentence.items() if v >= SPECIFICITY * top}
    return scores, firsts


def _merge_stories(candidates: list[_Candidate]) -> list[tuple[_Candidate, tuple[str, ...]]]:
    """One candidate per story, with the other outlets that carried it."""
    by_story: dict[int, list[_Candidate]] = {}
    for candidate in candidates:
        by_story.setdefault(candidate.article.story_id, []).append(candidate)
    merged: list[tuple[_Candidate, tuple[str, ...]]] = []
    for group in by_story.values():
        # The outlet that first carried the story leads; the others are credited.
        group.sort(key=lambda c: (c.article.id != c.article.story_id, -c.score, c.article.id))
        lead = group[0]
        others: list[str] = []
        for other in sorted(group[1:], key=lambda c: c.article.id):
            if other.article.source != lead.article.source and other.article.source not in others:
                others.append(other.article.source)
        merged.append((lead, tuple(others)))
    return merged


def _order(
    merged: list[tuple[_Candidate, tuple[str, ...]]], budget: int
) -> tuple[list[DigestItem], int]:
    """The section's first ``budget`` bullets, and how many bullets it has in all.

    About-articles come first, then mentions; within each, MMR by summary
    overlap. The pool is in score order and an item's MMR value never exceeds
    its score, so the search for the next bullet stops at the first item whose
    score cannot beat the best value found; the bullets beyond the budget are
    only counted.
    """
    shown: list[DigestItem] = []
    for about in (True, False):
        pool = [m for m in merged if m[0].relation.about is about]
        pool.sort(key=lambda m: (-m[0].score, m[0].article.id))
        chosen: list[_Candidate] = []
        while pool and len(shown) < budget:
            best_index, best_key = 0, (float("-inf"), 0)
            for index, (candidate, _) in enumerate(pool):
                if candidate.score < best_key[0]:
                    break
                value = candidate.score - MMR_LAMBDA * max(
                    (overlap(candidate.redundancy_tokens, c.redundancy_tokens) for c in chosen),
                    default=0.0,
                )
                key = (value, -candidate.article.id)
                if key > best_key:
                    best_index, best_key = index, key
            candidate, also = pool.pop(best_index)
            chosen.append(candidate)
            shown.append(_item(candidate, also, about))
    return shown, len(merged)


def _unshown(candidates: list[_Candidate], shown: dict[int, set[str]]) -> list[_Candidate]:
    """A section's candidates, none repeating a sentence an earlier section showed.

    A long article on several themes gives a different bullet in each section: a
    sentence it already showed is not quoted again (one that names several
    themes would otherwise lead each of them); an article left with nothing else
    to say on the theme stays out of the section.
    """
    result = []
    for candidate in candidates:
        used = shown.get(candidate.article.story_id)
        kept = candidate.without(used) if used else candidate
        if kept is not None:
            result.append(kept)
    return result


def _item(candidate: _Candidate, also: tuple[str, ...], about: bool) -> DigestItem:
    article = candidate.article
    return DigestItem(
        article_id=article.id,
        title=article.title,
        summary=candidate.summary,
        source=article.source,
        date=article.published,
        url=article.url,
        also=also,
        about=about,
        score=round(candidate.score, 4),
        quoted=candidate.quoted,
    )


def build_digest(
    db: Database,
    window: DigestWindow,
    *,
    themes: list[str] | None = None,
    per_section: int = 5,
    themes_file: Path | None = None,
    today: date | None = None,
) -> Digest:
    """The digest of ``window``: one section per theme with at least one bullet.

    ``themes`` restricts the sections (unknown keys raise KeyError naming the
    key); ``themes_file`` overrides the packaged themes (else $ICTDIGEST_THEMES).
    """
    theme_set = load_themes(themes_file).select(themes)
    matcher = theme_set.matcher
    articles = _window_articles(db, window)
    per_theme: dict[str, list[_Candidate]] = {key: [] for key in theme_set.keys}
    for article in articles:
        title = nfc(article.title)
        title_folded = fold_nfc(title)
        title_syllables = syllables(title_folded)
        sentence_syllables = [syllables(f) for f in article.folded]
        vectors = ArticleVectors(title_syllables, sentence_syllables)
        scores, firsts = _sentence_scores(
            matcher, article.texts, article.folded, sentence_syllables
        )
        if not any(scores):
            continue
        title_scores, _ = matcher.scan(title, title_folded, frozenset(title_syllables))
        candidates = _theme_candidates(article, theme_set, scores, firsts, title_scores, vectors)
        for key, candidate in candidates.items():
            per_theme[key].append(candidate)

    sections: list[DigestSection] = []
    shown: dict[int, set[str]] = {}  # per story, the sentences earlier sections quoted
    story_of = {article.id: article.story_id for article in articles}
    for theme in theme_set:
        budget = max(1, per_section)
        pool = _unshown(per_theme[theme.key], shown)
        items, total = _order(_merge_stories(pool), budget)
        if not items:
            continue
        for item in items:
            shown.setdefault(story_of[item.article_id], set()).update(item.quoted)
        sections.append(
            DigestSection(
                theme=theme.key,
                label_vi=theme.label_vi,
                label_en=theme.label_en,
                emoji=theme.emoji,
                items=tuple(items),
                more=total - len(items),
            )
        )
    return Digest(
        date=today or date.today(),
        sections=tuple(sections),
        article_ids=tuple(sorted(a.id for a in articles)),
        window=window,
    )
