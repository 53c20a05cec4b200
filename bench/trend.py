"""/trend at 100,000 articles: read the monthly mentions and theme mix, draw the PNG.

The store is bench/corpus.py's cached 100k build when one is present in bench/.cache/
(the real pipeline's rows); otherwise a store of the same size is synthesised here
with articles over ten years and mention rows for about one article in six naming
the organisation charted, and a relevance score per theme for every article (as ingest
stores them), which is what /trend reads. The
baseline, measured in the same run, is the same chart over a 2,000-article store:
the ratio shows what the store's size costs. Target: under 0.5 s at 100k.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from statistics import median

TARGET_S = 0.5
FULL, QUICK, BASELINE = 100_000, 5_000, 2_000
CACHE = Path(__file__).resolve().parent / ".cache"
SENTENCES = (
    "Viettel cho biết doanh thu viễn thông năm nay tăng 8%, đạt 172.000 tỷ đồng.",
    "Viettel đẩy mạnh phủ sóng 5G và cáp quang tới các xã vùng sâu.",
    "Bưu chính Viettel mở thêm 200 bưu cục phục vụ thương mại điện tử.",
    "Viettel phát triển nền tảng trí tuệ nhân tạo cho các cơ quan nhà nước.",
    "Trung tâm an ninh mạng của Viettel ngăn chặn hàng nghìn cuộc tấn công mỗi tháng.",
)


def _cached_corpus() -> Path | None:
    """bench/corpus.py's 100k store, when a previous run left one."""
    found = sorted(CACHE.glob("*100000*.db")) if CACHE.exists() else []
    return found[-1] if found else None


def synthesise(path: Path, count: int) -> None:
    """A store of ``count`` articles with mention rows for "viettel" (about 1 in 6) and
    every article's theme scores."""
    from bot.storage import open_bot_db
    from digests.textnorm import fold

    db = open_bot_db(path)
    db.conn.close()
    rng = random.Random(14)
    start = date(2016, 1, 1)
    conn = sqlite3.connect(path)
    with conn:
        articles, mentions, sentences, scores = [], [], [], []
        themes = ("postal", "telecom", "ai", "cybersecurity", "press")
        for n in range(1, count + 1):
            day = start + timedelta(days=rng.randrange(3650))
            articles.append(
                (
                    n,
                    f"https://example.vn/{n}",
                    f"h{n}",
                    "example.vn",
                    "bench",
                    f"Bài {n}",
                    day.isoformat(),
                    "",
                    "",
                    "news",
                    "2026-01-01",
                    "2026-01-01",
                )
            )
            # As ingest stores them: a relevance score for every theme of every article.
            scores.extend((n, key, round(rng.random() * 8, 2), 0) for key in themes)
            if rng.random() < 1 / 6:
                text = rng.choice(SENTENCES)
                mentions.append((n, "viettel", "Viettel", 0))
                sentences.append((n, 0, 0, text, fold(text)))
        conn.executemany(
            "INSERT INTO articles (id, url, content_hash, source, origin, title, published, body,"
            " raw, kind, ingested_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            articles,
        )
        conn.executemany("INSERT INTO mentions VALUES (?,?,?,?)", mentions)
        conn.executemany("INSERT INTO article_themes VALUES (?,?,?,?)", scores)
        conn.executemany(
            "INSERT INTO sentences (article_id, idx, paragraph, text, folded) VALUES (?,?,?,?,?)",
            sentences,
        )
    conn.close()


def time_trend(path: Path, runs: int = 5) -> tuple[float, float, float, int]:
    """Median seconds of (read, draw, total) for /trend Viettel, and the articles counted."""
    from bot import texts
    from bot.storage import open_bot_db
    from bot.trend_chart import Who, render_png, trend_data

    db = open_bot_db(path)
    who = Who("org", "viettel", "Viettel")
    reads, draws = [], []
    data = None
    for _ in range(runs):
        started = time.perf_counter()
        data = trend_data(db, who)
        middle = time.perf_counter()
        labels = {
            k: texts.plain("trend", "vi", None, what=k, who=who.name, sample=data.sample)
            for k in ("title", "mentions", "themes", "none")
        }
        render_png(data, labels)
        reads.append(middle - started)
        draws.append(time.perf_counter() - middle)
    db.conn.close()
    read, draw = median(reads), median(draws)
    assert data is not None
    return read, draw, read + draw, data.total


def run(quick: bool = False) -> str:
    from bot.trend_chart import render_png  # noqa: F401  (matplotlib's import is not timed)

    count = QUICK if quick else FULL
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.db"
        synthesise(small, BASELINE)
        base = time_trend(small)
        cached = None if quick else _cached_corpus()
        if cached is not None:
            big, origin = cached, f"bench/corpus.py's cached build ({cached.name})"
        else:
            big = Path(folder) / "big.db"
            synthesise(big, count)
            origin = "synthesised mention rows; no cached corpus build was present"
        read, draw, total, counted = time_trend(big)
    verdict = "meets" if total < TARGET_S else "MISSES"
    return "\n".join(
        [
            "## /trend chart",
            "",
            f"`/trend Viettel` over {count:,} articles ({origin}); {counted:,} of them mention"
            " it. Median of 5; matplotlib Agg, 800×520 PNG.",
            "",
            "| store | read (s) | draw (s) | total (s) | ratio to baseline |",
            "| --- | --- | --- | --- | --- |",
            f"| {BASELINE:,} articles (baseline) | {base[0]:.3f} | {base[1]:.3f} | {base[2]:.3f}"
            " | 1.00× |",
            f"| {count:,} articles | {read:.3f} | {draw:.3f} | {total:.3f} |"
            f" {total / base[2]:.2f}× |",
            "",
            f"Target < {TARGET_S} s at 100k: {verdict} ({total / TARGET_S:.2f}× of the target).",
        ]
    )
