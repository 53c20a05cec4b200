"""Digest speed: build a digest over 1,000 new articles, all themes, in ≤ 1 s.

The articles are a deterministic recombination of the hand-labelled seed
sentences (20–40 per article, varied dates and outlets), stored through the
real store. The same articles are summarised by sumy's LexRank in the same run
for comparison. Only the digest build is timed, not storing. build_digest keeps
nothing between calls, so every build is cold: the first one also loads the
themes file; the median of three is the figure compared with the limit.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from statistics import median

from bench.quality import VietnameseSumyTokenizer  # also puts tests/ on sys.path

LIMIT_SECONDS = 1.0
OUTLETS = (
    "vnexpress.net",
    "ictnews.vn",
    "vietnamnet.vn",
    "toquoc.vn",
    "mic.gov.vn",
    "dantri.com.vn",
)


def _articles(count: int) -> list[tuple[str, list[tuple[str, bool]], date, str]]:
    from digest_helpers import SEED_META, load_labels

    labels = [label for label in load_labels() if not label.junk]
    rng = random.Random(20240130)
    titles = [meta[0] for meta in SEED_META.values()]
    result = []
    for n in range(count):
        picked = rng.sample(labels, rng.randint(20, 40))
        sentences = [(label.sentence, label.heading) for label in picked]
        published = date(2024, 1, 1) + timedelta(days=rng.randint(0, 365))
        result.append((f"{rng.choice(titles)} ({n})", sentences, published, rng.choice(OUTLETS)))
    return result


def _lexrank_all(bodies: list[str]) -> float:
    from sumy.nlp.stemmers import null_stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer

    tokenizer = VietnameseSumyTokenizer()
    summarizer = LexRankSummarizer(null_stemmer)
    started = time.perf_counter()
    for body in bodies:
        summarizer(PlaintextParser.from_string(body, tokenizer).document, 2)
    return time.perf_counter() - started


def _store(folder: str, count: int) -> Path:
    from digest_helpers import save_seed

    from digests.store.connection import open_db

    path = Path(folder) / f"speed-{count}.db"
    db = open_db(path)
    for n, (title, sentences, published, source) in enumerate(_articles(count)):
        save_seed(
            db,
            "bench",
            sentences,
            title=title,
            published=published,
            source=source,
            url=f"https://{source}/bai-{n}",
        )
    db.close()
    return path


def _timed(build: Callable[[], object]) -> tuple[list[float], float, object]:
    """Wall times of three cold builds, the median CPU time, and the last result."""
    timings, cpu = [], []
    result: object = None
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = build()
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return timings, median(cpu), result


def _size_rows(path: Path, count: int) -> tuple[list[str], float]:
    """Table rows for one store size: the story-first build (all stories, then the short
    one-message digest) beside the method before it (bench/select_before.py)."""
    from bench import select_before
    from digests.digest.pages import short_digest
    from digests.digest.select import DigestWindow, build_digest
    from digests.store.connection import open_db

    db = open_db(path)
    today = date(2025, 1, 1)
    now_times, now_cpu, digest = _timed(
        lambda: build_digest(db, DigestWindow(after_article_id=0), today=today)
    )
    short_times, short_cpu, _ = _timed(
        lambda: short_digest(
            build_digest(db, DigestWindow(after_article_id=0), today=today, per_section=3)
        )
    )
    before_times, before_cpu, _ = _timed(
        lambda: select_before.build_digest(
            db, select_before.DigestWindow(after_article_id=0), today=today
        )
    )
    db.close()
    now, before, short = median(now_times), median(before_times), median(short_times)
    stories = getattr(digest, "story_count", 0)
    rows = [
        f"| {count:,} | story-first, every story ({stories} stories) | {now:.3f} s "
        f"| {now_cpu:.3f} s | {now_cpu / before_cpu:.2f}× |",
        f"| {count:,} | story-first, short one-message digest (the default) | {short:.3f} s "
        f"| {short_cpu:.3f} s | {short_cpu / before_cpu:.2f}× |",
        f"| {count:,} | before (per-theme bullets, bench/select_before.py) | {before:.3f} s "
        f"| {before_cpu:.3f} s | 1.00× |",
    ]
    return rows, short_cpu


def run(quick: bool = False) -> str:
    sizes = (200, 1000) if quick else (1000, 10000)
    lines = [
        "## Digest speed",
        "",
        "Synthetic articles recombined from the hand-labelled seed sentences (20–40 each, "
        "dated over 2024, six outlets), every article its own story; build times are cold "
        "(nothing kept between builds). On a shared machine wall time can exceed CPU "
        "time, so CPU time is the figure compared." + (" Quick run." if quick else ""),
        "",
        "| articles | method | build, wall (median of 3) | CPU (median of 3) | CPU × before |",
        "|---:|---|---:|---:|---:|",
    ]
    limit_check = ""
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            rows, short = _size_rows(_store(folder, count), count)
            lines += rows
            if count == 1000:
                limit_check = (
                    f"At 1,000 articles the default (short) digest takes {short:.3f} s of CPU: "
                    f"{short / LIMIT_SECONDS:.2f} of the {LIMIT_SECONDS:.0f} s limit. CPU time "
                    "is the figure compared: on a shared machine wall time also counts "
                    "waiting for a core."
                )
    bodies = ["\n\n".join(s for s, _ in sentences) for _, sentences, _, _ in _articles(200)]
    lexrank = _lexrank_all(bodies)
    lines += [
        "",
        limit_check,
        "",
        f"For scale: sumy's LexRank summarising 200 of these articles takes {lexrank:.3f} s.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
