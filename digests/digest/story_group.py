"""A digest's stories: the window's articles grouped by story, each story's bullet chosen
across its outlets' articles, and its place in a section (decisions in story_rank.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from digests.digest import story_rank
from digests.digest.bullets import BulletCandidate, BulletPlan, bullet_candidate
from digests.digest.summarize import features
from digests.digest.window import DigestItem, Tag
from digests.digest.window import StoredArticle as _Article

MENTION_FACTOR = 0.5  # an article that only mentions a theme counts half toward it


def article_themes(candidates: dict[str, BulletPlan]) -> dict[str, float]:
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
class GroupedStory:
    articles: list[_Article]  # oldest id first
    candidates: dict[int, dict[str, BulletPlan]]  # per article, its ranked sentences per theme
    scores: dict[str, float]  # per theme, the sum of its articles' article_themes


def group_stories(
    articles: list[_Article],
    candidates: dict[int, dict[str, BulletPlan]],
    relevance: dict[int, dict[str, float]] | None = None,
) -> list[GroupedStory]:
    """The window's articles with a bullet, grouped by story, in order of first article.

    A story's score per theme sums its articles' stored ``relevance`` scores when given
    (how much each article is about the theme), else their ``article_themes``."""
    grouped: dict[int, GroupedStory] = {}
    for article in sorted(articles, key=lambda a: a.id):
        own = candidates.get(article.id)
        story = grouped.setdefault(article.story_id, GroupedStory([], {}, {}))
        story.articles.append(article)
        if own:
            story.candidates[article.id] = own
            if relevance is None:
                weights = article_themes(own)
            else:
                stored = relevance.get(article.id, {})
                weights = {key: stored.get(key, 0.0) for key in own}
            for key, value in weights.items():
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


def _agreed(candidate: BulletCandidate, others: list[frozenset[str]]) -> BulletCandidate:
    """The candidate re-ranked with the words the other outlets share counting up."""
    values = {
        i: value + story_rank.AGREEMENT_WEIGHT * story_rank.agreement(candidate.tokens[i], others)
        for i, value in candidate.values.items()
    }
    ranked = tuple(sorted(values, key=lambda i: (-values[i], i)))
    agreed = bullet_candidate(
        candidate.article, candidate.relation, ranked, values, candidate.tokens
    )
    return agreed or candidate


def _story_bullet(story: GroupedStory, theme: str) -> BulletCandidate | None:
    """The story's best bullet on ``theme`` among its outlets' articles.

    With several articles, each sentence gains for the words the other articles
    also have, so the bullet tells what the outlets agree on, whichever leads.
    """
    plans = [own[theme] for own in story.candidates.values() if theme in own]
    pool = [
        found
        for plan in plans
        if (
            found := bullet_candidate(
                plan.article, plan.relation, plan.ranked, plan.values, plan.tokens
            )
        )
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
class PlacedStory:
    """A story's place in its section, and its bullet once it is worked out."""

    rank: tuple[int, int, float]
    article_id: int
    bullet: BulletCandidate
    story: GroupedStory
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


def place_story(
    story: GroupedStory, theme: str, tags: tuple[Tag, ...], today: date
) -> PlacedStory | None:
    """The story's place under ``theme`` (None: no sentence of the story can open a
    bullet on the theme)."""
    bullet = _story_bullet(story, theme)
    if bullet is None:
        return None
    newest = max((a.published for a in story.articles if a.published), default=None)
    about = any(own[theme].relation.about for own in story.candidates.values() if theme in own)
    rank = story_rank.story_rank(newest, about, bullet.score, today)
    return PlacedStory(rank, bullet.article.id, bullet, story, theme, tags)
