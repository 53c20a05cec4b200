"""Vietnamese date shapes, date lines, and the year of a day/month written without one."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from digests.sources.dates import (
    find_lead_date,
    find_publication_date,
    infer_year,
    is_date_line,
    parse_vietnamese_date,
    year_mentions,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thứ hai, 17/10/2022 15:10", datetime(2022, 10, 17, 15, 10)),
        # a view counter (6620) glued to the time 16:08
        ("Thứ tư - 22/03/2023 16:086620", datetime(2023, 3, 22, 16, 8)),
        ("Thời sự 06/07/2020 20:45", datetime(2020, 7, 6, 20, 45)),
        ("Ngày 30/1/2024", date(2024, 1, 30)),
        ("06/07/2020 20:45", datetime(2020, 7, 6, 20, 45)),
        ("ngày 30 tháng 1 năm 2024", date(2024, 1, 30)),
        ("Ngày 30 tháng 01, 2024", date(2024, 1, 30)),
        ("30-1-2024", date(2024, 1, 30)),
        ("30.1.2024", date(2024, 1, 30)),
        ("2024-01-30", date(2024, 1, 30)),
        ("2023-03-22T16:08:00+07:00", datetime(2023, 3, 22, 16, 8)),
        ("2023-03-22T09:08:00Z", datetime(2023, 3, 22, 16, 8)),  # UTC → Vietnam time
        ("15:10 17/10/2022", datetime(2022, 10, 17, 15, 10)),
        ("17/10/2022 - 15:10", datetime(2022, 10, 17, 15, 10)),
        ("Cập nhật lúc 9h30 ngày 17/10/2022", datetime(2022, 10, 17, 9, 30)),
        ("Sáng 17/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức", date(2022, 10, 17)),
    ],
)
def test_parse_shapes(text: str, expected: date) -> None:
    assert parse_vietnamese_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Ngày 28/11",  # no year and no context
        "Quý III/2022",
        "tăng 10 - 20% so với cùng kỳ",
        "Từ tháng 02 đến tháng 12/2020",
        "31/02/2023",  # no such day
        "Ngày 12/13/2023",
        "Năm 1890 và 14/5/1850",  # out of range
    ],
)
def test_parse_gives_none(text: str) -> None:
    assert parse_vietnamese_date(text) is None


def test_day_month_takes_context_year() -> None:
    assert parse_vietnamese_date("Ngày 28/11", context_year=2024) == date(2024, 11, 28)
    assert parse_vietnamese_date("Sáng 6/7, lúc 8:30", context_year=2020) == datetime(
        2020, 7, 6, 8, 30
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thứ hai, 17/10/2022 15:10", datetime(2022, 10, 17, 15, 10)),
        ("Thứ tư - 22/03/2023 16:086620", datetime(2023, 3, 22, 16, 8)),
        ("Thời sự 06/07/2020 20:45", datetime(2020, 7, 6, 20, 45)),
        ("Kinh tế số | 17/10/2022", date(2022, 10, 17)),
        ("Cập nhật lúc 15:10 ngày 17/10/2022 (GMT+7)", datetime(2022, 10, 17, 15, 10)),
        ("17/10/2022 lúc 9h30", datetime(2022, 10, 17, 9, 30)),
    ],
)
def test_date_lines(line: str, expected: date) -> None:
    found = is_date_line(line)
    assert found is not None
    assert found.value == expected


@pytest.mark.parametrize(
    "line",
    [
        "Sáng 17/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức Hội nghị giao ban.",
        "Ngày 30/1/2024, Bộ TT&TT đã tổ chức gặp mặt các doanh nghiệp tiêu biểu",
        "Bộ Thông tin và Truyền thông tổ chức giao ban quản lý nhà nước Quý III/2022",
        "Doanh thu 6 tháng đạt 14.100 tỷ đồng",
    ],
)
def test_sentences_are_not_date_lines(line: str) -> None:
    assert is_date_line(line) is None


SEED_001_LIKE = (
    "Ngày 28/11, tại Hà Nội, Bộ TT&TT đã làm việc với Trưởng các cơ quan Đại diện Việt Nam "
    "ở nước ngoài nhiệm kỳ 2024 - 2027.\n"
    "Theo Thứ trưởng, năm 2025 là năm Việt Nam có nhiều sự kiện của đất nước.\n"
    "Năm 2045, các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới."
)


def test_term_of_office_start_is_the_present() -> None:
    assert infer_year(SEED_001_LIKE, 28, 11, today=date(2026, 1, 1)) == 2024


def test_year_weights_follow_the_documented_rule() -> None:
    weights = year_mentions(SEED_001_LIKE)
    assert weights[2024] == 3.0  # start of a term of office
    assert weights[2027] == 0.0  # end of the term
    assert weights[2025] == 0.3  # "năm 2025 là năm …" only describes a year
    assert weights[2045] == 0.2  # a target ("phấn đấu")


def test_plain_mentions_outweigh_targets_and_references() -> None:
    text = (
        "Chiều 5/12, Bộ đã tổng kết công tác năm 2023. Doanh thu tăng 12% so với năm 2022. "
        "Đến năm 2030, ngành phấn đấu đạt 30% GDP; vào năm 2030 sẽ phủ sóng 5G."
    )
    assert infer_year(text, 5, 12) == 2023


def test_plan_period_start_is_weak() -> None:
    text = (
        "Ngày 3/4, Bộ họp về kế hoạch giai đoạn 2021-2025. Trong năm 2022, ngành đã đạt "
        "nhiều kết quả; năm 2022 doanh thu tăng."
    )
    assert infer_year(text, 3, 4) == 2022


def test_never_a_date_in_the_future() -> None:
    text = "Ngày 28/11, hội nghị bàn về năm 2025."
    # 28/11/2025 would lie after today: the most recent 28/11 before today is used instead.
    assert infer_year(text, 28, 11, today=date(2024, 6, 1)) == 2023
    assert infer_year(text, 28, 11, today=date(2026, 1, 1)) == 2025


def test_no_year_in_text_uses_the_latest_past_occurrence() -> None:
    text = "Ngày 28/11, Bộ TT&TT đã làm việc với các doanh nghiệp."
    assert infer_year(text, 28, 11, today=date(2025, 3, 1)) == 2024
    assert infer_year(text, 28, 11, today=date(2025, 12, 1)) == 2025
    assert infer_year(text, 28, 11) is None


def test_lead_date_with_full_year() -> None:
    paragraphs = [
        "Bộ trưởng nhấn mạnh, đất nước biết ơn các doanh nghiệp.",
        "Ngày 30/1/2024, Bộ TT&TT đã tổ chức gặp mặt các doanh nghiệp tiêu biểu.",
    ]
    assert find_lead_date(paragraphs) == date(2024, 1, 30)


def test_lead_date_without_year_is_inferred_from_the_article() -> None:
    paragraphs = SEED_001_LIKE.split("\n")
    assert find_lead_date(paragraphs, today=date(2030, 1, 1)) == date(2024, 11, 28)


def test_publication_date_prefers_the_header_date_line() -> None:
    lines = [
        "Bộ Thông tin và Truyền thông tổ chức giao ban quản lý nhà nước Quý III/2022",
        "Thứ hai, 17/10/2022 15:10",
        "Sáng 16/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức Hội nghị.",
    ]
    assert find_publication_date(lines) == (datetime(2022, 10, 17, 15, 10), 1)


def test_publication_date_falls_back_to_the_lead() -> None:
    lines = ["Tiêu đề bài viết", "Sáng 16/10/2022, tại Hà Nội, Bộ TT&TT đã tổ chức Hội nghị."]
    assert find_publication_date(lines) == (date(2022, 10, 16), None)
    assert find_publication_date(["Không có ngày nào ở đây."]) == (None, None)
