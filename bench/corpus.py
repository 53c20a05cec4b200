"""Corpus benchmark: ingest throughput, database size, query latency and peak memory.

A deterministic synthetic corpus (100,000 articles; 2,000 with --quick) is made
by recombining the real seed sentences — cleaned and split by our own pipeline —
with varied dates, outlets, organisations, figures and target years, and about
3 % near-duplicates retold by another outlet.  Every article goes through the
real pipeline (clean_document → analyse → save_article), one transaction each,
in this one process (one core).

The built database is cached in bench/.cache/ under a key made of VERSION, the
size and a hash of the pipeline's source files, so a rerun with unchanged code
skips the long build; the report then says so, and ingest throughput is
re-measured on a fresh 2,000-article build in the same run.
"""

from __future__ import annotations

import hashlib
import json
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from sqlite_utils import Database

from digests.answers.articles import corpus_stats, list_articles
from digests.answers.company import company_report, list_companies
from digests.answers.search import search
from digests.answers.targets import target_years, targets_report
from digests.model import BadItem, RawDocument
from digests.store.articles import sync_registry
from digests.store.connection import bulk_writes, open_db
from digests.store.meta import get_meta, set_meta
from digests.textnorm import words

VERSION = "corpus-2"  # 2: stories decided by story_cluster at ingest
FULL, QUICK = 100_000, 2_000
ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
SEEDS = ROOT / "seeds"
# What an article goes through on its way into the store: an edit anywhere here rebuilds
# the cached corpus (folders are read whole, so a module split or rename counts too).
PIPELINE_PARTS = ("sources", "analysis", "store", "stories", "ingest.py", "model.py", "textnorm.py")
PIPELINE_DATA = ("data/organisations.toml", "data/themes.toml", "data/relevance.toml")
TARGETS = {"ingest_per_s": 300.0, "p95_ms": 50.0, "rss_mb": 300.0}
QUERIES = 200  # per query kind
LIKE_QUERIES = 20

OUTLETS = (
    "toquoc.vn",
    "vietnamnet.vn",
    "ictnews.vn",
    "mic.gov.vn",
    "vnexpress.net",
    "nhandan.vn",
    "tuoitre.vn",
    "thanhnien.vn",
    "baochinhphu.vn",
    "vov.vn",
    "vtv.vn",
    "dantri.com.vn",
)
PEOPLE = (
    ("Nguyễn Văn An", "Tổng Giám đốc"),
    ("Trần Thị Bình", "Chủ tịch"),
    ("Lê Minh Cường", "Phó Tổng Giám đốc"),
    ("Phạm Thu Dung", "Giám đốc"),
    ("Hoàng Quốc Việt", "Chủ tịch Hội đồng quản trị"),
    ("Vũ Thanh Hà", "Tổng Giám đốc"),
)
GOALS = (
    "phủ sóng 5G toàn quốc",
    "đạt doanh thu 200.000 tỷ đồng",
    "phổ cập cáp quang đến từng hộ",
    "đưa kinh tế số chiếm 30% GDP",
    "có mặt tại 20 quốc gia",
    "số hoá toàn bộ bưu cục",
    "đào tạo 50.000 kỹ sư công nghệ",
    "trở thành doanh nghiệp số hàng đầu khu vực",
)


@dataclass(frozen=True)
class IngestStats:
    articles: int
    failed: int
    seconds: float  # pipeline time only (generation excluded)
    clean_s: float
    analyse_s: float
    save_s: float
    stories_linked: int

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- corpus


def seed_sentences() -> list[str]:
    """The seed articles' sentences, cleaned and split by our own pipeline."""
    from digests.analysis.sentences import split_sentences
    from digests.sources.clean import clean_document

    pool: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = RawDocument(str(path), path.name, path.read_text(encoding="utf-8"), "text")
        article = clean_document(doc, today=date(2025, 1, 1))
        for paragraph in article.paragraphs:
            pool.extend(s for s in split_sentences(paragraph) if 40 <= len(s) <= 400)
    return pool


def organisation_names() -> list[str]:
    from digests.analysis.companies import load_registry

    names = [org.name for org in load_registry().all() if org.kind == "company"]
    names += [f"Công ty Cổ phần Công nghệ Sao Mai {i}" for i in range(1, 41)]
    return names


def synthetic_documents(n: int, pool: list[str], orgs: list[str]) -> Iterator[RawDocument]:
    """``n`` deterministic articles; about 3 % retell a recent one from another outlet."""
    rng = random.Random(20240130)
    recent: list[tuple[str, str]] = []
    for i in range(n):
        source = OUTLETS[i % len(OUTLETS)]
        if recent and rng.random() < 0.03:
            raw, old_source = rng.choice(recent)
            source = rng.choice([o for o in OUTLETS if o != old_source])
            raw = raw.replace(". ", ". Theo đó, ", 1) + "\n\nNguồn: tổng hợp."
        else:
            raw = _article_text(rng, pool, orgs)
            recent = [*recent[-49:], (raw, source)]
        url = f"https://{source}/tin-{i}.html"
        yield RawDocument(origin=url, source=source, raw=raw, kind="text", url=url)


def _article_text(rng: random.Random, pool: list[str], orgs: list[str]) -> str:
    day = date(2018, 1, 1) + timedelta(days=rng.randrange(7 * 365))
    org = rng.choice(orgs)
    person, role = rng.choice(PEOPLE)
    facts = [
        f"Năm {day.year - 1}, {org} đạt doanh thu {rng.randint(1, 199)}.{rng.randint(100, 999)} "
        f"tỷ đồng, lợi nhuận tăng {rng.randint(1, 40)}% so với cùng kỳ.",
        f"Ông {person}, {role} {org} cho biết doanh nghiệp có {rng.randint(2, 60)}.000 nhân sự "
        f"và hoạt động tại {rng.randint(1, 15)} quốc gia.",
        f"Đến năm {day.year + rng.randint(1, 20)}, {org} phấn đấu {rng.choice(GOALS)}.",
    ]
    sentences = rng.sample(pool, rng.randint(6, 14)) + facts
    rng.shuffle(sentences)
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    title = f"{org}: {rng.choice(pool)[:90].rsplit(' ', 1)[0]}"
    dateline = f"Ngày {day.day}/{day.month}/{day.year}"
    return "\n\n".join([title, dateline, *paragraphs])


# --------------------------------------------------------------------------- build


def ingest_corpus(db: Database, docs: Iterator[RawDocument]) -> IngestStats:
    """Run every document through the real pipeline, timing each step."""
    from digests.analysis.analyse import analyse
    from digests.analysis.companies import load_registry
    from digests.ingest import store_article, story_index
    from digests.sources.clean import clean_document

    sync_registry(db, load_registry().all())
    added = failed = 0
    clean_s = analyse_s = save_s = 0.0
    clock = time.perf_counter
    with bulk_writes(db):  # as digests.ingest.ingest does
        stories = story_index(db)
        for doc in docs:
            t0 = clock()
            try:
                article = clean_document(doc, today=date(2025, 12, 31))
            except BadItem:
                failed += 1
                clean_s += clock() - t0
                continue
            t1 = clock()
            analysis = analyse(article)
            t2 = clock()
            if store_article(db, doc, article, analysis, stories) == "added":  # stories on
                added += 1
            t3 = clock()
            clean_s, analyse_s, save_s = clean_s + t1 - t0, analyse_s + t2 - t1, save_s + t3 - t2
        closing = clock()
    # Leaving bulk mode writes the last batch of search entries and trims the WAL: store work.
    save_s += clock() - closing
    linked = int(db.execute("SELECT COUNT(*) FROM articles WHERE story_id != id").fetchone()[0])
    total = clean_s + analyse_s + save_s
    return IngestStats(added, failed, total, clean_s, analyse_s, save_s, linked)


def _pipeline_files() -> list[Path]:
    found: list[Path] = []
    for part in (*PIPELINE_PARTS, *PIPELINE_DATA):
        path = ROOT / "digests" / part
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def cache_key(n: int) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for path in _pipeline_files():
        name = path.relative_to(ROOT).as_posix()
        digest.update(name.encode() + (path.read_bytes() if path.exists() else b"-"))
    return f"{VERSION}-{n}-{digest.hexdigest()[:12]}"


def build(path: Path, n: int, pool: list[str], orgs: list[str]) -> IngestStats:
    tmp = path.with_suffix(".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    db = open_db(tmp)
    stats = ingest_corpus(db, synthetic_documents(n, pool, orgs))
    set_meta(db, "bench_corpus", json.dumps(asdict(stats)))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    tmp.replace(path)
    return stats


def cached_stats(path: Path) -> IngestStats | None:
    if not path.exists():
        return None
    db = open_db(path)
    try:
        raw = get_meta(db, "bench_corpus")
    finally:
        db.close()
    return IngestStats(**json.loads(raw)) if raw else None


# --------------------------------------------------------------------------- queries


def timed(calls: list[Callable[[], object]]) -> list[float]:
    times = []
    for call in calls:
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def query_sets(
    db: Database, pool: list[str], orgs: list[str]
) -> dict[str, list[Callable[[], object]]]:
    rng = random.Random(7)
    names = [rng.choice([o, o.lower(), o.upper()]) for o in rng.choices(orgs, k=QUERIES)]
    years = []
    for _ in range(QUERIES):
        start = rng.randint(2018, 2045)
        years.append((start, start + rng.choice([0, 0, 0, 1, 5])))
    phrases = [_phrase(rng, pool) for _ in range(QUERIES)]
    return {
        "company": [partial(company_report, db, q) for q in names],
        "target": [partial(targets_report, db, *y) for y in years],
        "search": [partial(search, db, p) for p in phrases],
    }


def _phrase(rng: random.Random, pool: list[str]) -> str:
    words = rng.choice(pool).split()
    size = rng.choice([1, 2, 2, 3])
    start = rng.randrange(max(1, len(words) - size))
    return " ".join(w.strip('.,;:“”"()') for w in words[start : start + size]) or "viễn thông"


def like_count(db: Database, phrase: str) -> int:
    """The naive way: every article whose text contains the phrase, by a LIKE full scan."""
    pattern = f"%{phrase}%"
    row = db.execute(
        "SELECT COUNT(*) FROM articles WHERE title LIKE ? OR body LIKE ?", [pattern, pattern]
    ).fetchone()
    return int(row[0])


def fts_count(db: Database, phrase: str) -> int:
    """The same question through the folded FTS5 index."""
    match = '"' + " ".join(words(phrase)) + '"'
    row = db.execute(
        "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", [match]
    ).fetchone()
    return int(row[0])


# --------------------------------------------------------------------------- report


def run(quick: bool) -> str:
    n = QUICK if quick else FULL
    pool, orgs = seed_sentences(), organisation_names()
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{cache_key(n)}.db"
    stats = cached_stats(path)
    rebuilt = stats is None
    if stats is None:
        stats = build(path, n, pool, orgs)
        fresh = stats
    else:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = ingest_corpus(
                open_db(Path(tmp) / "fresh.db"), synthetic_documents(QUICK, pool, orgs)
            )
    size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1024 / 1024

    db = open_db(path)
    sets = query_sets(db, pool, orgs)
    for calls in sets.values():
        calls[0]()  # warm-up: registry load and first page reads are start-up, not query cost
    latencies = {kind: timed(calls) for kind, calls in sets.items()}
    others = {
        "corpus_stats (/about)": timed([partial(corpus_stats, db)] * 5),
        "list_companies (/companies)": timed([partial(list_companies, db)] * 5),
        "target_years (/target)": timed([partial(target_years, db)] * 5),
        "list_articles": timed([partial(list_articles, db)] * 5),
    }
    rng = random.Random(11)
    like_phrases = [_phrase(rng, pool) for _ in range(LIKE_QUERIES)]
    fts_ms = timed([partial(fts_count, db, p) for p in like_phrases])
    like_ms = timed([partial(like_count, db, p) for p in like_phrases])
    articles = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    db.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _prune_cache(path, n)
    return _markdown(
        quick,
        n,
        articles,
        rebuilt,
        stats,
        fresh,
        size_mb,
        latencies,
        fts_ms,
        like_ms,
        rss_mb,
        others,
    )


def _prune_cache(keep: Path, n: int) -> None:
    """Drop cached builds of the same size made by older code."""
    for old in CACHE.glob(f"{VERSION}-{n}-*.db*"):
        if not old.name.startswith(keep.name):
            old.unlink(missing_ok=True)


def _markdown(
    quick: bool,
    n: int,
    articles: int,
    rebuilt: bool,
    built: IngestStats,
    fresh: IngestStats,
    size_mb: float,
    latencies: dict[str, list[float]],
    fts_ms: list[float],
    like_ms: list[float],
    rss_mb: float,
    others: dict[str, list[float]],
) -> str:
    target_rate, target_p95, target_rss = (
        TARGETS["ingest_per_s"],
        TARGETS["p95_ms"],
        TARGETS["rss_mb"],
    )
    label = "quick run, 2,000 articles" if quick else "100,000 articles"
    lines = [
        f"## Corpus: ingest, store and queries ({label})",
        "",
        f"Synthetic corpus of {n:,} articles recombined from the seed sentences "
        f"({articles:,} stored; {built.failed} rejected by the cleaner; "
        f"{built.stories_linked:,} linked to an earlier story as near-duplicates).",
        "Database "
        + (
            "built in this run."
            if rebuilt
            else "reused from bench/.cache (code unchanged); its build figures are from "
            "the run that built it, and ingest throughput below was re-measured now "
            f"on a fresh {fresh.articles:,}-article build."
        ),
        "",
        "| Measure | Value | Target | Ratio to target |",
        "|---|---|---|---|",
        f"| Ingest throughput, full pipeline, one core (this run) | {fresh.per_second:,.0f} "
        f"articles/s | ≥ {target_rate:.0f}/s | {fresh.per_second / target_rate:.2f}× |",
    ]
    if not rebuilt:
        lines.append(
            f"| Ingest throughput of the cached {n:,}-article build | {built.per_second:,.0f} "
            f"articles/s | ≥ {target_rate:.0f}/s | {built.per_second / target_rate:.2f}× |"
        )
    lines.append(
        f"| Time per article: clean / analyse / store | "
        f"{1000 * fresh.clean_s / max(fresh.articles, 1):.2f} / "
        f"{1000 * fresh.analyse_s / max(fresh.articles, 1):.2f} / "
        f"{1000 * fresh.save_s / max(fresh.articles, 1):.2f} ms | | |"
    )
    lines.append(
        f"| Database size | {size_mb:,.1f} MB ({1024 * size_mb / max(articles, 1):.1f} KB/article)"
        " | | |"
    )
    for kind in ("company", "target", "search"):
        values = latencies[kind]
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        lines.append(
            f"| `{kind}` query p50 / p95 ({len(values)} queries) | {p50:.1f} / {p95:.1f} ms "
            f"| p95 ≤ {target_p95:.0f} ms | {p95 / target_p95:.2f}× |"
        )
    fts50, like50 = percentile(fts_ms, 0.5), percentile(like_ms, 0.5)
    lines += [
        f"| Finding every article with a phrase: FTS5 vs naive `LIKE` scan, p50 "
        f"({len(fts_ms)} phrases) "
        f"| {fts50:.1f} ms vs {like50:.1f} ms | | FTS {like50 / max(fts50, 1e-6):.0f}× faster |",
        *(
            f"| Other lookups: `{name}` p50 (5 runs) | {percentile(values, 0.5):.1f} ms | | |"
            for name, values in others.items()
        ),
        f"| Peak RSS of the bench process | {rss_mb:,.0f} MB | ≤ {target_rss:.0f} MB "
        f"| {rss_mb / target_rss:.2f}× |",
        "",
        "Ratios below 1× meet a ≤ target; for throughput, above 1× meets it. "
        "The `LIKE` scan is also less capable: it cannot match `buu dien` to `Bưu điện`.",
    ]
    return "\n".join(lines)
