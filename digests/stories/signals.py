"""What an article says that survives retelling by another outlet, as a comparable profile.

Outlets retelling one event share its names, places, figures and date, rarely five
words in a row.  So an article becomes a :class:`StoryProfile`:

- a TF-IDF vector over folded syllables and adjacent-syllable bigrams (its
  ``TERMS`` heaviest terms, unit length), so rare shared words count and the
  function words every article has do not;
- the same vector over its headline alone;
- the organisations and people analysis found in it;
- its figures with their units ("61.246 tỷ đồng", "127kg", "35%");
- its publication date, when the page gave one.

Document frequencies count single syllables only (a few hundred thousand of
them in a large store, not the millions of bigrams); a bigram weighs the mean of
its two syllables' IDF, which keeps "Bộ trưởng" light and "Mạnh Hùng" heavy.
Everything here is pure: no database, no clock.
"""

from __future__ import annotations

import itertools
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from operator import itemgetter, mul

TERMS = 100  # heaviest syllables kept per article: the cosine needs no more (dev set)
TITLE_TERMS = 40
KEYS = 8  # heaviest words per article written to (and probed in) the candidate index
# A new store has no statistics yet: it starts as if it held PRIOR_DOCS articles that
# all contained the function syllables below and nothing else.  Without it the first
# articles of a store would find each other alike through "của", "và", "các".
PRIOR_DOCS = 50

# The commonest Vietnamese function syllables, folded (written from the language, not
# counted on any evaluation set).
_FUNCTION_TEXT = """
    va la cua cac nhung mot co duoc trong cho voi nay da de khong khi den tu theo ve
    nhu tai tren sau truoc ra vao lai cung con se dang thi ma nen neu boi vi do day
    nao gi ai dau bao nhieu hon nhat rat qua lam hay hoac hoan toan nhieu it moi
    ca tat chi van chua bi phai can muon nguoi viec nam ngay thang gio ong ba anh chi em
    toi chung ta ho minh no cai chiec nhau cung rang thay biet cho biet noi neu tuy
    nhien ngoai ngoai ra trong khi cung nhu bang giua duoi o thuoc tung sang chieu toi
    dong thoi hien nay vua moi lan them nua het kha khac the nhu vay vay ben phan
"""
FUNCTION_SYLLABLES = frozenset(_FUNCTION_TEXT.split())

# A figure is a number followed by its unit; bare numbers (days, counts, years) are too
# common to mean anything on their own.
_UNIT = (
    r"(?:ty dong|trieu dong|nghin dong|ngan dong|ty usd|trieu usd|nghin usd|ty|trieu|"
    r"nghin|ngan|usd|dong|%|phan tram|kg|tan|km|m2|m|ha|nguoi|thue bao|doanh nghiep|"
    r"tram|lan|gb|tb|mhz|ghz|mw|kw|chiec|can ho|xe|tuoi)"
)
_WORD = re.compile(r"\w+")
_FIGURE = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)\s?(" + _UNIT + r")(?![\w])")


@dataclass(frozen=True)
class StoryProfile:
    """One article's story signals; vectors are unit length, term → weight."""

    body: Mapping[str, float]
    title: Mapping[str, float]
    entities: frozenset[str]
    figures: frozenset[str]
    day: date | None
    keys: tuple[str, ...]  # its heaviest words, for finding candidates

    def body_cosine(self, vector: Mapping[str, float]) -> float:
        return cosine(self.body, vector)

    def title_cosine(self, vector: Mapping[str, float]) -> float:
        return cosine(self.title, vector)


class Frequencies:
    """Document frequencies of folded syllables, in memory, with the function-word prior.

    Made from the store's counts when a run starts; :meth:`add` counts each article the
    run stores, so every decision weighs words by everything stored before it."""

    def __init__(self, counts: Mapping[str, int], docs: int) -> None:
        self.counts: Counter[str] = Counter(counts)
        self.counts.update(dict.fromkeys(FUNCTION_SYLLABLES, PRIOR_DOCS))
        self.docs = docs + PRIOR_DOCS

    def idfs(self, words: Iterable[str]) -> dict[str, float]:
        """Smoothed IDF of each word, the article being profiled counted as one more
        document that contains them all: log((N + 2) / (df + 2))."""
        unique = list(words)
        ceiling = math.log(self.docs + 2)
        # map() keeps this in C: it runs for every distinct word of every article.
        dfs = map(self.counts.get, unique, itertools.repeat(0))
        logs = map(math.log, map((2).__add__, dfs))
        return dict(zip(unique, map(ceiling.__sub__, logs), strict=True))

    def add(self, words: Iterable[str]) -> None:
        """Count one more stored article with these distinct words."""
        self.counts.update(words)
        self.docs += 1


def profile(
    title_words: list[str],
    counts: Counter[str],
    *,
    folded_body: str,
    entities: Iterable[str],
    day: date | None,
    frequencies: Frequencies,
) -> StoryProfile:
    """The story profile of one article from the folded words of its title, the counts
    of every folded word of its title and body, and its folded body (for figures),
    weighted by the store's document frequencies."""
    idf = frequencies.idfs(counts)
    body_vector = _weigh(counts, idf, TERMS)
    keys = [term for term in body_vector if not term.isdigit()][:KEYS]
    return StoryProfile(
        body=body_vector,
        title=_title_vector(title_words, idf),
        entities=frozenset(entities),
        figures=figures(folded_body),
        day=day,
        keys=tuple(keys),
    )


_TF = [0.0, *(1 + math.log(n) for n in range(1, 4096))]  # term-frequency weight by count


def _weigh(counts: Counter[str], idf: Mapping[str, float], limit: int) -> dict[str, float]:
    """Unit-length TF-IDF of the ``limit`` heaviest words, heaviest first."""
    tf = _TF  # a word said 4,096 times in one article says nothing about its event
    return _unit({word: tf[n] * idf[word] for word, n in counts.items() if n < 4096}, limit)


def _title_vector(title_words: list[str], idf: Mapping[str, float]) -> dict[str, float]:
    """The headline's vector over syllables and adjacent pairs ("a b"); a pair weighs the
    mean IDF of its two syllables."""
    tf = _TF
    weights = {word: tf[n] * idf[word] for word, n in Counter(title_words).items()}
    pairs = Counter(itertools.pairwise(title_words))
    weights.update({f"{a} {b}": tf[n] * (idf[a] + idf[b]) / 2 for (a, b), n in pairs.items()})
    return _unit(weights, TITLE_TERMS)


def _unit(weights: dict[str, float], limit: int) -> dict[str, float]:
    top = sorted(weights.items(), key=itemgetter(1), reverse=True)[:limit]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {term: w / norm for term, w in top}


def figures(folded_text: str) -> frozenset[str]:
    """Figures with their units in folded text, with one decimal mark: "61.246 ty dong"."""
    return frozenset(
        f"{number.replace(',', '.')} {unit}" for number, unit in _FIGURE.findall(folded_text)
    )


def folded_words(folded_text: str) -> list[str]:
    """The words of folded text, in order (what ``textnorm.words`` gives unfolded text)."""
    return _WORD.findall(folded_text)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return sum(a[term] * b[term] for term in a.keys() & b.keys())


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared share of the smaller set (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


_FIELD, _ITEM = "\x1e", "\x1f"  # separators no folded word or name contains


def to_blob(p: StoryProfile) -> bytes:
    """A compact stored form, opaque to the store: the date, names, figures and terms as
    text, then the terms' weights as 32-bit floats (~1.6 KB per article).  Not
    compressed: every candidate is decoded at each decision."""
    text = _FIELD.join(
        [
            p.day.isoformat() if p.day else "",
            _ITEM.join(sorted(p.entities)),
            _ITEM.join(sorted(p.figures)),
            _ITEM.join([*p.body, *p.title]),
        ]
    ).encode()
    weights = array("f", [*p.body.values(), *p.title.values()])
    return b"".join(
        [
            len(text).to_bytes(4, "little"),
            text,
            len(p.body).to_bytes(2, "little"),
            weights.tobytes(),
        ]
    )


class StoredProfile:
    """A stored profile read back for a decision, decoded only as far as it needs: the
    date first (it may settle the matter), the cosines straight from the stored
    weights without building dictionaries."""

    def __init__(self, blob: bytes) -> None:
        size = int.from_bytes(blob[:4], "little")
        day, self._entities, self._figures, terms = blob[4 : 4 + size].decode().split(_FIELD)
        self.day = date.fromisoformat(day) if day else None
        self._terms = terms
        self._body_size = int.from_bytes(blob[4 + size : 6 + size], "little")
        self._weights = memoryview(blob)[6 + size :].cast("f")

    @cached_property
    def _names(self) -> list[str]:
        return self._terms.split(_ITEM) if self._terms else []

    @cached_property
    def entities(self) -> frozenset[str]:
        return frozenset(self._entities.split(_ITEM)) if self._entities else frozenset()

    @cached_property
    def figures(self) -> frozenset[str]:
        return frozenset(self._figures.split(_ITEM)) if self._figures else frozenset()

    def body_cosine(self, vector: Mapping[str, float]) -> float:
        n = self._body_size
        return _dot(self._weights[:n], self._names[:n], vector)

    def title_cosine(self, vector: Mapping[str, float]) -> float:
        n = self._body_size
        return _dot(self._weights[n:], self._names[n:], vector)

    @property
    def body(self) -> dict[str, float]:
        n = self._body_size
        return dict(zip(self._names[:n], self._weights[:n].tolist(), strict=True))

    @property
    def title(self) -> dict[str, float]:
        n = self._body_size
        return dict(zip(self._names[n:], self._weights[n:].tolist(), strict=True))


def _dot(weights: memoryview[float], names: list[str], vector: Mapping[str, float]) -> float:
    # map() keeps the loop in C: a decision reads every candidate's terms.
    return sum(map(mul, weights, map(vector.get, names, itertools.repeat(0.0))))


Comparable = StoryProfile | StoredProfile


def from_blob(blob: bytes) -> StoredProfile:
    return StoredProfile(blob)
