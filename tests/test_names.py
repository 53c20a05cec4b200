"""Who a /company argument names: organisations, people, typos, garbage (seed store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from digests.answers.common import BadArgument, NotFound
from digests.answers.company import CompanyReport, company_report
from digests.answers.person import PersonReport
from digests.answers.resolve import clearly_best
from digests.store.connection import open_db
from digests.templating import render

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    from digests.ingest import ingest

    db = open_db(tmp_path_factory.mktemp("names") / "seeds.db")
    ingest(db, [str(SEEDS)])
    return db


def test_a_word_readers_leave_out_is_found(seeds_db: Database) -> None:
    report = company_report(seeds_db, "Nhân Dân")
    assert isinstance(report, CompanyReport)
    assert (report.name, report.read_as) == ("Báo Nhân Dân", "Báo Nhân Dân")


@pytest.mark.parametrize("query", ["Nguyễn Mạnh Hùng", "nguyen manh hung"])
def test_a_persons_name_gets_the_person_answer(seeds_db: Database, query: str) -> None:
    report = company_report(seeds_db, query)
    assert isinstance(report, PersonReport)
    assert (report.name, report.article_count) == ("Nguyễn Mạnh Hùng", 4)
    text = render("company", lang="vi", fmt="txt", report=report)
    assert "• Bộ trưởng, Bộ Thông tin và Truyền thông (06/07/2020 – 28/11/2024; 4 bài)" in text


@pytest.mark.parametrize("query", ["🤖🔥💀", "!!!", "…"])
def test_garbage_gets_the_usage_line_not_suggestions(seeds_db: Database, query: str) -> None:
    with pytest.raises(BadArgument) as caught:
        company_report(seeds_db, query)
    assert caught.value.code == "not_a_name"
    text = render(
        "usage",
        lang="vi",
        fmt="txt",
        code="not_a_name",
        params=caught.value.params,
        command="company",
        prefix="",
    )
    assert text.strip().splitlines() == [
        f"“{query}” không phải là tên: tên cần có chữ cái hoặc chữ số.",
        "Cách dùng: company Viettel",
    ]


def test_an_unclear_name_offers_candidates_with_keys(seeds_db: Database) -> None:
    report = company_report(seeds_db, "Viet")
    assert isinstance(report, NotFound)
    assert [(c.label, c.key) for c in report.candidates][:3] == [
        ("Viettel", "viettel"),
        ("Viettel Telecom", "viettel-telecom"),
        ("Viettel Post", "viettel-post"),
    ]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [([92.3, 66.0], True), ([92.3, 88.0], False), ([80.0], False), ([90.0], True), ([], False)],
)
def test_clearly_best(scores: list[float], expected: bool) -> None:
    assert clearly_best(scores) is expected
