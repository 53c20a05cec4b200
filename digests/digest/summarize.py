"""Extractive, faithful summaries: the sentence scoring digests share.

A sentence is scored on four things: how central it is to its article (TF-IDF
cosine of its syllables to the article centroid, and to the title), how
informative it is (figures, named organisations), where it stands (news leads
carry the gist) and, for digests, how strongly it speaks to the theme at hand.
Chosen sentences are quoted as written; only a leading connective such as
"Ngoài ra, " is dropped, and only when what follows still reads as a whole
sentence. A sentence that refers back ("Nhưng", "Điều này") comes only right
after the sentence it leans on, and a quotation the excerpt cuts is marked with
an ellipsis (see ``balance_quotes``).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path

from digests.textnorm import fold_nfc, nfc, words

# Weights of the score parts, tuned on the first half of the vietnews-ict
# validation set only (see bench/quality.py), reported on both halves.
CENTRALITY_WEIGHT = 0.25
TITLE_WEIGHT = 1.0
POSITION_WEIGHT = 0.5
INFORMATION_WEIGHT = 0.05
THEME_WEIGHT = 0.35  # per theme-score point, digests only
MIN_WORDS = 6  # shorter "sentences" are headings, labels or fragments
REDUNDANCY = 0.6  # a sentence this similar to one already chosen is skipped

_TERMINALS = ".!?…"  # a sentence ends with one of these, then perhaps closing marks
_CLOSERS = '"”’)]'
_CAPTION = re.compile(
    r"\((?:Ảnh|ảnh|Ản|ản|Nguồn|nguồn)\b[^)]*\)\s*$|^(?:Ảnh|Video|Clip|Nguồn)\s*:|- Ảnh \d+\.?$"
)
_FIGURE = re.compile(r"\d")
_SYLLABLE = re.compile(r"\w+")
# Non-word characters blanked before splitting: every ASCII one, and the
# quotation marks, dashes, ellipsis and no-break space of Vietnamese news text.
_MARKS = "“”‘’…–—\xa0•·«»"
_ASCII_BLANKS = bytes.maketrans(
    bytes(range(128)),
    bytes(code if chr(code).isalnum() or code == 95 else 32 for code in range(128)),
)
# An acronym-like name ("VNPT", "TT&TT", "VNPost") or an organisation word. It
# starts with its capital so that the regex engine can skip to candidates.
_ORG_TOKEN = re.compile(
    r"[A-ZĐ](?<!\w[A-ZĐ])"
    r"(?:[A-Z0-9Đ&]+[a-z]*|(?<=T)ập đoàn|(?<=T)ổng Công ty|(?<=C)ông ty|(?<=B)ộ|(?<=C)ục)\b"
)
_FILLER = re.compile(
    r"^(?:Trong khi đó|Ngoài ra|Bên cạnh đó|Đồng thời|Cùng với đó|Thêm vào đó|Mặt khác"
    r"|Hơn nữa|Theo đó|Bên cạnh|Và|Còn)\s*,\s+"
)


# A sentence opening with one of these leans on the sentence before it ("But
# now…", "This…"): it may follow that sentence in a summary, never open one.
_DANGLING = re.compile(
    r"^(?:(?:Nhưng|Tuy nhiên|Tuy vậy|Điều này|Đây là|Việc này|Vì vậy|Do đó|Do vậy|Bởi vậy"
    r"|Như vậy)\b|Song,)"  # "Song," (however), not "Song song với…" (alongside)
)
_QUOTE_MARK = re.compile(r'[“”"]')
ELLIPSIS = "…"


@dataclass(frozen=True)
class ScoredSentence:
    idx: int  # position among the article's sentences
    text: str
    score: float
    tokens: frozenset[str]


def syllables(folded: str) -> list[str]:
    """The syllables (``\\w+`` runs) of folded text.

    Folded sentences are ASCII but for a few punctuation marks; blanking the
    non-word characters and splitting on spaces gives the same list several
    times faster than the regex, which is left for what is still not ASCII.
    """
    blanked = folded
    if not blanked.isascii():
        for mark in _MARKS:  # str.replace, unlike str.translate, stays fast on non-ASCII
            if mark in blanked:
                blanked = blanked.replace(mark, " ")
        if not blanked.isascii():
            return _SYLLABLE.findall(folded)
    # bytes.translate is many times faster than str.translate
    return blanked.encode("ascii").translate(_ASCII_BLANKS).decode("ascii").split()


def features(text: str, folded: str | None = None) -> list[str]:
    """Syllable unigrams and bigrams of the folded text (pass ``folded`` if known)."""
    units = syllables(folded) if folded is not None else words(text)
    return units + list(map("_".join, zip(units, islice(units, 1, None), strict=False)))


def is_summary_sentence(text: str) -> bool:
    """A whole, quotable sentence: not a heading, caption or fragment."""
    text = text.strip()
    if len(text.split()) < MIN_WORDS or (_may_be_caption(text) and _CAPTION.search(text)):
        return False
    if text.rstrip(_CLOSERS)[-1:] not in _TERMINALS:
        return False  # headings and cut-off lines have no closing punctuation
    first = text.lstrip("“\"'‘(– -")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def _may_be_caption(text: str) -> bool:
    """What every _CAPTION match needs, checked without a regex scan."""
    return "(" in text or "- Ảnh " in text or text.startswith(("Ảnh", "Video", "Clip", "Nguồn"))


def is_dangling(text: str) -> bool:
    """The sentence opens with a connective that refers back ("Nhưng", "Điều này")."""
    return _DANGLING.match(text) is not None


def quote_balance(text: str) -> tuple[int, int]:
    """Closing quotation marks with no opening one before them, and opening marks
    left unclosed, in one sentence. A straight quote opens after a space or at the
    start and closes otherwise."""
    depth = unopened = 0
    for match in _QUOTE_MARK.finditer(text):
        mark, start = match.group(), match.start()
        if mark == '"':
            mark = (
                "“" if start == 0 or text[start - 1].isspace() or text[start - 1] in "([" else "”"
            )
        if mark == "“":
            depth += 1
        elif depth:
            depth -= 1
        else:
            unopened += 1
    return unopened, depth


def _close_quotation(text: str) -> str:
    """End an excerpt cut inside a quotation: "… thông minh." → "… thông minh…”"."""
    if text.endswith(ELLIPSIS):
        return text + "”"
    return text.removesuffix(".") + ELLIPSIS + "”"


def balance_quotes(parts: Sequence[tuple[int, str]]) -> list[str]:
    """The texts of a summary's sentences (index, text, in order) with every quotation whole.

    A quotation often spans sentences, and an excerpt can cut it: a sentence that
    closes a quotation opened in a sentence not shown reads like half a sentence.
    We mark the cut as journalists do, with an ellipsis, and add only marks, never
    words: the missing opening becomes "“… ", a quotation left open at the end of
    what is shown (or before a gap) closes with "…”", and a gap inside a quotation
    that resumes in a later shown sentence is "… ". Sentences next to each other
    in the article need nothing: the quotation runs on as written.
    """
    result: list[str] = []
    open_levels = 0  # quotations the text shown so far has opened and not closed
    previous: int | None = None
    for idx, text in parts:
        unopened, opened = quote_balance(text)
        adjacent = previous is not None and idx == previous + 1
        if unopened and not open_levels:
            text = f"“{ELLIPSIS} {text}"
        elif unopened and not adjacent:
            text = f"{ELLIPSIS} {text}"
        elif open_levels and not adjacent:
            result[-1] = _close_quotation(result[-1])
            open_levels = 0
        open_levels = max(0, open_levels - unopened) + opened
        result.append(text)
        previous = idx
    if open_levels and result:
        result[-1] = _close_quotation(result[-1])
    return result


def strip_filler(text: str) -> str:
    """Drop a leading connective ("Ngoài ra, ") if the rest is still a sentence."""
    match = _FILLER.match(text)
    if not match:
        return text
    rest = text[match.end() :]
    if len(rest.split()) < MIN_WORDS or (not rest[:1].isalpha() and rest[:1] not in '“"'):
        return text
    return rest[:1].upper() + rest[1:]


def information(text: str) -> float:
    """Figures and named organisations make a sentence worth quoting."""
    figure = 1.0 if _FIGURE.search(text) else 0.0
    orgs = min(3, len(_ORG_TOKEN.findall(text))) / 3
    return figure + orgs


def position_prior(idx: int) -> float:
    """Lead bias: the first sentences of a news article carry its gist."""
    return 1.0 / math.sqrt(1.0 + idx)


def score_sentences(
    title: str,
    sentences: Sequence[str],
    *,
    theme_scores: Sequence[float] | None = None,
    folded: Sequence[str] | None = None,
) -> list[ScoredSentence]:
    """Score every sentence of one article (theme scores optional, for digests).

    ``folded`` (the stored folded texts) saves folding again.
    """
    if folded is None:
        folded = [fold_nfc(s) for s in sentences]
    vectors = ArticleVectors(words(title), [syllables(f) for f in folded])
    scored = []
    for idx, text in enumerate(sentences):
        score = vectors.base_score(idx, text)
        if theme_scores is not None:
            score += THEME_WEIGHT * theme_scores[idx]
        scored.append(ScoredSentence(idx, text, score, frozenset(features(text, folded[idx]))))
    return scored


@lru_cache(maxsize=256)
def _idf_table(documents: int, top: int) -> tuple[list[float], list[float], list[float]]:
    """idf², idf²·n and (idf·n)² indexed by a syllable's count n (0 … ``top``) in an
    article of ``documents`` documents; a count above ``documents`` (a syllable
    repeated within sentences) weighs as if the syllable were in every one."""
    idf = [0.0] + [math.log((documents + 1) / (min(n, documents) + 0.5)) for n in range(1, top + 1)]
    idf2 = [w * w for w in idf]
    return idf2, [w * n for n, w in enumerate(idf2)], [w * n * n for n, w in enumerate(idf2)]


class ArticleVectors:
    """The TF-IDF geometry of one article over syllable unigrams.

    Documents are the sentences and the title. A syllable's weight in a sentence
    is its idf (sentences rarely repeat a syllable, so term frequency is left
    out); the centroid, the sum of the sentence vectors, weighs it idf × count.
    Counts are taken over the article's syllables in one Counter pass in C,
    which counts a syllable repeated within a sentence more than once: a close
    stand-in for the number of sentences that have it, at a fraction of the
    cost of a set per sentence. A cosine then sums lookups indexed by count over
    one sentence's distinct syllables, and is computed only for sentences that
    can be chosen. Unigrams rather than unigrams + bigrams: half the features,
    and counting every sentence's bigrams was the largest cost of a digest, for
    no gain in ROUGE (see bench/quality.py).
    """

    def __init__(
        self, title_syllables: Iterable[str], sentence_syllables: Sequence[Sequence[str]]
    ) -> None:
        self.syllables = sentence_syllables
        self.title_terms = frozenset(title_syllables)
        counts: Counter[str] = Counter(chain.from_iterable(sentence_syllables))
        counts.update(self.title_terms)
        self.counts = counts
        documents = len(sentence_syllables) + 1
        # Sized past the usual counts so that articles of a length share one table.
        top = max(4 * documents, max(counts.values(), default=0))
        self.idf2, self.idf2_count, centroid_squares = _idf_table(documents, top)
        self.centroid_norm = math.sqrt(sum(map(centroid_squares.__getitem__, counts.values())))
        self.title_norm = math.sqrt(sum(self.idf2[counts[term]] for term in self.title_terms))

    def cosines(self, idx: int) -> tuple[float, float]:
        """Cosine of sentence ``idx`` to the centroid and to the title."""
        terms = set(self.syllables[idx])
        frequencies = list(map(self.counts.__getitem__, terms))
        norm_sq = sum(map(self.idf2.__getitem__, frequencies))
        if not norm_sq:
            return 0.0, 0.0
        norm = math.sqrt(norm_sq)
        centroid_dot = sum(map(self.idf2_count.__getitem__, frequencies))
        centrality = centroid_dot / (norm * self.centroid_norm) if self.centroid_norm else 0.0
        if not self.title_norm:
            return centrality, 0.0
        shared = self.title_terms.intersection(terms)
        title_dot = sum(self.idf2[self.counts[term]] for term in shared)
        return centrality, title_dot / (norm * self.title_norm)

    def base_score(self, idx: int, text: str) -> float:
        """Centrality, title similarity, position and information of one sentence."""
        centrality, title = self.cosines(idx)
        return (
            CENTRALITY_WEIGHT * centrality
            + TITLE_WEIGHT * title
            + POSITION_WEIGHT * position_prior(idx)
            + INFORMATION_WEIGHT * information(text)
        )


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller feature set found in the other (1.0 = contained)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def pick(
    scored: Sequence[ScoredSentence],
    *,
    sentences: int = 2,
    max_chars: int | None = None,
    eligible: Sequence[bool] | None = None,
) -> list[ScoredSentence]:
    """Best sentences within the budgets, non-redundant, in document order.

    A sentence that refers back (``is_dangling``) is taken only right after the
    sentence it leans on: if it ranks higher, it waits until that one is chosen.
    """
    chosen: list[ScoredSentence] = []
    taken: set[int] = set()
    waiting: dict[int, ScoredSentence] = {}  # dangling sentences by the index they follow
    used = 0

    def fits(candidate: ScoredSentence) -> bool:
        if eligible is not None and not eligible[candidate.idx]:
            return False
        if any(overlap(candidate.tokens, c.tokens) >= REDUNDANCY for c in chosen):
            return False
        length = len(strip_filler(candidate.text)) + (1 if chosen else 0)
        return max_chars is None or used + length <= max_chars

    def take(candidate: ScoredSentence) -> None:
        nonlocal used
        used += len(strip_filler(candidate.text)) + (1 if chosen else 0)
        chosen.append(candidate)
        taken.add(candidate.idx)

    for candidate in sorted(scored, key=lambda s: (-s.score, s.idx)):
        if len(chosen) >= sentences:
            break
        if is_dangling(candidate.text) and candidate.idx - 1 not in taken:
            waiting[candidate.idx - 1] = candidate
            continue
        if not fits(candidate):
            continue
        take(candidate)
        follower = waiting.pop(candidate.idx, None)
        if follower is not None and len(chosen) < sentences and fits(follower):
            take(follower)
    return sorted(chosen, key=lambda s: s.idx)


def join_summary(chosen: Sequence[tuple[int, str]]) -> str:
    """The summary text of chosen sentences (index, text), in document order."""
    texts = [(idx, strip_filler(nfc(text).strip())) for idx, text in chosen]
    return " ".join(balance_quotes(texts))


def summarize_sentences(
    title: str,
    sentences: Sequence[str],
    *,
    sentences_budget: int = 2,
    max_chars: int | None = None,
) -> str:
    """Summary of an article already split into sentences."""
    sentences = [nfc(s).strip() for s in sentences if s.strip()]
    eligible = [is_summary_sentence(s) for s in sentences]
    if not any(eligible):
        return ""
    scored = score_sentences(title, sentences)
    chosen = pick(scored, sentences=sentences_budget, max_chars=max_chars, eligible=eligible)
    if not chosen and max_chars is not None:
        return ""
    return join_summary([(c.idx, c.text) for c in chosen])


def split_body(body: str) -> list[str]:
    """Sentences of a body whose paragraphs are separated by blank lines or newlines."""
    from digests.analysis.sentences import split_sentences

    result: list[str] = []
    for paragraph in re.split(r"\n+", nfc(body)):
        if paragraph.strip():
            result.extend(split_sentences(paragraph))
    return result


def summarize_article(
    title: str, body: str, *, sentences: int = 2, max_chars: int | None = None
) -> str:
    """An extractive summary of ``body``: up to ``sentences`` whole sentences."""
    return summarize_sentences(
        title, split_body(body), sentences_budget=sentences, max_chars=max_chars
    )


def _looks_like_raw_page(text: str) -> bool:
    lowered = text.lower()
    return "<html" in lowered or "<body" in lowered or "<p>" in lowered or "<div" in lowered


def _summarize_text_file(path: Path, text: str, sentences: int, max_chars: int | None) -> str:
    from digests.model import RawDocument
    from digests.sources.clean import clean_document

    doc = RawDocument(
        origin=str(path),
        source=path.name,
        raw=text,
        kind="html" if _looks_like_raw_page(text) else "text",
    )
    article = clean_document(doc)  # raises BadItem with a one-line reason
    body = "\n\n".join(p for i, p in enumerate(article.paragraphs) if i not in article.headings)
    return summarize_article(article.title, body, sentences=sentences, max_chars=max_chars)


class SummarizeInputError(ValueError):
    """A line or file that cannot be summarised; the message says which and why."""


def summarize_jsonl(
    lines: Sequence[str] | Iterator[str], *, sentences: int = 2, max_chars: int | None = None
) -> Iterator[dict[str, object]]:
    """One ``{"id", "summary"}`` per ``{id, title, body}`` line; bad lines raise."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SummarizeInputError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("body"), str):
            raise SummarizeInputError(f"line {number}: needs an object with a 'body' string")
        title = record.get("title") if isinstance(record.get("title"), str) else ""
        summary = summarize_article(
            str(title), record["body"], sentences=sentences, max_chars=max_chars
        )
        yield {"id": record.get("id"), "summary": summary}


def summarize_path(
    path: Path, *, sentences: int = 2, max_chars: int | None = None
) -> Iterator[dict[str, object]] | str:
    """Summaries for ``ictdigest summarize PATH``.

    A ``.jsonl`` file gives an iterator of ``{"id", "summary"}`` records; any
    other file is one article (cleaned first, like ingest does) and gives its
    summary. Raises SummarizeInputError or BadItem with a one-line reason.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SummarizeInputError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise SummarizeInputError(f"{path}: cannot read ({exc.strerror})") from exc
    if path.suffix.lower() == ".jsonl":
        return summarize_jsonl(text.splitlines(), sentences=sentences, max_chars=max_chars)
    return _summarize_text_file(path, text, sentences, max_chars)
