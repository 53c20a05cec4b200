"""Scanning sentences once for registry organisations, discovered organisations and
people, and turning the hits into mentions (a name counts only as a word of its own)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from digests.analysis.companies import (
    SPACES,
    OrgHit,
    Registry,
    trie_pattern,
)
from digests.analysis.org_discovery import (
    ORG_TRIGGERS,
    discover_at,
)
from digests.analysis.people import (
    ROLE_PATTERN,
    PersonHit,
    link_people,
    people_at_role,
)
from digests.model import Mention, Organisation, Person, Sentence
from digests.textnorm import fold_nfc


@dataclass
class TextScan:
    """What one pass over a text found; offsets index that text."""

    orgs: list[OrgHit]  # curated and discovered, in text order
    people: list[PersonHit]
    extra: dict[str, list[tuple[int, int]]]  # spans of the caller's extra patterns


class Scanner:
    """Organisations, roles, trigger words (and extra cues) found in ONE regex pass.

    Python's regex engine costs about the same per character whatever it looks
    for, so one combined pattern over the folded text is far cheaper than a pass
    per question.  ``extra`` adds named patterns (over folded text, no capturing
    groups) whose spans come back in ``TextScan.extra``: analyse adds the time
    cues that make a sentence worth a look for targets.
    """

    def __init__(self, registry: Registry, extra: Mapping[str, str] | None = None) -> None:
        self.registry = registry
        self._extra_names = list(extra or {})
        parts = [
            rf"(?P<org>{registry.pattern})(?!\w)",
            rf"(?P<role>{ROLE_PATTERN})(?!\w)",
            rf"(?P<trigger>{trie_pattern(ORG_TRIGGERS)})[^\S\n]+",
        ]
        parts += [f"(?P<x{i}>{pattern})" for i, pattern in enumerate((extra or {}).values())]
        self._master = re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")

    def scan(self, text: str, folded: str | None = None) -> TextScan:
        """Everything in ``text`` (NFC; may hold many sentences joined by NUL)."""
        folded = fold_nfc(text) if folded is None else folded
        orgs: list[OrgHit] = []
        roles: list[tuple[int, int]] = []
        triggers: list[tuple[int, int, str]] = []
        extra: dict[str, list[tuple[int, int]]] = {name: [] for name in self._extra_names}
        for match in self._master.finditer(folded):
            kind = match.lastgroup
            if kind == "org":
                hit = self.registry.accept(text, match.start(), match.end(), match.group())
                if hit is not None:
                    orgs.append(hit)
            elif kind == "role":
                roles.append(match.span())
            elif kind == "trigger":
                if text[match.end() : match.end() + 1].isupper():  # "Đài Truyền…", not "đại"
                    trigger = SPACES.sub(" ", match.group("trigger"))
                    triggers.append((match.start(), match.end(), trigger))
            elif kind is not None:
                extra[self._extra_names[int(kind[1:])]].append(match.span())
        discovered = self._discover(text, folded, triggers, orgs)
        if discovered:
            orgs = sorted(orgs + discovered, key=lambda hit: hit.start)
        by_start = {hit.start: hit for hit in orgs}
        people = [p for start, end in roles for p in people_at_role(text, start, end, by_start)]
        return TextScan(orgs, sorted(people, key=lambda p: p.start), extra)

    @staticmethod
    def _discover(
        text: str, folded: str, triggers: list[tuple[int, int, str]], curated: list[OrgHit]
    ) -> list[OrgHit]:
        found: list[OrgHit] = []
        for start, name_start, trigger in triggers:
            hit = discover_at(text, folded, start, name_start, trigger)
            # A curated name inside wins: "Tập đoàn Viễn thông Hàn Quốc Korea Telecom".
            if hit and not any(c.start < hit.end and hit.start < c.end for c in curated):
                found.append(hit)
        return found


@lru_cache(maxsize=8)
def scanner_for(registry: Registry) -> Scanner:
    """The plain scanner (no extra cues) for ``registry``, built once."""
    return Scanner(registry)


def scan_sentence(text: str, registry: Registry) -> TextScan:
    """Organisations and people in one sentence."""
    return scanner_for(registry).scan(text)


def _numbered(sentences: Sequence[Sentence | str]) -> Iterator[tuple[int, str]]:
    for position, sentence in enumerate(sentences):
        if isinstance(sentence, Sentence):
            yield sentence.idx, sentence.text
        else:
            yield position, sentence


def mentions_from_hits(sentence_idx: int, hits: Iterable[OrgHit]) -> list[Mention]:
    """One mention per organisation and spelling in a sentence."""
    seen: set[tuple[str, str]] = set()
    mentions: list[Mention] = []
    for hit in hits:
        if (hit.org_key, hit.alias) not in seen:
            seen.add((hit.org_key, hit.alias))
            mentions.append(Mention(hit.org_key, hit.alias, sentence_idx))
    return mentions


def find_mentions(sentences: Sequence[Sentence | str], registry: Registry) -> list[Mention]:
    """Organisations (curated and discovered) mentioned in each sentence."""
    mentions: list[Mention] = []
    for idx, text in _numbered(sentences):
        mentions.extend(mentions_from_hits(idx, scan_sentence(text, registry).orgs))
    return mentions


def find_people(sentences: Sequence[Sentence | str], registry: Registry) -> list[Person]:
    """People named with a role, linked to organisations, across an article."""
    people: list[Person] = []
    for idx, text in _numbered(sentences):
        for hit in scan_sentence(text, registry).people:
            people.append(Person(hit.name, hit.role, hit.org_key, idx))
    return link_people(people)


def discovered_organisations(hits: Iterable[OrgHit]) -> list[Organisation]:
    """The distinct organisations among ``hits`` that are not in the registry."""
    by_key: dict[str, Organisation] = {}
    for hit in hits:
        if hit.discovered is not None:
            by_key.setdefault(hit.org_key, hit.discovered)
    return list(by_key.values())
