"""Deadlines: a target's time said back the way its sentence put it ("trước năm 2026")."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from digests import cli
from digests.answers.deadlines import Deadline, deadline
from digests.answers.targets import targets_report
from digests.model import Analysis, CleanArticle, RawDocument, Sentence, Target
from digests.store.articles import save_article
from digests.store.connection import open_db
from digests.templating import make_environment, render

PUBLISHED = date(2022, 10, 17)


@pytest.mark.parametrize(
    ("sentence", "year", "month", "expected"),
    [
        (
            "Thứ trưởng và Cục Viễn thông đặt ra mục tiêu hoàn thành trước năm 2026.",
            2026,
            None,
            Deadline("trước năm 2026", "year", "before"),
        ),
        (
            "Việt Nam phấn đấu đến năm 2030 phổ cập 5G.",
            2030,
            None,
            Deadline("đến năm 2030", "year", "by"),
        ),
        (
            "Kinh tế số phải đạt 30% GDP vào năm 2045.",
            2045,
            None,
            Deadline("vào năm 2045", "year", "in"),
        ),
        (
            "Cục phải lập kế hoạch trong tháng 10/2022.",
            2022,
            10,
            Deadline("trong tháng 10/2022", "month", "within"),
        ),
        (
            "Viettel phấn đấu đến hết năm 2025 phủ 5G.",
            2025,
            None,
            Deadline("đến hết năm 2025", "year", "by", "end"),
        ),
        (
            "Hết năm 2025, Bộ phải xong quy hoạch.",
            2025,
            None,
            Deadline("hết năm 2025", "year", "by", "end"),
        ),
        (
            "Bộ yêu cầu hoàn thành trong quý III/2023.",
            2023,
            None,
            Deadline("trong quý III/2023", "quarter", "within", quarter=3),
        ),
        # A bare year opening the sentence: its capital is no part of the wording.
        ("Năm 2045, các lĩnh vực phấn đấu vào top 30.", 2045, None, Deadline("năm 2045", "year")),
        (
            "“Năm 2045, Việt Nam phấn đấu vào top 30.",
            2045,
            None,
            Deadline("năm 2045", "year"),
        ),
        (
            "Trong 3 năm tới, MK sẽ phấn đấu xuất khẩu 60% camera AI.",
            2025,
            None,
            Deadline("trong 3 năm tới", "years_ahead", "within", count=3, relative=True),
        ),
        # "sáu" counts the years here; it is not "sau" (after).
        (
            "Trong sáu năm tới, MK sẽ phấn đấu xuất khẩu.",
            2028,
            None,
            Deadline("trong sáu năm tới", "years_ahead", "within", count=6, relative=True),
        ),
        (
            "Cục Viễn thông phải tổ chức hội nghị trong năm nay.",
            2022,
            None,
            Deadline("trong năm nay", "this_year", "within", relative=True),
        ),
        (
            "Bộ yêu cầu hoàn thành trong quý IV năm nay.",
            2022,
            None,
            Deadline("trong quý IV năm nay", "this_year", "within", quarter=4, relative=True),
        ),
        (
            "VNPT đặt mục tiêu tăng doanh thu 10% vào năm sau.",
            2023,
            None,
            Deadline("vào năm sau", "next_year", "in", relative=True),
        ),
        (
            "Dự án phải xong vào cuối tháng 12 năm nay.",
            2022,
            12,
            Deadline("vào cuối tháng 12 năm nay", "month_this", "in", "end", relative=True),
        ),
        # Two times for one year: the one that is a goal's time, as at extraction.
        (
            "Năm 2025 là năm bản lề, Viettel phấn đấu đến cuối năm 2025 phủ 5G.",
            2025,
            None,
            Deadline("đến cuối năm 2025", "year", "by", "end"),
        ),
    ],
)
def test_deadline_wording(sentence: str, year: int, month: int | None, expected: Deadline) -> None:
    assert deadline(sentence, year, month, PUBLISHED) == expected


@pytest.mark.parametrize(
    ("sentence", "year", "month", "published"),
    [
        ("Ngày mai trời mưa.", 2030, None, PUBLISHED),  # no time in it at all
        ("Việt Nam phấn đấu đến năm 2030 phổ cập 5G.", 2031, None, PUBLISHED),  # another year
        ("Việt Nam phấn đấu đến năm 2030 phổ cập 5G.", 2030, 6, PUBLISHED),  # a month it lacks
        # A relative form needs the date it counts from.
        ("Trong 3 năm tới, MK sẽ phấn đấu xuất khẩu.", 2025, None, None),
    ],
)
def test_no_wording_found_is_the_empty_deadline(
    sentence: str, year: int, month: int | None, published: date | None
) -> None:
    assert deadline(sentence, year, month, published) == Deadline()


def test_absolute_forms_need_no_date() -> None:
    assert deadline("Phải xong trước năm 2026.", 2026, None, None).said == "trước năm 2026"


def say(lang: str, fmt: str, year: int, month: int | None, wording: Deadline) -> str:
    env = make_environment(("digests",))
    template = env.from_string(
        f'{{% import "{lang}/_store.{fmt}.j2" as m %}}{{{{ m.deadline(year, month, d) }}}}'
    )
    return template.render(year=year, month=month, d=wording)


@pytest.mark.parametrize(
    ("year", "month", "wording", "vi", "en"),
    [
        (2026, None, Deadline("trước năm 2026", "year", "before"), "trước năm 2026", "before 2026"),
        (2030, None, Deadline("tới năm 2030", "year", "by"), "tới năm 2030", "by 2030"),
        (2045, None, Deadline("vào năm 2045", "year", "in"), "vào năm 2045", "in 2045"),
        (2045, None, Deadline("năm 2045", "year"), "năm 2045", "2045"),
        (
            2022,
            10,
            Deadline("trong tháng 10/2022", "month", "within"),
            "trong tháng 10/2022",
            "in October 2022",
        ),
        (
            2025,
            None,
            Deadline("đến hết năm 2025", "year", "by", "end"),
            "đến hết năm 2025",
            "by the end of 2025",
        ),
        (
            2025,
            None,
            Deadline("cuối năm 2025", "year", "", "end"),
            "cuối năm 2025",
            "at the end of 2025",
        ),
        (
            2025,
            None,
            Deadline("giữa năm 2025", "year", "", "middle"),
            "giữa năm 2025",
            "in the middle of 2025",
        ),
        (
            2023,
            None,
            Deadline("trong quý III/2023", "quarter", "within", quarter=3),
            "trong quý III/2023",
            "in Q3 2023",
        ),
        (
            2027,
            None,
            Deadline("trong 3 năm tới", "years_ahead", "within", count=3, relative=True),
            "năm 2027 (trong 3 năm tới)",
            "2027 (within the next 3 years)",
        ),
        (
            2025,
            None,
            Deadline("1 năm tới", "years_ahead", count=1, relative=True),
            "năm 2025 (1 năm tới)",
            "2025 (within the next year)",
        ),
        (
            2022,
            None,
            Deadline("trong năm nay", "this_year", "within", relative=True),
            "năm 2022 (trong năm nay)",
            "2022 (within this year)",
        ),
        (
            2022,
            None,
            Deadline("đến cuối năm nay", "this_year", "by", "end", relative=True),
            "năm 2022 (đến cuối năm nay)",
            "2022 (by the end of this year)",
        ),
        (
            2022,
            None,
            Deadline("trong quý IV năm nay", "this_year", "within", quarter=4, relative=True),
            "năm 2022 (trong quý IV năm nay)",
            "2022 (in Q4 this year)",
        ),
        (
            2023,
            None,
            Deadline("vào năm sau", "next_year", "in", relative=True),
            "năm 2023 (vào năm sau)",
            "2023 (next year)",
        ),
        (
            2022,
            12,
            Deadline("vào cuối tháng 12 năm nay", "month_this", "in", "end", relative=True),
            "tháng 12/2022 (vào cuối tháng 12 năm nay)",
            "12/2022 (at the end of December this year)",
        ),
        (
            2023,
            3,
            Deadline("tháng 3 năm tới", "month_next", relative=True),
            "tháng 3/2023 (tháng 3 năm tới)",
            "03/2023 (March next year)",
        ),
        # Nothing found: the plain year or month, as before.
        (2030, None, Deadline(), "năm 2030", "2030"),
        (2022, 10, Deadline(), "tháng 10/2022", "10/2022"),
    ],
)
@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_deadline_said_in_both_languages(
    fmt: str, year: int, month: int | None, wording: Deadline, vi: str, en: str
) -> None:
    assert (say("vi", fmt, year, month, wording), say("en", fmt, year, month, wording)) == (vi, en)


# ------------------------------------------------------------------ seeds, end to end


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from digests.ingest import ingest

    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    db = open_db(path)
    assert ingest(db, [str(Path(__file__).resolve().parent.parent / "seeds")]).summary() == (
        "added 5, updated 0, skipped 0, failed 0"
    )
    db.close()
    return path


def bullets(text: str) -> list[str]:
    return [line.split(": ", 1)[0] for line in text.splitlines() if line.startswith("• ")]


def test_seed_targets_say_their_deadlines(seeds_db: Path) -> None:
    report = targets_report(open_db(seeds_db), 2022, 2045)
    vi = bullets(render("targets", lang="vi", fmt="txt", report=report))
    en = bullets(render("targets", lang="en", fmt="txt", report=report))
    assert list(zip(vi, en, strict=True)) == [
        ("• năm 2022 (trong năm nay)", "• 2022 (within this year)"),
        ("• ngay trong năm 2022", "• in 2022"),
        ("• trong tháng 10/2022", "• in October 2022"),
        ("• vào năm 2025", "• in 2025"),
        ("• trước năm 2026", "• before 2026"),  # was "năm 2026": the deadline is before it
        ("• năm 2027 (trong 3 năm tới)", "• 2027 (within the next 3 years)"),
        ("• vào năm 2030", "• in 2030"),
        ("• vào năm 2045", "• in 2045"),
        ("• năm 2045", "• 2045"),
    ]
    html = render("targets", lang="vi", fmt="html", report=report)
    assert "• <b>trước năm 2026</b>: Về việc các doanh nghiệp" in html


def test_json_lists_the_deadline_beside_the_old_fields(
    seeds_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = cli.build_parser().parse_args(["--db", str(seeds_db), "--json", "target", "2026"])
    assert cli.dispatch(args, cli.build_parser()) == 0
    (row,) = json.loads(capsys.readouterr().out)["targets"]
    assert (row["year"], row["month"], row["setter"]) == (
        2026,
        None,
        "Thứ trưởng Phạm Đức Long và Cục Viễn thông",
    )
    assert row["deadline"] == {
        "said": "trước năm 2026",
        "kind": "year",
        "relation": "before",
        "part": "",
        "quarter": None,
        "count": None,
        "relative": False,
    }


def test_an_undated_article_counts_from_the_day_it_was_loaded(db_path: Path) -> None:
    """Its relative forms were resolved against the stored day; the reader sees no date."""
    db: Database = open_db(db_path)
    text = "Trong 3 năm tới, MK sẽ phấn đấu xuất khẩu 60% camera AI."
    article = CleanArticle("MK", date(2024, 1, 30), None, (text,), date_known=False)
    analysis = Analysis(
        sentences=[Sentence(0, 0, text)],
        targets=[Target(2027, None, "phấn đấu xuất khẩu", "MK", 0, text)],
    )
    doc = RawDocument(origin="/x/mk.txt", source="mk.txt", raw=text, kind="text")
    assert save_article(db, doc, article, analysis) == "added"
    (row,) = targets_report(db, 2027).targets
    assert row.published is None
    assert row.deadline.said == "trong 3 năm tới" and row.deadline.count == 3
