"""Targets: goals and deadlines tied to a year, with what, who and the sentence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from analyse_helpers import seed_article

from digests.analysis.analyse import analyse
from digests.analysis.targets import extract_targets
from digests.model import CleanArticle, Mention, Person, Sentence, Target


def seed_targets(number: str) -> list[tuple[int, int | None, str, str | None]]:
    return [(t.year, t.month, t.goal, t.setter) for t in analyse(seed_article(number)).targets]


def test_seed_000_relative_three_years_from_publication() -> None:
    assert seed_targets("000") == [
        (
            2027,
            None,
            "phấn đấu xuất khẩu 60% camera AI ra nước ngoài với doanh số khoảng 100 triệu USD",
            "MK",
        )
    ]


def test_seed_001_year_opening_the_sentence() -> None:
    # "năm 2025 là năm Việt Nam có nhiều sự kiện" and "nhiệm kỳ 2024 - 2027" are not targets.
    assert seed_targets("001") == [
        (
            2045,
            None,
            "các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới",
            "Bộ TT&TT",
        )
    ]


def test_seed_002_deadlines_set_by_the_minister() -> None:
    assert seed_targets("002") == [
        (
            2022,
            None,
            "Cục Viễn thông phải tổ chức hội nghị bàn về phát triển data center của Việt Nam",
            "Bộ trưởng Nguyễn Mạnh Hùng",
        ),
        (
            2026,
            None,
            # The topic of the sentence before, and the aim, both verbatim, the cut marked:
            # "hoàn thành việc các doanh nghiệp …" was a rewording the article does not say.
            "Về việc các doanh nghiệp Việt Nam lập nhóm đầu tư cáp quang biển Việt Nam … "
            "đặt ra mục tiêu hoàn thành",
            "Thứ trưởng Phạm Đức Long và Cục Viễn thông",
        ),
        (
            2025,
            None,
            "Viễn thông Việt Nam lọt vào top 30 thế giới",
            "Bộ trưởng Nguyễn Mạnh Hùng",
        ),
        (
            2022,
            10,
            "Cục An toàn thông tin phải lập kế hoạch hành động quốc gia về nội dung này trình "
            "Thủ tướng Chính phủ xem xét",
            "Bộ trưởng Nguyễn Mạnh Hùng",  # "Về An toàn thông tin, Bộ trưởng chỉ đạo, …"
        ),
        (
            2022,
            None,
            "hoàn thành cơ sở dữ liệu về các doanh nghiệp công nghệ số",
            "Bộ trưởng Nguyễn Mạnh Hùng",
        ),
    ]


def test_seed_003_reports_the_past_and_sets_no_target() -> None:
    # "phương hướng nhiệm vụ 6 tháng cuối năm 2020" is reported with "đã tổ chức".
    assert seed_targets("003") == []


def test_seed_004_strategy_targets() -> None:
    assert seed_targets("004") == [
        # "Ông Trần Minh Tuấn, Vụ trưởng … chia sẻ … Theo đó, Việt Nam coi …": he said it.
        (2030, None, "trở thành nước phát triển nhập trung bình cao", "Vụ trưởng Trần Minh Tuấn"),
        (
            2045,
            None,
            "kinh tế số đóng góp hơn 30% và nâng lên 40 - 45% GDP",
            "Chiến lược phát triển kinh tế số - xã hội số",
        ),
    ]


def test_targets_keep_their_sentence_verbatim() -> None:
    (target,) = analyse(seed_article("000")).targets
    assert target.sentence == (
        "Trong 3 năm tới, MK sẽ phấn đấu xuất khẩu 60% camera AI ra nước ngoài với doanh số "
        "khoảng 100 triệu USD."
    )
    assert target.sentence_idx == 50


def one(text: str, published: date = date(2024, 5, 10)) -> list[tuple[int, int | None]]:
    targets = extract_targets([Sentence(0, 0, text)], published)
    return [(t.year, t.month) for t in targets]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Viettel sẽ phủ sóng 5G toàn quốc trong năm nay.", [(2024, None)]),
        ("VNPT đặt mục tiêu tăng doanh thu 10% vào năm sau.", [(2025, None)]),
        ("Năm tới, FPT sẽ mở văn phòng tại 5 quốc gia.", [(2025, None)]),
        ("Trong 5 năm tới, MobiFone phấn đấu đạt 1 tỷ USD doanh thu.", [(2029, None)]),
        ("Bộ yêu cầu hoàn thành quy hoạch trong tháng 10/2024.", [(2024, 10)]),
        ("Dự án phải xong vào cuối tháng 6 năm nay.", [(2024, 6)]),
        ("Việt Nam phấn đấu đến năm 2030 phổ cập 5G.", [(2030, None)]),
        (
            "Tuyến cáp phải hoàn thành trước năm 2026 và đạt 100% vào năm 2028.",
            [(2026, None), (2028, None)],
        ),
        ("Bộ trưởng đã chỉ đạo hoàn thành trước năm 2025.", [(2025, None)]),
        ("Ông Thắng cho biết năm 2025 Viettel phấn đấu đạt doanh thu 210.000 tỷ.", [(2025, None)]),
        ("Năm 2026 VNPT đặt mục tiêu phủ 5G toàn quốc.", [(2026, None)]),
    ],
)
def test_forms_of_goals(text: str, expected: list[tuple[int, int | None]]) -> None:
    assert one(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Trưởng các cơ quan Đại diện nhiệm kỳ 2024 - 2027 sẽ hỗ trợ doanh nghiệp.",
        "Từ tháng 02 đến tháng 12/2024, viễn thông phải tăng trưởng chậm.",
        "Sản lượng tăng trên 40% so với cùng kỳ năm 2023.",
        "Năm 2025 là năm Việt Nam có nhiều sự kiện.",
        "Ông Chính khẳng định năm 2024 là năm để doanh nghiệp ICT Việt Nam cất cánh.",
        "Trong năm 2023, Viettel đã đưa nền tảng trợ lý ảo vào hoạt động.",
        "Trong năm 2024, Viettel đã đạt doanh thu 10 tỷ USD.",
        "Các chuyên gia dự báo đến năm 2030 thị trường sẽ đạt 50 tỷ USD.",
        "Hãng dự kiến trong vài năm tới sẽ mở rộng.",
        "Năm nay, tuần lễ số tập trung vào dữ liệu.",
        "Ý tưởng hợp tác mới trong năm 2024, Chủ tịch Giao Hàng Tiết Kiệm Phạm Hồng Quân cho biết.",
        "Quy hoạch mạng lưới đến năm 2021, định hướng đến năm 2030.",
    ],
)
def test_not_targets(text: str) -> None:
    assert one(text) == []


def test_setter_comes_from_the_speaker_or_the_article_people() -> None:
    sentences = [
        Sentence(0, 0, "Thứ trưởng Phan Tâm phát biểu tại hội nghị."),
        Sentence(1, 0, "Phấn đấu đến năm 2030 có 100.000 doanh nghiệp công nghệ số."),
        Sentence(2, 1, "Theo Thứ trưởng, Bộ sẽ hoàn thành quy hoạch trước năm 2026."),
        Sentence(3, 2, "Ông Tâm cho biết Bộ sẽ ban hành luật trong năm 2027."),
    ]
    people = [Person("Phan Tâm", "Thứ trưởng", "mic", 0)]
    targets = extract_targets(sentences, date(2025, 1, 2), people=people)
    assert [(t.year, t.setter, t.goal) for t in targets] == [
        (2030, "Thứ trưởng Phan Tâm", "Phấn đấu đến năm 2030 có 100.000 doanh nghiệp công nghệ số"),
        (2026, "Thứ trưởng Phan Tâm", "Bộ sẽ hoàn thành quy hoạch"),
        (2027, "Thứ trưởng Phan Tâm", "Bộ sẽ ban hành luật"),
    ]
    assert all(isinstance(t, Target) for t in targets)


def test_a_bare_year_before_an_aim_is_a_target_with_the_speaker_as_setter() -> None:
    sentence = Sentence(
        0,
        0,
        "Ông Tào Đức Thắng, Chủ tịch Viettel cho biết năm 2025 Viettel phấn đấu đạt doanh thu "
        "210.000 tỷ đồng.",
    )
    people = [Person("Tào Đức Thắng", "Chủ tịch", "viettel", 0)]
    (target,) = extract_targets([sentence], date(2025, 1, 15), people=people)
    assert (target.year, target.goal, target.setter) == (
        2025,
        "Viettel phấn đấu đạt doanh thu 210.000 tỷ đồng",
        "Chủ tịch Tào Đức Thắng",
    )


def test_who_directs_sets_the_goal_and_the_obliged_subject_stays_in_it() -> None:
    sentences = [
        Sentence(
            0, 0, "Về An toàn thông tin, Thứ trưởng chỉ đạo, việc bảo vệ người dân là cấp thiết."
        ),
        Sentence(1, 0, "Cục An toàn thông tin phải lập kế hoạch quốc gia trong tháng 10/2024."),
        Sentence(2, 1, "Cục Viễn thông cần hoàn thành quy hoạch trong năm 2025."),
    ]
    people = [Person("Phan Tâm", "Thứ trưởng", "mic", 0)]
    mentions = [Mention("ais", "Cục An toàn thông tin", 1), Mention("vnta", "Cục Viễn thông", 2)]
    targets = extract_targets(sentences, date(2024, 5, 2), people=people, mentions=mentions)
    assert [(t.year, t.month, t.goal, t.setter) for t in targets] == [
        (2024, 10, "Cục An toàn thông tin phải lập kế hoạch quốc gia", "Thứ trưởng Phan Tâm"),
        # No directive before it: the subject is both setter and doer.
        (2025, None, "hoàn thành quy hoạch", "Cục Viễn thông"),
    ]


def setter_and_goal(
    text: str, people: list[Person], context: str = "Hội nghị diễn ra sáng nay."
) -> list[tuple[str | None, str]]:
    sentences = [Sentence(0, 0, context), Sentence(1, 0, text)]
    targets = extract_targets(sentences, date(2024, 5, 2), people=people)
    return [(t.setter, t.goal) for t in targets]


PM = Person("Phạm Minh Chính", "Thủ tướng", None, 1)
MINISTER = Person("Nguyễn Mạnh Hùng", "Bộ trưởng", "mic", 0)


@pytest.mark.parametrize(
    ("text", "people", "expected"),
    [
        # Named at the end, as "Thủ tướng … cho biết, Việt Nam …" names them at the start.
        (
            "Việt Nam đặt mục tiêu đến năm 2030 có 100.000 doanh nghiệp công nghệ số, "
            "Thủ tướng Phạm Minh Chính cho biết.",
            [PM],
            ("Thủ tướng Phạm Minh Chính", "có 100.000 doanh nghiệp công nghệ số"),
        ),
        (
            "Đến năm 2030, Việt Nam phấn đấu lọt top 30, Thủ tướng Phạm Minh Chính chia sẻ.",
            [PM],
            ("Thủ tướng Phạm Minh Chính", "phấn đấu lọt top 30"),
        ),
        # The linked person wins over the words of an apposition.
        (
            "Viettel sẽ phủ 5G toàn quốc vào năm 2025, ông Tào Đức Thắng, Chủ tịch Viettel "
            "cho biết.",
            [Person("Tào Đức Thắng", "Chủ tịch", "viettel", 1)],
            ("Chủ tịch Tào Đức Thắng", "phủ 5G toàn quốc"),
        ),
        # A bare role is the person the article named that way.
        (
            "Bộ TT&TT phấn đấu đến năm 2025 phổ cập 5G, Bộ trưởng nhấn mạnh.",
            [MINISTER],
            ("Bộ trưởng Nguyễn Mạnh Hùng", "phấn đấu đến năm 2025 phổ cập 5G"),
        ),
        # No one named last: a clause, not a speaker.
        (
            "Viettel sẽ phủ 5G toàn quốc vào năm 2025, nhà mạng sẽ tiếp tục thông tin.",
            [],
            ("Viettel", "phủ 5G toàn quốc"),
        ),
        # "Theo X," still names the setter first.
        (
            "Theo Bộ trưởng Nguyễn Mạnh Hùng, Việt Nam sẽ phổ cập 5G vào năm 2025, "
            "Thủ tướng Phạm Minh Chính cho biết.",
            [MINISTER, PM],
            ("Bộ trưởng Nguyễn Mạnh Hùng", "Việt Nam sẽ phổ cập 5G"),
        ),
    ],
)
def test_a_speaker_named_after_the_goal_set_it(
    text: str, people: list[Person], expected: tuple[str | None, str]
) -> None:
    assert setter_and_goal(text, people) == [expected]


def test_a_closing_speaker_does_not_displace_who_directed() -> None:
    assert setter_and_goal(
        "Cục Viễn thông phải tổ chức hội nghị trong năm nay, Thứ trưởng Phan Tâm cho biết.",
        [MINISTER, Person("Phan Tâm", "Thứ trưởng", "mic", 1)],
        context="Bộ trưởng chỉ đạo, việc này là cấp thiết.",
    ) == [("Bộ trưởng Nguyễn Mạnh Hùng", "Cục Viễn thông phải tổ chức hội nghị")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Chủ tịch Viettel Tào Đức Thắng cho biết, đến năm 2025, Viettel sẽ phủ 5G toàn quốc.",
            (2025, "Viettel sẽ phủ 5G toàn quốc", "Chủ tịch Viettel Tào Đức Thắng"),
        ),
        (
            "Thứ trưởng Phạm Đức Long chia sẻ: Đến năm 2030, Việt Nam phấn đấu phổ cập 5G.",
            (2030, "Việt Nam phấn đấu phổ cập 5G", "Thứ trưởng Phạm Đức Long"),
        ),
    ],
)
def test_a_year_opening_the_clause_after_who_spoke_is_a_target(
    text: str, expected: tuple[int, str, str]
) -> None:
    article = CleanArticle(
        title="t", published=date(2023, 1, 1), published_at=None, paragraphs=(text,)
    )
    assert [(t.year, t.goal, t.setter) for t in analyse(article).targets] == [expected]


def article_targets(text: str, published: date) -> list[tuple[int, int | None, str, str | None]]:
    article = CleanArticle("t", published, None, tuple(text.split("\n")))
    return [(t.year, t.month, t.goal, t.setter) for t in analyse(article).targets]


@pytest.mark.parametrize(
    ("text", "published"),
    [
        # A year-end results article: what happened in the year under way is no target.
        (
            "Năm 2025, VNPT tiếp tục duy trì tăng trưởng ổn định, doanh thu hợp nhất đạt "
            "61.246 tỷ đồng, lợi nhuận trước thuế 6.598 tỷ đồng.",
            date(2025, 12, 28),
        ),
        # A quarter that is over is reported, one under way is reported too.
        (
            "Trong quý III/2025, báo cáo của VCS ghi nhận sự gia tăng các cuộc tấn công mạng.",
            date(2025, 10, 20),
        ),
        (
            "Trong quý III/2025, báo cáo của VCS ghi nhận sự gia tăng các cuộc tấn công mạng.",
            date(2025, 8, 10),
        ),
        ("Tính đến hết năm 2025, Viettel đạt 2 triệu thuê bao 5G.", date(2025, 12, 1)),
        ("Doanh thu năm 2025 của VNPT đạt 61.246 tỷ đồng, vượt kế hoạch.", date(2025, 12, 30)),
        ("Tài liệu hội nghị giao ban quản lý nhà nước Quý III năm 2022", date(2022, 10, 17)),
        # A year in a name is no goal's year, even beside "sẽ".
        (
            "Bộ sẽ kiểm tra và xử phạt theo quy định tại Nghị định 158 năm 2013.",
            date(2013, 5, 2),
        ),
        ("Hội đồng Giải Báo chí Quốc gia năm 2015 sẽ làm việc đến hết ngày mai.", date(2015, 6, 3)),
        # "cần" inside "hậu cần" plans nothing.
        ("Năm nay, tòa án vẫn cho phép xây trung tâm hậu cần.", date(2024, 2, 1)),
    ],
)
def test_results_are_not_targets(text: str, published: date) -> None:
    assert article_targets(text, published) == []


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Viettel đạt mục tiêu hoàn thành 100% các chỉ tiêu năm 2024 (doanh thu 184.900 tỷ "
            "đồng, lợi nhuận 50.000 tỷ đồng).",
            date(2024, 1, 10),
            (
                2024,
                None,
                "hoàn thành 100% các chỉ tiêu năm 2024 (doanh thu 184.900 tỷ đồng, lợi nhuận "
                "50.000 tỷ đồng)",
                "Viettel",
            ),
        ),
        (
            "Năm 2025, MobiFone dự kiến doanh thu công ty mẹ sẽ đạt 26.333 tỷ đồng.",
            date(2025, 1, 20),
            (2025, None, "dự kiến doanh thu công ty mẹ sẽ đạt 26.333 tỷ đồng", "MobiFone"),
        ),
        (
            "Kế hoạch năm 2025, MobiFone dự kiến doanh thu công ty mẹ sẽ đạt 26.333 tỷ đồng.",
            date(2025, 1, 20),
            (2025, None, "dự kiến doanh thu công ty mẹ sẽ đạt 26.333 tỷ đồng", "MobiFone"),
        ),
        (
            "MobiFone dự kiến doanh thu công ty mẹ năm 2025 sẽ đạt 26.333 tỷ đồng.",
            date(2025, 1, 20),
            (
                2025,
                None,
                "dự kiến doanh thu công ty mẹ năm 2025 sẽ đạt 26.333 tỷ đồng",
                "MobiFone",
            ),
        ),
        # Never one word ("dự kiến"): then the sentence itself.
        (
            "Dự án cáp quang biển mới, dự kiến vào năm 2026.",
            date(2025, 1, 20),
            (2026, None, "Dự án cáp quang biển mới, dự kiến vào năm 2026", None),
        ),
    ],
)
def test_explicit_plans_are_targets_in_their_own_words(
    text: str, published: date, expected: tuple[int, int | None, str, str | None]
) -> None:
    assert article_targets(text, published) == [expected]


def test_the_person_who_said_it_sets_a_countrys_goal() -> None:
    text = (
        "Bộ trưởng Nguyễn Mạnh Hùng phát biểu tại hội nghị. Theo đó, Việt Nam phấn đấu "
        "đến năm 2030 có 100.000 doanh nghiệp công nghệ số."
    )
    assert article_targets(text, date(2024, 3, 1)) == [
        (
            2030,
            None,
            "Việt Nam phấn đấu đến năm 2030 có 100.000 doanh nghiệp công nghệ số",
            "Bộ trưởng Nguyễn Mạnh Hùng",
        )
    ]


def test_an_undated_article_has_no_this_year() -> None:
    article = CleanArticle(
        "t",
        date(2026, 12, 2),  # the day it was loaded, not its date
        None,
        ("Năm nay, Viettel sẽ phủ sóng 5G toàn quốc.", "Đến năm 2030, Viettel sẽ phủ 6G."),
        date_known=False,
    )
    assert [(t.year, t.goal) for t in analyse(article).targets] == [
        (2030, "Đến năm 2030, Viettel sẽ phủ 6G")  # "phủ 6G" alone is too short to stand
    ]


def test_stored_targets_are_read_again_with_the_current_rules(tmp_path: Path) -> None:
    from digests.analysis.target_refresh import reextract_targets
    from digests.model import RawDocument
    from digests.store.articles import save_article
    from digests.store.connection import open_db

    db = open_db(tmp_path / "old.db")
    article = seed_article("002")
    doc = RawDocument(origin="seed-002", source="seed", raw="x", kind="text")
    assert save_article(db, doc, article, analyse(article)) == "added"
    query = "SELECT year, month, goal, setter FROM targets ORDER BY sentence_idx, year"
    current = db.execute(query).fetchall()
    # What older rules stored: a report read as a goal, a goal cut to one word.
    aid = db.execute("SELECT id FROM articles").fetchone()[0]
    db.execute(
        "INSERT INTO targets (article_id, year, month, goal, setter, sentence_idx, sentence) "
        "VALUES (?, 2022, NULL, 'dự kiến', 'Việt Nam', 0, 'x')",
        [aid],
    )
    assert reextract_targets(db) == len(current) == 5
    assert db.execute(query).fetchall() == current


def test_rescore_reads_targets_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from digests import cli
    from digests.model import RawDocument
    from digests.store.articles import save_article
    from digests.store.connection import open_db

    path = tmp_path / "old.db"
    db = open_db(path)
    article = seed_article("002")
    doc = RawDocument(origin="seed-002", source="seed", raw="x", kind="text")
    assert save_article(db, doc, article, analyse(article)) == "added"
    db.execute(  # what older rules stored: a goal cut to one word
        "INSERT INTO targets (article_id, year, month, goal, setter, sentence_idx, sentence) "
        "VALUES (1, 2022, NULL, 'dự kiến', 'Việt Nam', 0, 'x')"
    )
    db.conn.commit()
    db.close()
    assert cli.main(["--db", str(path), "rescore"]) == 0
    assert capsys.readouterr().out == ("Đã tính lại điểm chủ đề của 1 bài và đọc lại 5 mục tiêu.\n")
    goals = [row[0] for row in open_db(path).execute("SELECT goal FROM targets")]
    assert "dự kiến" not in goals and len(goals) == 5
