"""Answers from the store: company, targets, search, article list, corpus stats.

Plain functions over a Database returning plain records; the CLI and the bot
render them with the same templates.  Bad arguments raise ``BadArgument`` whose
``code`` and ``params`` the ``usage`` template turns into a polite line with an
example.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from sqlite_utils import Database

from digests.analysis.quotes import present
from digests.analysis.targets import Deadline, deadline
from digests.model import Organisation
from digests.store.store import get_meta
from digests.textnorm import fold, nfc, squash_spaces, words

MAX_ARGUMENT = 200
MIN_YEAR, MAX_YEAR = 1900, 2100
STATEMENT_CANDIDATES = 150  # newest mention sentences scored per company query
RECENT_ROWS = 2000  # aliases and people of a company come from its newest mentions
MAX_LIMIT = 50
SNIPPET_CHARS = 220
# The publication date readers are shown: none ("date unknown") for an article whose page
# gave no date, whose stored ``published`` is only the day it was loaded (for ordering).
SHOWN_DATE = "CASE WHEN a.date_known THEN a.published END"


class BadArgument(ValueError):
    """A user argument we cannot use; ``code`` picks the polite explanation."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}" if params else code)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Statement:
    text: str
    article_id: int
    title: str
    source: str
    url: str | None
    published: str | None  # None: the article gave no date (see SHOWN_DATE)
    has_figure: bool
    # ``text`` is the sentence as shown: quote marks balanced (digests.analysis.quotes); ``speaker``
    # is who said it when the sentence does not say so itself but its paragraph does.
    speaker: str | None = None


@dataclass(frozen=True)
class QuotedPerson:
    name: str
    role: str | None
    articles: int


@dataclass(frozen=True)
class CompanyReport:
    key: str
    name: str
    kind: str
    aliases: list[str]  # the aliases that matched in the stored articles, most used first
    article_count: int
    statements: list[Statement]
    people: list[QuotedPerson]
    query: str
    found: bool = True


@dataclass(frozen=True)
class NotFound:
    query: str
    suggestions: list[str]
    found: bool = False


@dataclass(frozen=True)
class CompanyCount:
    key: str
    name: str
    kind: str
    articles: int
    discovered: bool


@dataclass(frozen=True)
class TargetRow:
    year: int
    month: int | None
    goal: str
    setter: str | None
    sentence: str
    article_id: int
    title: str
    source: str
    url: str | None
    published: str | None  # None: the article gave no date (see SHOWN_DATE)
    # How the sentence words the time ("trước năm 2026"); empty when it cannot be found.
    deadline: Deadline = field(default_factory=Deadline)


@dataclass(frozen=True)
class TargetsReport:
    year_from: int
    year_to: int
    targets: list[TargetRow]
    total: int


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


@dataclass(frozen=True)
class ArticleRow:
    id: int
    published: str | None  # None: the article gave no date (see SHOWN_DATE)
    source: str
    title: str
    url: str | None


@dataclass(frozen=True)
class ArticleList:
    articles: list[ArticleRow]
    total: int
    offset: int


@dataclass(frozen=True)
class CorpusStats:
    articles: int
    stories: int
    sources: int
    first_date: str | None
    last_date: str | None
    last_ingest: str | None
    top_sources: list[tuple[str, int]] = field(default_factory=list)


# --------------------------------------------------------------------------- arguments


def clean_argument(text: str | None, *, what: str = "name") -> str:
    """NFC, single-spaced, non-empty and at most MAX_ARGUMENT characters, else BadArgument."""
    value = squash_spaces(nfc(text or ""))
    if not value:
        raise BadArgument("empty", what=what)
    if len(value) > MAX_ARGUMENT:
        raise BadArgument("too_long", what=what, limit=MAX_ARGUMENT, length=len(value))
    return value


_RANGE = re.compile(r"^\s*(\S+?)\s*(?:[-–—]|\.\.)\s*(\S+)\s*$")


_YEAR_WORDS = re.compile(r"^(?:(?:các\s+)?năm|years?|from)\s+", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d[.,\s]\d{3}$")


def parse_year_range(text: str | None) -> tuple[int, int]:
    """ "2045" → (2045, 2045); "2025-2030" / "2025–2030" / "2025 - 2030" → (2025, 2030).

    Readers also write "năm 2045" or "các năm 2025–2030"; the words are dropped.
    """
    value = _YEAR_WORDS.sub("", clean_argument(text, what="year"))
    value = re.sub(r"(?<=\d)\s+(?:đến|tới|to)\s+(?=\d)", "-", value)
    match = _RANGE.match(value)
    parts = [match.group(1), match.group(2)] if match else [value]
    years = [_year(p) for p in parts]
    if len(years) == 2 and years[0] > years[1]:
        raise BadArgument("reversed_range", start=years[0], end=years[1])
    return years[0], years[-1]


def _year(text: str) -> int:
    if _THOUSANDS.match(text):  # "2,045": a year written like an amount
        raise BadArgument("bad_year", value=text, meant=re.sub(r"\D", "", text))
    if not re.fullmatch(r"\d{4}", text):
        raise BadArgument("bad_year", value=text)
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadArgument("year_out_of_range", value=year, low=MIN_YEAR, high=MAX_YEAR)
    return year


def check_words(text: str) -> list[str]:
    """The folded words of a search, else BadArgument("no_words")."""
    tokens = words(text)
    if not tokens:
        raise BadArgument("no_words")
    return tokens


def check_page(limit: int, offset: int) -> tuple[int, int]:
    """(limit capped at MAX_LIMIT, offset), else BadArgument for a negative offset or limit < 1."""
    return _page(limit, offset)


def _page(limit: int, offset: int) -> tuple[int, int]:
    if offset < 0:
        raise BadArgument("bad_offset", value=offset)
    if limit < 1:
        raise BadArgument("bad_limit", value=limit, high=MAX_LIMIT)
    return min(limit, MAX_LIMIT), offset


# --------------------------------------------------------------------------- companies


@lru_cache(maxsize=1)
def _registry() -> Any:
    from digests.analysis.companies import load_registry

    return load_registry()


def company_report(
    db: Database, name: str, limit: int = 8, *, registry: Any = None
) -> CompanyReport | NotFound:
    """What the store knows about one organisation, or NotFound with the nearest names."""
    query = clean_argument(name)
    limit, _ = _page(limit, 0)
    registry = registry or _registry()
    org = registry.resolve(query) or _discovered(db, query)
    if org is None:
        return NotFound(query, _suggestions(db, registry, query))
    return CompanyReport(
        key=org.key,
        name=org.name,
        kind=org.kind,
        aliases=_matched_aliases(db, org.key),
        article_count=_article_count(db, org.key),
        statements=_statements(db, org.key, limit),
        people=_people(db, org.key),
        query=query,
    )


def _discovered(db: Database, query: str) -> Organisation | None:
    """A discovered organisation named ``query``; discovered keys are slugs of folded names."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(query)).strip("-")
    row = db.execute(
        "SELECT key, name, kind, aliases FROM organisations WHERE key = ? AND discovered = 1",
        [slug],
    ).fetchone()
    if row is None:
        return None
    key, name, kind, aliases = row
    return Organisation(key, name, kind, tuple(json.loads(aliases or "[]")), discovered=True)


def _suggestions(db: Database, registry: Any, query: str, n: int = 5) -> list[str]:
    suggestions = list(registry.suggest(query, n=n))
    discovered = {
        row[0]
        for row in db.execute(
            "SELECT o.name FROM organisations o WHERE o.discovered = 1 "
            "AND EXISTS (SELECT 1 FROM mentions m WHERE m.org_key = o.key)"
        )
    }
    if discovered:
        choices = {name: fold(name) for name in discovered}
        for choice, score, _ in process.extract(
            fold(query), choices, scorer=fuzz.WRatio, limit=n, score_cutoff=80
        ):
            del score
            if choice not in suggestions:
                suggestions.append(str(choice))
    return suggestions[:n]


def _matched_aliases(db: Database, key: str) -> list[str]:
    """The names the newest mentions used, most used first."""
    rows = db.execute(
        "SELECT alias, COUNT(*) AS n FROM (SELECT alias FROM mentions WHERE org_key = ? "
        "ORDER BY article_id DESC LIMIT ?) GROUP BY alias ORDER BY n DESC, alias LIMIT 10",
        [key, RECENT_ROWS],
    )
    return [row[0] for row in rows]


def _article_count(db: Database, key: str) -> int:
    row = db.execute("SELECT articles FROM org_counts WHERE org_key = ?", [key]).fetchone()
    return 0 if row is None else int(row[0])


def _statements(db: Database, key: str, limit: int) -> list[Statement]:
    """Newest mention sentences, figures first, then by informativeness; one per text."""
    from digests.analysis.companies import has_figure, statement_focus, statement_score

    rows = db.execute(
        f"SELECT s.text, s.folded, a.id, a.title, a.source, a.url, {SHOWN_DATE}, a.published, "
        "m.aliases, s.idx, s.paragraph, "
        " (SELECT COUNT(DISTINCT o.org_key) FROM mentions o "
        "  WHERE o.article_id = m.article_id AND o.sentence_idx = m.sentence_idx) "
        # The newest mention rows first (index order, stops early), then grouped: grouping
        # all of a big company's mentions before the LIMIT took ~90 ms at 100k articles.
        "FROM (SELECT article_id, sentence_idx, json_group_array(alias) AS aliases "
        "      FROM (SELECT article_id, sentence_idx, alias FROM mentions WHERE org_key = ? "
        "            ORDER BY article_id DESC, sentence_idx DESC LIMIT ?) "
        "      GROUP BY article_id, sentence_idx ORDER BY article_id DESC LIMIT ?) m "
        "JOIN sentences s ON s.article_id = m.article_id AND s.idx = m.sentence_idx "
        "JOIN articles a ON a.id = m.article_id "
        "WHERE s.is_heading = 0",
        [key, 4 * STATEMENT_CANDIDATES, STATEMENT_CANDIDATES],
    ).fetchall()
    ranked = []
    for row in rows:
        text, folded, article_id, title, source, url, shown, published, aliases = row[:9]
        idx, paragraph, orgs = row[9:]
        figure = bool(has_figure(text))
        statement = Statement(text, article_id, title, source, url, shown, figure)
        focus = statement_focus(text, json.loads(aliases), int(orgs))
        # Lists of names and passing mentions last; then figures, the company as subject.
        sort_key = (focus > 0, figure, focus, float(statement_score(text)), published, article_id)
        ranked.append((sort_key, folded, statement, (int(idx), int(paragraph))))
    ranked.sort(key=lambda item: item[0], reverse=True)
    seen: set[str] = set()
    statements: list[Statement] = []
    people: dict[int, list[tuple[str, str | None]]] = {}
    for _key, folded, statement, (idx, paragraph) in ranked:
        if folded in seen:
            continue
        seen.add(folded)
        statements.append(_in_context(db, statement, idx, paragraph, people))
        if len(statements) == limit:
            break
    return statements


def _in_context(
    db: Database,
    statement: Statement,
    idx: int,
    paragraph: int,
    people: dict[int, list[tuple[str, str | None]]],
) -> Statement:
    """``statement`` as shown: quote marks balanced and its speaker named from the paragraph
    it was cut from (``people`` caches each article's named people)."""
    aid = statement.article_id
    rows = db.execute(
        "SELECT idx, paragraph, text, is_heading FROM sentences "
        "WHERE article_id = ? AND paragraph IN (?, ?) ORDER BY idx",
        [aid, paragraph - 1, paragraph],
    ).fetchall()
    if aid not in people:
        people[aid] = [
            (str(name), role)
            for name, role in db.execute(
                "SELECT name, role FROM people WHERE article_id = ? ORDER BY sentence_idx",
                [aid],
            )
        ]
    own = [(int(i), str(text)) for i, p, text, _heading in rows if p == paragraph]
    before = [str(text) for _i, p, text, heading in rows if p != paragraph and not heading]
    position = [i for i, _text in own].index(idx)
    shown = present([text for _i, text in own], position, people[aid], before)
    return replace(statement, text=shown.text, speaker=shown.speaker)


def _people(db: Database, key: str, n: int = 8) -> list[QuotedPerson]:
    rows = db.execute(
        "SELECT name, role, COUNT(DISTINCT article_id) AS articles FROM "
        "(SELECT name, role, article_id FROM people WHERE org_key = ? "
        " ORDER BY article_id DESC LIMIT ?) "
        "GROUP BY name, role ORDER BY articles DESC, role IS NULL, name",
        [key, RECENT_ROWS],
    ).fetchall()
    best: dict[str, QuotedPerson] = {}
    for name, role, articles in rows:
        # A person named with and without a role is one person: keep the best-attested role.
        current = best.get(name)
        if current is None:
            best[name] = QuotedPerson(name, role, int(articles))
        else:
            best[name] = QuotedPerson(name, current.role or role, current.articles + int(articles))
    ranked = sorted(best.values(), key=lambda p: (-p.articles, p.role is None, p.name))
    return ranked[:n]


def list_companies(db: Database, *, include_unmentioned: bool = False) -> list[CompanyCount]:
    """Organisations with how many stored articles mention each, most mentioned first."""
    rows = db.execute(
        "SELECT o.key, o.name, o.kind, o.discovered, COALESCE(c.articles, 0) AS n "
        "FROM organisations o LEFT JOIN org_counts c ON c.org_key = o.key"
    ).fetchall()
    rows.sort(key=lambda row: (-row[4], row[3], vietnamese_sort_key(row[1])))
    return [
        CompanyCount(key, name, kind, int(n), bool(discovered))
        for key, name, kind, discovered, n in rows
        if n or (include_unmentioned and not discovered)
    ]


def vietnamese_sort_key(name: str) -> tuple[str, str]:
    """Alphabetical order as Vietnamese readers expect: tones and marks ignored first
    (Ủy next to Uy), đ after d (Đài after Dịch vụ, before Em), then the exact text."""
    text = nfc(name)
    folded = fold(text)
    base = "".join("d{" if c in "đĐ" else f for c, f in zip(text, folded, strict=True))
    return base, text


# --------------------------------------------------------------------------- targets


def targets_report(
    db: Database, year_from: int, year_to: int | None = None, *, limit: int = 20
) -> TargetsReport:
    """Goals for the years in range: by year, goals for a whole year before those for a month,
    newest article first (the order of the targets_year index, so no sort is needed)."""
    year_to = year_from if year_to is None else year_to
    limit = max(1, min(limit, 200))
    total = int(
        db.execute(
            "SELECT COUNT(*) FROM targets WHERE year BETWEEN ? AND ?", [year_from, year_to]
        ).fetchone()[0]
    )
    rows = db.execute(
        "SELECT t.year, t.month, t.goal, t.setter, t.sentence, a.id, a.title, a.source, a.url, "
        f"{SHOWN_DATE}, a.story_id, a.published "
        "FROM targets t JOIN articles a ON a.id = t.article_id "
        "WHERE t.year BETWEEN ? AND ? "
        "ORDER BY t.year, t.month, t.article_id DESC LIMIT ?",
        [year_from, year_to, limit * 4],
    ).fetchall()
    seen: set[tuple[int, str]] = set()
    targets = []
    for year, month, goal, setter, sentence, aid, title, source, url, shown, story, stored in rows:
        # The same goal retold by another outlet (same story) is shown once.
        marker = (int(story or aid), fold(goal))
        if marker in seen:
            continue
        seen.add(marker)
        # Relative forms ("trong 3 năm tới") were counted from the stored date, shown or not.
        wording = deadline(sentence, year, month, _iso_date(stored))
        targets.append(
            TargetRow(year, month, goal, setter, sentence, aid, title, source, url, shown, wording)
        )
        if len(targets) == limit:
            break
    return TargetsReport(year_from, year_to, targets, total)


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def target_years(db: Database) -> list[tuple[int, int]]:
    """(year, number of goals) for every year that has goals, in order."""
    rows = db.execute("SELECT year, COUNT(*) FROM targets GROUP BY year ORDER BY year")
    return [(int(y), int(n)) for y, n in rows]


# --------------------------------------------------------------------------- search

SEARCH_COUNT_CAP = 1000
RANK_POOL = 200  # newest matches ranked by bm25 (see search())
_WORD_BOUNDARY = r"(?<!\w){}(?!\w)"


def search(db: Database, query: str, limit: int = 10, offset: int = 0) -> SearchResult:
    """Ranked (bm25, title weighted) articles for ``query``, folded, with highlighted snippets.

    Ranking is bm25 among the newest RANK_POOL matches (all of them when fewer).
    The words are first looked up as an exact phrase ("buu dien" must be the two
    syllables together); only if no article has the phrase do all the words
    anywhere count.  Every word is quoted, so FTS5 syntax in user input is inert.
    """
    text = clean_argument(query, what="words")
    limit, offset = _page(limit, offset)
    tokens = words(text)
    if not tokens:
        raise BadArgument("no_words")
    phrase = '"' + " ".join(tokens) + '"'
    match, all_words = phrase, False
    total = _count_matches(db, phrase)
    if total == 0 and len(tokens) > 1:
        match, all_words = " AND ".join(f'"{t}"' for t in tokens), True
        total = _count_matches(db, match)
    # bm25 is ranked within the newest RANK_POOL matches: ranking every match of a word
    # found in most articles costs ~200 ms at 100k articles, and readers of news want recent
    # articles anyway.  With fewer matches than the pool, this is the plain bm25 order.
    rows = db.execute(
        f"SELECT a.id, a.title, a.source, a.url, {SHOWN_DATE}, a.body FROM "
        "(SELECT rowid, rank FROM "
        " (SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS rank FROM articles_fts "
        "  WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?) "
        " ORDER BY rank LIMIT ? OFFSET ?) f "
        "JOIN articles a ON a.id = f.rowid ORDER BY f.rank",
        [match, RANK_POOL, limit, offset],
    ).fetchall()
    patterns = [" ".join(tokens)] if not all_words else tokens
    hits = [
        SearchHit(aid, title, source, url, published, snippet(body, patterns))
        for aid, title, source, url, published, body in rows
    ]
    return SearchResult(
        text, hits, min(total, SEARCH_COUNT_CAP), total >= SEARCH_COUNT_CAP, offset, all_words
    )


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


# --------------------------------------------------------------------------- articles, stats


def list_articles(db: Database, limit: int = 20, offset: int = 0) -> ArticleList:
    """Stored articles, newest publication date first."""
    limit, offset = _page(limit, offset)
    rows = db.execute(
        f"SELECT a.id, {SHOWN_DATE}, a.source, a.title, a.url FROM articles a "
        "ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?",
        [limit, offset],
    ).fetchall()
    total = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    return ArticleList([ArticleRow(*row) for row in rows], total, offset)


def _value(db: Database, sql: str) -> Any:
    row = db.execute(sql).fetchone()
    return None if row is None else row[0]


def corpus_stats(db: Database) -> CorpusStats:
    """How big and how fresh the store is, for /about and `ictdigest articles`."""
    # Separate queries, each answered from an index: one combined aggregate scans the table.
    articles = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    stories = int(
        db.execute("SELECT COUNT(*) FROM (SELECT DISTINCT story_id FROM articles)").fetchone()[0]
    )
    first, last = (
        _value(db, f"SELECT published FROM articles WHERE date_known ORDER BY published {way}")
        for way in ("LIMIT 1", "DESC LIMIT 1")
    )
    per_source = db.execute("SELECT source, COUNT(*) FROM articles GROUP BY source").fetchall()
    top = sorted(per_source, key=lambda row: (-row[1], row[0]))[:5]
    return CorpusStats(
        articles,
        stories,
        len(per_source),
        first,
        last,
        get_meta(db, "last_ingest"),
        [(str(s), int(n)) for s, n in top],
    )
