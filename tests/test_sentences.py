"""Sentence splitting that survives Vietnamese abbreviations, numbers, quotes and endings."""

from __future__ import annotations

import unicodedata

from analyse_helpers import seed_text
from hypothesis import given
from hypothesis import strategies as st

from digests.analysis.sentences import JoinedText, split_sentences


def test_thousands_separators_and_decimal_commas_do_not_split() -> None:
    text = (
        "Giao Hàng Tiết Kiệm đạt doanh thu gần 9.000 tỷ đồng. Doanh thu ước đạt 14.100 tỷ đồng, "
        "tăng 4%. Có 2,6 triệu tin nhắn ủng hộ và 1.000.000 lượt truy cập."
    )
    assert split_sentences(text) == [
        "Giao Hàng Tiết Kiệm đạt doanh thu gần 9.000 tỷ đồng.",
        "Doanh thu ước đạt 14.100 tỷ đồng, tăng 4%.",
        "Có 2,6 triệu tin nhắn ủng hộ và 1.000.000 lượt truy cập.",
    ]


def test_abbreviations_before_names_do_not_split() -> None:
    text = (
        "Tập đoàn CMC đã xây dựng TTDL tại Tân Thuận, TP. Hồ Chí Minh. "
        "PGS.TS. Nguyễn Văn An và Th.S. Lê Hoa dự họp. "
        "Nguyên Đại sứ Ted G. Osius phát biểu. Quân đội U.S. Army tham gia."
    )
    assert split_sentences(text) == [
        "Tập đoàn CMC đã xây dựng TTDL tại Tân Thuận, TP. Hồ Chí Minh.",
        "PGS.TS. Nguyễn Văn An và Th.S. Lê Hoa dự họp.",
        "Nguyên Đại sứ Ted G. Osius phát biểu.",
        "Quân đội U.S. Army tham gia.",
    ]


def test_vv_ends_a_sentence_only_before_a_capital() -> None:
    assert split_sentences("Hạ tầng 5G, 6G, v.v. và dữ liệu. Các DN tham gia, v.v. Đây là") == [
        "Hạ tầng 5G, 6G, v.v. và dữ liệu.",
        "Các DN tham gia, v.v.",
        "Đây là",
    ]


def test_tt_and_tt_and_domain_names_stay_whole() -> None:
    text = (
        "Ông Phạm Anh Tuấn giới thiệu nền tảng vietnam.vn với nhiều thông tin. "
        "Toàn cảnh Hội nghị (ảnh mic.gov.vn). Bộ TT&TT chủ trì. Ảnh của nhadautu.vn. Hết"
    )
    assert split_sentences(text) == [
        "Ông Phạm Anh Tuấn giới thiệu nền tảng vietnam.vn với nhiều thông tin.",
        "Toàn cảnh Hội nghị (ảnh mic.gov.vn).",
        "Bộ TT&TT chủ trì.",
        "Ảnh của nhadautu.vn.",
        "Hết",
    ]


def test_official_ending_and_closing_quote_stay_with_their_sentence() -> None:
    last_paragraph = seed_text("003").split("\n\n")[-3]
    assert split_sentences(last_paragraph) == [
        "“Các đơn vị trong ngành TT&TT có một sứ mệnh mới, 6 tháng đầu năm là tập dượt, "
        "6 tháng cuối năm là bứt phá vươn lên.",
        "Ngành TT&TT bứt phá vươn lên là giúp đất nước bứt phá vươn lên”, Bộ trưởng nhấn mạnh./.",
    ]
    assert split_sentences("Kết quả tốt”. Ông Long nói tiếp./. Hồng Hà") == [
        "Kết quả tốt”.",
        "Ông Long nói tiếp./.",
        "Hồng Hà",
    ]


def test_a_quoted_speech_splits_at_its_sentences_and_keeps_the_attribution() -> None:
    (paragraph,) = [p for p in seed_text("000").split("\n\n") if p.startswith("“Ứng dụng")]
    sentences = split_sentences(paragraph)
    assert len(sentences) == 3
    assert sentences[0].startswith("“Ứng dụng công nghệ để giải bài toán")
    assert sentences[2] == (
        "Giao Hàng Tiết Kiệm hiện đã có 30.000 nhân viên, trong đó có 500 kỹ sư công nghệ "
        "và đạt doanh thu gần 9.000 tỷ đồng”, ông Quân nói."
    )


def test_ellipses_split_only_before_a_new_sentence() -> None:
    (listing,) = [p for p in seed_text("000").split("\n\n") if p.startswith("Ngày 30/1/2024")]
    assert len(split_sentences(listing)) == 1  # "ECqurity … và các cơ quan báo chí"
    assert split_sentences("camera AI… Trong 3 năm tới, MK sẽ phấn đấu. Sau đó... Hết") == [
        "camera AI…",
        "Trong 3 năm tới, MK sẽ phấn đấu.",
        "Sau đó...",
        "Hết",
    ]


def test_a_closing_quote_set_off_by_a_space_stays_with_its_sentence() -> None:
    # Eval article 000262 ended its summary on an orphan '".' sentence.
    assert split_sentences(
        'Ông nói: " Đây là lần đầu tiên đến thế... ". Cụ thể, phiên tòa kéo dài.'
    ) == ['Ông nói: " Đây là lần đầu tiên đến thế... ".', "Cụ thể, phiên tòa kéo dài."]
    assert split_sentences("Bà nói: “Lần đầu… ” Sau đó bà đi. Ông hỏi: “Vì sao? ”") == [
        "Bà nói: “Lần đầu… ”",
        "Sau đó bà đi.",
        "Ông hỏi: “Vì sao? ”",
    ]
    # The quote closes and the attribution follows: one sentence.
    assert split_sentences('" Vì sao lại thế? ", bà Liu nói. Hết.') == [
        '" Vì sao lại thế? ", bà Liu nói.',
        "Hết.",
    ]
    # A straight quote before a capital may open the next sentence: left to it.
    assert split_sentences('Anh nói vậy... "Tôi không biết" là câu trả lời.') == [
        "Anh nói vậy...",
        '"Tôi không biết" là câu trả lời.',
    ]
    assert split_sentences('Câu cuối của đoạn... "') == ['Câu cuối của đoạn... "']


def test_line_breaks_always_end_a_sentence_and_text_comes_back_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Bưu điện Việt Nam\nHoà Bình tăng trưởng")
    assert split_sentences(decomposed) == ["Bưu điện Việt Nam", "Hoà Bình tăng trưởng"]
    assert all(unicodedata.is_normalized("NFC", s) for s in split_sentences(decomposed))
    assert split_sentences("  \n\n ") == []


def test_seed_sentences_never_start_in_lower_case() -> None:
    for number in ("000", "001", "002", "003", "004"):
        for line in seed_text(number).splitlines():
            if line.strip()[:1].isupper():  # a paragraph, not "bt1.jpg"
                for sentence in split_sentences(line):
                    assert not sentence[0].islower(), sentence


@given(
    st.lists(
        st.sampled_from(
            [
                "Bộ",
                "TT&TT",
                "9.000",
                "TP.",
                "v.v.",
                "“a”.",
                "…",
                "./.",
                "Ông",
                "x",
                ".",
                " ",
                "\n",
                "ĐH.",
                "U.S.",
                "?",
            ]
        ),
        max_size=40,
    )
)
def test_splitting_loses_and_invents_nothing(tokens: list[str]) -> None:
    text = " ".join(tokens)
    sentences = split_sentences(text)
    assert "".join("".join(sentences).split()) == "".join(text.split())
    assert all(s == s.strip() and s for s in sentences)


def test_joined_text_locates_offsets_in_their_sentence() -> None:
    joined = JoinedText(["Một.", "Hai ba.", "Bốn."])
    assert joined.text == "Một.\x00Hai ba.\x00Bốn."
    assert joined.locate(0) == (0, 0)
    assert joined.locate(joined.text.index("ba")) == (1, 4)
    assert joined.locate(joined.text.index("Bốn")) == (2, 0)
