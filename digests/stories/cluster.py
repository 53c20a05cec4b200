"""Which story a new article belongs to: scores against candidates, and the decision.

An article joins the story of the most similar earlier article found through the
candidate index when their :func:`score` reaches ``SAME_STORY``; otherwise it
starts a story of its own.  The score is the body's TF-IDF cosine plus smaller
weights for a similar headline, shared figures with units and shared
organisations or people.  Two dated articles more than ``DATE_WINDOW`` days apart
are never one story: the same company announcing something else a week later is
another event, however alike the wording.

Thresholds and weights were fixed on the multi-outlet dev set (see
docs/notes/helper-stories.md), never on the seeds.

The store never imports this module: ingest builds an :class:`ArticleStory` for
each article and hands it to ``articles.save_article``, which asks it for its index
keys and profile and lets it choose among the candidates the store found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, KeysView, Sequence
from functools import cached_property
from typing import Protocol

from digests.model import Analysis, CleanArticle
from digests.stories import signals
from digests.textnorm import fold_nfc, words

SAME_STORY = 0.40  # score at which two articles are one story (dev sets: see notes)
TITLE_WEIGHT = 0.1
FIGURE_WEIGHT = 0.05  # per shared figure with unit, at most FIGURES_COUNTED of them
FIGURES_COUNTED = 2
ENTITY_WEIGHT = 0.05  # times the shared share of the smaller set of names
DATE_WINDOW = 3  # days; dated articles further apart are different events


class Candidate(Protocol):
    """An earlier article the store found through the index (see store.StoryCandidate)."""

    @property
    def story_id(self) -> int: ...

    @property
    def profile(self) -> bytes: ...


def score(a: signals.StoryProfile, b: signals.Comparable) -> float:
    """How strongly two articles look like one event told twice; 0 when dates forbid."""
    if a.day is not None and b.day is not None and abs((a.day - b.day).days) > DATE_WINDOW:
        return 0.0
    shared_figures = min(len(a.figures & b.figures), FIGURES_COUNTED)
    # Two accounts of one event repeat its figures; both giving figures and sharing none
    # speaks for two events.
    figure_term = FIGURE_WEIGHT * shared_figures
    if not shared_figures and a.figures and b.figures:
        figure_term = -FIGURE_WEIGHT * FIGURES_COUNTED
    return (
        b.body_cosine(a.body)
        + TITLE_WEIGHT * b.title_cosine(a.title)
        + figure_term
        + ENTITY_WEIGHT * signals.overlap(a.entities, b.entities)
    )


def choose_story(
    new: signals.StoryProfile, candidates: Iterable[tuple[int, signals.Comparable]]
) -> int | None:
    """The story id of the best candidate that reaches ``SAME_STORY``, else None."""
    best_story, best_score = None, SAME_STORY
    for story_id, candidate in candidates:
        value = score(new, candidate)
        if value >= best_score:
            best_story, best_score = story_id, value
    return best_story


def entities_of(analysis: Analysis) -> set[str]:
    """Organisations by key and people by folded name: who the article is about."""
    found = {f"org:{m.org_key}" for m in analysis.mentions}
    found.update(f"person:{' '.join(words(p.name))}" for p in analysis.people)
    return found


class StoryIndex:
    """The word statistics one ingest run decides with (see :class:`signals.Frequencies`):
    loaded from the store when the run starts and extended with every article the run
    adds; the store writes the same counts to disk in batches
    (``search_index.index_pending_search``)."""

    def __init__(self, counts: dict[str, int], docs: int) -> None:
        self.frequencies = signals.Frequencies(counts, docs)

    def story_for(self, article: CleanArticle, analysis: Analysis) -> ArticleStory:
        return ArticleStory(article, analysis, self)

    def learn(self, story: ArticleStory) -> None:
        """Count a newly added article's words."""
        self.frequencies.add(story.words)


class ArticleStory:
    """One article's side of the story decision, computed only if the store asks."""

    def __init__(self, article: CleanArticle, analysis: Analysis, index: StoryIndex) -> None:
        self.article = article
        self.analysis = analysis
        self.index = index

    @cached_property
    def folded_body(self) -> str:
        """The body folded (stored text is NFC); the store uses it too."""
        return fold_nfc(self.article.body)

    @cached_property
    def _title_words(self) -> list[str]:
        return signals.folded_words(fold_nfc(self.article.title))

    @cached_property
    def _counts(self) -> Counter[str]:
        counts = Counter(self._title_words)
        counts.update(signals.folded_words(self.folded_body))
        return counts

    @property
    def words(self) -> KeysView[str]:
        """Its distinct folded words: what document frequencies count."""
        return self._counts.keys()

    @cached_property
    def profile(self) -> signals.StoryProfile:
        article = self.article
        return signals.profile(
            self._title_words,
            self._counts,
            folded_body=self.folded_body,
            entities=entities_of(self.analysis),
            day=article.published if article.date_known else None,
            frequencies=self.index.frequencies,
        )

    def keys(self) -> Sequence[str]:
        return self.profile.keys

    def blob(self) -> bytes:
        return signals.to_blob(self.profile)

    def choose(self, candidates: Sequence[Candidate]) -> int | None:
        return choose_story(
            self.profile, ((c.story_id, signals.from_blob(c.profile)) for c in candidates)
        )
