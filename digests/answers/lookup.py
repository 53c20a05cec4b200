"""Answers from the store: company, targets, search, article list, corpus stats.

Plain functions over a Database returning plain records; the CLI and the bot
render them with the same templates.  Bad arguments raise ``BadArgument`` whose
``code`` and ``params`` the ``usage`` template turns into a polite line with an
example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from digests.analysis import relevance
from digests.answers.deadlines import Deadline, deadline
from digests.answers.person import PersonReport, person_report
from digests.answers.resolve import (
    Candidate,
    Resolution,
    is_name,
    resolve_key,
    resolve_name,
    resolve_person,
)
from digests.answers.search_query import Query, exactness_sql, fts_match, has_marks
from digests.answers.search_query import parse as parse_query
from digests.answers.search_query import patterns as query_patterns
from digests.answers.statements import SHOWN_DATE, Statement, company_statements
from digests.store.meta import get_meta
from digests.textnorm import fold, nfc, squash_spaces, words

MAX_ARGUMENT = 200
MIN_YEAR, MAX_YEAR = 1900, 2100
RECENT_ROWS = 2000  # aliases and people of a company come from its newest mentions
MAX_LIMIT = 50
SNIPPET_CHARS = 220


class BadArgument(ValueError):
    """A user argument we cannot use; ``code`` picks the polite explanation."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}" if params else code)


# --------------------------------------------------------------------------- records


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
    read_as: str | None = None  # the name answered for when the query was misspelt


@dataclass(frozen=True)
class NotFound:
    query: str
    suggestions: list[str]
    found: bool = False
    candidates: list[Candidate] = field(default_factory=list)  # for buttons: label and key


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
    themes: dict[str, float] = field(default_factory=dict)  # what it is about, with scores
    story: int | None = None  # the story it belongs to (see story_cluster)
    origin: str | None = None  # the file path or URL it was read from


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
) -> CompanyReport | PersonReport | NotFound:
    """What the store knows about one organisation (or the person the name is), or NotFound
    with the nearest names; how a misspelt name was read is said in ``read_as``."""
    query = clean_argument(name)
    limit, _ = _page(limit, 0)
    if not is_name(query):
        raise BadArgument("not_a_name", what="name", value=query)
    registry = registry or _registry()
    found = resolve_name(db, registry, query)
    return report_for(db, found, query, limit)


def person_answer(db: Database, name: str, limit: int = 10) -> PersonReport | NotFound:
    """/person: what someone said or is quoted in; NotFound with the nearest names."""
    query = clean_argument(name)
    limit, _ = _page(limit, 0)
    if not is_name(query):
        raise BadArgument("not_a_name", what="name", value=query)
    found = resolve_person(db, query)
    report = report_for(db, found, query, limit)
    if isinstance(report, CompanyReport):  # resolve_person names people only
        raise AssertionError(report)
    return report


def company_candidates(db: Database, name: str) -> list[Candidate]:
    """The names to offer as buttons for /company ``name`` (none when it names one)."""
    query = clean_argument(name)
    if not is_name(query):
        return []
    return list(resolve_name(db, _registry(), query).candidates)


def person_candidates(db: Database, name: str) -> list[Candidate]:
    """The people to offer as buttons for /person ``name`` (none when it names one)."""
    query = clean_argument(name)
    if not is_name(query):
        return []
    return list(resolve_person(db, query).candidates)


def names_something(db: Database, key: str) -> bool:
    """Whether a candidate's key (from a button) still names an organisation or person."""
    return resolve_key(db, _registry(), key) is not None


def picked_report(
    db: Database, key: str, limit: int = 8
) -> CompanyReport | PersonReport | NotFound | None:
    """The answer for a candidate's key (a pressed button); None if it names nothing now."""
    found = resolve_key(db, _registry(), key)
    if found is None:
        return None
    return report_for(db, found, found.org.name if found.org else str(found.person), limit)


def report_for(
    db: Database, found: Resolution, query: str, limit: int = 8
) -> CompanyReport | PersonReport | NotFound:
    """The answer for a resolved name."""
    if found.person is not None:
        person = person_report(db, found.person, limit=limit)
        if person is not None:
            return replace(person, query=query, read_as=found.read_as)
    org = found.org
    if org is None:
        labels = [c.label for c in found.candidates]
        return NotFound(query, labels, candidates=list(found.candidates))
    return CompanyReport(
        key=org.key,
        name=org.name,
        kind=org.kind,
        aliases=_matched_aliases(db, org.key),
        article_count=_article_count(db, org.key),
        statements=company_statements(db, org.key, limit),
        people=_people(db, org.key),
        query=query,
        read_as=found.read_as,
    )


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


def _people(db: Database, key: str, n: int = 8) -> list[QuotedPerson]:
    """The company's people, most named first; a person's articles counted by name, also
    those that named them without the company ("Bộ trưởng Nguyễn Mạnh Hùng" alone)."""
    rows = db.execute(
        "SELECT name, role, COUNT(DISTINCT article_id) AS articles FROM "
        "(SELECT name, role, article_id FROM people WHERE org_key = ? "
        " ORDER BY article_id DESC LIMIT ?) "
        "GROUP BY name, role ORDER BY articles DESC, role IS NULL, name",
        [key, RECENT_ROWS],
    ).fetchall()
    roles: dict[str, str | None] = {}
    for name, role, _articles in rows:
        roles[name] = roles.get(name) or role  # the best-attested role comes first
    counted = []
    for name, role in list(roles.items())[: 3 * n]:  # the most named, recounted
        articles = db.execute(
            "SELECT COUNT(*) FROM (SELECT article_id FROM people WHERE name = ? AND org_key = ? "
            "UNION SELECT article_id FROM people WHERE name = ? AND org_key IS NULL LIMIT ?)",
            [name, key, name, RECENT_ROWS],
        ).fetchone()[0]
        counted.append(QuotedPerson(name, role, int(articles)))
    ranked = sorted(counted, key=lambda p: (-p.articles, p.role is None, p.name))
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
    limit, offset = _page(limit, offset)
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


# --------------------------------------------------------------------------- articles, stats


def list_articles(db: Database, limit: int = 20, offset: int = 0) -> ArticleList:
    """Stored articles, newest publication date first."""
    limit, offset = _page(limit, offset)
    rows = db.execute(
        f"SELECT a.id, {SHOWN_DATE}, a.source, a.title, a.url, a.story_id, a.origin "
        "FROM articles a ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?",
        [limit, offset],
    ).fetchall()
    total = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    about = relevance.themes_of(db, [row[0] for row in rows])
    listed = [
        ArticleRow(
            id=row[0],
            published=row[1],
            source=row[2],
            title=row[3],
            url=row[4],
            themes={k: round(v, 2) for k, v in about.get(row[0], {}).items()},
            story=row[5],
            origin=row[6],
        )
        for row in rows
    ]
    return ArticleList(listed, total, offset)


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
    per_source = db.execute(
        "SELECT source, COUNT(*) FROM articles WHERE source <> '' GROUP BY source"
    ).fetchall()  # articles whose outlet is unknown (local files) name no source
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
