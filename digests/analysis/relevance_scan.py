"""Relevance's view of an article: its passages by zone, every matcher's terms in each.

Relevance (digests/analysis/relevance.py) needs, per matcher (a theme's terms, its
organisations, its events, each kind of subject speaking against) and per passage
(the headline, each sentence), exactly what ``Theme.matches`` returns there: the
distinct terms its regex keeps (leftmost, longest, not overlapping, whole words)
with their weights. Scanning each sentence, then running the regex of each matcher
found there, cost 1.5-2.5 ms per article: most of ingest's ~3 ms budget.

So the passages are joined by sentences.SEPARATOR (in no term, not a word
character: no match spans two passages, and a passage edge stays a word edge) and
folded once (the sentences' fold is analyse's, reused). One regex over every
matcher's phrases at once finds the longest whole-word phrase at each place a word
starts without consuming it; the shorter phrases starting there are its prefixes,
listed when the rules load. Each matcher then keeps the matches its own regex
would (leftmost, longest, not overlapping). A matcher whose excluded phrase occurs
in the article is left to its own regex, on the passages where it matters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from digests.analysis.sentences import SEPARATOR  # as analyse joins them: folded text reused
from digests.analysis.theme_matcher import is_exact_term
from digests.analysis.themes import Theme
from digests.textnorm import fold, fold_nfc, nfc

ZONES = ("title", "lead", "early", "deep")
LEAD_SENTENCES = 2  # without a paragraph break, the lead is the first two sentences
EARLY_SENTENCES = 5  # …and the next five are still "early"

# What a phrase is to the matchers having it: (matcher index, is an excluded phrase, weight).
_Entry = tuple[int, bool, float]
# An occurrence: start, minus length (sorts longest first), phrase, weight.
_Hit = tuple[int, int, str, float]


@dataclass(frozen=True)
class ScannedArticle:
    """The passages of an article and, per matcher, its terms in each passage."""

    texts: tuple[str, ...]  # the passages (NFC), in order
    text: str  # the passages joined by SEPARATOR
    folded: str  # fold(text): same length, same offsets
    starts: tuple[int, ...]  # offset of each passage in ``text``
    # per matcher: passage index -> {term: weight}, as Theme.matches would give there
    # (only passages where the matcher scores above 0)
    found: list[dict[int, dict[str, float]]]

    def span(self, passage: int) -> tuple[int, int]:
        start = self.starts[passage]
        return start, start + len(self.texts[passage])

    def folded_passage(self, passage: int) -> str:
        start, end = self.span(passage)
        return self.folded[start:end]


class PassageScanner:
    """The matchers' phrases as two regexes (folded, as written), built once per rules load."""

    def __init__(self, matchers: Sequence[Theme]) -> None:
        self.matchers = tuple(matchers)
        folded: dict[str, list[_Entry]] = {}
        exact: dict[str, list[_Entry]] = {}
        for index, matcher in enumerate(self.matchers):
            for term, weight in matcher._weights.items():
                table = exact if is_exact_term(term) else folded
                table.setdefault(term, []).append((index, False, weight))
            for phrase in matcher.exclude:
                if phrase.strip():
                    folded.setdefault(fold(phrase), []).append((index, True, 0.0))
        # A phrase spanning the separator could match across passages: such rules are
        # matched passage by passage (never so far; the result is the same, only slower).
        self._by_passage = any(SEPARATOR in p for p in (*folded, *exact))
        self._folded = _Phrases(folded)
        self._exact = _Phrases(exact)

    def scan(self, texts: Sequence[str], folded_tail: str | None = None) -> ScannedArticle:
        """Each matcher's terms in each passage (``texts`` are NFC).

        ``folded_tail``: fold of every passage but the first joined by SEPARATOR, when
        the caller has it (analyse folds the sentences so); its length is checked.
        """
        text = SEPARATOR.join(texts)
        if (
            folded_tail is not None
            and len(texts) > 1
            and len(texts[0]) + 1 + len(folded_tail) == len(text)
        ):
            folded = fold_nfc(texts[0]) + SEPARATOR + folded_tail
        else:
            folded = fold_nfc(text)
        starts, offset = [], 0
        for passage_text in texts:
            starts.append(offset)
            offset += len(passage_text) + 1
        article = ScannedArticle(tuple(texts), text, folded, tuple(starts), [])
        if self._by_passage:
            article.found.extend(_by_regex(m, article, starts) for m in self.matchers)
        else:
            article.found.extend(self._found(article))
        for per_passage in article.found:
            for passage in [p for p, terms in per_passage.items() if not sum(terms.values()) > 0]:
                del per_passage[passage]
        return article

    def _found(self, article: ScannedArticle) -> list[dict[int, dict[str, float]]]:
        """Per matcher: passage -> its terms there, from one pass of each regex."""
        hits: dict[tuple[int, bool], list[_Hit]] = {}
        masked: dict[int, list[int]] = {}  # matcher -> where its excluded phrases are
        for exact, phrases, subject in (
            (False, self._folded, article.folded),
            (True, self._exact, article.text),
        ):
            for start, found in phrases.occurrences(subject):
                for phrase, entries in found:
                    for index, excluded, weight in entries:
                        if excluded:
                            masked.setdefault(index, []).append(start)
                        else:
                            hits.setdefault((index, exact), []).append(
                                (start, -len(phrase), phrase, weight)
                            )
        found_by: list[dict[int, dict[str, float]]] = [{} for _ in self.matchers]
        for (index, _), matches in sorted(hits.items()):  # folded terms first, as Theme.matches
            if index not in masked:
                _keep_leftmost_longest(matches, article.starts, found_by[index])
        for index, excluded_at in masked.items():
            occurrences = [m[0] for exact in (False, True) for m in hits.get((index, exact), ())]
            found_by[index] = _by_regex(self.matchers[index], article, [*excluded_at, *occurrences])
        return found_by


class _Phrases:
    """Phrases found at every place one starts, as whole words, overlapping ones too.

    One regex pass finds the longest phrase starting at each place; the shorter
    ones starting there are its prefixes followed by a non-word character in it,
    listed once here. Phrases in capitals (matched as written) start with a
    capital or a digit, rare in text: that regex looks from each place it finds
    and checks the word's start itself, which lets the engine skip ahead fast.
    """

    def __init__(self, entries: Mapping[str, Sequence[_Entry]]) -> None:
        self._at: dict[str, tuple[tuple[str, tuple[_Entry, ...]], ...]] = {}
        for phrase in entries:
            shorter = [
                p
                for p in entries
                if len(p) < len(phrase) and phrase.startswith(p) and not _is_word(phrase[len(p)])
            ]
            longest_first = sorted([phrase, *shorter], key=len, reverse=True)
            self._at[phrase] = tuple((p, tuple(entries[p])) for p in longest_first)
        trie = _trie(entries) if entries else None
        # the longest whole-word phrase at each place a word starts, without consuming it
        self._every = re.compile(rf"(?<!\w)(?=({trie})(?!\w))") if trie else None
        self._rare_start = bool(entries) and all(p[0].isupper() or p[0].isdigit() for p in entries)
        self._longest = re.compile(rf"(?:{trie})(?!\w)") if trie else None

    def occurrences(
        self, subject: str
    ) -> Iterator[tuple[int, tuple[tuple[str, tuple[_Entry, ...]], ...]]]:
        """(start, the phrases starting there, longest first, with their entries)."""
        if self._every is None or self._longest is None:
            return
        at = self._at
        if not self._rare_start:
            for match in self._every.finditer(subject):
                yield match.start(), at[match.group(1)]
            return
        search = self._longest.search
        found: re.Match[str] | None = search(subject)
        while found is not None:
            start = found.start()
            if not start or not _is_word(subject[start - 1]):
                yield start, at[found.group()]
            found = search(subject, start + 1)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w means to the re module


def _trie(phrases: Iterable[str]) -> str:
    """A regex for the phrases shaped as a character trie, longer ones tried first."""
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(root)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [
        re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _keep_leftmost_longest(
    matches: list[_Hit], starts: Sequence[int], found: dict[int, dict[str, float]]
) -> None:
    """Add to ``found`` (passage -> terms) the matches a regex scan would keep."""
    matches.sort()
    end = -1
    for start, negative_length, phrase, weight in matches:
        if start >= end:
            found.setdefault(bisect_right(starts, start) - 1, {})[phrase] = weight
            end = start - negative_length


def _by_regex(
    matcher: Theme, article: ScannedArticle, starts: Iterable[int]
) -> dict[int, dict[str, float]]:
    """The matcher's own regex (masking its excluded phrases) on the passages where its
    terms or its excluded phrases occur: masking changes nothing elsewhere."""
    passages = {bisect_right(article.starts, start) - 1 for start in starts}
    found = {}
    for passage in sorted(passages):
        terms = matcher.matches(article.texts[passage], article.folded_passage(passage))
        if terms:
            found[passage] = terms
    return found


# --------------------------------------------------------------------------- zones


@dataclass(frozen=True)
class Zoned:
    """An article cut for scoring: its passages with their zones and every matcher's terms."""

    scanned: ScannedArticle  # the headline, then every sentence, and what each matcher found
    zones: tuple[str, ...]  # the zone of each passage
    place: tuple[int, ...]  # per passage, its rank when passages are ordered best zone first
    body: frozenset[int]  # indexes of body sentences (not the title, not sub-headings)
    index: Mapping[int, int]  # id(matcher) -> its index in ``scanned.found``

    @property
    def texts(self) -> tuple[str, ...]:
        return self.scanned.texts

    def found(self, matcher: Theme) -> Mapping[int, Mapping[str, float]]:
        """Per passage where the matcher scores: its terms there, as Theme.matches gives."""
        index = self.index.get(id(matcher))
        if index is not None:
            return self.scanned.found[index]
        scanned = self.scanned  # a matcher the scan was not built with: its regex
        return {
            i: terms
            for i in range(len(scanned.texts))
            if sum((terms := matcher.matches(scanned.texts[i], scanned.folded_passage(i))).values())
            > 0
        }

    def as_written(self, passage: int, term: str) -> str:
        """The phrase as written in the passage (its first occurrence, as folded)."""
        scanned = self.scanned
        start, end = scanned.span(passage)
        at = scanned.folded.find(term, start, end)
        if at < 0:
            at = scanned.text.find(term, start, end)
        return scanned.text[at : at + len(term)] if at >= 0 else term


_RANK = {zone: n for n, zone in enumerate(ZONES)}


def zoned(
    title: str,
    sentences: Sequence[tuple[str, int, bool]],
    scanner: PassageScanner,
    index: Mapping[int, int],
    folded_sentences: str | None = None,
) -> Zoned:
    """The headline and the sentences (text, paragraph, is_heading) by zone.

    The lead is the first paragraph (up to four sentences), or the first two
    sentences when the text has no breaks; the next five sentences are early;
    sub-headings count as early. One scan (PassageScanner) finds every matcher's
    terms in every passage (``index``: id(matcher) -> its place in the scanner);
    ``folded_sentences`` (analyse's fold of the sentences) spares folding them again.
    """
    texts, zones = [nfc(title)], ["title"]
    body: list[int] = []
    as_given = True  # every sentence was NFC already: analyse's fold is of these texts
    first_paragraph = next((p for _, p, heading in sentences if not heading), None)
    for text, paragraph, is_heading in sentences:
        position = len(body)  # among body sentences
        if is_heading:
            zone = "early" if position < LEAD_SENTENCES + EARLY_SENTENCES else "deep"
        elif position < LEAD_SENTENCES or (
            paragraph == first_paragraph and position < 2 * LEAD_SENTENCES
        ):
            zone = "lead"
        elif position < LEAD_SENTENCES + EARLY_SENTENCES:
            zone = "early"
        else:
            zone = "deep"
        if not is_heading:
            body.append(len(texts))
        normal = nfc(text)
        as_given = as_given and (normal is text or normal == text)
        texts.append(normal)
        zones.append(zone)
    order = sorted(range(len(texts)), key=lambda i: (_RANK[zones[i]], i))
    place = [0] * len(texts)
    for rank, i in enumerate(order):
        place[i] = rank
    scanned = scanner.scan(texts, folded_sentences if as_given else None)
    return Zoned(scanned, tuple(zones), tuple(place), frozenset(body), index)
