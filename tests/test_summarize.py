"""Single-article summaries: faithful, whole sentences; filler stripped only safely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digests.digest.summarize import (
    SummarizeInputError,
    balance_quotes,
    is_dangling,
    is_summary_sentence,
    quote_balance,
    strip_filler,
    summarize_article,
    summarize_path,
    summarize_sentences,
)

TITLE = "Doanh thu bưu chính 6 tháng đạt 14.100 tỷ đồng"
SENTENCES = [
    "Hà Nội, ngày 6/7.",
    "Kết quả hoạt động của các doanh nghiệp Bưu chính trong 6 tháng đầu năm đều tăng trưởng: "
    "doanh thu ước đạt 14.100 tỷ đồng, tăng 4%.",
    "Toàn cảnh Hội nghị (Ảnh: mic.gov.vn)",
    "Bưu chính và doanh nghiệp",
    "Ngoài ra, sản lượng gói, kiện đạt trên 377 triệu, tăng trên 40% so với cùng kỳ năm 2019.",
    "Hội nghị được tổ chức theo hình thức trực tuyến với 66 điểm cầu trên cả nước.",
]


def test_summary_quotes_whole_sentences_with_exact_figures() -> None:
    assert summarize_sentences(TITLE, SENTENCES) == (
        "Kết quả hoạt động của các doanh nghiệp Bưu chính trong 6 tháng đầu năm đều tăng "
        "trưởng: doanh thu ước đạt 14.100 tỷ đồng, tăng 4%. Sản lượng gói, kiện đạt trên "
        "377 triệu, tăng trên 40% so với cùng kỳ năm 2019."
    )


def test_sentence_and_length_budgets() -> None:
    one = summarize_sentences(TITLE, SENTENCES, sentences_budget=1)
    assert one == SENTENCES[1]
    assert summarize_sentences(TITLE, SENTENCES, max_chars=120) == (
        "Sản lượng gói, kiện đạt trên 377 triệu, tăng trên 40% so với cùng kỳ năm 2019."
    )
    assert summarize_sentences(TITLE, SENTENCES, max_chars=20) == ""


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("Toàn cảnh Hội nghị (Ảnh: mic.gov.vn)", False),
        ("Bộ trưởng Nguyễn Mạnh Hùng: 5 cơ hội để ngành bứt phá - Ảnh 1.", False),
        ("Báo chí và doanh nghiệp công nghệ cần hợp tác", False),  # a heading
        ("đều có thể giải bằng công nghệ trong thời gian tới.", False),  # a tail
        ("Viettel đạt doanh thu gần 180.000 tỷ đồng.", True),
        ("“VTV muốn các doanh nghiệp cùng nhau xây dựng một nền tảng”.", True),
    ],
)
def test_only_whole_sentences_are_quotable(text: str, whole: bool) -> None:
    assert is_summary_sentence(text) is whole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ngoài ra, VTV đầu tư thiết bị và nguồn lực mới.",
            "VTV đầu tư thiết bị và nguồn lực mới.",
        ),
        (
            "Trong khi đó, ông Tuấn giới thiệu nền tảng vietnam.vn.",
            "Ông Tuấn giới thiệu nền tảng vietnam.vn.",
        ),
        ("Đồng thời, nó tăng.", "Đồng thời, nó tăng."),  # too short to stand alone
        (
            "Tuy nhiên, doanh thu giảm 5% so với cùng kỳ.",
            "Tuy nhiên, doanh thu giảm 5% so với cùng kỳ.",
        ),
    ],
)
def test_only_leading_connective_filler_is_stripped(text: str, expected: str) -> None:
    assert strip_filler(text) == expected


def test_summarize_article_splits_the_body() -> None:
    body = "\n\n".join(SENTENCES)
    assert "14.100 tỷ đồng, tăng 4%." in summarize_article(TITLE, body, sentences=1)


def test_jsonl_gives_one_summary_per_line(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    rows = [{"id": "a", "title": TITLE, "body": "\n\n".join(SENTENCES)}, {"id": 7, "body": ""}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    result = summarize_path(path, sentences=1)
    assert not isinstance(result, str)
    assert list(result) == [{"id": "a", "summary": SENTENCES[1]}, {"id": 7, "summary": ""}]


def test_bad_jsonl_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "body": "x"}\nnot json\n')
    result = summarize_path(path)
    assert not isinstance(result, str)
    with pytest.raises(SummarizeInputError, match="line 2: not JSON"):
        list(result)
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SummarizeInputError, match="not UTF-8 text"):
        summarize_path(path)


def test_a_seed_file_is_cleaned_then_summarised(seeds_dir: Path) -> None:
    summary = summarize_path(next(seeds_dir.glob("003_*.txt")), sentences=2)
    assert isinstance(summary, str)
    assert "Đường dây nóng" not in summary and "Ảnh" not in summary
    assert summary.count(".") >= 2


# Quotations cut by an excerpt: the marks added are the only change, words never are.
@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (  # closes a quotation opened sentences earlier, not shown
            [(8, "Ông Quân cho biết doanh thu tăng."), (12, "Hiện có 30.000 nhân viên”, ông nói.")],
            ["Ông Quân cho biết doanh thu tăng.", "“… Hiện có 30.000 nhân viên”, ông nói."],
        ),
        (  # opens a quotation that goes on after the summary
            [(3, "“Công nghệ là chìa khóa của bưu chính thông minh.")],
            ["“Công nghệ là chìa khóa của bưu chính thông minh…”"],
        ),
        (  # opened and closed in neighbouring sentences: the quotation runs on as written
            [(3, "“Công nghệ là chìa khóa."), (4, "Chúng tôi có 500 kỹ sư”, ông nói.")],
            ["“Công nghệ là chìa khóa.", "Chúng tôi có 500 kỹ sư”, ông nói."],
        ),
        (  # a gap inside one quotation is elided
            [(3, "“Công nghệ là chìa khóa."), (5, "Chúng tôi có 500 kỹ sư”, ông nói.")],
            ["“Công nghệ là chìa khóa.", "… Chúng tôi có 500 kỹ sư”, ông nói."],
        ),
        (  # a quotation left open before an unrelated later sentence is closed first
            [(3, "“Công nghệ là chìa khóa…"), (9, "Doanh thu đạt 9.000 tỷ đồng.")],
            ["“Công nghệ là chìa khóa…”", "Doanh thu đạt 9.000 tỷ đồng."],
        ),
        (  # balanced, straight quotes included: nothing to do
            [(1, 'Ông gọi đó là "bưu chính số" và “hạ tầng thiết yếu”.')],
            ['Ông gọi đó là "bưu chính số" và “hạ tầng thiết yếu”.'],
        ),
        (  # a straight quote closing what an earlier sentence opened
            [(6, 'Mạng 5G phủ sóng 63 tỉnh", ông Hùng nói.')],
            ['“… Mạng 5G phủ sóng 63 tỉnh", ông Hùng nói.'],
        ),
    ],
)
def test_a_cut_quotation_is_marked_with_an_ellipsis(
    parts: list[tuple[int, str]], expected: list[str]
) -> None:
    assert balance_quotes(parts) == expected


def test_quote_balance_counts_unmatched_marks() -> None:
    assert quote_balance("a”, b “c” d.") == (1, 0)
    assert quote_balance("“a “b” c.") == (0, 1)
    assert quote_balance('Gọi là "x".') == (0, 0)


def test_a_sentence_leaning_on_the_one_before_never_opens_a_summary() -> None:
    sentences = [
        "Doanh nghiệp bưu chính gặp khó khăn trong năm 2023 vì chi phí tăng.",
        "Tuy nhiên, doanh thu bưu chính 6 tháng vẫn đạt 14.100 tỷ đồng, tăng 4% so với cùng kỳ.",
        "Hội nghị được tổ chức theo hình thức trực tuyến với 66 điểm cầu trên cả nước.",
    ]
    # The second sentence matches the title best, but alone it would open with "Tuy nhiên":
    # it comes only right after the sentence it answers.
    assert summarize_sentences(TITLE, sentences, sentences_budget=1) == sentences[0]
    assert summarize_sentences(TITLE, sentences, sentences_budget=2) == " ".join(sentences[:2])
    assert summarize_sentences(TITLE, sentences[1:], sentences_budget=1) == sentences[2]


@pytest.mark.parametrize(
    ("text", "dangling"),
    [
        ("Nhưng bây giờ, sóng 3G, 4G khắp nơi.", True),
        ("Điều này thúc đẩy bưu chính có bước phát triển mạnh mẽ.", True),
        ("Song, doanh thu vẫn giảm.", True),
        ("Song song với đó, VNPost mở rộng mạng lưới.", False),
        ("Những con số biết nói đã phản ảnh đóng góp của ngành.", False),
        ("Đâylà lỗi gõ.", False),
    ],
)
def test_sentences_that_refer_back(text: str, dangling: bool) -> None:
    assert is_dangling(text) is dangling
