"""An article's bullet for each theme it relates to: its sentences scored for the theme
(lists and off-topic sentences score nothing), ranked, and the one or two that open a bullet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digests.analysis.article_theme import SENTENCE_THRESHOLD, ArticleTheme, classify_article
from digests.analysis.theme_matcher import ThemeMatcher
from digests.analysis.themes import ThemeSet
from digests.digest.summarize import (
    THEME_WEIGHT,
    ArticleVectors,
    is_dangling,
    is_summary_sentence,
    join_summary,
    overlap,
    syllables,
)
from digests.digest.window import RedundancyTokens as _RedundancyTokens
from digests.digest.window import StoredArticle as _Article
from digests.textnorm import fold_nfc, nfc

ITEM_MAX_CHARS = 420  # a second sentence is added only while the summary stays this short

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
class BulletPlan:
    """An article's on-theme sentences, ranked: a bullet not yet chosen. Only the
    story's best theme gets its bullet worked out (``bullet_candidate``)."""

    article: _Article
    relation: ArticleTheme
    ranked: tuple[int, ...]
    values: dict[int, float]
    tokens: _RedundancyTokens


@dataclass
class BulletCandidate:
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


def bullet_candidate(
    article: _Article,
    relation: ArticleTheme,
    ranked: tuple[int, ...],
    values: dict[int, float],
    tokens: _RedundancyTokens,
) -> BulletCandidate | None:
    lead = _bullet_lead(article, ranked)
    if lead is None:
        return None
    best = max(values[i] for i in lead)
    return BulletCandidate(
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
) -> dict[str, BulletPlan]:
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
    result: dict[str, BulletPlan] = {}
    for key, relation, on_theme in plans:
        value = {
            i: base[i]
            + THEME_WEIGHT * min(scores[i][key], RELEVANCE_CAP)
            + topic_bonus(firsts[i].get(key), texts[i])
            for i in on_theme
        }
        ranked = tuple(sorted(on_theme, key=lambda i: (-value[i], i)))
        result[key] = BulletPlan(article, relation, ranked, value, tokens)
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


def article_bullet_plans(article: _Article, theme_set: ThemeSet) -> dict[str, BulletPlan]:
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
