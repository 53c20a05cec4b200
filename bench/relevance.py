"""Relevance: is an article sector news, and of which theme? Beside today's keyword matcher.

Dev set: every article of ../shared/eval/vietnews-ict-val.jsonl (274 real articles, each
naming three or more ICT terms, many of them general news) read and labelled by hand in
bench/data/relevance-labels.tsv, plus short texts of our own (bench/data/relevance-extra.jsonl)
for cases the set lacks. Articles go through the real pipeline (clean → analyse → relevance
→ store). The rules were tuned looking at errors of half A only (every other id); half B is
held out and reported on its own.

Baseline, same run: the keyword decision the digest used before relevance (an article is in
a theme when one of its body sentences speaks to it: themes.classify_article via
select._theme_candidates). Speed: ingest with relevance against ingest without it, and
scoring alone (relevance.theme_scores on articles cleaned and analysed beforehand) against
scoring as it was before the one-pass scan (bench.relevance.PreviousScanner).
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

from bench.eval_data import eval_file

ROOT = Path(__file__).resolve().parent.parent
EVAL = eval_file("vietnews-ict-val.jsonl")
LABELS = ROOT / "bench" / "data" / "relevance-labels.tsv"
EXTRA = ROOT / "bench" / "data" / "relevance-extra.jsonl"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_labels() -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("id\t"):
            continue
        article_id, themes, _why = line.split("\t", 2)
        labels[article_id] = set() if themes == "-" else set(themes.split(","))
    return labels


def load_articles() -> list[dict[str, Any]]:
    """The dev set's articles (title, text), the real ones and our own."""
    rows = []
    if EVAL.exists():
        for line in EVAL.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = f"{record['summary']}\n\n{record['body']}"
            rows.append({"id": record["id"], "title": record["title"], "text": text})
    for line in EXTRA.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        rows.append({"id": record["id"], "title": record["title"], "text": record["body"]})
    return rows


def _document(row: dict[str, Any]) -> Any:
    from digests.model import RawDocument

    return RawDocument(
        origin=f"dev/{row['id']}.txt",
        source="dev",
        raw=f"{row['title']}\n\n{row['text']}",
        kind="text",
        title_hint=row["title"],
        date_hint=datetime(2024, 1, 1),
    )


def ingest_all(db: Any, rows: list[dict[str, Any]]) -> tuple[dict[str, int], float]:
    """Store every row through the real pipeline; (dev id -> article id, CPU seconds)."""
    from digests.ingest import ingest_document

    ids: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:  # warm up: registry, themes, regexes
        from digests.store.connection import open_db

        ingest_document(open_db(Path(folder) / "warm.db"), _document(rows[0]))
    start = time.process_time()  # a shared machine: time waiting for a core left out
    for row in rows:
        ingest_document(db, _document(row))
    elapsed = time.process_time() - start
    for origin, article_id in db.execute("SELECT origin, id FROM articles"):
        ids[Path(origin).stem] = int(article_id)
    return ids, elapsed


@contextmanager
def relevance_off() -> Iterator[None]:
    """Today's keyword matcher: every theme counts as relevant, nothing is scored."""
    from digests.analysis import relevance

    def every_theme(db: Any, article_ids: Any, **_: Any) -> dict[int, dict[str, float]]:
        return {
            int(i): {"postal": 1, "telecom": 1, "ai": 1, "cybersecurity": 1, "press": 1}
            for i in article_ids
        }

    with (
        mock.patch.object(relevance, "themes_of", every_theme),
        mock.patch.object(relevance, "theme_scores", lambda *a, **k: {}),
    ):
        yield


def keyword_themes(db: Any, article_id: int) -> set[str]:
    """The themes the old digest put an article in (a body sentence speaks to it)."""
    from digests.analysis.themes import load_themes
    from digests.digest.bullets import _sentence_scores, _theme_candidates
    from digests.digest.select import DigestWindow, _window_articles
    from digests.digest.summarize import ArticleVectors, syllables
    from digests.textnorm import fold_nfc, nfc

    theme_set = load_themes()
    matcher = theme_set.matcher
    window = DigestWindow(after_article_id=article_id - 1, latest=None)
    article = next(a for a in _window_articles(db, window) if a.id == article_id)
    title = nfc(article.title)
    title_folded = fold_nfc(title)
    sentence_syllables = [syllables(f) for f in article.folded]
    vectors = ArticleVectors(syllables(title_folded), sentence_syllables)
    scores, firsts = _sentence_scores(matcher, article.texts, article.folded, sentence_syllables)
    if not any(scores):
        return set()
    title_scores, _ = matcher.scan(title, title_folded, frozenset(syllables(title_folded)))
    return set(_theme_candidates(article, theme_set, scores, firsts, title_scores, vectors))


def measure(
    decided: dict[str, set[str]], labels: dict[str, set[str]], ids: list[str]
) -> dict[str, Any]:
    tp = fp = fn = 0
    per: dict[str, list[int]] = {}
    for key in ids:
        pred, gold = decided.get(key, set()), labels[key]
        if pred and gold:
            tp += 1
        elif pred:
            fp += 1
        elif gold:
            fn += 1
        for theme in pred:
            counts = per.setdefault(theme, [0, 0])
            counts[0] += theme in gold
            counts[1] += 1
    return {
        "precision": tp / max(1, tp + fp),
        "recall": tp / max(1, tp + fn),
        "per_theme": per,
    }


def digest_off_topic(
    db: Any, by_article: dict[int, str], labels: dict[str, set[str]]
) -> tuple[int, int, list[str]]:
    """Off-topic items in the default digest (5 per theme) over the dev set."""
    from digests.digest.select import DigestWindow, build_digest

    digest = build_digest(db, DigestWindow(), per_section=5)
    bad, total, examples = 0, 0, []
    for section in digest.sections:
        for item in section.items:
            total += 1
            if section.theme not in labels.get(by_article.get(item.article_id, ""), set()):
                bad += 1
                examples.append(f"{section.theme}: {item.title[:60]}")
    return bad, total, examples


class PreviousScanner:
    """Relevance's scan as it was before the one-pass scan, for the baseline: each
    passage folded, themes.ThemeMatcher on every passage, then the regex of each
    matcher it found there."""

    def __init__(self, matchers: Any) -> None:
        from digests.analysis.themes import ThemeMatcher

        self.matchers = matchers
        self.matcher = ThemeMatcher(matchers)

    def scan(self, texts: Any, folded_tail: Any = None) -> Any:
        from digests.analysis.relevance_scan import SEPARATOR, ScannedArticle
        from digests.textnorm import fold_nfc

        folded = [fold_nfc(text) for text in texts]
        hits, _ = self.matcher.scan_sentences(texts, folded)
        found: list[dict[int, Any]] = [{} for _ in self.matchers]
        for i, hit in enumerate(hits):
            for index, matcher in enumerate(self.matchers):
                if matcher.key in hit:
                    found[index][i] = matcher.matches(texts[i], folded[i])
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + 1
        joined = SEPARATOR.join(texts)
        return ScannedArticle(tuple(texts), joined, SEPARATOR.join(folded), tuple(starts), found)


def scoring_speed(rows: list[dict[str, Any]], runs: int) -> tuple[list[float], list[float]]:
    """ms per article of relevance scoring alone, as at ingest now and as before (the
    previous scan, every piece of evidence spelled out); runs alternate. CPU time of
    this process: on a shared machine, time spent waiting for a core is left out."""
    from digests.analysis import relevance
    from digests.analysis.analyse import analyse
    from digests.sources.clean import clean_document

    analysed = []
    for row in rows:
        article = clean_document(_document(row))
        analysis = analyse(article)
        sentences = [(s.text, s.paragraph, s.is_heading) for s in analysis.sentences]
        analysed.append((article, analysis, sentences))

    def now() -> float:
        start = time.process_time()
        for article, analysis, _ in analysed:
            relevance.theme_scores(article, analysis)
        return (time.process_time() - start) / max(1, len(analysed)) * 1000

    def before() -> float:
        start = time.process_time()
        for article, _, sentences in analysed:
            scored = relevance.score_article(article.title, sentences)
            {key: r.score for key, r in scored.items()}
        return (time.process_time() - start) / max(1, len(analysed)) * 1000

    prepared = relevance._prepared
    previous: dict[int, Any] = {}

    def previous_scan(themes: Any, rules: Any) -> Any:
        current = prepared(themes, rules)
        if id(current) not in previous:
            previous[id(current)] = PreviousScanner(current.scanner.matchers)
        return dataclasses.replace(current, scanner=previous[id(current)])

    now()  # warm up: rules, themes, regexes
    fast, slow = [], []
    for _ in range(runs):
        fast.append(now())
        with mock.patch.object(relevance, "_prepared", previous_scan):
            slow.append(before())
    return fast, slow


def run(quick: bool = False) -> str:
    from digests.analysis import relevance
    from digests.store.connection import open_db

    labels = load_labels()
    labels.update(
        {
            record["id"]: set(record["themes"])
            for record in map(json.loads, EXTRA.read_text(encoding="utf-8").splitlines())
        }
    )
    rows = [row for row in load_articles() if row["id"] in labels]
    if quick:
        rows = rows[:60]
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "on.db")
        ids, seconds_on = ingest_all(db, rows)
        by_article = {v: k for k, v in ids.items()}
        about = relevance.themes_of(db, ids.values())
        ours = {key: set(about[aid]) for key, aid in ids.items()}
        ours_digest = digest_off_topic(db, by_article, labels)
        old = {key: keyword_themes(db, aid) for key, aid in ids.items()}
        start = time.process_time()
        rescored = relevance.rescore(db)  # scoring alone, from stored sentences
        seconds_scoring = time.process_time() - start
        with relevance_off():
            old_digest = digest_off_topic(db, by_article, labels)
        # Ingest cost: runs without and with relevance alternate; medians.
        runs_on, runs_off = [seconds_on], []
        for run_number in range(1 if quick else 3):
            with relevance_off():
                off_db = open_db(Path(folder) / f"off{run_number}.db")
                runs_off.append(ingest_all(off_db, rows)[1])
            on_db = open_db(Path(folder) / f"on{run_number}.db")
            runs_on.append(ingest_all(on_db, rows)[1])
        seconds_on, seconds_off = statistics.median(runs_on), statistics.median(runs_off)
    fast, slow = scoring_speed(rows, 2 if quick else 5)
    real = sorted(k for k in ids if not k.startswith("x"))
    halves = {
        "A (tuned on)": real[0::2],
        "B (held out)": real[1::2],
        "all real": real,
        "own texts": sorted(k for k in ids if k.startswith("x")),
    }
    lines = [
        "## Relevance: sector news and its themes",
        "",
        f"Dev set: {len(real)} real articles (vietnews-ict-val, hand-labelled: "
        f"{sum(1 for k in real if labels[k])} sector news) and "
        f"{len(halves['own texts'])} own texts. Threshold {relevance.threshold():g}. "
        "Baseline: the keyword decision the digest used before.",
        "",
        "| articles | relevance P | R | keyword P | R | P ratio |",
        "|---|---|---|---|---|---|",
    ]
    for name, keys in halves.items():
        if not keys:
            continue
        a, b = measure(ours, labels, keys), measure(old, labels, keys)
        ratio = a["precision"] / b["precision"] if b["precision"] else float("nan")
        lines.append(
            f"| {name} ({len(keys)}) | {a['precision']:.2f} | {a['recall']:.2f} | "
            f"{b['precision']:.2f} | {b['recall']:.2f} | {ratio:.2f}x |"
        )
    lines += [
        "",
        "Per-theme precision (all real articles): relevance vs keyword",
        "",
        "| theme | relevance | keyword |",
        "|---|---|---|",
    ]
    a, b = measure(ours, labels, real), measure(old, labels, real)
    for theme in ("postal", "telecom", "ai", "cybersecurity", "press"):
        good_a, all_a = a["per_theme"].get(theme, [0, 0])
        good_b, all_b = b["per_theme"].get(theme, [0, 0])
        lines.append(
            f"| {theme} | {good_a}/{all_a} = {good_a / max(1, all_a):.2f} | "
            f"{good_b}/{all_b} = {good_b / max(1, all_b):.2f} |"
        )
    bad, total, examples = ours_digest
    old_bad, old_total, _ = old_digest
    lines += [
        "",
        f"Default digest over the dev set (5 items per theme): off-topic items {bad} of {total} "
        f"with relevance, {old_bad} of {old_total} with the keyword matcher (target ≤ 1 in 20).",
    ]
    if examples:
        lines += ["", "Off-topic items left: " + "; ".join(examples[:5])]
    per_on = seconds_on / max(1, len(rows)) * 1000
    per_off = seconds_off / max(1, len(rows)) * 1000
    lines += [
        "",
        "Ingest cost per article (clean, analyse, relevance, store; CPU time, median of "
        f"{len(runs_on)} and {len(runs_off)} alternating runs): {per_on:.2f} ms with relevance, "
        f"{per_off:.2f} ms without ({per_on / per_off:.2f}x; +{per_on - per_off:.2f} ms). "
        f"Scoring alone (`rescore`, from stored sentences, with its writes): "
        f"{seconds_scoring / max(1, rescored) * 1000:.2f} ms per article.",
        "",
        "Relevance scoring alone (`theme_scores` on the analysed articles, CPU time, "
        f"median of {len(fast)} runs): {statistics.median(fast):.3f} ms per article "
        f"(fastest run {min(fast):.3f} ms); as before (each sentence folded and scanned by "
        "themes.ThemeMatcher, then each matcher found there by its regex, evidence spelled "
        f"out) {statistics.median(slow):.3f} ms (fastest {min(slow):.3f} ms) "
        f"({statistics.median(slow) / statistics.median(fast):.1f}x slower). "
        "CPU time: other work on a shared machine does not count.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
