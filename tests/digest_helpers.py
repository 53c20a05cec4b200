"""Store fixtures for digest tests, built from the hand-labelled seed sentences.

tests/data/theme_labels.jsonl holds every sentence of the five seeds in order,
labelled by hand with the themes it speaks to (plus "heading" and "junk" flags).
Building a store straight from it keeps the digest tests independent of the
cleaning and splitting steps while using the real store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from digests.model import Analysis, CleanArticle, RawDocument, Sentence
from digests.store.store import save_article

LABELS = Path(__file__).resolve().parent / "data" / "theme_labels.jsonl"

# Title, publication date and outlet of each seed, read off the seed files.
SEED_META: dict[str, tuple[str, date, str]] = {
    "000": (
        "Bộ trưởng Nguyễn Mạnh Hùng: Đất nước biết ơn các doanh nghiệp",
        date(2024, 1, 30),
        "mic.gov.vn",
    ),
    "001": ("Lĩnh vực “số” của Việt Nam phát triển mạnh mẽ", date(2024, 11, 28), "mic.gov.vn"),
    "002": (
        "Bộ Thông tin và Truyền thông tổ chức giao ban quản lý nhà nước Quý III/2022 "
        "với các đối tượng quản lý",
        date(2022, 10, 17),
        "mic.gov.vn",
    ),
    "003": (
        "Bộ trưởng Nguyễn Mạnh Hùng: 5 cơ hội để ngành Thông tin truyền thông bứt phá vươn lên",
        date(2020, 7, 6),
        "toquoc.vn",
    ),
    "004": (
        "Việt Nam - Hoa Kỳ thúc đẩy hợp tác về chuyển đổi số, kinh tế số",
        date(2023, 3, 22),
        "ictnghean.vn",
    ),
}


@dataclass(frozen=True)
class Label:
    seed: str
    sentence: str
    themes: frozenset[str]
    heading: bool
    junk: bool


def load_labels() -> list[Label]:
    labels = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        labels.append(
            Label(
                seed=record["seed"][:3],
                sentence=record["sentence"],
                themes=frozenset(record["themes"]),
                heading=bool(record.get("heading")),
                junk=bool(record.get("junk")),
            )
        )
    return labels


def save_seed(
    db: Database,
    seed: str,
    sentences: Sequence[tuple[str, bool]],
    *,
    title: str | None = None,
    published: date | None = None,
    source: str | None = None,
    url: str | None = None,
) -> None:
    """Store one article whose body is ``sentences`` ((text, is_heading), one per paragraph)."""
    meta_title, meta_date, meta_source = SEED_META.get(seed, (seed, date(2024, 1, 1), seed))
    paragraphs = tuple(text for text, _ in sentences)
    article = CleanArticle(
        title=title or meta_title,
        published=published or meta_date,
        published_at=None,
        paragraphs=paragraphs,
        headings=frozenset(i for i, (_, heading) in enumerate(sentences) if heading),
        url=url,
        source=source or meta_source,
    )
    analysis = Analysis(
        sentences=[
            Sentence(idx=i, paragraph=i, text=text, is_heading=heading)
            for i, (text, heading) in enumerate(sentences)
        ]
    )
    doc = RawDocument(
        origin=f"labels/{seed}-{url or title or ''}",
        source=source or meta_source,
        raw="\n\n".join(paragraphs),
        kind="text",
        url=url,
    )
    save_article(db, doc, article, analysis)


def store_labelled_seeds(db: Database, labels: Sequence[Label] | None = None) -> None:
    """Store the five seeds as their labelled, junk-free sentences."""
    labels = labels if labels is not None else load_labels()
    for seed in sorted(SEED_META):
        sentences = [
            (lab.sentence, lab.heading) for lab in labels if lab.seed == seed and not lab.junk
        ]
        save_seed(db, seed, sentences)
