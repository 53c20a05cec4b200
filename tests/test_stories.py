"""Near-duplicate detection: a story republished by another outlet links to the first."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from digests.model import RawDocument
from digests.sources.clean import clean_document
from digests.stories import signals as stories
from digests.textnorm import fold

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WORD = re.compile(r"\w+")


def seed_paragraphs(prefix: str) -> list[str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    doc = RawDocument(str(path), path.name, path.read_text(encoding="utf-8"), "text")
    return list(clean_document(doc, today=date(2025, 1, 1)).paragraphs)


def signature(paragraphs: list[str]) -> stories.Signature:
    sig = stories.signature(WORD.findall(fold("\n\n".join(paragraphs))))
    assert sig is not None
    return sig


def republished(paragraphs: list[str]) -> list[str]:
    """Another outlet's copy: its own lead-in and footer, three sentences reworded."""
    edited = [
        "Theo phóng viên báo Điện tử Sao Mai, sự kiện diễn ra trong không khí cởi mở.",
        *paragraphs,
        "Bạn đọc có thể xem thêm các bài viết liên quan tại chuyên trang Chuyển đổi số.",
    ]
    for n, at in enumerate((2, len(edited) // 2, len(edited) - 3)):
        words = edited[at].split()
        words[len(words) // 3] = ["mới", "lớn", "nhiều"][n]
        words[2 * len(words) // 3] = "cũng"
        edited[at] = " ".join(words)
    return edited


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_republished_seed_shares_a_band_and_reaches_same_story(prefix: str) -> None:
    original = signature(seed_paragraphs(prefix))
    copy = signature(republished(seed_paragraphs(prefix)))
    assert set(stories.band_keys(original)) & set(stories.band_keys(copy))
    assert stories.similarity(original, copy) >= stories.SAME_STORY


def test_different_seeds_are_different_stories() -> None:
    sigs = [signature(seed_paragraphs(p)) for p in ("000", "001", "002", "003", "004")]
    for i, a in enumerate(sigs):
        for b in sigs[i + 1 :]:
            assert stories.similarity(a, b) < 0.1


def test_band_keys_are_twelve_bands_of_three_buckets() -> None:
    sig = tuple(range(stories.BUCKETS))
    keys = stories.band_keys(sig)
    assert [key >> 32 for key in keys] == list(range(12))
    # a band whose three buckets are all empty gets no key
    empty_first = (stories.EMPTY,) * 3 + sig[3:]
    assert [key >> 32 for key in stories.band_keys(empty_first)] == list(range(1, 12))
