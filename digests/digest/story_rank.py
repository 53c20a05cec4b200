"""Story-level decisions of a digest: which theme a story goes under, how fresh it is,
which of its outlets' sentences lead, and how many bullets a short digest shows.

Pure functions over plain values, so that each decision is unit-tested on its own;
digests/digest/select.py and story_group.py gather the values from the store and apply them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

FRESH_DAYS = 7  # an article published within this many days of the digest is "mới"
AGE_WEIGHT = 0.5  # score points lost per doubling of a story's age in months
UNDATED_AGE = 3650  # an undated story loses points as if ten years old…
UNDATED_TIER = 1000  # …and comes after every dated one
TIER_DAYS = (31, 92, 365)  # freshness buckets after the first week: month, quarter, year
TAG_SHARE = 0.25  # another theme is tagged when it scores a quarter of the best one
AGREEMENT_WEIGHT = 1.0  # score points for a sentence whose words every other outlet has
SHORT_PER_THEME = 3  # stories per theme in the short (default) digest
LONG_PER_THEME = 8  # …and in the long one a chat may choose


def is_fresh(published: date | None, today: date, days: int = FRESH_DAYS) -> bool:
    """Published, by a known date, within the last ``days`` days up to ``today``."""
    return published is not None and 0 <= (today - published).days < days


def age_penalty(published: date | None, today: date) -> float:
    """Score points a story loses for its age: none today, 0.5 at a month, 1.0 at three
    months, 2.3 at two years; an undated story loses what a ten-year-old one does."""
    age = UNDATED_AGE if published is None else max(0, (today - published).days)
    return AGE_WEIGHT * math.log2(1.0 + age / 30.0)


def age_tier(published: date | None, today: date) -> int:
    """How fresh a story is, as a bucket (smaller first): this week, this month, this
    quarter, this year, then one bucket per further year; undated stories last."""
    if published is None:
        return UNDATED_TIER
    age = max(0, (today - published).days)
    if is_fresh(published, today):
        return 0
    for tier, days in enumerate(TIER_DAYS, start=1):
        if age <= days:
            return tier
    return len(TIER_DAYS) + age // 365


def story_rank(
    published: date | None, about: bool, score: float, today: date
) -> tuple[int, int, float]:
    """Sort key of a story in its section (smaller first).

    Fresher stories come first whatever their score (this week, this month, this
    quarter, this year, then year by year), so an old one never outranks a recent
    one and an undated one comes last; within a bucket, stories about the theme before
    those that only mention it, then score less ``age_penalty``.
    """
    return (
        age_tier(published, today),
        0 if about else 1,
        -(score - age_penalty(published, today)),
    )


def best_theme(scores: Mapping[str, float], order: Sequence[str]) -> str | None:
    """The theme a story goes under: the highest score, ties to the earlier theme."""
    ranked = [key for key in order if scores.get(key, 0.0) > 0.0]
    if not ranked:
        return None
    return max(ranked, key=lambda key: (scores[key], -order.index(key)))


def theme_tags(scores: Mapping[str, float], best: str, order: Sequence[str]) -> tuple[str, ...]:
    """The other themes a story touches strongly enough to be named beside it."""
    floor = TAG_SHARE * scores.get(best, 0.0)
    return tuple(key for key in order if key != best and scores.get(key, 0.0) >= floor > 0.0)


def agreement(sentence: frozenset[str], others: Iterable[frozenset[str]]) -> float:
    """Share of a sentence's words (syllables and pairs) the other outlets also wrote,
    averaged over those outlets: what the outlets agree on scores high."""
    if not sentence:
        return 0.0
    shares = [len(sentence & other) / len(sentence) for other in others]
    return sum(shares) / len(shares) if shares else 0.0


def outlets_besides(lead: str, sources: Iterable[str]) -> tuple[str, ...]:
    """The other outlets of a story, first-seen order, without the lead or repeats."""
    seen: list[str] = []
    for source in sources:
        if source and source != lead and source not in seen:
            seen.append(source)
    return tuple(seen)


def trim_order(shown: Sequence[int]) -> int | None:
    """Which section gives up a bullet when a short digest is too long: the one
    showing the most (the later on ties), keeping at least one story per section
    for as long as any section has two; None when none can give one up."""
    best: int | None = None
    for index, count in enumerate(shown):
        if count > 1 and (best is None or count >= shown[best]):
            best = index
    if best is not None:
        return best
    for index in range(len(shown) - 1, -1, -1):
        if shown[index] > 0:
            return index
    return None
