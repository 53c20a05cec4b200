"""A 25-item feed with 5 dead or slow links: concurrent ingest against sequential (issue 12).

The feed and its pages are served on 127.0.0.1 by the tests' misbehaving site
(tests/feed_server.py): 20 good article pages that each take 0.3 s to answer (a
real server's latency) and five bad links — HTTP 404, HTTP 500 (retried twice), a
refused connection, a server that never answers and one that drips 100 bytes every
2 s.  Both runs use the shipped defaults (20 s per item, 15 s of silence); the
concurrent one has 8 workers and at most 2 requests per host, the sequential one 1
and 1.  Target: ≤ 30 s wall for the concurrent run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from feed_server import Behaviour, FeedSite, closed_port, misbehaving_paths, seed_page, serve  # noqa: E402

from digests.ingest import IngestReport, ingest  # noqa: E402
from digests.sources.fetch import DEADLINE, PER_HOST, WORKERS, Fetcher  # noqa: E402
from digests.sources.netguard import AddressPolicy  # noqa: E402
from digests.store.connection import open_db  # noqa: E402

GOOD, LATENCY_S, DRIP_S = 20, 0.3, 2.0
TARGET_S = 30.0
BAD = ["/gone", "/broken", "refused", "/hang", "/drip"]


def _site(site: FeedSite, quick: bool) -> str:
    """Set up the pages and return the feed URL: the bad links spread among the good."""
    site.paths.update(misbehaving_paths(drip=0.5 if quick else DRIP_S))
    links: list[tuple[str, str]] = []
    for i in range(GOOD):
        extra = f"Đây là bài số {i + 1} của loạt tin thử nghiệm, mã số {1000 + i * 7919}."
        page = seed_page(i, f" (số {i + 1})", extra)
        site.paths[f"/bai-{i}"] = Behaviour(body=page, delay=LATENCY_S)
        links.append((f"Bài {i + 1}", f"/bai-{i}"))
    for n, bad in enumerate(BAD):
        link = f"http://127.0.0.1:{closed_port()}/x" if bad == "refused" else bad
        links.insert(2 + n * 5, (f"Hỏng {n + 1}", link))
    site.paths["/so-hoa.rss"] = Behaviour(body=site.rss(links), content_type="application/rss+xml")
    return site.url("/so-hoa.rss")


def _run(feed: str, workers: int, per_host: int, deadline: float) -> tuple[float, IngestReport]:
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "feeds.db")
        policy = AddressPolicy(allow_private=True)  # the bench site is on 127.0.0.1
        fetcher = Fetcher(workers=workers, per_host=per_host, deadline=deadline, policy=policy)
        started = time.perf_counter()
        with fetcher:
            report = ingest(db, [feed], fetcher=fetcher)
        took = time.perf_counter() - started
        db.conn.close()
    return took, report


def run(quick: bool) -> str:
    deadline = 5.0 if quick else DEADLINE
    with serve() as site:
        feed = _site(site, quick)
        concurrent, report = _run(feed, WORKERS, PER_HOST, deadline)
    with serve() as site:  # a fresh site: no 503 already served, no keep-alive left over
        feed = _site(site, quick)
        sequential, seq_report = _run(feed, 1, 1, deadline)
    verdict = "met" if concurrent <= TARGET_S else "NOT met"
    reasons = "; ".join(f"`{f.code}`" for f in report.failures)
    return "\n".join(
        [
            "## Feeds: a 25-item feed with 5 dead or slow links (issue 12)",
            "",
            f"{GOOD} good pages answering in {LATENCY_S:g} s each, plus 404, 500 (retried), "
            f"refused, hanging and dripping (100 bytes every {0.5 if quick else DRIP_S:g} s) "
            f"links, served on 127.0.0.1. Deadline {deadline:g} s per item.",
            "",
            "| run | wall | articles | failed |",
            "|---|---:|---:|---:|",
            f"| concurrent ({WORKERS} workers, ≤ {PER_HOST} per host) | **{concurrent:.1f} s** "
            f"| {report.added} | {report.failed} |",
            f"| sequential (1 worker) | {sequential:.1f} s | {seq_report.added} "
            f"| {seq_report.failed} |",
            "",
            f"- Concurrent / sequential: **{concurrent / sequential:.2f}x** the wall time "
            f"({sequential / concurrent:.1f}x faster). Target ≤ {TARGET_S:g} s: **{verdict}**.",
            f"- Failure reasons (concurrent run): {reasons}.",
            "- For comparison, issue 12 reported 220 s for its 25-item feed before this change "
            "(sequential, no total deadline: a drip alone held an item 165 s).",
            "- Wall times; on a shared machine they include waiting for a core.",
            "",
        ]
    )
