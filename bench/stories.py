"""Stories across outlets: pairwise same-story precision, recall and F1 on the dev set.

The dev set (`../shared/eval/vims-stories.jsonl`: real Vietnamese news, 60 stories
told by several outlets, undated, not ICT) is written out as one text file per
article and ingested by the product's own path (`ingest`: clean → analyse →
store, story decided at ingest against the candidates the store's index finds).
Each article's ``story_id`` is then compared with the gold story over all pairs.

Beside it, in the same run, the method before this change: MinHash over word
5-grams (`digests/stories.py`), 12 bands of 3, the 5 candidates sharing most bands
verified at estimated Jaccard ≥ 0.5, on the same cleaned articles.

Cost: the store step (one article's transaction, story decision included) timed
per article with stories on and with no story decision at all, on the same
articles; and the old signature + band keys, which was its story work.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bench.eval_data import eval_file

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEV = eval_file("vims-stories.jsonl")
TODAY = date(2016, 12, 31)  # the dev set's articles are from 2016; bounds year guesses
TARGET_P = TARGET_F1 = 0.90
_WORD = re.compile(r"\w+")


def load_dev(path: Path = DEV) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_files(rows: Sequence[dict[str, str]], folder: Path) -> None:
    """One text file per article, paragraphs as the product reads a .txt file."""
    for row in rows:
        paragraphs = [line.strip() for line in row["body"].split("\n") if line.strip()]
        (folder / f"{row['id']}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")


def pairwise(labels: dict[str, object], gold: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 of "same story" over every pair of gold articles;
    an article the product did not store counts as a story of its own."""
    ids = sorted(gold)
    predicted = {i: labels.get(i, ("missing", i)) for i in ids}
    tp = fp = fn = 0
    for n, a in enumerate(ids):
        for b in ids[n + 1 :]:
            same, truly = predicted[a] == predicted[b], gold[a] == gold[b]
            tp += same and truly
            fp += same and not truly
            fn += truly and not same
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def product_stories(rows: Sequence[dict[str, str]]) -> tuple[dict[str, object], int]:
    """Ingest the dev set as files into a fresh store; each article's story by file id."""
    from digests.ingest import ingest
    from digests.store.connection import open_db

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dev"
        folder.mkdir()
        write_files(rows, folder)
        db = open_db(Path(tmp) / "dev.db")
        report = ingest(db, [str(folder)], today=TODAY)
        labels: dict[str, object] = {
            Path(origin).stem: story
            for origin, story in db.execute("SELECT origin, story_id FROM articles")
        }
        db.conn.close()
    return labels, report.failed


def cleaned(rows: Sequence[dict[str, str]]) -> list[tuple[str, object, object]]:
    """(id, document, cleaned article) for every dev article the cleaner accepts."""
    from digests.model import BadItem, RawDocument
    from digests.sources.clean import clean_document

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_files(rows, folder)
        for row in rows:
            path = folder / f"{row['id']}.txt"
            doc = RawDocument(str(path), path.name, path.read_text(encoding="utf-8"), "text")
            try:
                out.append((row["id"], doc, clean_document(doc, today=TODAY)))
            except BadItem:
                continue
    return out


def minhash_stories(articles: Sequence[tuple[str, object, object]]) -> dict[str, object]:
    """The method before this change, in memory: 5-gram MinHash, LSH bands, top-5 verified."""
    from digests.stories import minhash as stories
    from digests.textnorm import fold

    bands: dict[int, list[int]] = {}
    signatures: list[stories.Signature | None] = []
    story_of: list[int] = []
    labels: dict[str, object] = {}
    for n, (article_id, _doc, article) in enumerate(articles):
        sig = stories.signature(_WORD.findall(fold(article.body)))  # type: ignore[attr-defined]
        keys = stories.band_keys(sig) if sig is not None else []
        shared = Counter(m for key in keys for m in bands.get(key, [])[-64:])
        best, best_score = n, 0.0
        for m, _count in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
            other = signatures[m]
            score = stories.similarity(sig, other) if sig and other else 0.0
            if score >= stories.SAME_STORY and score > best_score:
                best, best_score = story_of[m], score
        for key in keys:
            bands.setdefault(key, []).append(n)
        signatures.append(sig)
        story_of.append(best)
        labels[article_id] = best
    return labels


def store_step_ms(articles: Sequence[tuple[str, object, object]]) -> dict[str, float]:
    """Mean CPU time of the store step per article (ms), best of three interleaved rounds
    (the machine may be shared): with stories on, and with no story decision at all; and
    the old method's own story work (5-gram signature and band keys, no SQL)."""
    from digests.analysis.analyse import analyse
    from digests.ingest import store_article, story_index
    from digests.store.articles import save_article
    from digests.store.connection import bulk_writes, open_db
    from digests.stories import minhash as stories
    from digests.textnorm import fold

    analysed = [(doc, article, analyse(article)) for _id, doc, article in articles]  # type: ignore[arg-type]
    result: dict[str, float] = {}
    for mode in ("none", "stories") * 3:
        with tempfile.TemporaryDirectory() as tmp:
            db = open_db(Path(tmp) / "cost.db")
            started = time.process_time()
            with bulk_writes(db):
                index = story_index(db)
                for doc, article, analysis in analysed:
                    if mode == "stories":
                        store_article(db, doc, article, analysis, index)  # type: ignore[arg-type]
                    else:
                        save_article(db, doc, article, analysis)  # type: ignore[arg-type]
            spent = time.process_time() - started
            db.conn.close()
        ms = spent * 1000 / len(analysed)
        result[mode] = min(result.get(mode, ms), ms)
    best = float("inf")
    for _round in range(3):
        started = time.process_time()
        for _doc, article, _analysis in analysed:
            sig = stories.signature(_WORD.findall(fold(article.body)))  # type: ignore[attr-defined]
            if sig is not None:
                stories.band_keys(sig)
        best = min(best, time.process_time() - started)
    result["minhash_work"] = best * 1000 / len(analysed)
    return result


def run(quick: bool = False) -> str:
    if not DEV.exists():
        return "## Stories across outlets\n\nDev set not found; skipped.\n"
    rows = load_dev()
    gold = {row["id"]: row["story"] for row in rows}
    labels, failed = product_stories(rows)
    ours = pairwise(labels, gold)
    articles = cleaned(rows)
    before = pairwise(minhash_stories(articles), gold)
    cost = store_step_ms(articles)
    pairs = sum(n * (n - 1) // 2 for n in Counter(gold.values()).values())
    stories_found = len(set(labels.values()))
    lines = [
        "## Stories across outlets",
        "",
        f"Dev set: {len(rows)} articles in {len(set(gold.values()))} stories "
        f"({pairs} same-story pairs), ingested as files by `ingest` ({failed} refused by "
        f"the cleaner, counted as stories of their own): {stories_found} stories found.",
        "",
        "| method | precision | recall | F1 |",
        "|---|---|---|---|",
        f"| signals (TF-IDF, headline, figures, names, dates) | {ours[0]:.3f} | "
        f"{ours[1]:.3f} | {ours[2]:.3f} |",
        f"| before: word 5-gram MinHash | {before[0]:.3f} | {before[1]:.3f} | {before[2]:.3f} |",
        "",
        f"Targets: precision {ours[0]:.3f} / {TARGET_P:.2f} = {ours[0] / TARGET_P:.2f}×, "
        f"F1 {ours[2]:.3f} / {TARGET_F1:.2f} = {ours[2] / TARGET_F1:.2f}×; "
        f"F1 {ours[2] / before[2]:.0f}× the method before."
        if before[2]
        else f"Targets: precision {ours[0]:.3f}, F1 {ours[2]:.3f} (method before: F1 0).",
        "",
        "Store step per article, CPU time, on the same articles (best of three interleaved "
        "rounds, bulk mode, fresh store):",
        "",
        "| | ms per article | ratio |",
        "|---|---|---|",
        f"| no story decision | {cost['none']:.3f} | 1.00× |",
        f"| stories on (profile, candidates, decision, index) | {cost['stories']:.3f} | "
        f"{cost['stories'] / cost['none']:.2f}× |",
        f"| before: MinHash signature + band keys alone (no SQL) | {cost['minhash_work']:.3f} | "
        f"{cost['minhash_work'] / cost['none']:.2f}× |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
