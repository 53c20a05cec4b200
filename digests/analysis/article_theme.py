"""How an article relates to one theme: about it, only mentioning it, or neither, decided
from its title's, sub-headings' and sentences' scores for that theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SENTENCE_THRESHOLD = 2.0  # a sentence with at least this score speaks to the theme
ABOUT_MIN_SENTENCES = 3  # …and an article with this many such sentences is about it
ABOUT_MIN_SHARE = 0.08  # …provided they are this share of its sentences
ABOUT_ANY_SHARE_SENTENCES = 6  # so many on-theme sentences make it "about" at any share


@dataclass(frozen=True)
class ArticleTheme:
    """How an article relates to one theme."""

    key: str
    score: float  # sum of its on-theme sentence scores (title counts double)
    sentences: int  # how many body sentences speak to the theme
    share: float  # …as a share of the body sentences
    in_title: bool  # the title or a sub-heading names the theme
    about: bool  # about the theme, not just mentioning it in passing


def classify_article(
    title_score: float,
    heading_scores: Sequence[float],
    sentence_scores: Sequence[float],
    *,
    key: str = "",
) -> ArticleTheme | None:
    """Decide whether an article is about a theme, mentions it, or neither (None).

    Scores are one theme's scores of the title, the sub-headings and the body
    sentences; ``key`` names the theme in the result.
    """
    on_theme = [s for s in sentence_scores if s >= SENTENCE_THRESHOLD]
    if not on_theme:
        return None
    in_title = title_score >= SENTENCE_THRESHOLD or any(
        s >= SENTENCE_THRESHOLD for s in heading_scores
    )
    share = len(on_theme) / max(1, len(sentence_scores))
    about = (
        in_title
        or (len(on_theme) >= ABOUT_MIN_SENTENCES and share >= ABOUT_MIN_SHARE)
        or len(on_theme) >= ABOUT_ANY_SHARE_SENTENCES
    )
    return ArticleTheme(
        key=key,
        score=sum(on_theme) + 2 * title_score,
        sentences=len(on_theme),
        share=share,
        in_title=in_title,
        about=about,
    )
