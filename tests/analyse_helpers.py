"""Seed articles as CleanArticles for the analyse tests, without the cleaning step.

Each non-empty line of a seed is a paragraph; the publication dates are the
ones printed in (or, for seed 001, implied by) the seeds themselves.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from digests.model import CleanArticle

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PUBLISHED = {
    "000": date(2024, 1, 30),
    "001": date(2024, 11, 28),
    "002": date(2022, 10, 17),
    "003": date(2020, 7, 6),
    "004": date(2023, 3, 22),
}


def seed_text(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def seed_article(number: str) -> CleanArticle:
    lines = [line.strip() for line in seed_text(number).splitlines() if line.strip()]
    return CleanArticle(
        title=lines[0],
        published=PUBLISHED[number],
        published_at=None,
        paragraphs=tuple(lines),
    )
