"""What readers may type into /search, and the FTS5 query it becomes.

- plain words: ``chuyển đổi số`` (the words together first, else all of them anywhere);
- a quoted phrase: ``"bưu điện" Hà Nội`` (the phrase, and Hà and Nội anywhere);
- ``-word`` or ``-"a phrase"`` leaves out the articles that have it: ``5G -viettel``;
- ``OR`` (capitals) between alternatives: ``viettel OR vnpt``.

Every word reaches FTS5 quoted, so its own syntax (NEAR, *, ^, column filters) is inert.
Matching is folded (no marks, no case); the words as typed are kept so that a reader who
typed the marks sees the articles with exactly those words first (``Hồng Hà`` before
"hồng hạ").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from digests.textnorm import fold, nfc, words

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
OR_WORD = "OR"


@dataclass(frozen=True)
class Term:
    typed: str  # as the reader wrote it (NFC)
    folded: tuple[str, ...]  # its folded words

    @property
    def fts(self) -> str:
        return '"' + " ".join(self.folded) + '"'


@dataclass(frozen=True)
class Query:
    groups: list[list[Term]]  # alternatives (OR), each all of its terms (AND)
    excluded: list[Term] = field(default_factory=list)
    syntax: bool = False  # quotes, "-" or OR were used: terms are taken as written

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


def parse(text: str) -> Query:
    """The reader's search, split into alternatives, terms and left-out terms."""
    groups: list[list[Term]] = [[]]
    excluded: list[Term] = []
    syntax = False
    for match in _TOKEN.finditer(nfc(text)):
        quoted = match.group(2) is not None
        minus = (match.group(1) if quoted else match.group(3)) or ""
        body = match.group(2) if quoted else match.group(4)
        if not quoted and not minus and body == OR_WORD:
            groups.append([])
            syntax = True
            continue
        folded = tuple(words(body))
        if not folded:
            continue
        syntax = syntax or quoted or bool(minus)
        term = Term(body, folded)
        (excluded if minus else groups[-1]).append(term)
    return Query([group for group in groups if group], excluded, syntax)


def fts_match(query: Query, *, phrase: bool = False) -> str:
    """The FTS5 MATCH expression; ``phrase`` joins a plain query's words into one phrase."""
    if phrase:
        joined = " ".join(word for term in query.terms for word in term.folded)
        positive = f'"{joined}"'
    else:
        alternatives = [" AND ".join(term.fts for term in group) for group in query.groups]
        positive = " OR ".join(f"({a})" for a in alternatives)
    for term in query.excluded:
        positive = f"({positive}) NOT {term.fts}"
    return positive


def patterns(query: Query, *, phrase: bool = False) -> list[str]:
    """The folded words or phrases a snippet highlights."""
    if phrase:
        return [" ".join(word for term in query.terms for word in term.folded)]
    found: list[str] = []
    for term in query.terms:
        if query.syntax:
            found.append(" ".join(term.folded))
        else:
            found.extend(term.folded)
    return found


def has_marks(query: Query) -> bool:
    """Whether the reader typed Vietnamese marks (then exact spellings rank first)."""
    return any(fold(term.typed) != term.typed.casefold() for term in query.terms)


def exactness(query: Query, title: str, body: str) -> int:
    """How many of the terms the article has spelt exactly as typed (case aside, as readers
    capitalise): "Hồng Hà" counts, "hồng hạ" does not."""
    return sum(any(v in title or v in body for v in _spellings(t.typed)) for t in query.terms)


def exactness_sql(query: Query) -> tuple[str, list[str]]:
    """``exactness`` as an SQL expression over ``title`` and ``body`` with its parameters:
    the bodies are compared where they are stored rather than read out."""
    parts: list[str] = []
    params: list[str] = []
    for term in query.terms:
        spellings = sorted(_spellings(term.typed))
        parts.append(
            "(" + " OR ".join("instr(title, ?) OR instr(body, ?)" for _ in spellings) + ")"
        )
        params.extend(value for spelling in spellings for value in (spelling, spelling))
    return " + ".join(parts) or "0", params


def _spellings(typed: str) -> set[str]:
    """The typed words as they may stand in an article: as typed, lower case, capitalised."""
    lower = typed.lower()
    return {typed, lower, lower.capitalize(), " ".join(w.capitalize() for w in lower.split())}
