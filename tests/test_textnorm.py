"""Folding: the fast tables give exactly the per-character fold, for any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digests.textnorm import _fold_char, fold, fold_nfc, nfc


def per_character(text: str) -> str:
    return "".join(_fold_char(char) for char in text)


def test_fold_vietnamese_examples() -> None:
    assert fold("Bưu điện Hoà Bình") == "buu dien hoa binh"
    assert fold("TẬP ĐOÀN Công nghiệp – Viễn thông “Quân đội”") == (
        "tap doan cong nghiep – vien thong “quan doi”"
    )
    assert fold("hài hoà") == fold("hài hòa") == "hai hoa"
    assert fold("ÐỖ") == "do"  # Ð (U+00D0), a common typo for Đ


def test_fold_keeps_length_beyond_the_common_blocks() -> None:
    text = "Bưu điện 한국 Σ ΣΑΣ ｆｕｌｌ 𐐀 ﬁ"
    assert len(fold_nfc(text)) == len(text)
    assert fold_nfc(text) == per_character(text)


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(max_codepoint=0x24F),
            st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
            st.characters(),
        ),
        max_size=40,
    )
)
def test_fold_matches_per_character_fold(text: str) -> None:
    text = nfc(text)
    assert fold_nfc(text) == per_character(text)
