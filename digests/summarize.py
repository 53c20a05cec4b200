"""Extractive, faithful summaries: the sentence scoring digests share.

A sentence is scored on four things: how central it is to its article (TF-IDF
cosine of syllable unigrams and bigrams to the article centroid, with the title
counted in), how informative it is (figures, named organisations), where it
stands (news leads carry the gist) and, for digests, how strongly it speaks to
the theme at hand. Chosen sentences are quoted as written; only a leading
connective such as "Ngoài ra, " is dropped, and only when what follows still
reads as a whole sentence.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from digests.textnorm import nfc, words

# Weights of the score parts, tuned on the first half of the vietnews-ict
# validation set only (see bench/quality.py), reported on both halves.
CENTRALITY_WEIGHT = 0.5
TITLE_WEIGHT = 1.5
POSITION_WEIGHT = 0.5
INFORMATION_WEIGHT = 0.05
THEME_WEIGHT = 0.35  # per theme-score point, digests only
MIN_WORDS = 6  # shorter "sentences" are headings, labels or fragments
REDUNDANCY = 0.6  # a sentence this similar to one already chosen is skipped

_TERMINAL = re.compile(r"""[.!?…]["”’)\]]*$""")
_CAPTION = re.compile(
    r"\((?:Ảnh|ảnh|Ản|ản|Nguồn|nguồn)\b[^)]*\)\s*$|^(?:Ảnh|Video|Clip|Nguồn)\s*:|- Ảnh \d+\.?$"
)
_FIGURE = re.compile(r"\d")
_SYLLABLE = re.compile(r"\w+")
_ORG_TOKEN = re.compile(
    r"\b[A-ZĐ][A-Z0-9Đ&]{1,}[a-z]*\b|\b(?:Tập đoàn|Tổng Công ty|Công ty|Bộ|Cục)\b"
)
_FILLER = re.compile(
    r"^(?:Trong khi đó|Ngoài ra|Bên cạnh đó|Đồng thời|Cùng với đó|Thêm vào đó|Mặt khác"
    r"|Hơn nữa|Theo đó|Bên cạnh|Và|Còn)\s*,\s+"
)


@dataclass(frozen=True)
class ScoredSentence:
    idx: int  # position among the article's sentences
    text: str
    score: float
    tokens: frozenset[str]


def features(text: str, folded: str | None = None) -> list[str]:
    """Syllable unigrams and bigrams of the folded text (pass ``folded`` if known)."""
    syllables = _SYLLABLE.findall(folded) if folded is not None else words(text)
    return syllables + [f"{a}_{b}" for a, b in pairwise(syllables)]


def is_summary_sentence(text: str) -> bool:
    """A whole, quotable sentence: not a heading, caption or fragment."""
    text = text.strip()
    if len(text.split()) < MIN_WORDS or _CAPTION.search(text):
        return False
    if not _TERMINAL.search(text):
        return False  # headings and cut-off lines have no closing punctuation
    first = text.lstrip("“\"'‘(– -")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def strip_filler(text: str) -> str:
    """Drop a leading connective ("Ngoài ra, ") if the rest is still a sentence."""
    match = _FILLER.match(text)
    if not match:
        return text
    rest = text[match.end() :]
    if len(rest.split()) < MIN_WORDS or (not rest[:1].isalpha() and rest[:1] not in '“"'):
        return text
    return rest[:1].upper() + rest[1:]


def _tfidf(vectors: Sequence[Counter[str]]) -> list[dict[str, float]]:
    df: Counter[str] = Counter()
    for vector in vectors:
        df.update(vector.keys())
    n = len(vectors)
    idf = {term: math.log((n + 1) / (count + 0.5)) for term, count in df.items()}
    return [
        {term: (1 + math.log(tf)) * idf[term] for term, tf in vector.items()} for vector in vectors
    ]


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _cosine(a: dict[str, float], b: dict[str, float], a_norm: float, b_norm: float) -> float:
    if not a_norm or not b_norm:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(weight * get(term, 0.0) for term, weight in a.items()) / (a_norm * b_norm)


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
    only: Collection[int] | None = None,
) -> list[ScoredSentence]:
    """Score every sentence of one article (theme scores optional, for digests).

    ``folded`` (the stored folded texts) saves folding again; ``only`` limits
    the work to the sentences that can be chosen — the others still shape the
    centroid but score 0.
    """
    counters = [
        Counter(features(s, folded[i] if folded is not None else None))
        for i, s in enumerate(sentences)
    ]
    title_counter = Counter(features(title))
    df: Counter[str] = Counter()
    for counter in (*counters, title_counter):
        df.update(counter.keys())
    n = len(counters) + 1
    idf = {term: math.log((n + 1) / (count + 0.5)) for term, count in df.items()}
    # Most syllables occur once per sentence, so the centroid of the TF-IDF
    # vectors is, to within the log-tf of repeats, idf × document frequency.
    centroid = {term: idf[term] * count for term, count in df.items()}
    title_vector = {t: (1 + math.log(tf)) * idf[t] for t, tf in title_counter.items()}
    centroid_norm, title_norm = _norm(centroid), _norm(title_vector)
    wanted = range(len(sentences)) if only is None else only
    scored = [ScoredSentence(i, text, 0.0, frozenset()) for i, text in enumerate(sentences)]
    for idx in wanted:
        text = sentences[idx]
        vector = {t: (1 + math.log(tf)) * idf[t] for t, tf in counters[idx].items()}
        norm = _norm(vector)
        score = (
            CENTRALITY_WEIGHT * _cosine(vector, centroid, norm, centroid_norm)
            + TITLE_WEIGHT * _cosine(vector, title_vector, norm, title_norm)
            + POSITION_WEIGHT * position_prior(idx)
            + INFORMATION_WEIGHT * information(text)
        )
        if theme_scores is not None:
            score += THEME_WEIGHT * theme_scores[idx]
        scored[idx] = ScoredSentence(idx, text, score, frozenset(counters[idx]))
    return scored


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
    """Best sentences within the budgets, non-redundant, in document order."""
    chosen: list[ScoredSentence] = []
    used = 0
    ranked = sorted(scored, key=lambda s: (-s.score, s.idx))
    for candidate in ranked:
        if len(chosen) >= sentences:
            break
        if eligible is not None and not eligible[candidate.idx]:
            continue
        if any(overlap(candidate.tokens, c.tokens) >= REDUNDANCY for c in chosen):
            continue
        length = len(strip_filler(candidate.text)) + (1 if chosen else 0)
        if max_chars is not None and used + length > max_chars:
            continue
        chosen.append(candidate)
        used += length
    return sorted(chosen, key=lambda s: s.idx)


def join_summary(chosen: Sequence[str]) -> str:
    return " ".join(strip_filler(nfc(s).strip()) for s in chosen)


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
    return join_summary([c.text for c in chosen])


def split_body(body: str) -> list[str]:
    """Sentences of a body whose paragraphs are separated by blank lines or newlines."""
    from digests.sentences import split_sentences

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
    from digests.clean import clean_document
    from digests.model import RawDocument

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
