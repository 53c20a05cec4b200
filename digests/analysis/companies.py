"""The registry of organisations named in articles.

The curated registry lives in ``digests/data/organisations.toml`` (data, not
code).  All its aliases are compiled into ONE regular expression over folded
text, shaped as a trie so that a position is tried against one branch per
first letter, not against hundreds of aliases; greedy optional branches make
the longest alias win ("Viettel Post" over "Viettel").  A name counts only as a
word of its own: "FPT" in "FPTShop" or "MK" in "MKT" is no mention.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from rapidfuzz import fuzz, process

from digests.model import Organisation
from digests.textnorm import fold, fold_nfc, nfc

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "organisations.toml"
KINDS = ("company", "media", "agency")
OrgKind = Literal["company", "media", "agency"]


class RegistryError(ValueError):
    """The registry file is malformed; the message names the entry."""


# --------------------------------------------------------------------------- folding


_DASHES = re.compile(r"\s*[-–—]\s*")
SPACES = re.compile(r"\s+")


def alias_key(name: str) -> str:
    """The form names are compared in: folded, dashes as spaces, spaces collapsed."""
    return SPACES.sub(" ", _DASHES.sub(" ", fold(name))).strip()


# ------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class OrgHit:
    """An organisation found at ``text[start:end]``."""

    start: int
    end: int
    org_key: str
    alias: str  # as written in the text
    discovered: Organisation | None = None  # set when not in the registry


@dataclass
class _Trie:
    children: dict[str, _Trie] = field(default_factory=dict)
    terminal: bool = False

    def add(self, word: str) -> None:
        node = self
        for char in word:
            node = node.children.setdefault(char, _Trie())
        node.terminal = True

    def pattern(self) -> str:
        branches = [
            _char_pattern(c) + child.pattern() for c, child in sorted(self.children.items())
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional: the longer alias is tried first, the shorter on backtrack.
        return f"(?:{body})?" if self.terminal else body


def _char_pattern(char: str) -> str:
    # A space in an alias key stands for any white space or a dash between words.
    return r"(?:\s*[-–—]\s*|\s+)" if char == " " else re.escape(char)


def trie_pattern(words: Iterable[str]) -> str:
    """One regex alternative for all ``words`` (folded), sharing prefixes, longest first."""
    trie = _Trie()
    for word in words:
        trie.add(word)
    return trie.pattern()


class Registry:
    """The curated organisations, and a matcher for their names in text."""

    def __init__(
        self,
        organisations: Sequence[Organisation],
        case_sensitive: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._organisations = list(organisations)
        self._by_key = {org.key: org for org in self._organisations}
        self._owner: dict[str, str] = {}  # alias key -> org key
        self._exact: dict[str, frozenset[str]] = {}  # alias key -> spellings that count
        for org in self._organisations:
            for name in (org.name, *org.aliases):
                self._claim(alias_key(name), org.key)
        for org_key, spellings in (case_sensitive or {}).items():
            for spelling in spellings:
                key = alias_key(spelling)
                if self._owner.get(key) != org_key:
                    raise RegistryError(f"{org_key}: case-sensitive {spelling!r} is not an alias")
                self._exact[key] = self._exact.get(key, frozenset()) | {squash_nfc(spelling)}
        self.pattern = trie_pattern(self._owner)
        self._matcher = re.compile(rf"(?<!\w)(?:{self.pattern})(?!\w)")
        self._choices = {key: self._by_key[owner].name for key, owner in self._owner.items()}

    def _claim(self, key: str, org_key: str) -> None:
        owner = self._owner.setdefault(key, org_key)
        if owner != org_key:
            raise RegistryError(f"alias {key!r} belongs to both {owner} and {org_key}")

    def all(self) -> list[Organisation]:
        """Every curated organisation, in file order."""
        return list(self._organisations)

    def get(self, key: str) -> Organisation | None:
        """The organisation with this key, if curated."""
        return self._by_key.get(key)

    def resolve(self, name: str) -> Organisation | None:
        """The organisation whose key, name or alias folds to ``name``; case is ignored."""
        key = alias_key(name)
        if key in self._by_key:
            return self._by_key[key]
        owner = self._owner.get(key)
        return self._by_key[owner] if owner else None

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Canonical names of the ``n`` organisations whose names come closest to ``name``."""
        query = alias_key(name)
        if not query:
            return []
        found: list[str] = []
        matches = process.extract(query, self._choices.keys(), scorer=fuzz.WRatio, limit=n * 4)
        for alias, _score, _index in matches:
            canonical = self._choices[alias]
            if canonical not in found:
                found.append(canonical)
            if len(found) == n:
                break
        return found

    def find(self, text: str, folded: str | None = None) -> list[OrgHit]:
        """Registry organisations named in ``text`` (NFC), left to right, longest alias first."""
        folded = fold_nfc(text) if folded is None else folded
        hits: list[OrgHit] = []
        pos = 0
        while (match := self._matcher.search(folded, pos)) is not None:
            hit = self.accept(text, match.start(), match.end(), match.group())
            if hit is None:
                pos = match.start() + 1  # "mk" is not MK; look on from the next character
                continue
            hits.append(hit)
            pos = match.end()
        return hits

    def accept(self, text: str, start: int, end: int, folded_match: str) -> OrgHit | None:
        """The hit for an alias matched at ``text[start:end]``, unless its case rules it out."""
        key = SPACES.sub(" ", _DASHES.sub(" ", folded_match)).strip()
        written = text[start:end]
        exact = self._exact.get(key)
        if exact is not None and squash_nfc(written) not in exact:
            return None
        if key.startswith(_CAPITAL_HEADS) and written[0].islower():
            return None
        return OrgHit(start, end, self._owner[key], written)


# "dịch vụ bưu chính" is the postal service, "Vụ Bưu chính" the department: names
# headed by these words count only with the head capitalised.
_CAPITAL_HEADS = ("vu ", "cuc ", "bo ", "ban ", "so ")


def squash_nfc(text: str) -> str:
    return SPACES.sub(" ", nfc(text)).strip()


def load_registry(path: Path | str | None = None) -> Registry:
    """The registry in ``path``, or the packaged one (built once per file version)."""
    resolved = Path(path).resolve() if path else DEFAULT_REGISTRY
    stat = resolved.stat()
    return _load_registry(str(resolved), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_registry(path: str, _mtime_ns: int, _size: int) -> Registry:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    entries = data.get("organisation")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: no [[organisation]] entries")
    organisations: list[Organisation] = []
    exact: dict[str, list[str]] = {}
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        org, case_sensitive = _parse_entry(entry, number)
        if org.key in seen:
            raise RegistryError(f"entry {number}: duplicate key {org.key!r}")
        seen.add(org.key)
        organisations.append(org)
        if case_sensitive:
            exact[org.key] = case_sensitive
    return Registry(organisations, exact)


def _parse_entry(entry: Any, number: int) -> tuple[Organisation, list[str]]:
    if not isinstance(entry, dict):
        raise RegistryError(f"entry {number}: not a table")
    key, name, kind = entry.get("key"), entry.get("name"), entry.get("kind")
    aliases = entry.get("aliases", [])
    case_sensitive = entry.get("case_sensitive", [])
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
        raise RegistryError(f"entry {number}: key must be lower-case letters, digits and -")
    if not isinstance(name, str) or not name.strip():
        raise RegistryError(f"{key}: name missing")
    if kind not in KINDS:
        raise RegistryError(f"{key}: kind must be one of {', '.join(KINDS)}")
    for label, values in (("aliases", aliases), ("case_sensitive", case_sensitive)):
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise RegistryError(f"{key}: {label} must be a list of names")
    org = Organisation(
        key=key,
        name=nfc(name),
        kind=cast(OrgKind, kind),
        aliases=tuple(nfc(a) for a in aliases),
    )
    return org, [nfc(s) for s in case_sensitive]
