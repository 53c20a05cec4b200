"""Statements as shown: quote marks balanced, the speaker named where the paragraph says who."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from digests.analysis.quotes import Shown, balance, present
from digests.answers.company import CompanyReport, company_report
from digests.answers.statements import Statement
from digests.store.connection import open_db
from digests.templating import render

# The people seed 000 names, as the people table holds them.
PEOPLE = [
    ("Nguyễn Mạnh Hùng", "Bộ trưởng"),
    ("Phạm Hồng Quân", "Chủ tịch"),
    ("Tào Đức Thắng", "Chủ tịch"),
    ("Lê Thanh Long", "Giám đốc"),
    ("Đỗ Thanh Hải", "Phó Tổng Giám đốc"),
]

# --------------------------------------------------------------------------- balance


def test_a_quotation_that_goes_on_is_closed_before_the_full_stop() -> None:
    assert balance("Ông Thắng khẳng định: “Năm 2023, Bộ đã đưa ra chiến lược.") == (
        "Ông Thắng khẳng định: “Năm 2023, Bộ đã đưa ra chiến lược…”."
    )


def test_a_sentence_inside_a_quotation_is_wrapped() -> None:
    assert balance("Các doanh nghiệp đã tham gia xây dựng Luật Viễn thông…", inside=True) == (
        "“…Các doanh nghiệp đã tham gia xây dựng Luật Viễn thông…”"
    )
    assert balance("Phải có giấc mơ lớn!", inside=True) == "“…Phải có giấc mơ lớn!…”"
    assert balance("Ngành TT&TT phải bứt phá./.", inside=True) == "“…Ngành TT&TT phải bứt phá…”./."


def test_a_closing_mark_gets_its_opening_one() -> None:
    closing = "Giao Hàng Tiết Kiệm đạt doanh thu gần 9.000 tỷ đồng”, ông Quân nói."
    expected = "“Giao Hàng Tiết Kiệm đạt doanh thu gần 9.000 tỷ đồng”, ông Quân nói."
    assert balance(closing, inside=True) == "“…" + expected[1:]  # cut where it starts
    assert balance(closing) == expected  # its “ never came: still paired, nothing cut


def test_balanced_text_is_left_alone_and_nested_quotes_stay_paired() -> None:
    whole = "Và, “dù 2023 có nhiều khó khăn, công ty vẫn đặt văn phòng tại Mỹ”."
    assert balance(whole) == whole
    assert balance("Với tinh thần “vượt qua mặc cảm”, Đài sẽ hợp tác.", inside=True) == (
        "“…Với tinh thần “vượt qua mặc cảm”, Đài sẽ hợp tác…”."
    )


def test_straight_quotes_are_paired_with_straight_ones() -> None:
    assert balance('Ông Hải nói: "VTV làm tốt nội dung.', straight=True) == (
        'Ông Hải nói: "VTV làm tốt nội dung…".'
    )
    paragraph = ['Ông Hải nói: "VTV làm tốt nội dung.', 'VTV cần nền tảng", ông nói.']
    assert present(paragraph, 1, PEOPLE).text == '"…VTV cần nền tảng", ông nói.'


# --------------------------------------------------------------------------- speaker

THANG = [
    "Nhận định về Bộ TT&TT, ông Tào Đức Thắng khẳng định: “Năm 2023, Bộ đã đưa ra chiến lược.",
    "Các doanh nghiệp đã được tham gia xây dựng Luật Viễn thông…",
    "Bộ TT&TT đã có biện pháp tháo gỡ cho doanh nghiệp”…",
]


def test_a_multi_sentence_quotation_names_the_speaker_its_first_sentence_introduced() -> None:
    assert [present(THANG, i, PEOPLE) for i in range(3)] == [
        Shown(
            "Nhận định về Bộ TT&TT, ông Tào Đức Thắng khẳng định: "
            "“Năm 2023, Bộ đã đưa ra chiến lược…”.",  # "…": the quotation goes on
            None,  # it names its speaker itself
        ),
        Shown(
            "“…Các doanh nghiệp đã được tham gia xây dựng Luật Viễn thông…”",
            "Chủ tịch Tào Đức Thắng",
        ),
        Shown("“…Bộ TT&TT đã có biện pháp tháo gỡ cho doanh nghiệp”…", "Chủ tịch Tào Đức Thắng"),
    ]


def test_a_quotation_tagged_after_it_closes_takes_the_speaker_from_the_tag() -> None:
    paragraph = [
        "“Ứng dụng công nghệ là hai yếu tố làm nên bưu chính thông minh.",
        "Giao Hàng Tiết Kiệm đạt doanh thu gần 9.000 tỷ đồng”, ông Quân nói.",
    ]
    # "ông Quân": the one person of the article called Quân.
    assert present(paragraph, 0, PEOPLE) == Shown(
        "“Ứng dụng công nghệ là hai yếu tố làm nên bưu chính thông minh…”.",
        "Chủ tịch Phạm Hồng Quân",
    )
    tagged = ["“Phải có giấc mơ lớn.", "Quốc gia phải tự bảo vệ” - Bộ trưởng nhắn nhủ."]
    # "Bộ trưởng": the article names one minister.
    assert present(tagged, 0, PEOPLE).speaker == "Bộ trưởng Nguyễn Mạnh Hùng"


def test_a_connective_sentence_goes_with_the_speaker_just_before_it() -> None:
    paragraph = [
        "Hồi đáp lại ý tưởng trên, Bộ trưởng Nguyễn Mạnh Hùng cho rằng, người nông dân chỉ "
        "thoát nghèo khi có thương hiệu.",
        "Vì vậy, bài toán xuất xứ của VNPT sẽ giúp người nông dân có thương hiệu của mình.",
    ]
    assert present(paragraph, 1, PEOPLE) == Shown(paragraph[1], "Bộ trưởng Nguyễn Mạnh Hùng")
    apposition = [
        "Chia sẻ tại buổi làm việc, ông Lê Thanh Long, Giám đốc đài Truyền hình Vĩnh Long "
        "cũng đồng tình rằng không đoàn kết là nguy cơ.",
        "Vì vậy, mong lãnh đạo Bộ TT&TT bàn câu chuyện hợp tác.",
    ]
    assert present(apposition, 1, PEOPLE).speaker == "Giám đốc Lê Thanh Long"
    unknown_role = ["Ông Nguyễn Văn An cho biết doanh thu tăng.", "Theo đó, lợi nhuận cũng tăng."]
    assert present(unknown_role, 1, PEOPLE).speaker == "ông Nguyễn Văn An"
    only_deputy = [("Phan Tâm", "Thứ trưởng")]
    role_only = ["Thứ trưởng cho biết hai bên có thể hợp tác.", "Theo đó, khuyến khích chia sẻ."]
    assert present(role_only, 1, only_deputy).speaker == "Thứ trưởng Phan Tâm"


def test_no_speaker_where_the_text_does_not_say_who() -> None:
    said = "Ông Tô Dũng Thái, Chủ tịch VNPT cho biết nền tảng nông nghiệp đã sẵn sàng."
    cases = [
        # not a connective: may be the journalist's own sentence
        ([said, "Nền tảng này đang được VNPT triển khai."], 1, PEOPLE),
        # the sentence before names no one
        (["Doanh thu tăng 10%.", "Vì vậy, lợi nhuận tăng."], 1, PEOPLE),
        # a connective that opens its paragraph
        (["Vì vậy, bài toán xuất xứ sẽ giúp người nông dân."], 0, PEOPLE),
        # the sentence names its own speaker, however briefly
        ([said, "Đồng thời, bà cho biết thị trường có dấu hiệu không lành mạnh."], 1, PEOPLE),
        # an organisation is not a person
        (["Viettel cho biết doanh thu tăng.", "Do đó, lợi nhuận tăng."], 1, PEOPLE),
        # "Thứ trưởng" and two deputy ministers in the article
        (
            ["Thứ trưởng cho biết hai bên hợp tác.", "Theo đó, khuyến khích chia sẻ."],
            1,
            [("Phan Tâm", "Thứ trưởng"), ("Nguyễn Huy Dũng", "Thứ trưởng")],
        ),
        # "ông Quân" alone and no Quân among the article's people
        (["“Doanh thu tăng.", "Lợi nhuận tăng”, ông Quân nói."], 0, []),
    ]
    for paragraph, index, people in cases:
        assert present(paragraph, index, people).speaker is None, paragraph[index]


def test_a_paragraph_that_is_only_a_quotation_goes_on_with_the_one_speaker_before_it() -> None:
    before = [
        "Ông Đỗ Thanh Hải, Phó Tổng Giám đốc Đài Truyền hình Việt Nam (VTV) cho hay, phim Việt "
        "giờ vàng đang thu hút được khán giả.",
        "Bên cạnh đó, VTV đầu tư thiết bị.",
    ]
    quote = ["“VTV là đơn vị sự nghiệp.", "VTV muốn cùng xây dựng một nền tảng”."]
    assert present(quote, 0, PEOPLE, before) == Shown(
        "“VTV là đơn vị sự nghiệp…”.", "Phó Tổng Giám đốc Đỗ Thanh Hải"
    )
    two = [*before, "Bộ trưởng Nguyễn Mạnh Hùng nhấn mạnh vai trò của nền tảng."]
    assert present(quote, 0, PEOPLE, two).speaker is None
    assert present(quote, 0, PEOPLE).speaker is None  # after a heading: nothing before


# --------------------------------------------------------------------------- the real seeds


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    from digests.ingest import ingest

    db = open_db(tmp_path_factory.mktemp("seeds") / "seeds.db")
    ingest(db, [str(Path(__file__).resolve().parent.parent / "seeds")])
    return db


def _statements(db: Database, name: str) -> list[Statement]:
    report = company_report(db, name, limit=20)
    assert isinstance(report, CompanyReport)
    return report.statements


def test_seed_statements_show_paired_quotes_and_speakers(seeds_db: Database) -> None:
    ghtk = _statements(seeds_db, "Giao Hàng Tiết Kiệm")
    assert ghtk[0].text == (
        "“…Giao Hàng Tiết Kiệm hiện đã có 30.000 nhân viên, trong đó có 500 kỹ sư công nghệ và "
        "đạt doanh thu gần 9.000 tỷ đồng”, ông Quân nói."
    )
    vnpt = {s.text: s.speaker for s in _statements(seeds_db, "VNPT")}
    assert vnpt[
        "Vì vậy, bài toán xuất xứ của VNPT sẽ giúp người nông dân có thương hiệu của mình."
    ] == ("Bộ trưởng Nguyễn Mạnh Hùng")
    vtv = [(s.text, s.speaker) for s in _statements(seeds_db, "VTV") if s.speaker]
    # A quotation of several sentences shown one by one: each cut is marked "…".
    assert (
        "“VTV là đơn vị sự nghiệp nhưng phải làm làm tốt nội dung – đó là sứ mệnh là cơ quan "
        "báo chí…”.",
        "Phó Tổng Giám đốc Đỗ Thanh Hải",
    ) in vtv
    for name in ("Viettel", "VNPT", "VNPost", "MK", "FPT", "RikkeiSoft", "Bộ TT&TT", "VTV"):
        for statement in _statements(seeds_db, name):
            assert statement.text.count("“") == statement.text.count("”"), statement.text


def test_the_speaker_follows_the_statement_in_both_languages(seeds_db: Database) -> None:
    report = company_report(seeds_db, "VNPT")
    said = "Vì vậy, bài toán xuất xứ của VNPT sẽ giúp người nông dân có thương hiệu của mình."
    vi = render("company", lang="vi", fmt="txt", report=report)
    assert f"• {said} — Bộ trưởng Nguyễn Mạnh Hùng\n  (30/01/2024)" in vi
    en = render("company", lang="en", fmt="html", report=report)
    assert f"• {said} — Bộ trưởng Nguyễn Mạnh Hùng\n  (30 Jan 2024)" in en


def test_a_spaced_straight_closing_mark_closes() -> None:
    paragraph = [
        "Tại cửa hàng Viettel, một nhân viên cho biết đồng hồ đã bán hết.",
        '" Các cửa hàng quanh khu vực cũng đã hết hàng ", người này chia sẻ.',
        "Theo đại diện cửa hàng Viettel trên phố Thái Hà, nhu cầu tăng vọt.",
    ]
    # The third sentence is the journalist's: no quotation is open where it starts.
    assert present(paragraph, 2, PEOPLE).text == paragraph[2]
    assert present(paragraph, 1, PEOPLE).text == paragraph[1]
