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
from functools import lru_cache
from itertools import chain, compress, islice
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
_ASCII_NON_WORD = {code: " " for code in range(128) if not (chr(code).isalnum() or code == 95)}
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


def syllables(folded: str) -> list[str]:
    """The syllables (``\\w+`` runs) of folded text.

    Most folded sentences are pure ASCII; for those, blanking every non-word
    character and splitting on spaces gives the same list several times faster
    than the regex.
    """
    if folded.isascii():
        return folded.translate(_ASCII_NON_WORD).split()
    return _SYLLABLE.findall(folded)


def features(text: str, folded: str | None = None) -> list[str]:
    """Syllable unigrams and bigrams of the folded text (pass ``folded`` if known)."""
    units = syllables(folded) if folded is not None else words(text)
    return units + list(map("_".join, zip(units, islice(units, 1, None), strict=False)))


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
    feature_lists = [
        features(s, folded[i] if folded is not None else None) for i, s in enumerate(sentences)
    ]
    vectors = ArticleVectors(features(title), feature_lists)
    wanted = range(len(sentences)) if only is None else only
    scored = [ScoredSentence(i, text, 0.0, frozenset()) for i, text in enumerate(sentences)]
    for idx in wanted:
        score = vectors.base_score(idx, sentences[idx])
        if theme_scores is not None:
            score += THEME_WEIGHT * theme_scores[idx]
        scored[idx] = ScoredSentence(idx, sentences[idx], score, vectors.terms[idx])
    return scored


@lru_cache(maxsize=256)
def _idf_table(documents: int) -> tuple[list[float], list[float], list[float]]:
    """idf, idf² and idf²·df indexed by document frequency, for ``documents`` documents."""
    idf = [0.0] + [math.log((documents + 1) / (df + 0.5)) for df in range(1, documents + 1)]
    return idf, [w * w for w in idf], [w * w * df for df, w in enumerate(idf)]


class ArticleVectors:
    """The TF-IDF geometry of one article: its sentences and title as documents.

    A sentence's vector weighs each feature (1 + log tf) × idf; the centroid
    weighs it idf × df (most syllables occur once per sentence, so that is the
    sum of the sentence vectors to within the log-tf of repeats). Everything a
    cosine needs is a sum over one sentence's distinct features of a function of
    their document frequency, so it is summed through lookup tables indexed by
    df instead of building a weighted vector per sentence.
    """

    def __init__(
        self,
        title_features: Sequence[str],
        sentence_features: Sequence[Sequence[str]],
        terms: Sequence[frozenset[str]] | None = None,
    ) -> None:
        self.features = sentence_features
        self.terms = list(terms) if terms is not None else [frozenset(f) for f in sentence_features]
        self.title_tf = Counter(title_features)
        self.df: Counter[str] = Counter(chain.from_iterable(self.terms))
        self.df.update(self.title_tf.keys())
        self.idf, self.idf2, self.idf2_df = _idf_table(len(self.terms) + 1)
        idf = self.idf
        centroid_sq = sum(
            count * (idf[df] * df) ** 2 for df, count in Counter(self.df.values()).items()
        )
        self.centroid_norm = math.sqrt(centroid_sq)
        self.title_norm = math.sqrt(
            sum(
                ((1 + math.log(tf)) * idf[self.df[term]]) ** 2 for term, tf in self.title_tf.items()
            )
        )

    def cosines(self, idx: int) -> tuple[float, float]:
        """Cosine of sentence ``idx`` to the centroid and to the title."""
        terms, df = self.terms[idx], self.df
        frequencies = list(map(df.__getitem__, terms))
        norm_sq = sum(map(self.idf2.__getitem__, frequencies))
        centroid_dot = sum(map(self.idf2_df.__getitem__, frequencies))
        repeats: dict[str, float] = {}
        if len(terms) != len(self.features[idx]):
            counts = Counter(self.features[idx])
            # Only the few repeated features need their log-tf; pick them in C.
            for term in compress(counts.keys(), map((1).__lt__, counts.values())):
                scale = repeats[term] = 1 + math.log(counts[term])
                norm_sq += (scale * scale - 1) * self.idf2[df[term]]
                centroid_dot += (scale - 1) * self.idf2_df[df[term]]
        title_dot = sum(
            repeats.get(term, 1.0) * (1 + math.log(self.title_tf[term])) * self.idf2[df[term]]
            for term in terms & self.title_tf.keys()
        )
        norm = math.sqrt(norm_sq)
        if not norm:
            return 0.0, 0.0
        centrality = centroid_dot / (norm * self.centroid_norm) if self.centroid_norm else 0.0
        title = title_dot / (norm * self.title_norm) if self.title_norm else 0.0
        return centrality, title

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
