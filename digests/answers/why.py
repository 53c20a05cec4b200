"""`ictdigest why ARTICLE` and `ictdigest rescore`: the relevance decision, explained.

``why`` shows, in one screen, which evidence put an article in or out of each
theme (digests/relevance.py): what counted for it, where it stood, and what
spoke against. ``rescore`` recomputes the stored scores after the themes or
relevance files change, without re-ingesting.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database

from digests.analysis import relevance
from digests.analysis.themes import load_themes
from digests.store.articles import canonical_url
from digests.store.transactions import write_transaction

SHOWN_FOR = 4  # evidence lines shown for a theme…
SHOWN_AGAINST = 2  # …and against it
_ID = re.compile(r"^#?(\d{1,18})$")


@dataclass(frozen=True)
class ThemeWhy:
    key: str
    label: str
    score: float
    about: bool  # at or above the threshold
    support: float
    against: float
    evidence_for: list[relevance.Evidence] = field(default_factory=list)
    evidence_against: list[relevance.Evidence] = field(default_factory=list)
    more: int = 0  # evidence lines left out


@dataclass(frozen=True)
class WhyReport:
    article_id: int
    title: str
    source: str
    threshold: float
    sector_outlet: bool
    themes: list[ThemeWhy]

    @property
    def sector_news(self) -> bool:
        return any(theme.about for theme in self.themes)


def find_article(db: Database, ref: str) -> int | None:
    """The id of the article ``ref`` names: its number (#12 or 12) or its URL."""
    ref = ref.strip()
    match = _ID.match(ref)
    if match:
        row = db.execute("SELECT id FROM articles WHERE id = ?", [int(match[1])]).fetchone()
    else:
        url = canonical_url(ref) if ref.startswith(("http://", "https://")) else None
        row = db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone() if url else None
    return None if row is None else int(row[0])


def explain(db: Database, article_id: int, lang: str = "vi") -> WhyReport:
    """Every theme's score for a stored article, recomputed with its evidence."""
    title, source = db.execute(
        "SELECT title, source FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    sentences = [
        (text, paragraph, bool(heading))
        for text, paragraph, heading in db.execute(
            "SELECT text, paragraph, is_heading FROM sentences WHERE article_id = ? ORDER BY idx",
            [article_id],
        )
    ]
    sector = (
        db.execute(
            "SELECT 1 FROM article_themes WHERE article_id = ? AND sector_outlet = 1 LIMIT 1",
            [article_id],
        ).fetchone()
        is not None
    )
    themes = load_themes()
    scored = relevance.score_article(title or "", sentences, sector_outlet=sector, themes=themes)
    cutoff = relevance.threshold()
    rows = []
    for theme in themes:
        result = scored[theme.key]
        ranked = sorted(result.evidence, key=lambda e: -abs(e.points))
        pros = [e for e in ranked if e.points > 0]
        cons = [e for e in ranked if e.points < 0]
        rows.append(
            ThemeWhy(
                key=theme.key,
                label=theme.label(lang),
                score=round(result.score, 1),
                about=result.score >= cutoff,
                support=round(result.support, 1),
                against=round(result.against, 1),
                evidence_for=pros[:SHOWN_FOR],
                evidence_against=cons[:SHOWN_AGAINST],
                more=max(0, len(pros) - SHOWN_FOR) + max(0, len(cons) - SHOWN_AGAINST),
            )
        )
    rows.sort(key=lambda row: -row.score)
    return WhyReport(article_id, title or "", source or "", cutoff, sector, rows)


# --------------------------------------------------------------------------- commands

HELP = {
    "why": {
        "vi": "vì sao một bài thuộc hay không thuộc từng chủ đề (số bài hoặc URL)",
        "en": "why an article is in or out of each theme (id or URL)",
    },
    "rescore": {
        "vi": "tính lại điểm chủ đề và đọc lại mục tiêu của mọi bài theo quy tắc hiện tại",
        "en": "recompute every article's theme scores and targets with today's rules",
    },
}


def register(
    parser: argparse.ArgumentParser,
    add_command: Callable[..., argparse.ArgumentParser],
    say: Callable[[str, str], str],
) -> None:
    """Add `why` and `rescore` to the corpus command line."""
    cmd = add_command(parser, "why", HELP["why"], cmd_why)
    cmd.add_argument("article", nargs="*", metavar=say("SỐ_BÀI_HOẶC_URL", "ID_OR_URL"))
    add_command(parser, "rescore", HELP["rescore"], cmd_rescore)


def cmd_why(args: argparse.Namespace) -> int:
    """Explain one article's theme decision."""
    from digests.answers.common import clean_argument
    from digests.cli_common import EXIT_FAILED, EXIT_OK, emit, lang_of, open_store

    ref = clean_argument(" ".join(args.article), what="article")
    db = open_store(args)
    article_id = find_article(db, ref)
    report = None if article_id is None else explain(db, article_id, lang_of(args))
    emit(args, "why", report, report=report, ref=ref)
    return EXIT_OK if report is not None else EXIT_FAILED


def cmd_rescore(args: argparse.Namespace) -> int:
    """Recompute every stored theme score, and re-read every target, with today's rules."""
    from digests.analysis.target_refresh import reextract_targets
    from digests.cli_common import EXIT_OK, emit, open_store

    db = open_store(args)
    with write_transaction(db):
        count = relevance.rescore(db)
        targets = reextract_targets(db)
    emit(args, "rescore", {"rescored": count, "targets": targets}, count=count, targets=targets)
    return EXIT_OK
