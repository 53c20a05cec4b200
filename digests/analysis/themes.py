"""Digest themes: loaded from a TOML data file, matched against folded text.

A theme is a weighted vocabulary. A sentence's score for a theme is the sum of
the weights of the distinct terms it contains; an article is *about* a theme
when its title or a sub-heading names it or when enough of its sentences do,
and only *mentions* it otherwise. Everything is recomputed from stored
sentences when a digest is built, so editing the data file takes effect at once.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from digests.textnorm import fold, nfc

log = logging.getLogger(__name__)

THEMES_ENV = "ICTDIGEST_THEMES"
SENTENCE_THRESHOLD = 2.0  # a sentence with at least this score speaks to the theme
ABOUT_MIN_SENTENCES = 3  # …and an article with this many such sentences is about it
ABOUT_MIN_SHARE = 0.08  # …provided they are this share of its sentences
ABOUT_ANY_SHARE_SENTENCES = 6  # so many on-theme sentences make it "about" at any share
_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_EXACT_TERM = re.compile(r"^[A-Z0-9&.\-+ ]+$")  # acronyms: matched case-sensitively
_RUN = re.compile(r"\w+")


def is_exact_term(term: str) -> bool:
    """A term written in capitals and digits only ("AI", "5G") is matched as written."""
    return bool(_EXACT_TERM.match(term)) and any(c.isalpha() for c in term)


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
            text, folded = _mask(text, folded, self._excluded)
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
            text, folded = _mask(text, folded, self._excluded)
        starts = [
            match.start()
            for pattern, subject in ((self._folded, folded), (self._exact, text))
            if pattern is not None
            for match in [pattern.search(subject)]
            if match is not None
        ]
        return min(starts) if starts else None


def _mask(text: str, folded: str, pattern: re.Pattern[str]) -> tuple[str, str]:
    """Blank out excluded spans in both texts (offsets agree: fold keeps lengths)."""
    spans = [m.span() for m in pattern.finditer(folded)]
    if not spans:
        return text, folded
    chars, fchars = list(text), list(folded)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
        fchars[start:end] = " " * (end - start)
    return "".join(chars), "".join(fchars)


def _alternation(terms: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    """One regex for all ``terms`` as whole words, shaped as a character trie.

    A trie lets the engine reject a position on its first character instead of
    trying every term in turn; longer terms win at the same place because each
    node tries its continuations before stopping ("cáp quang biển" over "cáp quang").
    """
    trie: dict[str, Any] = {}
    for term in set(terms):
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = True
    if not trie:
        return None
    return re.compile(rf"(?<!\w)(?:{_trie_pattern(trie)})(?!\w)", flags)


def _trie_pattern(node: dict[str, Any]) -> str:
    ends_here = "" in node
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends_here else body


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
        _folded=_alternation(folded_terms),
        _exact=_alternation(exact_terms),
        _excluded=_alternation(fold(e) for e in exclude if e.strip()),
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


_FOLDED, _EXACT, _EXCLUDED = 0, 1, 2  # what a term is matched against, and how it counts


@dataclass(frozen=True)
class _Term:
    theme: int  # index in the theme set
    kind: int  # _FOLDED: in folded text; _EXACT: in the text as written; _EXCLUDED: a mask
    text: str  # as it must appear in its subject
    weight: float


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w means to the re module


# Frequent syllables of Vietnamese news (folded), most frequent first. A term is
# looked up by one of its syllables, the one least likely to be in a sentence (not
# listed, else listed last): this only decides how many sentences are searched for
# the term, never whether it matches.
COMMON_SYLLABLES = (  # noqa: SIM905 (a word list, kept readable)
    "co cac bo truong nam so viet cong va trong cua nghiep doanh de la tt cung voi tac ve "
    "trien phat cho doi dong hoi hop nuoc do quan da thong manh nghe the lam dung thu dn "
    "phai dai gia chi tu nhan tang duoc tai thuc su te toan chinh vu viec quoc ra nguyen "
    "kinh tin nha mot nhung nhieu khong nay ty phan an bao giao chuyen tap ban hang mang "
    "noi tong moi dien tro cap truyen vien hien dan tri dau ho thanh tren xa ly di doan"
).split()
_FREQUENCY_RANK = {syllable: rank for rank, syllable in enumerate(COMMON_SYLLABLES)}


def _rarity(syllable: str) -> tuple[int, int]:
    """Sort key: unlisted (rare) syllables first, then the least frequent, longer first."""
    return (-_FREQUENCY_RANK.get(syllable, len(COMMON_SYLLABLES) + 1), -len(syllable))


def term_syllables(folded_term: str) -> tuple[str, ...] | None:
    """The syllables every sentence containing the term has (as summarize.syllables
    splits folded text); None when the term does not start with a word character
    and must be looked for everywhere.
    """
    runs = _RUN.findall(folded_term)
    if not runs or not _is_word_char(folded_term[0]):
        return None
    return tuple(runs)


class ThemeMatcher:
    """Every theme's terms at once, looked up from an article's syllables.

    Scanning each sentence with each theme's regex costs a pass over the text per
    theme. A term can only occur in an article whose syllables (which scoring
    counts anyway) include all of the term's, so a set intersection on first
    syllables and a subset check find the few candidate terms and ``str.find``
    places them. Matches are then chosen per theme exactly as its
    regex would: leftmost, longest, not overlapping, whole words. A sentence in
    which a theme's excluded phrase occurs is left to that theme's regex.
    """

    def __init__(self, themes: Sequence[Theme]) -> None:
        self.themes = tuple(themes)
        by_trigger: dict[str, list[_Term]] = {}
        everywhere: list[_Term] = []
        for index, theme in enumerate(self.themes):
            terms = [
                _Term(index, _EXACT if is_exact_term(text) else _FOLDED, text, weight)
                for text, weight in theme._weights.items()
            ]
            terms += [_Term(index, _EXCLUDED, fold(e), 0.0) for e in theme.exclude if e.strip()]
            for term in terms:
                runs = term_syllables(fold(term.text))
                if runs is None:
                    everywhere.append(term)
                else:
                    trigger = min(runs, key=_rarity)
                    by_trigger.setdefault(trigger, []).append(term)
        self._by_trigger = {key: tuple(map(_probe, terms)) for key, terms in by_trigger.items()}
        self._triggers = frozenset(by_trigger)
        self._everywhere = tuple(map(_probe, everywhere))

    def scan(
        self, text: str, folded: str, syllables: Collection[str] | None = None
    ) -> tuple[dict[str, float], dict[str, int]]:
        """Each theme's score of one sentence and offset of its first term (0 left out).

        ``folded`` is ``fold(text)`` and ``syllables`` its distinct syllables
        (computed when not given; a superset is harmless).
        """
        scores, firsts = self.scan_sentences(
            [text], [folded], None if syllables is None else [syllables]
        )
        return scores[0], firsts[0]

    def scan_sentences(
        self,
        texts: Sequence[str],
        folded: Sequence[str],
        syllables: Sequence[Collection[str]] | None = None,
    ) -> tuple[list[dict[str, float]], list[dict[str, int]]]:
        """``scan`` for every sentence of an article.

        ``syllables`` are each sentence's syllables, which scoring computes
        anyway. Intersecting them with the terms' least frequent syllables (in
        C) skips most sentences at once; a term is then looked for with
        ``str.find`` only in a sentence that has that syllable.
        """
        if syllables is None:
            syllables = [_RUN.findall(f) for f in folded]
        scores: list[dict[str, float]] = [{} for _ in texts]
        firsts: list[dict[str, int]] = [{} for _ in texts]
        triggers, by_trigger, everywhere = self._triggers, self._by_trigger, self._everywhere
        for index, present in enumerate(syllables):
            hit = triggers.intersection(present)
            if not hit and not everywhere:
                continue
            if len(hit) == 1 and not everywhere:  # the usual case: no list to build
                terms: Sequence[_Probe] = by_trigger[next(iter(hit))]
            else:
                terms = [term for trigger in hit for term in by_trigger[trigger]] + [*everywhere]
            found = _find_terms(texts[index], folded[index], terms)
            if found:
                scores[index], firsts[index] = self._choose(texts[index], folded[index], found)
        return scores, firsts

    def _choose(
        self, text: str, folded: str, found: dict[int, list[tuple[int, int, str, float]]]
    ) -> tuple[dict[str, float], dict[str, int]]:
        """Per theme, the matches its regex would keep; excluded phrases go to the regex."""
        if len(found) == 1:  # the usual case: one term of one theme, found once
            ((key, matches),) = found.items()
            index, kind = divmod(key, 3)
            if kind != _EXCLUDED and len(matches) == 1:
                start, _, _, weight = matches[0]
                return {self.themes[index].key: weight}, {self.themes[index].key: start}
        scores: dict[str, float] = {}
        firsts: dict[str, int] = {}
        for index in sorted({key // 3 for key in found}):
            theme = self.themes[index]
            if index * 3 + _EXCLUDED in found:
                score, first = theme.score(text, folded), theme.first_match(text, folded)
            else:
                score, first = _leftmost_longest(
                    found.get(index * 3 + _FOLDED), found.get(index * 3 + _EXACT)
                )
            if score > 0 and first is not None:
                scores[theme.key], firsts[theme.key] = score, first
        return scores, firsts


# A term as the scan needs it: phrase, matched in the text as written (not the
# folded text), theme × 3 + kind, weight, length.
_Probe = tuple[str, bool, int, float, int]


def _probe(term: _Term) -> _Probe:
    return (term.text, term.kind == _EXACT, term.theme * 3 + term.kind, term.weight, len(term.text))


def _find_terms(
    text: str, folded: str, probes: Iterable[_Probe]
) -> dict[int, list[tuple[int, int, str, float]]]:
    """Whole-word occurrences of the probed terms in one sentence, keyed by theme × 3 + kind.

    The innermost loop of a digest: plain tuples and the word-character test inlined.
    """
    found: dict[int, list[tuple[int, int, str, float]]] = {}
    for phrase, exact, key, weight, length in probes:
        subject = text if exact else folded
        start = subject.find(phrase)
        while start >= 0:
            end = start + length
            before = subject[start - 1] if start else " "
            after = subject[end] if end < len(subject) else " "
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                found.setdefault(key, []).append((start, -length, phrase, weight))
            start = subject.find(phrase, start + 1)
    return found


def _leftmost_longest(
    *kinds: list[tuple[int, int, str, float]] | None,
) -> tuple[float, int | None]:
    """Score and first offset of the matches a regex scan would keep, per subject."""
    weights: dict[str, float] = {}
    first: int | None = None
    for matches in kinds:
        if not matches:
            continue
        if len(matches) > 1:
            matches.sort()
        end = -1
        for start, negative_length, term, weight in matches:
            if start >= end:
                weights[term] = weight
                end = start - negative_length
                first = start if first is None else min(first, start)
    return sum(weights.values()), first


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


@dataclass(frozen=True)
class ArticleTheme:
    """How an article relates to one theme."""

    key: str
    score: float  # sum of its on-theme sentence scores (title counts double)
    sentences: int  # how many body sentences speak to the theme
    share: float  # …as a share of the body sentences
    in_title: bool  # the title or a sub-heading names the theme
    about: bool  # about the theme, not just mentioning it in passing


def classify_article(
    title_score: float,
    heading_scores: Sequence[float],
    sentence_scores: Sequence[float],
    *,
    key: str = "",
) -> ArticleTheme | None:
    """Decide whether an article is about a theme, mentions it, or neither (None).

    Scores are one theme's scores of the title, the sub-headings and the body
    sentences; ``key`` names the theme in the result.
    """
    on_theme = [s for s in sentence_scores if s >= SENTENCE_THRESHOLD]
    if not on_theme:
        return None
    in_title = title_score >= SENTENCE_THRESHOLD or any(
        s >= SENTENCE_THRESHOLD for s in heading_scores
    )
    share = len(on_theme) / max(1, len(sentence_scores))
    about = (
        in_title
        or (len(on_theme) >= ABOUT_MIN_SENTENCES and share >= ABOUT_MIN_SHARE)
        or len(on_theme) >= ABOUT_ANY_SHARE_SENTENCES
    )
    return ArticleTheme(
        key=key,
        score=sum(on_theme) + 2 * title_score,
        sentences=len(on_theme),
        share=share,
        in_title=in_title,
        about=about,
    )
