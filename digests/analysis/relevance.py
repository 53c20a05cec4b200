"""Relevance: how much each theme is what an article is about, scored at ingest.

A theme word somewhere in an article does not make the article sector news: a
celebrity's rumour "trên mạng xã hội" or a war report naming "tên lửa" and
"vệ tinh" are not. The score of an article for a theme adds up distinct pieces
of evidence, each weighted by where it stands (headline, lead, early body, deep
body) and by what it is: a theme term (digests/data/themes.toml), one of the
sector's organisations acting, or one of its events (digests/data/relevance.toml).
What speaks against (a celebrity, a match, a war, a court case…) divides the
score. The score is stored per (article, theme) in ``article_themes``; the
threshold is applied when reading, so it changes without re-ingesting, and
``rescore`` recomputes every stored score after the data files change.

Rule-based on purpose: every point can be shown by ``ictdigest why``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlite_utils import Database

from digests.analysis.theme_matcher import ThemeMatcher
from digests.analysis.themes import Theme, ThemeSet, load_themes, make_theme
from digests.model import Analysis, CleanArticle
from digests.textnorm import fold_nfc, nfc

ZONES = ("title", "lead", "early", "deep")
LEAD_SENTENCES = 2  # without a paragraph break, the lead is the first two sentences
EARLY_SENTENCES = 5  # …and the next five are still "early"
SPREAD_POINTS = 3.0  # points for a theme spoken to by many body sentences…
SPREAD_FULL_SHARE = 0.25  # …reached when this share of sentences speak to it
SPREAD_MIN_SCORE = 2.0  # a sentence speaks to a theme at this term weight (as in themes)
EVENT_CAP = 6.0  # events and organisations support the terms; they never outweigh them


@dataclass(frozen=True)
class Evidence:
    """One distinct piece of evidence for (or against) a theme, at its best place."""

    kind: str  # "term", "organisation", "event", "spread", "against:<why>", "outlet"
    text: str  # the phrase as written in the article (or a figure for spread/outlet)
    zone: str  # title, lead, early, deep (or "" for whole-article evidence)
    points: float


@dataclass(frozen=True)
class ThemeRelevance:
    """An article's score for one theme, with the evidence that made it."""

    theme: str
    score: float
    support: float  # points for the theme before what speaks against it
    against: float  # weighted points speaking against
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Rules:
    threshold: float
    sector_outlet_factor: float
    zones: Mapping[str, float]
    extras: Mapping[str, tuple[Theme, Theme]]  # per theme: (organisations, events)
    term_weights: Mapping[str, Mapping[str, float]]  # per theme: its terms re-weighted
    against: Mapping[str, Theme]  # per kind of off-theme subject
    damping: float
    damping_titled: float


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """The packaged relevance rules (digests/data/relevance.toml)."""
    text = resources.files("digests").joinpath("data/relevance.toml").read_text(encoding="utf-8")
    return parse_rules(tomllib.loads(text))


def parse_rules(data: Mapping[str, Any]) -> Rules:
    zones = {zone: float(data["zones"][zone]) for zone in ZONES}
    extras = {
        key: (
            make_theme(f"{key}:org", key, key, "", raw.get("organisations", {})),
            make_theme(f"{key}:event", key, key, "", raw.get("events", {})),
        )
        for key, raw in data.get("theme", {}).items()
    }
    term_weights = {
        key: {str(t): float(w) for t, w in raw.get("terms", {}).items()}
        for key, raw in data.get("theme", {}).items()
    }
    against_raw = dict(data.get("against", {}))
    damping = float(against_raw.pop("damping", 6.0))
    damping_titled = float(against_raw.pop("damping_titled", 18.0))
    exclude = [str(e) for e in against_raw.pop("exclude", [])]
    against = {
        kind: make_theme(kind, kind, kind, "", terms, exclude)
        for kind, terms in against_raw.items()
    }
    return Rules(
        threshold=float(data["threshold"]),
        sector_outlet_factor=float(data.get("sector_outlet_factor", 1.0)),
        zones=zones,
        extras=extras,
        term_weights=term_weights,
        against=against,
        damping=damping,
        damping_titled=damping_titled,
    )


def threshold() -> float:
    """The one threshold: a theme whose score reaches it is what the article is about."""
    return load_rules().threshold


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Zoned:
    """An article cut for scoring: its passages with their zones and scan hits."""

    texts: tuple[str, ...]  # the headline, then every sentence
    folded: tuple[str, ...]
    zones: tuple[str, ...]  # the zone of each passage
    hits: tuple[Mapping[str, float], ...]  # per passage: matcher key -> score there
    order: tuple[int, ...]  # passage indexes, best zone first
    body: tuple[int, ...]  # indexes of body sentences (not the title, not sub-headings)


def _all_matchers(themes: ThemeSet, rules: Rules) -> list[Theme]:
    extras = [m for pair in rules.extras.values() for m in pair]
    return [*themes, *extras, *rules.against.values()]


_PREPARED: dict[tuple[int, int], tuple[ThemeSet, Rules, ThemeSet, ThemeMatcher]] = {}


def _prepared(themes: ThemeSet, rules: Rules) -> tuple[ThemeSet, ThemeMatcher]:
    """The themes with the relevance term weights applied, and one fast scan over every
    matcher (themes.ThemeMatcher) telling which have a hit in a zone: only those are run
    for their phrases. Kept per (themes, rules) loaded."""
    key = (id(themes), id(rules))
    cached = _PREPARED.get(key)
    if cached is None or cached[0] is not themes or cached[1] is not rules:
        if len(_PREPARED) > 8:
            _PREPARED.clear()
        weighted = ThemeSet(tuple(_reweighted(t, rules.term_weights.get(t.key)) for t in themes))
        matcher = ThemeMatcher(_all_matchers(weighted, rules))
        cached = _PREPARED[key] = (themes, rules, weighted, matcher)
    return cached[2], cached[3]


def _reweighted(theme: Theme, weights: Mapping[str, float] | None) -> Theme:
    """``theme`` with some term weights replaced for relevance (0 drops a term)."""
    if not weights:
        return theme
    replaced = {fold_nfc(nfc(term)) for term in weights}
    terms = {t: w for t, w in theme.terms.items() if fold_nfc(nfc(t)) not in replaced}
    terms.update({t: w for t, w in weights.items() if w > 0})
    return make_theme(theme.key, theme.label_vi, theme.label_en, theme.emoji, terms, theme.exclude)


def zoned(title: str, sentences: Sequence[tuple[str, int, bool]], matcher: ThemeMatcher) -> Zoned:
    """The headline and the sentences (text, paragraph, is_heading) by zone.

    The lead is the first paragraph (up to four sentences), or the first two
    sentences when the text has no breaks; the next five sentences are early;
    sub-headings count as early. One fast scan (themes.ThemeMatcher) over every
    passage tells which matchers have a hit where: only those are run for phrases.
    """
    texts, zones = [nfc(title)], ["title"]
    body: list[int] = []
    first_paragraph = next((p for _, p, heading in sentences if not heading), None)
    for text, paragraph, is_heading in sentences:
        index = len(body)
        if is_heading:
            zone = "early" if index < LEAD_SENTENCES + EARLY_SENTENCES else "deep"
        elif index < LEAD_SENTENCES or (
            paragraph == first_paragraph and index < 2 * LEAD_SENTENCES
        ):
            zone = "lead"
        elif index < LEAD_SENTENCES + EARLY_SENTENCES:
            zone = "early"
        else:
            zone = "deep"
        if not is_heading:
            body.append(len(texts))
        texts.append(nfc(text))
        zones.append(zone)
    folded = [fold_nfc(text) for text in texts]
    hits, _ = matcher.scan_sentences(texts, folded)
    rank = {zone: n for n, zone in enumerate(ZONES)}
    order = sorted(range(len(texts)), key=lambda i: (rank[zones[i]], i))
    return Zoned(tuple(texts), tuple(folded), tuple(zones), tuple(hits), tuple(order), tuple(body))


def _best(
    matcher: Theme, article: Zoned, zones: Mapping[str, float]
) -> dict[str, tuple[float, str, str]]:
    """Per distinct phrase: (weight × best zone weight, zone, phrase as written)."""
    found: dict[str, tuple[float, str, str]] = {}
    key = matcher.key
    for i in article.order:  # best zone first: a phrase keeps its first (best) place
        if key not in article.hits[i]:
            continue
        text, folded, zone = article.texts[i], article.folded[i], article.zones[i]
        for term, weight in matcher.matches(text, folded).items():
            if term not in found:
                found[term] = (weight * zones[zone], zone, _as_written(text, folded, term))
    return found


def _as_written(text: str, folded: str, term: str) -> str:
    start = folded.find(term)
    if start < 0:
        start = text.find(term)
    return text[start : start + len(term)] if start >= 0 else term


def against_evidence(article: Zoned, rules: Rules) -> tuple[Evidence, ...]:
    """What speaks against any theme being the subject (a celebrity, a match…)."""
    return tuple(
        Evidence(f"against:{kind}", text, zone, -points)
        for kind, matcher in rules.against.items()
        for points, zone, text in _best(matcher, article, rules.zones).values()
    )


def score_theme(
    theme: Theme,
    article: Zoned,
    rules: Rules,
    against_found: Sequence[Evidence] = (),
) -> ThemeRelevance:
    """One theme's relevance, given what speaks against any theme in the article."""
    zones = rules.zones
    terms = _best(theme, article, zones)
    evidence = [Evidence("term", text, zone, points) for points, zone, text in terms.values()]
    support = sum(points for points, _, _ in terms.values())
    if terms:
        extra = 0.0
        organisations, events = rules.extras.get(theme.key, (None, None))
        for kind, matcher in (("organisation", organisations), ("event", events)):
            if matcher is None:
                continue
            for key, (points, zone, text) in _best(matcher, article, zones).items():
                if key in terms:
                    continue  # already counted as a theme term
                evidence.append(Evidence(kind, text, zone, points))
                extra += points
        support += min(extra, EVENT_CAP)
        speaking = sum(
            1 for i in article.body if article.hits[i].get(theme.key, 0) >= SPREAD_MIN_SCORE
        )
        if speaking:
            share = speaking / max(1, len(article.body))
            spread = SPREAD_POINTS * min(1.0, share / SPREAD_FULL_SHARE)
            evidence.append(Evidence("spread", f"{speaking}/{len(article.body)}", "", spread))
            support += spread
    against = 0.0
    if support > 0:
        evidence += against_found
        against = -sum(e.points for e in against_found)
    # The headline names the theme by one strong term: the network, the platform or the
    # press is the subject, and what speaks against weighs less.
    titled = any(p >= 3 * zones["title"] for p, zone, _ in terms.values() if zone == "title")
    damping = rules.damping_titled if titled else rules.damping
    score = support / (1.0 + against / damping)
    return ThemeRelevance(theme.key, round(score, 3), round(support, 3), against, tuple(evidence))


def score_article(
    title: str,
    sentences: Sequence[tuple[str, int, bool]],
    *,
    sector_outlet: bool = False,
    themes: ThemeSet | None = None,
    rules: Rules | None = None,
) -> dict[str, ThemeRelevance]:
    """Every theme's relevance for an article given as its title and sentences."""
    rules = rules or load_rules()
    themes, matcher = _prepared(themes or load_themes(), rules)
    article = zoned(title, sentences, matcher)
    against = against_evidence(article, rules)
    result = {}
    for theme in themes:
        relevance = score_theme(theme, article, rules, against)
        if sector_outlet and relevance.score > 0:
            factor = rules.sector_outlet_factor
            relevance = ThemeRelevance(
                relevance.theme,
                round(relevance.score * factor, 3),
                relevance.support,
                relevance.against,
                (*relevance.evidence, Evidence("outlet", f"×{factor:g}", "", 0.0)),
            )
        result[theme.key] = relevance
    return result


def theme_scores(
    article: CleanArticle, analysis: Analysis, *, sector_outlet: bool = False
) -> dict[str, float]:
    """The scores stored at ingest: every theme, zero included."""
    sentences = [(s.text, s.paragraph, s.is_heading) for s in analysis.sentences]
    scored = score_article(article.title, sentences, sector_outlet=sector_outlet)
    return {key: relevance.score for key, relevance in scored.items()}


# --------------------------------------------------------------------------- the store

ARTICLE_THEMES_SQL = (
    "CREATE TABLE IF NOT EXISTS article_themes ("
    " article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,"
    " theme TEXT NOT NULL,"
    " score REAL NOT NULL,"
    " sector_outlet INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (article_id, theme)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS article_themes_theme ON article_themes (theme, score, article_id)",
)


def write_scores(
    db: Database, article_id: int, scores: Mapping[str, float], sector_outlet: bool
) -> None:
    """Store an article's scores (inside the caller's transaction)."""
    db.conn.executemany(
        "INSERT OR REPLACE INTO article_themes (article_id, theme, score, sector_outlet) "
        "VALUES (?, ?, ?, ?)",
        [(article_id, key, float(score), int(sector_outlet)) for key, score in scores.items()],
    )


def all_scores_of(db: Database, article_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    """Every stored score of these articles, below the threshold too."""
    ids = sorted(set(article_ids))
    result: dict[int, dict[str, float]] = {i: {} for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = db.execute(
            f"SELECT article_id, theme, score FROM article_themes WHERE article_id IN ({marks})",
            chunk,
        ).fetchall()
        for article_id, theme, score in rows:
            result[article_id][theme] = float(score)
    return result


def themes_of(
    db: Database,
    article_ids: Iterable[int],
    *,
    cutoff: float | None = None,
    themes: ThemeSet | None = None,
) -> dict[int, dict[str, float]]:
    """Per article, the themes it is about (score at or above the threshold) with scores.

    Articles about no theme map to an empty dict: stored and searchable, but never
    in a digest, an alert or a theme's count. A theme of ``themes`` with no stored
    score (an operator's new theme) is scored now from the stored sentences.
    """
    limit = threshold() if cutoff is None else cutoff
    scores = all_scores_of(db, article_ids)
    if themes is not None:
        _score_missing(db, scores, themes)
    return {
        article_id: {k: v for k, v in found.items() if v >= limit}
        for article_id, found in scores.items()
    }


def _score_missing(db: Database, scores: dict[int, dict[str, float]], themes: ThemeSet) -> None:
    """Fill in, without storing, the themes that have no stored score yet."""
    missing = {i for i, found in scores.items() if any(k not in found for k in themes.keys)}
    if not missing:
        return
    rules = load_rules()
    for article_id, (title, sentences, sector) in _stored_articles(db, sorted(missing)).items():
        wanted = ThemeSet(tuple(t for t in themes if t.key not in scores[article_id]))
        scored = score_article(title, sentences, sector_outlet=sector, themes=wanted, rules=rules)
        scores[article_id].update({k: r.score for k, r in scored.items()})


def _stored_articles(
    db: Database, ids: Sequence[int]
) -> dict[int, tuple[str, list[tuple[str, int, bool]], bool]]:
    """Title, sentences and sector-outlet mark of stored articles, read in chunks."""
    result: dict[int, tuple[str, list[tuple[str, int, bool]], bool]] = {}
    for start in range(0, len(ids), 200):
        chunk = list(ids[start : start + 200])
        marks = ", ".join("?" for _ in chunk)
        titles = dict(
            db.execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", chunk).fetchall()
        )
        sector = {
            row[0]
            for row in db.execute(
                "SELECT DISTINCT article_id FROM article_themes "
                f"WHERE sector_outlet = 1 AND article_id IN ({marks})",
                chunk,
            )
        }
        sentences: dict[int, list[tuple[str, int, bool]]] = {i: [] for i in titles}
        for article_id, text, paragraph, heading in db.execute(
            "SELECT article_id, text, paragraph, is_heading FROM sentences "
            f"WHERE article_id IN ({marks}) ORDER BY article_id, idx",
            chunk,
        ):
            sentences[article_id].append((text, paragraph, bool(heading)))
        for article_id, title in titles.items():
            result[article_id] = (title or "", sentences[article_id], article_id in sector)
    return result


def is_sector_news(scores: Mapping[str, float], *, cutoff: float | None = None) -> bool:
    """True when an article's stored scores put it in at least one theme."""
    limit = threshold() if cutoff is None else cutoff
    return any(score >= limit for score in scores.values())


def rescore(db: Database, article_ids: Iterable[int] | None = None) -> int:
    """Recompute stored scores from stored titles and sentences; returns how many.

    Used by the migration that adds the table (old stores) and by `ictdigest rescore`
    after the themes or relevance files change. An article keeps its sector-outlet mark.
    """
    if article_ids is None:
        ids = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id")]
    else:
        ids = sorted(set(article_ids))
    themes, rules = load_themes(), load_rules()
    for article_id, (title, sentences, sector) in _stored_articles(db, ids).items():
        scored = score_article(title, sentences, sector_outlet=sector, themes=themes, rules=rules)
        db.execute("DELETE FROM article_themes WHERE article_id = ?", [article_id])
        write_scores(db, article_id, {k: r.score for k, r in scored.items()}, sector)
    return len(ids)
