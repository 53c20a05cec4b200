"""Build a story-first digest from the store: which stories, which sentences, what order.

Each story (``articles.story_id``: one event, however many outlets told it)
appears once per digest, under the theme it is most about (``article_themes``
decides an article's themes; a story sums its articles'), with the other themes
it touches strongly as tags. Its bullet is one headline and one or two sentences
that make sense alone, chosen across all its outlets' articles (what they agree
on scores higher), crediting the other outlets in ``also``. Fresh dated stories
lead their section; stories *about* a theme come before those that mention it.
The decisions on plain values live in digests/story_rank.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from digests.analysis import relevance
from digests.analysis.article_theme import SENTENCE_THRESHOLD, ArticleTheme, classify_article
from digests.analysis.theme_matcher import ThemeMatcher
from digests.analysis.themes import ThemeSet, load_themes
from digests.digest import story_rank
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
from digests.digest.window import (
    FIRST_DAYS,
    FIRST_FALLBACK,
    Coverage,
    Digest,
    DigestItem,
    DigestSection,
    DigestWindow,
    Tag,
    coverage_of,
    window_for_chat,
)
from digests.digest.window import RedundancyTokens as _RedundancyTokens
from digests.digest.window import StoredArticle as _Article
from digests.digest.window import window_articles as _window_articles
from digests.textnorm import fold_nfc, nfc

__all__ = [  # the digest's values live in digest_window.py; callers import them from here
    "FIRST_DAYS",
    "FIRST_FALLBACK",
    "Coverage",
    "Digest",
    "DigestItem",
    "DigestSection",
    "DigestWindow",
    "Tag",
    "article_themes",
    "build_digest",
    "coverage_of",
    "is_enumeration",
    "window_for_chat",
]

ITEM_MAX_CHARS = 420  # a second sentence is added only while the summary stays this short
MENTION_FACTOR = 0.5  # an article that only mentions a theme counts half toward it

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


@dataclass(frozen=True)
class _Plan:
    """An article's on-theme sentences, ranked: a bullet not yet chosen. Only the
    story's best theme gets its bullet worked out (``_candidate``)."""

    article: _Article
    relation: ArticleTheme
    ranked: tuple[int, ...]
    values: dict[int, float]
    tokens: _RedundancyTokens


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
        """The chosen sentences as shown, a speaker named once where a quote needs one."""
        parts: list[tuple[int, str]] = []
        named: str | None = None
        for i in self.chosen:
            text = self.article.texts[i]
            if self.article.needs_speaker(i) and self.article.speaker(i) not in (None, named):
                named = self.article.speaker(i)
                text = self.article.shown_text(i)
            parts.append((i, text))
        return join_summary(parts)


def _bullet_lead(article: _Article, ranked: Sequence[int]) -> tuple[int, ...] | None:
    """The best sentence that can open a bullet, or a referring-back sentence together
    with the on-theme sentence it leans on; None when there is neither."""
    on_theme = set(ranked)
    for i in ranked:
        if article.stands_alone(i):
            return (i,)
        if (
            is_dangling(article.texts[i])
            and i - 1 in on_theme
            and len(article.texts[i - 1]) + len(article.texts[i]) < ITEM_MAX_CHARS
            and article.stands_alone(i - 1)
        ):
            return (i - 1, i)
    return None


def _complete_bullet(
    article: _Article, ranked: Sequence[int], lead: tuple[int, ...], tokens: _RedundancyTokens
) -> tuple[int, ...]:
    """The lead plus, if it is alone, the next best sentence that fits and adds something.

    A referring-back sentence joins only right after the sentence it leans on; a
    quotation or directive only when its speaker is known.
    """
    if len(lead) > 1:
        return lead
    (first,) = lead
    for i in ranked:
        if i == first or (article.refers_back(i) and i - 1 != first):
            continue
        if article.needs_speaker(i) and article.speaker(i) is None:
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
) -> dict[str, _Plan]:
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
    result: dict[str, _Plan] = {}
    for key, relation, on_theme in plans:
        value = {
            i: base[i]
            + THEME_WEIGHT * min(scores[i][key], RELEVANCE_CAP)
            + topic_bonus(firsts[i].get(key), texts[i])
            for i in on_theme
        }
        ranked = tuple(sorted(on_theme, key=lambda i: (-value[i], i)))
        result[key] = _Plan(article, relation, ranked, value, tokens)
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


def article_themes(candidates: dict[str, _Plan]) -> dict[str, float]:
    """How strongly one article is about each theme it has a bullet for.

    The one place an article's themes are decided (a stored relevance score per
    article and theme can replace it): the sum of its on-theme sentence scores,
    halved when the article only mentions the theme.
    """
    return {
        key: candidate.relation.score * (1.0 if candidate.relation.about else MENTION_FACTOR)
        for key, candidate in candidates.items()
    }


@dataclass
class _Story:
    articles: list[_Article]  # oldest id first
    candidates: dict[int, dict[str, _Plan]]  # per article, its ranked sentences per theme
    scores: dict[str, float]  # per theme, the sum of its articles' article_themes


def _stories(articles: list[_Article], candidates: dict[int, dict[str, _Plan]]) -> list[_Story]:
    """The window's articles with a bullet, grouped by story, in order of first article."""
    grouped: dict[int, _Story] = {}
    for article in sorted(articles, key=lambda a: a.id):
        own = candidates.get(article.id)
        story = grouped.setdefault(article.story_id, _Story([], {}, {}))
        story.articles.append(article)
        if own:
            story.candidates[article.id] = own
            for key, value in article_themes(own).items():
                story.scores[key] = story.scores.get(key, 0.0) + value
    return [story for story in grouped.values() if story.candidates]


def _vocabulary(article: _Article) -> frozenset[str]:
    """Every syllable and syllable pair of an article's body."""
    return frozenset(
        token
        for text, folded, heading in zip(
            article.texts, article.folded, article.headings, strict=True
        )
        if not heading
        for token in features(text, folded)
    )


def _agreed(candidate: _Candidate, others: list[frozenset[str]]) -> _Candidate:
    """The candidate re-ranked with the words the other outlets share counting up."""
    values = {
        i: value + story_rank.AGREEMENT_WEIGHT * story_rank.agreement(candidate.tokens[i], others)
        for i, value in candidate.values.items()
    }
    ranked = tuple(sorted(values, key=lambda i: (-values[i], i)))
    agreed = _candidate(candidate.article, candidate.relation, ranked, values, candidate.tokens)
    return agreed or candidate


def _story_bullet(story: _Story, theme: str) -> _Candidate | None:
    """The story's best bullet on ``theme`` among its outlets' articles.

    With several articles, each sentence gains for the words the other articles
    also have, so the bullet tells what the outlets agree on, whichever leads.
    """
    plans = [own[theme] for own in story.candidates.values() if theme in own]
    pool = [
        found
        for plan in plans
        if (found := _candidate(plan.article, plan.relation, plan.ranked, plan.values, plan.tokens))
    ]
    if not pool:
        return None
    if len(story.articles) > 1:
        vocabularies = {article.id: _vocabulary(article) for article in story.articles}
        pool = [
            _agreed(c, [v for aid, v in vocabularies.items() if aid != c.article.id]) for c in pool
        ]
    return min(pool, key=lambda c: (-c.score, c.article.id))


@dataclass(frozen=True)
class _Placed:
    """A story's place in its section, and its bullet once it is worked out."""

    rank: tuple[int, int, float]
    article_id: int
    bullet: _Candidate
    story: _Story
    theme: str
    tags: tuple[Tag, ...]

    def item(self, *, summary: bool = True) -> DigestItem:
        """The bullet; without ``summary`` only what counting and paging marks need."""
        bullet, story = self.bullet, self.story
        lead = bullet.article
        return DigestItem(
            article_id=lead.id,
            title=lead.title,
            summary=bullet.summary if summary else "",
            source=lead.source,
            date=lead.published,
            url=lead.url,
            also=story_rank.outlets_besides(lead.source, (a.source for a in story.articles)),
            about=self.rank[1] == 0,
            score=round(bullet.score, 4),
            quoted=bullet.quoted if summary else (),
            tags=self.tags,
            story_id=lead.story_id,
        )


def _story_item(story: _Story, theme: str, tags: tuple[Tag, ...], today: date) -> _Placed | None:
    """The story's place under ``theme`` (None: no sentence of the story can open a
    bullet on the theme)."""
    bullet = _story_bullet(story, theme)
    if bullet is None:
        return None
    newest = max((a.published for a in story.articles if a.published), default=None)
    about = any(own[theme].relation.about for own in story.candidates.values() if theme in own)
    rank = story_rank.story_rank(newest, about, bullet.score, today)
    return _Placed(rank, bullet.article.id, bullet, story, theme, tags)


def build_digest(
    db: Database,
    window: DigestWindow,
    *,
    themes: list[str] | None = None,
    per_section: int | None = None,
    themes_file: Path | None = None,
    today: date | None = None,
) -> Digest:
    """The digest of ``window``: one section per theme with at least one story.

    Every story appears once, under its best theme among ``themes`` (unknown keys
    raise KeyError naming the key). ``per_section`` bullets are shown per section
    and the others kept in ``rest`` without their summaries, which are worked out
    only for bullets shown (None: all shown, all worked out). ``themes_file`` overrides
    the packaged themes (else $ICTDIGEST_THEMES).
    """
    today = today or date.today()
    theme_set = load_themes(themes_file).select(themes)
    articles = _window_articles(db, window)
    candidates = _candidates_about(db, articles, theme_set)
    order = list(theme_set.keys)
    tag_of = {t.key: Tag(t.key, t.emoji, t.label_vi, t.label_en) for t in theme_set}
    ranked: dict[str, list[_Placed]] = {k: [] for k in order}
    for story in _stories(articles, candidates):
        scores = dict(story.scores)
        while (key := story_rank.best_theme(scores, order)) is not None:
            tags = tuple(tag_of[k] for k in story_rank.theme_tags(story.scores, key, order))
            placed = _story_item(story, key, tags, today)
            if placed is not None:
                ranked[key].append(placed)
                break
            scores.pop(key)  # nothing quotable on it: the next best theme
    sections = []
    for theme in theme_set:
        ordered = sorted(ranked[theme.key], key=lambda p: (p.rank, p.article_id))
        if not ordered:
            continue
        shown = len(ordered) if per_section is None else max(1, per_section)
        items = [p.item(summary=index < shown) for index, p in enumerate(ordered)]
        sections.append(
            DigestSection(
                theme=theme.key,
                label_vi=theme.label_vi,
                label_en=theme.label_en,
                emoji=theme.emoji,
                items=tuple(items[:shown]),
                more=max(0, len(items) - shown),
                rest=tuple(items[shown:]),
            )
        )
    return Digest(
        date=today,
        sections=tuple(sections),
        article_ids=tuple(sorted(a.id for a in articles)),
        window=window,
        coverage=coverage_of([a.published for a in articles], today),
    )


def stories_by_theme(
    db: Database, window: DigestWindow, *, themes_file: Path | None = None
) -> dict[str, int]:
    """How many of the window's stories touch each theme (a story may count under
    several): what a reader choosing themes wants to know, unlike the digest, which
    places each story once."""
    theme_set = load_themes(themes_file)
    articles = _window_articles(db, window)
    plans = _candidates_about(db, articles, theme_set)
    counts = dict.fromkeys(theme_set.keys, 0)
    for story in _stories(articles, plans):
        for key, score in story.scores.items():
            counts[key] += score > 0
    return counts


def _candidates_about(
    db: Database, articles: list[_Article], theme_set: ThemeSet
) -> dict[int, dict[str, _Plan]]:
    """Each article's bullets for the themes it is about (empty articles left out).

    "About" is the stored relevance score at or above the threshold
    (``relevance.themes_of``): a theme word in passing puts nothing in a digest or a
    theme's count.
    """
    about = relevance.themes_of(db, [article.id for article in articles], themes=theme_set)
    found: dict[int, dict[str, _Plan]] = {}
    for article in articles:
        keys = about.get(article.id)
        if not keys:
            continue
        plans = _article_candidates(article, theme_set)
        if own := {key: plan for key, plan in plans.items() if key in keys}:
            found[article.id] = own
    return found


def _article_candidates(article: _Article, theme_set: ThemeSet) -> dict[str, _Plan]:
    """The article's bullet for each theme it relates to (empty: none)."""
    matcher = theme_set.matcher
    title = nfc(article.title)
    title_folded = fold_nfc(title)
    title_syllables = syllables(title_folded)
    sentence_syllables = [syllables(f) for f in article.folded]
    vectors = ArticleVectors(title_syllables, sentence_syllables)
    scores, firsts = _sentence_scores(matcher, article.texts, article.folded, sentence_syllables)
    if not any(scores):
        return {}
    title_scores, _ = matcher.scan(title, title_folded, frozenset(title_syllables))
    return _theme_candidates(article, theme_set, scores, firsts, title_scores, vectors)
