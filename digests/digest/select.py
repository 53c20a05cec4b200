"""Build a story-first digest from the store: which stories, which sentences, what order.

Each story (``articles.story_id``: one event, however many outlets told it)
appears once per digest, under the theme it is most about (``article_themes``
decides an article's themes; a story sums its articles'), with the other themes
it touches strongly as tags. Its bullet is one headline and one or two sentences
that make sense alone, chosen across all its outlets' articles (what they agree
on scores higher), crediting the other outlets in ``also``. Fresh dated stories
lead their section; stories *about* a theme come before those that mention it.
The decisions on plain values live in digests/digest/story_rank.py; an article's
bullets are chosen in bullets.py, and stories grouped and placed in story_group.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlite_utils import Database

from digests.analysis import relevance
from digests.analysis.themes import ThemeSet, load_themes
from digests.digest import story_rank
from digests.digest.bullets import BulletPlan, article_bullet_plans
from digests.digest.story_group import PlacedStory, group_stories, place_story
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
from digests.digest.window import StoredArticle as _Article
from digests.digest.window import window_articles as _window_articles

__all__ = [  # the digest's values live in digest_window.py; callers import them from here
    "FIRST_DAYS",
    "FIRST_FALLBACK",
    "Coverage",
    "Digest",
    "DigestItem",
    "DigestSection",
    "DigestWindow",
    "Tag",
    "build_digest",
    "coverage_of",
    "window_for_chat",
]


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
    candidates, about = _candidates_about(db, articles, theme_set)
    order = list(theme_set.keys)
    tag_of = {t.key: Tag(t.key, t.emoji, t.label_vi, t.label_en) for t in theme_set}
    ranked: dict[str, list[PlacedStory]] = {k: [] for k in order}
    for story in group_stories(articles, candidates, about):
        scores = dict(story.scores)
        while (key := story_rank.best_theme(scores, order)) is not None:
            tags = tuple(tag_of[k] for k in story_rank.theme_tags(story.scores, key, order))
            placed = place_story(story, key, tags, today)
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
    plans, about = _candidates_about(db, articles, theme_set)
    counts = dict.fromkeys(theme_set.keys, 0)
    for story in group_stories(articles, plans, about):
        for key, score in story.scores.items():
            counts[key] += score > 0
    return counts


def _candidates_about(
    db: Database, articles: list[_Article], theme_set: ThemeSet
) -> tuple[dict[int, dict[str, BulletPlan]], dict[int, dict[str, float]]]:
    """Each article's bullets for the themes it is about (empty articles left out), and
    those themes' relevance scores, which place its story.

    "About" is the stored relevance score at or above the threshold
    (``relevance.themes_of``): a theme word in passing puts nothing in a digest or a
    theme's count.
    """
    about = relevance.themes_of(db, [article.id for article in articles], themes=theme_set)
    found: dict[int, dict[str, BulletPlan]] = {}
    for article in articles:
        keys = about.get(article.id)
        if not keys:
            continue
        plans = article_bullet_plans(article, theme_set)
        if own := {key: plan for key, plan in plans.items() if key in keys}:
            found[article.id] = own
    return found, about
