"""/person: what a person said or is quoted in, with their role and organisation at the time.

A person is who the articles name with a role ("Bộ trưởng Nguyễn Mạnh Hùng"), found by
the exact name or, failing that, by the name without its marks.  A person's role is read
per article, so that a minister of TT&TT who later became minister of KH&CN reads right:
each statement carries the role and organisation its own article gave.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from digests.analysis.companies import load_registry
from digests.analysis.quotes import present, speakers_in
from digests.analysis.statement_score import has_figure
from digests.answers.statements import SHOWN_DATE, Statement
from digests.textnorm import fold, nfc, squash_spaces

PERSON_ARTICLES = 30  # newest articles naming the person that are read for statements


@dataclass(frozen=True)
class RoleSpan:
    """A role the articles gave the person, from the first to the last article giving it."""

    role: str | None
    organisation: str | None
    first: str | None  # shown dates (None: undated article)
    last: str | None
    articles: int


@dataclass(frozen=True)
class PersonStatement:
    statement: Statement
    role: str | None  # as the statement's article gave it
    organisation: str | None


@dataclass(frozen=True)
class PersonReport:
    name: str
    query: str
    roles: list[RoleSpan]  # oldest first
    article_count: int
    statements: list[PersonStatement]  # newest first
    found: bool = True
    kind: str = "person"
    read_as: str | None = None  # the name answered for when the query was not it


@dataclass(frozen=True)
class _Named:
    article_id: int
    role: str | None
    org_key: str | None
    shown: str | None
    stored: str


def find_person(db: Database, query: str) -> str | None:
    """The stored name ``query`` names: exactly, else the one name it folds to."""
    name = squash_spaces(nfc(query))
    row = db.execute("SELECT name FROM people WHERE name = ? LIMIT 1", [name]).fetchone()
    if row is not None:
        return str(row[0])
    matches = _names(db).folded.get(fold(name).lower(), ())
    return matches[0] if len(matches) == 1 else None


def person_names(db: Database) -> tuple[str, ...]:
    """Every distinct person's name in the store (cached while the people table is unchanged)."""
    return _names(db).names


@dataclass(frozen=True)
class _Names:
    names: tuple[str, ...]
    folded: dict[str, tuple[str, ...]]  # folded name → the names that fold to it


_NAMES: dict[tuple[str, int], _Names] = {}


def _names(db: Database) -> _Names:
    """The store's people names, read again only when the people table changed (reader
    threads share it: a whole value is swapped in, never half-built)."""
    row = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM people").fetchone()
    version = (str(db.conn.execute("PRAGMA database_list").fetchone()[2]), int(row[0]))
    cached = _NAMES.get(version)
    if cached is None:
        names = tuple(str(r[0]) for r in db.execute("SELECT DISTINCT name FROM people"))
        folded: dict[str, tuple[str, ...]] = {}
        for person in names:
            key = fold(person).lower()
            folded[key] = (*folded.get(key, ()), person)
        cached = _Names(names, folded)
        _NAMES.clear()
        _NAMES[version] = cached
    return cached


def person_report(db: Database, query: str, limit: int = 10) -> PersonReport | None:
    """What ``query``'s person said or is quoted in, newest first; None if no one is named so."""
    name = find_person(db, query)
    if name is None:
        return None
    named = _named(db, name)
    orgs = _org_names(db, {n.org_key for n in named if n.org_key})
    filled = _fill_organisations(named)
    statements: list[PersonStatement] = []
    newest_first = list(dict.fromkeys(n.article_id for n in reversed(named)))
    for article_id in newest_first[:PERSON_ARTICLES]:
        role, org_key = filled[article_id]
        org = orgs.get(org_key) if org_key else None
        for statement in _said_in(db, article_id, name):
            statements.append(PersonStatement(statement, role, org))
        if len(statements) >= limit:
            break
    articles = db.execute(
        "SELECT COUNT(DISTINCT article_id) FROM people WHERE name = ?", [name]
    ).fetchone()[0]
    return PersonReport(
        name=name,
        query=query,
        roles=_role_spans(named, filled, orgs),
        article_count=int(articles),
        statements=statements[:limit],
    )


PERSON_ROWS = 2000  # newest mentions of a person whose roles are read


def _named(db: Database, name: str) -> list[_Named]:
    """The person's newest PERSON_ROWS mentions with their articles' dates, oldest first."""
    rows = db.execute(
        f"SELECT p.article_id, p.role, p.org_key, {SHOWN_DATE}, a.published "
        "FROM (SELECT article_id, role, org_key FROM people WHERE name = ? "
        "      ORDER BY article_id DESC LIMIT ?) p "
        "JOIN articles a ON a.id = p.article_id ORDER BY a.published, p.article_id",
        [name, PERSON_ROWS],
    ).fetchall()
    return [_Named(int(aid), role, org, shown, stored) for aid, role, org, shown, stored in rows]


def _fill_organisations(named: Sequence[_Named]) -> dict[int, tuple[str | None, str | None]]:
    """(role, organisation key) per article: the article's own, the organisation filled
    from the nearest article in time that gave the same role with one."""
    per_article: dict[int, tuple[str | None, str | None, str]] = {}
    for row in named:
        role, org, _stored = per_article.get(row.article_id, (None, None, row.stored))
        per_article[row.article_id] = (role or row.role, org or row.org_key, row.stored)
    known: dict[str | None, list[tuple[int, str]]] = {}
    for role, org, stored in per_article.values():
        if org is not None:
            known.setdefault(role, []).append((_days(stored), org))
    for dates in known.values():
        dates.sort()
    filled: dict[int, tuple[str | None, str | None]] = {}
    for aid, (role, org, stored) in per_article.items():
        if org is None and role is not None and role in known:
            org = _nearest(known[role], _days(stored))
        filled[aid] = (role, org)
    return filled


def _nearest(dates: list[tuple[int, str]], day: int) -> str:
    """The organisation of the (day, organisation) nearest ``day``; ``dates`` sorted."""
    at = bisect_left(dates, (day, ""))
    around = dates[max(0, at - 1) : at + 1]
    return min(around, key=lambda item: abs(item[0] - day))[1]


def _days(iso: str) -> int:
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return year * 372 + month * 31 + day


def _org_names(db: Database, keys: set[str | None]) -> dict[str, str]:
    """Organisation names by key: the curated registry's, else the stored discovery's."""
    registry = load_registry()
    found = {}
    for key in filter(None, keys):
        org = registry.get(key)
        if org is not None:
            found[key] = org.name
            continue
        row = db.execute("SELECT name FROM organisations WHERE key = ?", [key]).fetchone()
        if row is not None:
            found[key] = str(row[0])
    return found


def _role_spans(
    named: Sequence[_Named],
    filled: dict[int, tuple[str | None, str | None]],
    orgs: dict[str, str],
) -> list[RoleSpan]:
    """Consecutive articles (by date) with one role and organisation, as one span."""
    spans: list[RoleSpan] = []
    seen: set[int] = set()
    for row in named:
        if row.article_id in seen:
            continue
        seen.add(row.article_id)
        role, org_key = filled[row.article_id]
        org = orgs.get(org_key) if org_key else None
        last = spans[-1] if spans else None
        if last is not None and (last.role, last.organisation) == (role, org):
            spans[-1] = RoleSpan(role, org, last.first, row.shown or last.last, last.articles + 1)
        else:
            spans.append(RoleSpan(role, org, row.shown, row.shown, 1))
    return spans


def _said_in(db: Database, article_id: int, name: str) -> list[Statement]:
    """The sentences of one article the person says, in order: those naming them as the
    one who speaks, and those the paragraph gives them (quotations, "Vì vậy, …")."""
    rows = db.execute(
        f"SELECT s.idx, s.paragraph, s.text, s.is_heading, a.title, a.source, a.url, "
        f"{SHOWN_DATE} FROM sentences s JOIN articles a ON a.id = s.article_id "
        "WHERE s.article_id = ? ORDER BY s.idx",
        [article_id],
    ).fetchall()
    people = [
        (str(n), role)
        for n, role in db.execute(
            "SELECT name, role FROM people WHERE article_id = ? ORDER BY sentence_idx",
            [article_id],
        )
    ]
    paragraphs: dict[int, list[tuple[int, str, bool]]] = {}
    for idx, paragraph, text, heading, *_rest in rows:
        paragraphs.setdefault(int(paragraph), []).append((int(idx), str(text), bool(heading)))
    title, source, url, shown = rows[0][4:] if rows else ("", "", None, None)
    found: list[Statement] = []
    previous: list[str] = []
    for number in sorted(paragraphs):
        sentences = [(i, t) for i, t, heading in paragraphs[number] if not heading]
        texts = [t for _i, t in sentences]
        for position, text in enumerate(texts):
            said = present(texts, position, people, previous)
            own = any(name in speaker for speaker in speakers_in(text, people))
            # Said by them, or naming them: "is quoted in" also covers "Thứ trưởng X và
            # Cục Viễn thông có vai trò dẫn dắt …".
            if (said.speaker and name in said.speaker) or own or name in text:
                found.append(
                    Statement(said.text, article_id, title, source, url, shown, has_figure(text))
                )
        if texts:
            previous = texts
    return found
