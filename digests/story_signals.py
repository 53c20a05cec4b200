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

import heapq
import itertools
import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

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


class Frequencies:
    """Document frequencies of folded syllables, with the function-word prior.

    ``counts`` may be a plain dict the caller keeps up to date (see
    :class:`digests.story_cluster.StoryIndex`)."""

    def __init__(self, counts: Mapping[str, int], docs: int) -> None:
        self.counts = counts
        self.docs = docs

    def idfs(self, words: Iterable[str]) -> dict[str, float]:
        """Smoothed IDF of each word, the article being profiled counted as one more
        document that contains them all."""
        counts = self.counts.get
        ceiling = math.log(self.docs + 1 + PRIOR_DOCS + 1)
        return {
            word: ceiling
            - math.log(counts(word, 0) + 2 + (PRIOR_DOCS if word in FUNCTION_SYLLABLES else 0))
            for word in words
        }


def profile(
    title_words: list[str],
    body_words: list[str],
    *,
    folded_text: str,
    entities: Iterable[str],
    day: date | None,
    frequencies: Frequencies,
) -> StoryProfile:
    """The story profile of one article from the folded words of its title and body and
    its whole folded text, weighted by the store's document frequencies."""
    syllables = title_words + body_words
    idf = frequencies.idfs(set(syllables))
    body_vector = _vector(syllables, idf, TERMS)
    keys = [term for term in body_vector if not term.isdigit()][:KEYS]
    return StoryProfile(
        body=body_vector,
        title=_vector(title_words, idf, TITLE_TERMS, bigrams=True),
        entities=frozenset(entities),
        figures=figures(folded_text),
        day=day,
        keys=tuple(keys),
    )


def _vector(
    syllables: list[str], idf: Mapping[str, float], limit: int, *, bigrams: bool = False
) -> dict[str, float]:
    """Unit-length TF-IDF over syllables (and with ``bigrams``, adjacent pairs "a b"),
    the ``limit`` heaviest terms, heaviest first."""
    log = math.log
    weights = {word: (1 + log(n)) * idf[word] for word, n in Counter(syllables).items()}
    if bigrams:
        pairs = Counter(itertools.pairwise(syllables))
        weights.update(
            {f"{a} {b}": (1 + log(n)) * (idf[a] + idf[b]) / 2 for (a, b), n in pairs.items()}
        )
    top = heapq.nlargest(limit, weights.items(), key=itemgetter(1))
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
    """A compact stored form, opaque to the store: the names, figures, date and terms as
    compressed text, then the weights as 32-bit floats (~1.7 KB per article)."""
    text = _FIELD.join(
        [
            p.day.isoformat() if p.day else "",
            _ITEM.join(sorted(p.entities)),
            _ITEM.join(sorted(p.figures)),
            _ITEM.join(p.body),
            _ITEM.join(p.title),
        ]
    )
    packed = zlib.compress(text.encode(), 1)
    weights = array("f", [*p.body.values(), *p.title.values()])
    return len(packed).to_bytes(4, "little") + packed + weights.tobytes()


def from_blob(blob: bytes) -> StoryProfile:
    size = int.from_bytes(blob[:4], "little")
    day, entities, found, body, title = zlib.decompress(blob[4 : 4 + size]).decode().split(_FIELD)
    weights = array("f")
    weights.frombytes(blob[4 + size :])
    body_terms = body.split(_ITEM) if body else []
    title_terms = title.split(_ITEM) if title else []
    return StoryProfile(
        body=dict(zip(body_terms, weights, strict=False)),
        title=dict(zip(title_terms, weights[len(body_terms) :], strict=False)),
        entities=frozenset(entities.split(_ITEM)) if entities else frozenset(),
        figures=frozenset(found.split(_ITEM)) if found else frozenset(),
        day=date.fromisoformat(day) if day else None,
        keys=(),
    )
