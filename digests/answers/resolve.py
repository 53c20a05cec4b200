"""Who a reader's /company argument names: an organisation, a person, or candidates.

In order: the registry's names and aliases, a discovered organisation, the same with the
word readers leave out ("Nhân Dân" is "Báo Nhân Dân"), a person the articles name
("Nguyễn Mạnh Hùng" goes to the person's answer), then spelling mistakes: when one name
is clearly the closest ("Vietel", "Viettell" → Viettel) it is answered for, saying how
the query was read; otherwise the closest names are offered to choose from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlite_utils import Database

from digests.analysis.companies import alias_key
from digests.answers.person import find_person, person_names
from digests.model import Organisation
from digests.textnorm import fold

CLEAR = 85.0  # similarity (0–100, edit distance) a typo must reach to be answered for …
GAP = 10.0  # … with the next closest name at least this far behind
SUGGEST = 75.0  # weighted similarity a name needs to be offered as a candidate
MAX_CANDIDATES = 5
# Words readers leave out of a name: "Nhân Dân" for "Báo Nhân Dân".
HEADS = ("Báo", "Đài", "Tập đoàn", "Tổng Công ty", "Công ty", "Nhà xuất bản")
PERSON_KEY = "@"  # a candidate key starting so is a person's name


@dataclass(frozen=True)
class Candidate:
    label: str  # the name as readers see it
    key: str  # an organisation's key, or PERSON_KEY + a person's name


@dataclass(frozen=True)
class Resolution:
    org: Organisation | None = None
    person: str | None = None
    read_as: str | None = None  # the name answered for, when the query was not it
    candidates: tuple[Candidate, ...] = ()


def is_name(query: str) -> bool:
    """Whether ``query`` has a letter or digit at all ("🤖🔥💀" has none)."""
    return re.search(r"[^\W_]", query) is not None


def resolve_name(db: Database, registry: Any, query: str) -> Resolution:
    """What ``query`` names; see the module's docstring for the order."""
    org = registry.resolve(query) or discovered(db, query)
    if org is not None:
        return Resolution(org=org)
    for head in HEADS:
        org = registry.resolve(f"{head} {query}") or discovered(db, f"{head} {query}")
        if org is not None:
            return Resolution(org=org, read_as=org.name)
    person = find_person(db, query)
    if person is not None:
        return Resolution(person=person, read_as=None if person == query else person)
    scored = _scored(db, registry, query)
    if (
        scored
        and scored[0][0] >= CLEAR
        and (len(scored) == 1 or scored[0][0] - scored[1][0] >= GAP)
    ):
        _score, label, key = scored[0]
        return _chosen(db, registry, label, key)
    candidates = _candidates(db, registry, query)
    return Resolution(candidates=tuple(candidates))


def resolve_person(db: Database, query: str) -> Resolution:
    """The person ``query`` names: exactly, without marks, or clearly the closest name."""
    person = find_person(db, query)
    if person is not None:
        return Resolution(person=person)
    names = {alias_key(name): name for name in person_names(db)}
    found = process.extract(alias_key(query), list(names), scorer=fuzz.ratio, limit=MAX_CANDIDATES)
    if clearly_best([float(score) for _alias, score, _index in found]):
        name = names[found[0][0]]
        return Resolution(person=name, read_as=name)
    return Resolution(
        candidates=tuple(
            Candidate(names[alias], PERSON_KEY + names[alias])
            for alias, score, _index in found
            if score >= SUGGEST
        )
    )


def clearly_best(scores: list[float]) -> bool:
    """Whether the first of these similarities (best first) is a clear answer."""
    return (
        bool(scores) and scores[0] >= CLEAR and (len(scores) == 1 or scores[0] - scores[1] >= GAP)
    )


def resolve_key(db: Database, registry: Any, key: str) -> Resolution | None:
    """A candidate's key (from a button) back to what it names, None if it names nothing."""
    if key.startswith(PERSON_KEY):
        name = find_person(db, key[len(PERSON_KEY) :])
        return Resolution(person=name) if name else None
    org = registry.get(key) if hasattr(registry, "get") else None
    if org is None:
        org = _discovered_by_key(db, key)
    return Resolution(org=org) if org else None


def _chosen(db: Database, registry: Any, label: str, key: str) -> Resolution:
    found = resolve_key(db, registry, key)
    if found is None:
        return Resolution()
    return Resolution(org=found.org, person=found.person, read_as=label)


def _choices(db: Database, registry: Any) -> dict[str, tuple[str, str]]:
    """Every name readers may mean, folded → (label, key)."""
    choices: dict[str, tuple[str, str]] = {}
    for org in registry.all():
        for name in (org.name, *org.aliases):
            choices.setdefault(alias_key(name), (org.name, org.key))
    for key, name in _discovered_names(db):
        choices.setdefault(alias_key(name), (name, key))
    for name in person_names(db):
        choices.setdefault(alias_key(name), (name, PERSON_KEY + name))
    return choices


def _scored(db: Database, registry: Any, query: str) -> list[tuple[float, str, str]]:
    """(edit similarity, label, key), best first, one per organisation or person."""
    choices = _choices(db, registry)
    found = process.extract(alias_key(query), list(choices), scorer=fuzz.ratio, limit=20)
    best: dict[str, tuple[float, str, str]] = {}
    for alias, score, _index in found:
        label, key = choices[alias]
        if key not in best or best[key][0] < score:
            best[key] = (float(score), label, key)
    return sorted(best.values(), reverse=True)


def _candidates(db: Database, registry: Any, query: str) -> list[Candidate]:
    choices = _choices(db, registry)
    found = process.extract(
        alias_key(query),
        list(choices),
        scorer=fuzz.WRatio,
        limit=4 * MAX_CANDIDATES,
        score_cutoff=SUGGEST,
    )
    candidates: list[Candidate] = []
    for alias, _score, _index in found:
        label, key = choices[alias]
        if all(c.key != key for c in candidates):
            candidates.append(Candidate(label, key))
    return candidates[:MAX_CANDIDATES]


def discovered(db: Database, query: str) -> Organisation | None:
    """A discovered organisation named ``query``; discovered keys are slugs of folded names."""
    return _discovered_by_key(db, re.sub(r"[^a-z0-9]+", "-", fold(query)).strip("-"))


def _discovered_by_key(db: Database, key: str) -> Organisation | None:
    import json

    row = db.execute(
        "SELECT key, name, kind, aliases FROM organisations WHERE key = ? AND discovered = 1",
        [key],
    ).fetchone()
    if row is None:
        return None
    key, name, kind, aliases = row
    return Organisation(key, name, kind, tuple(json.loads(aliases or "[]")), discovered=True)


def _discovered_names(db: Database) -> list[tuple[str, str]]:
    return [
        (str(key), str(name))
        for key, name in db.execute(
            "SELECT o.key, o.name FROM organisations o WHERE o.discovered = 1 "
            "AND EXISTS (SELECT 1 FROM mentions m WHERE m.org_key = o.key)"
        )
    ]
