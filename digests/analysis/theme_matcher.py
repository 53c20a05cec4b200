"""Finding themes' terms in text: each theme's terms as one whole-word regex shaped as a
trie, and :class:`ThemeMatcher`, which scans all themes at once from a sentence's syllables.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from digests.textnorm import fold

if TYPE_CHECKING:  # themes.py builds its matcher from this module: no import at run time
    from digests.analysis.themes import Theme

_EXACT_TERM = re.compile(r"^[A-Z0-9&.\-+ ]+$")  # acronyms: matched case-sensitively
_RUN = re.compile(r"\w+")


def is_exact_term(term: str) -> bool:
    """A term written in capitals and digits only ("AI", "5G") is matched as written."""
    return bool(_EXACT_TERM.match(term)) and any(c.isalpha() for c in term)


def mask_spans(text: str, folded: str, pattern: re.Pattern[str]) -> tuple[str, str]:
    """Blank out excluded spans in both texts (offsets agree: fold keeps lengths)."""
    spans = [m.span() for m in pattern.finditer(folded)]
    if not spans:
        return text, folded
    chars, fchars = list(text), list(folded)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
        fchars[start:end] = " " * (end - start)
    return "".join(chars), "".join(fchars)


def word_alternation(terms: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
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
