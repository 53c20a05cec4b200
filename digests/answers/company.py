"""Answers about organisations and people: /company, /person, the organisation list,
and the picks offered when a name is ambiguous or misspelt."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from digests.answers.common import (
    BadArgument,
    NotFound,
    check_page,
    clean_argument,
)
from digests.answers.person import PersonReport, person_report
from digests.answers.resolve import (
    Candidate,
    Resolution,
    is_name,
    resolve_key,
    resolve_name,
    resolve_person,
)
from digests.answers.statements import Statement, company_statements
from digests.textnorm import fold, nfc

RECENT_ROWS = 2000  # aliases and people of a company come from its newest mentions


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
class CompanyCount:
    key: str
    name: str
    kind: str
    articles: int
    discovered: bool


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
    limit, _ = check_page(limit, 0)
    if not is_name(query):
        raise BadArgument("not_a_name", what="name", value=query)
    registry = registry or _registry()
    found = resolve_name(db, registry, query)
    return report_for(db, found, query, limit)


def person_answer(db: Database, name: str, limit: int = 10) -> PersonReport | NotFound:
    """/person: what someone said or is quoted in; NotFound with the nearest names."""
    query = clean_argument(name)
    limit, _ = check_page(limit, 0)
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
