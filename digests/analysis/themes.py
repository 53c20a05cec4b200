"""Digest themes: the Theme and ThemeSet values, loaded from a TOML data file.

A theme is a weighted vocabulary. A sentence's score for a theme is the sum of
the weights of the distinct terms it contains; an article is *about* a theme
when its title or a sub-heading names it or when enough of its sentences do,
and only *mentions* it otherwise. Everything is recomputed from stored
sentences when a digest is built, so editing the data file takes effect at once.

Terms are found by :mod:`~digests.analysis.theme_matcher`; an article's relation to a
theme is decided by :mod:`~digests.analysis.article_theme`.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from digests.analysis.theme_matcher import ThemeMatcher, is_exact_term, mask_spans, word_alternation
from digests.textnorm import fold, nfc

log = logging.getLogger(__name__)

THEMES_ENV = "ICTDIGEST_THEMES"
_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class ThemeFileError(ValueError):
    """The themes file is missing or malformed; the message says where."""


@dataclass(frozen=True)
class Theme:
    key: str
    label_vi: str
    label_en: str
    emoji: str
    terms: Mapping[str, float]  # as written in the file (plus registry aliases)
    exclude: tuple[str, ...] = ()
    _folded: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _exact: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _excluded: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _weights: Mapping[str, float] = field(default_factory=dict, repr=False, compare=False)

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi

    def matches(self, text: str, folded: str | None = None) -> dict[str, float]:
        """Distinct terms found in ``text`` (key: folded or exact term) with weights."""
        text = nfc(text)
        folded = fold(text) if folded is None or len(folded) != len(text) else folded
        if self._excluded is not None:
            text, folded = mask_spans(text, folded, self._excluded)
        found: dict[str, float] = {}
        if self._folded is not None:
            for match in self._folded.finditer(folded):
                term = match.group(0)
                found[term] = self._weights[term]
        if self._exact is not None:
            for match in self._exact.finditer(text):
                term = match.group(0)
                found[term] = self._weights[term]
        return found

    def score(self, text: str, folded: str | None = None) -> float:
        return sum(self.matches(text, folded).values())

    def first_match(self, text: str, folded: str | None = None) -> int | None:
        """Offset of the earliest term in ``text``, or None: early means it is the topic."""
        text = nfc(text)
        folded = fold(text) if folded is None or len(folded) != len(text) else folded
        if self._excluded is not None:
            text, folded = mask_spans(text, folded, self._excluded)
        starts = [
            match.start()
            for pattern, subject in ((self._folded, folded), (self._exact, text))
            if pattern is not None
            for match in [pattern.search(subject)]
            if match is not None
        ]
        return min(starts) if starts else None


def make_theme(
    key: str,
    label_vi: str,
    label_en: str,
    emoji: str,
    terms: Mapping[str, float],
    exclude: Sequence[str] = (),
) -> Theme:
    """Build a theme with its compiled matchers; terms in capitals match exactly."""
    weights: dict[str, float] = {}
    folded_terms: list[str] = []
    exact_terms: list[str] = []
    for term, weight in terms.items():
        term = nfc(term).strip()
        if not term:
            continue
        if is_exact_term(term):
            exact_terms.append(term)
            weights[term] = max(float(weight), weights.get(term, 0.0))
        else:
            folded_term = fold(term)
            folded_terms.append(folded_term)
            weights[folded_term] = max(float(weight), weights.get(folded_term, 0.0))
    return Theme(
        key=key,
        label_vi=label_vi,
        label_en=label_en,
        emoji=emoji,
        terms=dict(terms),
        exclude=tuple(exclude),
        _folded=word_alternation(folded_terms),
        _exact=word_alternation(exact_terms),
        _excluded=word_alternation(fold(e) for e in exclude if e.strip()),
        _weights=weights,
    )


@dataclass(frozen=True)
class ThemeSet:
    themes: tuple[Theme, ...]

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]

    def get(self, key: str) -> Theme | None:
        return next((t for t in self.themes if t.key == key), None)

    def select(self, keys: Sequence[str] | None) -> ThemeSet:
        """The themes named in ``keys`` (all when None), in file order.

        Raises KeyError naming the unknown key, so callers can answer politely.
        """
        if keys is None:
            return self
        unknown = [k for k in keys if self.get(k) is None]
        if unknown:
            raise KeyError(unknown[0])
        return ThemeSet(tuple(t for t in self.themes if t.key in keys))

    @cached_property
    def matcher(self) -> ThemeMatcher:
        return ThemeMatcher(self.themes)

    def scores(self, text: str, folded: str | None = None) -> dict[str, float]:
        """Each theme's score for one sentence; themes scoring 0 are left out."""
        result: dict[str, float] = {}
        for theme in self.themes:
            value = theme.score(text, folded)
            if value > 0:
                result[theme.key] = value
        return result


def _registry_aliases(org_keys: Mapping[str, float]) -> dict[str, float]:
    """Every alias the organisation registry knows for ``org_keys``, with weights."""
    if not org_keys:
        return {}
    try:
        from digests.analysis.companies import load_registry
    except ImportError:  # the registry is optional for themes: terms still work
        log.debug("organisation registry unavailable; theme organisations use terms only")
        return {}
    terms: dict[str, float] = {}
    registry = load_registry()
    for org in registry.all():
        if org.key in org_keys:
            for alias in (org.name, *org.aliases):
                terms[alias] = float(org_keys[org.key])
    return terms


def _parse_theme(raw: Mapping[str, object], where: str) -> Theme:
    def text_field(name: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ThemeFileError(f"{where}: '{name}' must be a non-empty string")
        return value.strip()

    key = text_field("key")
    if not _KEY.match(key):
        raise ThemeFileError(f"{where}: key {key!r} must be lower-case ASCII, e.g. 'postal'")
    terms = _weights_table(raw.get("terms", {}), f"{where} ({key}) terms")
    orgs = _weights_table(raw.get("organisations", {}), f"{where} ({key}) organisations")
    exclude = raw.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise ThemeFileError(f"{where} ({key}): 'exclude' must be a list of strings")
    all_terms = {**_registry_aliases(orgs), **terms}
    if not all_terms:
        raise ThemeFileError(f"{where} ({key}): a theme needs at least one term")
    return make_theme(
        key,
        text_field("label_vi"),
        text_field("label_en"),
        text_field("emoji"),
        all_terms,
        exclude,
    )


def _weights_table(value: object, where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ThemeFileError(f'{where}: must be a table of "term" = weight')
    table: dict[str, float] = {}
    for term, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise ThemeFileError(f"{where}: weight of {term!r} must be a positive number")
        table[str(term)] = float(weight)
    return table


def parse_themes(text: str, where: str = "themes") -> ThemeSet:
    """Parse the TOML text of a themes file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{where}: not valid TOML: {exc}") from exc
    raw_themes = data.get("theme")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise ThemeFileError(f"{where}: no [[theme]] entries")
    themes = [_parse_theme(raw, f"{where}: theme #{i + 1}") for i, raw in enumerate(raw_themes)]
    keys = [t.key for t in themes]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ThemeFileError(f"{where}: theme key {duplicates[0]!r} is defined twice")
    return ThemeSet(tuple(themes))


def themes_path(path: Path | str | None = None) -> Path | None:
    """The themes file to use: ``path``, else $ICTDIGEST_THEMES, else None (packaged)."""
    chosen = path or os.environ.get(THEMES_ENV)
    return Path(chosen).expanduser() if chosen else None


def load_themes(path: Path | str | None = None) -> ThemeSet:
    """Load themes from ``path``, $ICTDIGEST_THEMES or the packaged data file."""
    chosen = themes_path(path)
    if chosen is None:
        return _packaged_themes()
    try:
        stat = chosen.stat()
    except OSError as exc:
        raise ThemeFileError(f"{chosen}: cannot read themes file ({exc.strerror})") from exc
    return _load_file(str(chosen), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_file(path: str, mtime_ns: int, size: int) -> ThemeSet:
    # Cached per (path, mtime, size): an edited file is re-read, an unchanged one is not.
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"{path}: cannot read themes file ({exc})") from exc
    return parse_themes(text, path)


@lru_cache(maxsize=1)
def _packaged_themes() -> ThemeSet:
    text = resources.files("digests").joinpath("data/themes.toml").read_text(encoding="utf-8")
    return parse_themes(text, "digests/data/themes.toml")
