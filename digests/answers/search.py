"""Full-text search (/search): ranked hits, exact spellings first, with highlighted
snippets cut at word and sentence boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

from digests.answers.common import (
    BadArgument,
    check_page,
    clean_argument,
)
from digests.answers.search_query import Query, exactness_sql, fts_match, has_marks
from digests.answers.search_query import parse as parse_query
from digests.answers.search_query import patterns as query_patterns
from digests.answers.statements import SHOWN_DATE
from digests.textnorm import fold

SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Segment:
    text: str
    hit: bool


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    source: str
    url: str | None
    published: str | None  # None: the article gave no date (see SHOWN_DATE)
    snippet: list[Segment]


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[SearchHit]
    total: int  # capped at SEARCH_COUNT_CAP
    total_capped: bool
    offset: int
    all_words: bool  # True when no exact phrase matched and all words anywhere were used


SEARCH_COUNT_CAP = 1000


RANK_POOL = 200  # newest matches ranked by bm25 (see search())


EXACT_POOL = 60  # best of them checked for the spelling typed (see _ranked_page())


_WORD_BOUNDARY = r"(?<!\w){}(?!\w)"


def search(db: Database, query: str, limit: int = 10, offset: int = 0) -> SearchResult:
    """Ranked (bm25, title weighted) articles for ``query``, folded, with highlighted snippets.

    Ranking is bm25 among the newest RANK_POOL matches (all of them when fewer); when the
    reader typed Vietnamese marks, articles with the words spelt exactly so come first.
    Plain words are first looked up as an exact phrase ("buu dien" must be the two
    syllables together); only if no article has the phrase do all the words anywhere
    count.  Quotes, -word and OR are read as digests.answers.search_query says.  Every word is
    quoted, so FTS5 syntax in user input is inert.
    """
    text = clean_argument(query, what="words")
    limit, offset = check_page(limit, offset)
    parsed = parse_query(text)
    if not parsed.terms:
        raise BadArgument("only_excluded" if parsed.excluded else "no_words")
    phrase = not parsed.syntax
    match, all_words = fts_match(parsed, phrase=phrase), False
    total = _count_matches(db, match)
    if total == 0 and phrase and len(parsed.terms) > 1:
        phrase, all_words = False, True
        match = fts_match(parsed)
        total = _count_matches(db, match)
    page = _ranked_page(db, match, parsed, phrase, limit, offset)
    rows = [
        db.execute(
            f"SELECT a.id, a.title, a.source, a.url, {SHOWN_DATE}, a.body FROM articles a "
            "WHERE a.id = ?",
            [aid],
        ).fetchone()
        for aid in page
    ]
    highlight = query_patterns(parsed, phrase=phrase)
    hits = [
        SearchHit(aid, title, source, url, published, snippet(body, highlight))
        for aid, title, source, url, published, body in rows
    ]
    return SearchResult(
        text, hits, min(total, SEARCH_COUNT_CAP), total >= SEARCH_COUNT_CAP, offset, all_words
    )


def _ranked_page(
    db: Database, match: str, parsed: Query, phrase: bool, limit: int, offset: int
) -> list[int]:
    """Article ids of one page: bm25 within the newest RANK_POOL matches (ranking every
    match of a word found in most articles costs ~200 ms at 100k articles, and readers of
    news want recent articles anyway); exact spellings first when marks were typed."""
    pool = db.execute(
        "SELECT rowid, bm25(articles_fts, 5.0, 1.0) FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
        [match, RANK_POOL],
    ).fetchall()
    ranked = sorted(pool, key=lambda row: (row[1], -row[0]))
    if has_marks(parsed) and ranked:
        # The best EXACT_POOL by bm25 (or the page asked for) are looked at for exact
        # spellings: reading all RANK_POOL bodies doubled the time of such a search.
        head = ranked[: max(EXACT_POOL, offset + limit)]
        expression, params = exactness_sql(parsed)
        marks = ",".join("?" * len(head))
        exact = dict(
            db.execute(
                f"SELECT id, {expression} FROM articles WHERE id IN ({marks})",
                [*params, *(aid for aid, _rank in head)],
            ).fetchall()
        )
        ranked = sorted(head, key=lambda row: -exact.get(row[0], 0)) + ranked[len(head) :]
    return [int(aid) for aid, _rank in ranked[offset : offset + limit]]


def _count_matches(db: Database, match: str) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        [match, SEARCH_COUNT_CAP],
    ).fetchone()
    return int(row[0])


def snippet(body: str, folded_patterns: list[str], width: int = SNIPPET_CHARS) -> list[Segment]:
    """A window of ``body`` around the densest matches, split into plain and hit segments.

    Matching runs on the folded body; since folding keeps lengths, the offsets
    found there cut the original text exactly.
    """
    folded = fold(body)
    spans: list[tuple[int, int]] = []
    for pattern in folded_patterns:
        # "TT&TT" is searched as the words "tt tt": whatever non-word stands between them.
        regex = _WORD_BOUNDARY.format(r"\W+".join(re.escape(p) for p in pattern.split()))
        spans.extend(m.span() for m in re.finditer(regex, folded))
    spans.sort()
    if not spans:
        return [Segment(_shorten(body, width), False)]
    start = _best_window(spans, width)
    first_hit = next(s for s, _ in spans if s >= start)
    start = _snippet_start(body, start, first_hit)
    end = min(len(body), start + width)
    end = _word_end(body, end)
    segments: list[Segment] = []
    cursor = start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        if s > cursor:
            segments.append(Segment(body[cursor:s], False))
        segments.append(Segment(body[s:e], True))
        cursor = e
    if cursor < end:
        segments.append(Segment(body[cursor:end], False))
    segments = [Segment(" · ".join(seg.text.split("\n\n")), seg.hit) for seg in segments]
    if start > 0:
        segments.insert(0, Segment("…", False))
    if end < len(body):
        segments.append(Segment("…", False))
    return segments


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    best_start, best_count = spans[0][0], 0
    for i, (s, _) in enumerate(spans):
        count = sum(1 for s2, e2 in spans[i:] if e2 <= s + width)
        if count > best_count:
            best_start, best_count = s, count
    return max(0, best_start - width // 4)


_SENTENCE_START = re.compile(r"(?:[.!?…][”\"’)]*\s+|\n+)(?=\S)")


def _snippet_start(body: str, start: int, first_hit: int) -> int:
    """Where a snippet opens: the start of the sentence holding its first hit when that
    is near enough, else the start of a word; never in the middle of one."""
    if start == 0:
        return 0  # the body's own start: nothing is cut
    reach = max(0, first_hit - SNIPPET_CHARS // 2)
    boundaries = [m.end() for m in _SENTENCE_START.finditer(body, reach, first_hit + 1)]
    boundaries = [b for b in boundaries if b <= first_hit]
    if boundaries:
        return boundaries[-1]
    return _word_start(body, start)


def _word_start(text: str, index: int) -> int:
    if index <= 0:
        return 0
    space = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index))
    return space + 1 if space >= 0 else 0


def _word_end(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    space = text.find(" ", index, index + 20)
    return space if space >= 0 else index


def _shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width].rsplit(" ", 1)[0] + " …"
