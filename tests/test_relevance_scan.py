"""Relevance scoring at ingest is cheap and decides exactly as before.

digests/analysis/relevance_scan.py finds every matcher's terms in every passage at
once; the reference is each matcher's own regex, passage by passage (Theme.matches),
which is how relevance scored before. The scores written inline were recorded with
that per-passage implementation, before the scan replaced it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pytest

from bench.eval_data import eval_file
from digests.analysis import relevance
from digests.analysis.analyse import analyse
from digests.analysis.relevance_scan import PassageScanner
from digests.analysis.themes import Theme, ThemeSet, load_themes, make_theme
from digests.model import RawDocument
from digests.sources.clean import clean_document
from tests.digest_helpers import SEED_META, load_labels

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ROOT / "bench" / "data" / "relevance-extra.jsonl"
_DEV = eval_file("vietnews-ict-val.jsonl")
DEV_SET = _DEV if _DEV.exists() else None

Sentences = list[tuple[str, int, bool]]

# Per seed (its labelled sentences, seed 001 as from a sector outlet) and per own text
# (bench/data/relevance-extra.jsonl, a paragraph a sentence): per theme (score, support,
# against, pieces of evidence), as the per-passage implementation gave them.
SEED_SCORES = {
    "000": {
        "postal": (19.356, 22.259, 0.9, 11),
        "telecom": (16.15, 18.573, 0.9, 14),
        "ai": (6.987, 8.035, 0.9, 12),
        "cybersecurity": (10.389, 11.947, 0.9, 12),
        "press": (53.333, 61.332, 0.9, 28),
    },
    "001": {
        "postal": (1.989, 1.243, 0, 3),
        "telecom": (53.634, 33.521, 0, 19),
        "ai": (9.006, 5.629, 0, 6),
        "cybersecurity": (2.709, 1.693, 0, 4),
        "press": (2.469, 1.543, 0, 5),
    },
    # Seed 002 names "Tập đoàn Công nghiệp - Viễn thông Quân đội" (Viettel): its
    # "Quân đội" once counted as war; the name is masked now, so nothing speaks against.
    "002": {
        "postal": (11.141, 11.141, 0, 5),
        "telecom": (30.0, 30.0, 0, 32),
        "ai": (3.307, 3.307, 0, 5),
        "cybersecurity": (3.171, 3.171, 0, 5),
        "press": (34.148, 34.148, 0, 19),
    },
    "003": {
        "postal": (16.455, 16.455, 0, 7),
        "telecom": (12.255, 12.255, 0, 14),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "004": {
        "postal": (17.214, 17.214, 0, 10),
        "telecom": (19.726, 19.726, 0, 16),
        "ai": (1.707, 1.707, 0, 4),
        "cybersecurity": (2.814, 2.814, 0, 7),
        "press": (12.428, 12.428, 0, 9),
    },
}
OWN_SCORES = {
    "x01": {
        "postal": (56.0, 56.0, 0, 10),
        "telecom": (0.0, 0, 0.0, 0),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "x02": {
        "postal": (39.0, 39.0, 0, 9),
        "telecom": (9.0, 9.0, 0, 2),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "x03": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (0.0, 0, 0.0, 0),
        "ai": (28.421, 30.0, 1.0, 8),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "x04": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (0.0, 0, 0.0, 0),
        "ai": (15.429, 18.0, 3.0, 4),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "x05": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (0.0, 0, 0.0, 0),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (3.857, 9.0, 8.0, 4),
    },
    "x06": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (0.0, 0, 0.0, 0),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (3.923, 17.0, 20.0, 9),
    },
    "x07": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (2.857, 10.0, 15.0, 7),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "x08": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (0.0, 0, 0.0, 0),
        "ai": (6.0, 12.0, 18.0, 7),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "x09": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (39.0, 39.0, 0, 10),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (0.0, 0, 0.0, 0),
    },
    "x10": {
        "postal": (0.0, 0, 0.0, 0),
        "telecom": (0.0, 0, 0.0, 0),
        "ai": (0.0, 0, 0.0, 0),
        "cybersecurity": (0.0, 0, 0.0, 0),
        "press": (1.615, 7.0, 20.0, 7),
    },
}


def _seed(seed: str) -> tuple[str, Sentences]:
    labels = [label for label in load_labels() if label.seed == seed and not label.junk]
    return SEED_META[seed][0], [
        (label.sentence, i, label.heading) for i, label in enumerate(labels)
    ]


def _own_texts() -> Iterator[tuple[str, str, Sentences]]:
    for line in EXTRA.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        paragraphs = record["body"].split("\n\n")
        yield record["id"], record["title"], [(p, i, False) for i, p in enumerate(paragraphs)]


def _summary(scored: dict[str, relevance.ThemeRelevance]) -> dict[str, tuple[float, ...]]:
    return {
        key: (r.score, r.support, round(r.against, 6), len(r.evidence)) for key, r in scored.items()
    }


@pytest.mark.parametrize("seed", sorted(SEED_SCORES))
def test_seed_scores_are_as_before(seed: str) -> None:
    title, sentences = _seed(seed)
    scored = relevance.score_article(title, sentences, sector_outlet=seed == "001")
    assert _summary(scored) == SEED_SCORES[seed]


def test_own_texts_score_as_before() -> None:
    found = {
        key: _summary(relevance.score_article(title, sentences))
        for key, title, sentences in _own_texts()
    }
    assert found == OWN_SCORES


# ------------------------------------------------------------------ the scan vs each regex


def _by_each_regex(
    matchers: Sequence[Theme], texts: Sequence[str]
) -> list[list[tuple[int, list[tuple[str, float]]]]]:
    """The reference: per matcher, (passage, its terms in Theme.matches order) where it scores."""
    result = []
    for matcher in matchers:
        found = [(i, matcher.matches(text)) for i, text in enumerate(texts)]
        result.append([(i, list(terms.items())) for i, terms in found if sum(terms.values()) > 0])
    return result


def _by_scan(
    scanner: PassageScanner, texts: Sequence[str], folded_tail: str | None = None
) -> list[list[tuple[int, list[tuple[str, float]]]]]:
    scanned = scanner.scan(texts, folded_tail)
    return [
        [(i, list(per_passage[i].items())) for i in sorted(per_passage)]
        for per_passage in scanned.found
    ]


def _relevance_scanner() -> tuple[list[Theme], PassageScanner]:
    prepared = relevance._prepared(load_themes(), relevance.load_rules())
    return list(prepared.scanner.matchers), prepared.scanner


OVERLAPPING = [
    make_theme("cables", "c", "c", "", {"cáp quang": 1, "cáp quang biển": 3, "AAG": 2, "C++": 1}),
    make_theme("sea", "s", "s", "", {"quang biển": 1, "biển": 0.5, "cáp": 0}),
    make_theme("news", "n", "n", "", {"tin": 1, "tin giả": 2, "TT&TT": 1, "Bộ TT&TT": 2, "IS": 1}),
    make_theme(
        "post", "p", "p", "", {"bưu chính": 2, "C++": 1, "VNPT": 1}, ["bưu chính viễn thông"]
    ),
]
TRICKY = [
    "Sự cố đứt Cáp quang biển AAG kéo dài; cáp quang nội hạt vẫn ổn.",
    "Tuyến aag và cáp quangbiển chưa sửa, ISIS và IS khác nhau.",
    "Đường cáp",
    "quang biển đẹp.",
    "Tin giả về Bộ TT&TT lan nhanh; tin thật thì không, TT&TT-VNPT.",
    "Tập đoàn Bưu chính Viễn thông (VNPT) và ngành bưu chính, C++bưu chính viễn thông.",
    "C++ bưu chính",
    "",
    "biển",
]


@pytest.mark.parametrize(
    "texts",
    [TRICKY, TRICKY[::-1], ["Tiêu đề", "một câu có\x00ký tự lạ", "bưu chính"], ["Chỉ tiêu đề"]],
    ids=["tricky", "reversed", "separator-in-a-passage", "title-only"],
)
def test_scan_finds_what_each_matchers_regex_finds(texts: list[str]) -> None:
    scanner = PassageScanner(OVERLAPPING)
    assert _by_scan(scanner, texts) == _by_each_regex(OVERLAPPING, texts)


def test_a_term_spanning_the_separator_never_matches_across_passages() -> None:
    spanning = [*OVERLAPPING, make_theme("odd", "o", "o", "", {"đường cáp\x00quang": 1})]
    scanner = PassageScanner(spanning)
    assert _by_scan(scanner, TRICKY) == _by_each_regex(spanning, TRICKY)
    assert _by_scan(scanner, TRICKY)[-1] == []


def test_scan_of_tricky_texts_keeps_each_matchers_longest_match() -> None:
    cables, sea, news, post = _by_scan(PassageScanner(OVERLAPPING), TRICKY)
    assert cables == [
        (0, [("cap quang bien", 3.0), ("cap quang", 1.0), ("AAG", 2.0)]),
        (6, [("C++", 1.0)]),  # not in "C++bưu": no whole word
    ]
    # its own longest match inside "cáp quang biển"; a weight of 0 counts only beside others
    assert sea == [
        (0, [("cap", 0.0), ("quang bien", 1.0)]),
        (3, [("quang bien", 1.0)]),  # no term spans two passages ("Đường cáp" | "quang biển")
        (8, [("bien", 0.5)]),
    ]
    assert news == [
        (1, [("IS", 1.0)]),  # not inside "ISIS"; "aag" is not "AAG"
        (4, [("tin gia", 2.0), ("bo tt&tt", 2.0), ("tin", 1.0), ("TT&TT", 1.0)]),
    ]
    # "bưu chính" inside the excluded "bưu chính viễn thông" does not count; masking it
    # leaves "C++" a whole word
    assert post == [
        (4, [("VNPT", 1.0)]),
        (5, [("buu chinh", 2.0), ("VNPT", 1.0), ("C++", 1.0)]),
        (6, [("buu chinh", 2.0), ("C++", 1.0)]),
    ]


@lru_cache(maxsize=1)
def _corpus() -> tuple[tuple[str, str, Sentences, str | None], ...]:
    """(name, title, sentences, analyse's folded sentences) of the seeds, the own texts
    and the dev set when present, through the real pipeline (clean, analyse)."""
    rows = [
        (path.stem[:3], None, path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "seeds").glob("*.txt"))
    ]
    for line in EXTRA.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        rows.append((record["id"], record["title"], record["body"]))
    if DEV_SET is not None:
        for line in DEV_SET.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            body = f"{record['summary']}\n\n{record['body']}"
            rows.append((str(record["id"]), record["title"], body))
    corpus = []
    for name, title, text in rows:
        document = RawDocument(
            origin=f"dev/{name}.txt",
            source="dev",
            raw=f"{title}\n\n{text}" if title else text,
            kind="text",
            title_hint=title,
            date_hint=datetime(2024, 1, 1),
        )
        article = clean_document(document)
        analysis = analyse(article)
        sentences = [(s.text, s.paragraph, s.is_heading) for s in analysis.sentences]
        corpus.append((name, article.title, sentences, analysis.folded))
    return tuple(corpus)


def test_scan_agrees_with_each_regex_on_the_seeds_and_own_texts() -> None:
    matchers, scanner = _relevance_scanner()
    for name, title, sentences, folded in _corpus()[:15]:
        texts = [title, *(text for text, _, _ in sentences)]
        reference = _by_each_regex(matchers, texts)
        assert _by_scan(scanner, texts) == reference, name
        assert _by_scan(scanner, texts, folded) == reference, name  # analyse's fold reused


def test_every_score_and_piece_of_evidence_is_as_with_each_regex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whole results (what `ictdigest why` shows) against scoring without the scan, on
    the seeds, the own texts and the dev set (../shared/eval, read when present)."""
    fast = {
        name: relevance.score_article(
            title, sentences, sector_outlet=n % 2 == 0, folded_sentences=folded
        )
        for n, (name, title, sentences, folded) in enumerate(_corpus())
    }
    prepared = relevance._prepared

    def each_regex(themes: ThemeSet, rules: relevance.Rules) -> relevance._Prepared:
        return dataclasses.replace(prepared(themes, rules), index={})  # no matcher scanned

    monkeypatch.setattr(relevance, "_prepared", each_regex)
    for n, (name, title, sentences, _) in enumerate(_corpus()):
        slow = relevance.score_article(title, sentences, sector_outlet=n % 2 == 0)
        assert fast[name] == slow, name
        unexplained = relevance.score_article(
            title, sentences, sector_outlet=n % 2 == 0, explain=False
        )
        assert {k: (r.score, r.support, r.against) for k, r in unexplained.items()} == {
            k: (r.score, r.support, r.against) for k, r in slow.items()
        }, name
    assert len(fast) > 15 or DEV_SET is None
