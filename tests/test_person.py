"""/person and `ictdigest person`: what someone said, with the role their article gave."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from digests.analysis.analyse import analyse
from digests.answers.common import NotFound
from digests.answers.company import CompanyReport, QuotedPerson, company_report, person_answer
from digests.answers.person import PersonReport
from digests.cli import main
from digests.model import CleanArticle, RawDocument
from digests.store.articles import save_article
from digests.store.connection import open_db
from digests.templating import render


def _add(db: Database, n: int, paragraphs: list[str], published: date) -> None:
    article = CleanArticle(f"Bài {n}", published, None, tuple(paragraphs))
    url = f"https://vnexpress.net/bai-{n}.html"
    doc = RawDocument(
        origin=url, source="vnexpress.net", raw="\n\n".join(paragraphs), kind="html", url=url
    )
    assert save_article(db, doc, article, analyse(article)) == "added"


@pytest.fixture
def minister_db(tmp_path: Path) -> Path:
    path = tmp_path / "person.db"
    db = open_db(path)
    _add(
        db,
        1,
        [
            "Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng cho biết Việt Nam cần làm chủ công nghệ lõi.",
            "Hội nghị có sự tham dự của nhiều doanh nghiệp.",
        ],
        date(2024, 6, 3),
    )
    _add(
        db,
        2,
        [
            "Phát biểu tại diễn đàn, Bộ trưởng Bộ KH&CN Nguyễn Mạnh Hùng nhấn mạnh: “Khoa học "
            "công nghệ là động lực chính. Doanh nghiệp phải đi đầu”.",
        ],
        date(2025, 4, 10),
    )
    return path


def test_a_minister_of_two_ministries_reads_right(minister_db: Path) -> None:
    report = person_answer(open_db(minister_db), "Nguyễn Mạnh Hùng")
    assert isinstance(report, PersonReport)
    text = render("person", lang="vi", fmt="txt", report=report)
    assert text.splitlines() == [
        "Nguyễn Mạnh Hùng",
        "Vai trò:",
        "• Bộ trưởng, Bộ Thông tin và Truyền thông (03/06/2024; 1 bài)",
        "• Bộ trưởng, Bộ Khoa học và Công nghệ (10/04/2025; 1 bài)",
        "Số bài nêu tên: 2",
        "",
        "Phát biểu và được nhắc đến:",
        "• Phát biểu tại diễn đàn, Bộ trưởng Bộ KH&CN Nguyễn Mạnh Hùng nhấn mạnh: “Khoa học "
        "công nghệ là động lực chính…”.",
        "  (Bộ trưởng, Bộ Khoa học và Công nghệ · vnexpress.net, 10/04/2025 · "
        "https://vnexpress.net/bai-2.html)",
        "• “…Doanh nghiệp phải đi đầu”.",
        "  (Bộ trưởng, Bộ Khoa học và Công nghệ · vnexpress.net, 10/04/2025 · "
        "https://vnexpress.net/bai-2.html)",
        "• Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng cho biết Việt Nam cần làm chủ công nghệ lõi.",
        "  (Bộ trưởng, Bộ Thông tin và Truyền thông · vnexpress.net, 03/06/2024 · "
        "https://vnexpress.net/bai-1.html)",
    ]


def test_a_misspelt_person_is_read_as_the_closest_name(minister_db: Path) -> None:
    report = person_answer(open_db(minister_db), "Nguyễn Mạnh Hùn")
    assert isinstance(report, PersonReport) and report.read_as == "Nguyễn Mạnh Hùng"
    text = render("person", lang="en", fmt="txt", report=report)
    assert text.startswith("(read as Nguyễn Mạnh Hùng)\nNguyễn Mạnh Hùng\nRoles:\n")


def test_no_such_person(minister_db: Path) -> None:
    report = person_answer(open_db(minister_db), "Viettel")
    assert isinstance(report, NotFound)
    assert render("person", lang="vi", fmt="txt", report=report) == (
        "Không tìm thấy người tên “Viettel” trong các bài đã lưu."
    )


def test_cli_person(minister_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(minister_db), "person", "Nguyễn", "Mạnh", "Hùng", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nguyễn Mạnh Hùng\nVai trò:\n")
    assert out.count("\n• Phát biểu tại diễn đàn") == 1
    assert main(["--db", str(minister_db), "person", "Không Ai"]) == 1


def test_seed_people_found_and_counted(tmp_path: Path) -> None:
    from digests.ingest import ingest

    db = open_db(tmp_path / "seeds.db")
    ingest(db, [str(Path(__file__).resolve().parent.parent / "seeds")])
    long = person_answer(db, "Phạm Đức Long")
    assert isinstance(long, PersonReport)
    assert [(r.role, r.organisation) for r in long.roles] == [
        ("Thứ trưởng", "Bộ Thông tin và Truyền thông")
    ]
    osius = person_answer(db, "Ted G. Osius")
    assert isinstance(osius, PersonReport) and osius.statements
    minister = company_report(db, "Bộ TT&TT")
    assert isinstance(minister, CompanyReport)
    assert minister.people[0] == QuotedPerson("Nguyễn Mạnh Hùng", "Bộ trưởng", 4)
