"""Lookups over the store: company, targets, search, articles, stats; argument guards."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest
from sqlite_utils import Database

from digests.answers.articles import corpus_stats, list_articles
from digests.answers.common import BadArgument, NotFound
from digests.answers.company import (
    CompanyReport,
    QuotedPerson,
    company_report,
    list_companies,
    vietnamese_sort_key,
)
from digests.answers.search import Segment, search, snippet
from digests.answers.targets import parse_year_range, target_years, targets_report
from digests.model import (
    Analysis,
    CleanArticle,
    Mention,
    Organisation,
    Person,
    RawDocument,
    Sentence,
    Target,
)
from digests.store.articles import save_article, sync_registry
from digests.store.connection import open_db
from digests.templating import render
from digests.textnorm import fold


def add(
    db: Database,
    n: int,
    sentences: list[str],
    *,
    title: str,
    published: date,
    mentions: list[Mention] = (),  # type: ignore[assignment]
    people: list[Person] = (),  # type: ignore[assignment]
    targets: list[Target] = (),  # type: ignore[assignment]
    source: str = "toquoc.vn",
) -> None:
    article = CleanArticle(title, published, None, tuple(sentences))
    analysis = Analysis(
        sentences=[Sentence(i, i, s) for i, s in enumerate(sentences)],
        mentions=list(mentions),
        people=list(people),
        targets=list(targets),
    )
    url = f"https://{source}/bai-{n}.html"
    doc = RawDocument(origin=url, source=source, raw="\n\n".join(sentences), kind="html", url=url)
    assert save_article(db, doc, article, analysis) == "added"


@pytest.fixture
def db(db_path: Path) -> Database:
    db = open_db(db_path)
    add(
        db,
        1,
        [
            "Viettel vẫn đạt doanh thu gần 180.000 tỷ đồng, lợi nhuận đạt 51.000 tỷ đồng.",
            "Viettel đã đưa nền tảng trợ lý ảo vào hoạt động.",
            "Bưu điện Việt Nam hợp tác hài hoà với các doanh nghiệp.",
        ],
        title="Doanh nghiệp ICT năm 2023",
        published=date(2024, 1, 30),
        mentions=[
            Mention("viettel", "Viettel", 0),
            Mention("viettel", "Viettel", 1),
            Mention("vnpost", "Bưu điện Việt Nam", 2),
        ],
        people=[
            Person("Tào Đức Thắng", "Chủ tịch", "viettel", 0),
            Person("Tào Đức Thắng", None, "viettel", 1),
        ],
        targets=[
            Target(
                2030, None, "phổ cập cáp quang", "Bộ TT&TT", 1, "Đến năm 2030, phổ cập cáp quang."
            )
        ],
    )
    add(
        db,
        2,
        [
            "Năm 2045, các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới.",
            "Giá cước bưu chính giảm 5%.",
        ],
        title="Lĩnh vực số phát triển mạnh mẽ",
        published=date(2023, 11, 28),
        targets=[
            Target(
                2045,
                None,
                "trong top 30 thế giới",
                "Bộ TT&TT",
                0,
                "Năm 2045, các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới.",
            ),
            Target(2025, 10, "phủ sóng 5G", None, 1, "Giá cước bưu chính giảm 5%."),
        ],
        source="mic.gov.vn",
    )
    return db


class FakeRegistry:
    """Just enough of digests.analysis.companies.Registry for lookups on hand-built records."""

    orgs: ClassVar[dict[str, Organisation]] = {
        "viettel": Organisation("viettel", "Viettel", "company", ("Tập đoàn Viettel",)),
        "vnpost": Organisation("vnpost", "VNPost", "company", ("Bưu điện Việt Nam",)),
    }

    def resolve(self, name: str) -> Organisation | None:
        from digests.textnorm import fold

        for org in self.orgs.values():
            if fold(name) in {fold(org.name), *(fold(a) for a in org.aliases)}:
                return org
        return None

    def get(self, key: str) -> Organisation | None:
        return self.orgs.get(key)

    def all(self) -> list[Organisation]:
        return list(self.orgs.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2045", (2045, 2045)),
        ("2025-2030", (2025, 2030)),
        ("2025–2030", (2025, 2030)),
        (" 2025 - 2030 ", (2025, 2030)),
        ("2025—2030", (2025, 2030)),
        ("2030-2030", (2030, 2030)),
        ("năm 2045", (2045, 2045)),
        ("Năm 2045", (2045, 2045)),
        ("2045–2050", (2045, 2050)),
        ("các năm 2025 - 2030", (2025, 2030)),
        ("2025 đến 2030", (2025, 2030)),
    ],
)
def test_parse_year_range(text: str, expected: tuple[int, int]) -> None:
    assert parse_year_range(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("20x5", "bad_year", {"value": "20x5"}),
        ("1800", "year_out_of_range", {"value": 1800, "low": 1900, "high": 2100}),
        ("3000", "year_out_of_range", {"value": 3000, "low": 1900, "high": 2100}),
        ("2030-2025", "reversed_range", {"start": 2030, "end": 2025}),
        ("", "empty", {"what": "year"}),
        ("2025-2030-2035", "bad_year", {"value": "2030-2035"}),
        ("năm ngoái", "bad_year", {"value": "ngoái"}),
        ("2,045", "bad_year", {"value": "2,045", "meant": "2045"}),
        ("2.045", "bad_year", {"value": "2.045", "meant": "2045"}),
    ],
)
def test_parse_year_range_rejects_politely(text: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(BadArgument) as caught:
        parse_year_range(text)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_usage_messages_are_polite_and_have_an_example() -> None:
    text = render(
        "usage",
        lang="vi",
        fmt="txt",
        code="reversed_range",
        params={"start": 2030, "end": 2025},
        command="target",
        prefix="ictdigest ",
    )
    assert text == (
        "Khoảng năm bị ngược: 2030 lớn hơn 2025. Ý bạn là 2025-2030?\n"
        "Cách dùng: ictdigest target 2030   hoặc   target 2025-2030"
    )
    html = render(
        "usage",
        lang="en",
        fmt="html",
        code="bad_year",
        params={"value": "<b>"},
        command="target",
        prefix="/",
    )
    assert html == (
        "“&lt;b&gt;” is not a year: use 4 digits, e.g. 2030, or a range such as 2025-2030.\n"
        "Usage: <code>/target 2030   or   target 2025-2030</code>"
    )


def test_search_folds_diacritics_and_tone_placement(db: Database) -> None:
    result = search(db, "hài hòa")
    assert [h.article_id for h in result.hits] == [1]
    hit_texts = [s.text for s in result.hits[0].snippet if s.hit]
    assert hit_texts == ["hài hoà"]
    result = search(db, "BUU DIEN")
    assert [h.article_id for h in result.hits] == [1]
    assert [s.text for s in result.hits[0].snippet if s.hit] == ["Bưu điện"]


def test_search_prefers_phrase_then_all_words(db: Database) -> None:
    result = search(db, "bưu chính")
    assert ([h.article_id for h in result.hits], result.all_words) == ([2], False)
    result = search(db, "doanh thu viettel")
    assert ([h.article_id for h in result.hits], result.all_words) == ([1], True)
    assert [s.text for s in result.hits[0].snippet if s.hit][:2] == ["Viettel", "doanh"]


@pytest.mark.parametrize("query", ['"a', "AND OR *", "NEAR(x y)", "a:b", "^x", "viettel*", "x'y"])
def test_search_never_raises_on_fts_syntax(db: Database, query: str) -> None:
    result = search(db, query)
    assert result.query == query


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 201, "too_long"),
        ('"*"', "no_words"),
        ("(", "no_words"),
    ],
)
def test_search_guards(db: Database, query: str, code: str) -> None:
    with pytest.raises(BadArgument) as caught:
        search(db, query)
    assert caught.value.code == code


def test_search_paging_and_bad_offset(db: Database) -> None:
    assert search(db, "viettel", offset=1).hits == []
    with pytest.raises(BadArgument):
        search(db, "viettel", offset=-1)


def test_snippet_cuts_original_text_at_folded_offsets() -> None:
    body = "Đầu bài. " + "x " * 200 + "Tổng Công ty Bưu điện Việt Nam (Vietnam Post) đạt lãi."
    assert snippet(body, ["buu dien"], width=60) == [
        Segment("…", False),
        Segment("x Tổng Công ty ", False),
        Segment("Bưu điện", True),
        Segment(" Việt Nam (Vietnam Post) đạt lãi.", False),
    ]
    assert snippet("Hà Nội. Bưu điện Việt Nam, bưu điện tỉnh", ["buu dien"]) == [
        Segment("Hà Nội. ", False),
        Segment("Bưu điện", True),
        Segment(" Việt Nam, ", False),
        Segment("bưu điện", True),
        Segment(" tỉnh", False),
    ]


def test_company_report_figures_first_and_people_with_roles(db: Database) -> None:
    report = company_report(db, "viettel", registry=FakeRegistry())
    assert isinstance(report, CompanyReport)
    assert (report.name, report.aliases, report.article_count) == ("Viettel", ["Viettel"], 1)
    assert [s.text for s in report.statements] == [
        "Viettel vẫn đạt doanh thu gần 180.000 tỷ đồng, lợi nhuận đạt 51.000 tỷ đồng.",
        "Viettel đã đưa nền tảng trợ lý ảo vào hoạt động.",
    ]
    assert report.statements[0].has_figure and not report.statements[1].has_figure
    # Named twice in one article (with and without his role): one article, not two.
    assert report.people == [QuotedPerson("Tào Đức Thắng", "Chủ tịch", 1)]
    text = render("company", lang="vi", fmt="txt", report=report)
    assert "• Viettel vẫn đạt doanh thu gần 180.000 tỷ đồng" in text
    assert "(toquoc.vn, 30/01/2024 · https://toquoc.vn/bai-1.html)" in text
    assert "• Tào Đức Thắng — Chủ tịch (1 bài)" in text


def test_company_not_found_suggests(db: Database) -> None:
    # Near a name, but not clearly it: offered, not answered for.
    report = company_report(db, "Bưu điện", registry=FakeRegistry())
    assert isinstance(report, NotFound)
    assert report.suggestions == ["VNPost"]
    text = render("company", lang="vi", fmt="txt", report=report)
    assert text == (
        "Không tìm thấy “Bưu điện” trong danh bạ doanh nghiệp và cơ quan.\n"
        "Có phải bạn muốn tìm: VNPost?"
    )


def test_targets_report_and_years(db: Database) -> None:
    assert target_years(db) == [(2025, 1), (2030, 1), (2045, 1)]
    report = targets_report(db, 2025, 2030)
    assert [(t.year, t.month, t.goal, t.setter) for t in report.targets] == [
        (2025, 10, "phủ sóng 5G", None),
        (2030, None, "phổ cập cáp quang", "Bộ TT&TT"),
    ]
    only = targets_report(db, 2045)
    assert [t.title for t in only.targets] == ["Lĩnh vực số phát triển mạnh mẽ"]
    text = render("targets", lang="vi", fmt="txt", report=only)
    assert text == (
        "Mục tiêu cho năm 2045 (1/1):\n\n"
        "• năm 2045: trong top 30 thế giới\n"
        "  Người đặt: Bộ TT&TT\n"
        "  Câu gốc: Năm 2045, các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới.\n"
        "  Nguồn: Lĩnh vực số phát triển mạnh mẽ (mic.gov.vn, 28/11/2023 · "
        "https://mic.gov.vn/bai-2.html)"
    )


def test_list_articles_and_stats(db: Database) -> None:
    result = list_articles(db, limit=1)
    assert [(a.id, a.published, a.source) for a in result.articles] == [
        (1, "2024-01-30", "toquoc.vn")
    ]
    assert result.total == 2
    text = render("articles", lang="en", fmt="txt", result=list_articles(db))
    assert text == (
        "Stored articles 1–2 of 2:\n"
        "#1  30 Jan 2024  toquoc.vn  Doanh nghiệp ICT năm 2023\n"
        "#2  28 Nov 2023  mic.gov.vn  Lĩnh vực số phát triển mạnh mẽ"
    )
    stats = corpus_stats(db)
    assert (stats.articles, stats.sources, stats.first_date, stats.last_date) == (
        2,
        2,
        "2023-11-28",
        "2024-01-30",
    )


def test_list_companies_counts_mentions(db: Database) -> None:
    sync_registry(db, list(FakeRegistry.orgs.values()))
    assert [(c.name, c.articles) for c in list_companies(db)] == [
        ("Viettel", 1),  # Vietnamese order: "vi" before "vn", whatever the case
        ("VNPost", 1),
    ]


def test_vietnamese_sort_key_puts_d_bar_after_d_and_ignores_tones() -> None:
    names = [
        "Vụ Bưu chính",
        "Đài Truyền hình",
        "Ủy ban Quốc gia",
        "Dịch vụ số",
        "Em",
        "Cục",
        "Uy tín",
    ]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Cục",
        "Dịch vụ số",
        "Đài Truyền hình",
        "Em",
        "Ủy ban Quốc gia",  # "uy ban" before "uy tin": the mark does not count first
        "Uy tín",
        "Vụ Bưu chính",
    ]


# --------------------------------------------------------------------------- the real seeds


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    from digests.ingest import ingest

    db = open_db(tmp_path_factory.mktemp("seeds") / "seeds.db")
    report = ingest(db, [str(Path(__file__).resolve().parent.parent / "seeds")])
    assert report.summary() == "added 5, updated 0, skipped 0, failed 0"
    return db


def test_seed_company_facts_are_no_lists_and_include_the_chairmans_words(
    seeds_db: Database,
) -> None:
    viettel = company_report(seeds_db, "Viettel", limit=12)
    assert isinstance(viettel, CompanyReport)
    texts = [s.text for s in viettel.statements]
    assert (
        "Nhận định về việc hỗ trợ các doanh nghiệp của Bộ TT&TT, ông Tào Đức Thắng khẳng định: "
        "“Năm 2023, Bộ TT&TT đã đưa ra chiến lược, hành lang pháp lý thúc đẩy doanh nghiệp "
        "phát triển…”."
    ) in texts
    for name in ("Viettel", "VNPT", "VNPost", "FPT", "CMC"):
        report = company_report(seeds_db, name, limit=12)
        assert isinstance(report, CompanyReport)
        for statement in report.statements:
            # Invitation and attendee lists are mentions, not facts.
            assert "doanh nghiệp tiêu biểu" not in statement.text, name
            assert not statement.text.startswith(("Tham dự", "Dự Hội nghị")), name
        folded = [fold(s.text) for s in report.statements]
        assert len(folded) == len(set(folded)), name


def test_seed_company_viettel(seeds_db: Database) -> None:
    report = company_report(seeds_db, "Viettel")
    assert isinstance(report, CompanyReport)
    assert (report.key, report.name) == ("viettel", "Viettel")
    assert "Viettel" in report.aliases
    assert report.article_count == 4  # seeds 000, 001, 002 (by its full name) and 004
    assert "gần 180.000 tỷ đồng" in report.statements[0].text
    assert report.statements[0].has_figure
    assert report.statements[0].published == "2024-01-30"
    assert report.people[0].name == "Tào Đức Thắng"
    assert report.people[0].role == "Chủ tịch"


def test_seed_company_vietnam_post_is_vnpost_not_vnpt(seeds_db: Database) -> None:
    report = company_report(seeds_db, "Vietnam Post")
    assert isinstance(report, CompanyReport)
    assert report.key == "vnpost"
    assert report.name == "Vietnam Post (VNPost)"
    assert all("VNPT" not in alias for alias in report.aliases)
    assert report.article_count == 3  # seeds 000 (VNPost), 002 and 004 (Bưu điện Việt Nam)


def test_seed_company_typo_is_read_as_viettel(seeds_db: Database) -> None:
    for typo in ("Vietel", "Viettell", "viettel"):
        report = company_report(seeds_db, typo)
        assert isinstance(report, CompanyReport)
        assert (report.name, report.read_as) == (
            "Viettel",
            None if typo == "viettel" else "Viettel",
        )
    text = render("company", lang="vi", fmt="txt", report=company_report(seeds_db, "Vietel"))
    assert text.startswith("(hiểu là Viettel)\nViettel (doanh nghiệp)\n")
    text = render("company", lang="en", fmt="txt", report=company_report(seeds_db, "Vietel"))
    assert text.startswith("(read as Viettel)\nViettel (company)\n")


def test_seed_search_buu_dien_finds_every_buu_dien_article(seeds_db: Database) -> None:
    result = search(seeds_db, "buu dien")
    titles = sorted(h.title[:24] for h in result.hits)
    assert titles == [  # the three seeds that write "Bưu điện": 002, 000 and 004
        "Bộ Thông tin và Truyền t",
        "Bộ trưởng Bộ TT&TT Nguyễ",
        "Việt Nam - Hoa Kỳ thúc đ",
    ]
    for hit in result.hits:
        assert next(s.text.lower() for s in hit.snippet if s.hit) == "bưu điện"


def test_seed_search_hai_hoa_finds_hai_hoa(seeds_db: Database) -> None:
    result = search(seeds_db, "hài hòa")
    assert [h.title[:24] for h in result.hits] == ["Việt Nam - Hoa Kỳ thúc đ"]  # seed 004
    assert next(s.text for s in result.hits[0].snippet if s.hit) == "hài hoà"


def test_seed_target_2045(seeds_db: Database) -> None:
    report = targets_report(seeds_db, 2045)
    sentences = " | ".join(t.sentence for t in report.targets)
    assert "phấn đấu trong top 30 thế giới" in sentences
    assert "kinh tế số đóng góp hơn 30%" in sentences
    assert {t.year for t in report.targets} == {2045}
    years = dict(target_years(seeds_db))
    assert years[2045] == report.total


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_templates_escape_stored_text(db: Database, lang: str) -> None:
    add(
        db,
        9,
        ["Giá <b>cước</b> & phí của Viettel giảm 5%."],
        title="A <script> & B",
        published=date(2024, 2, 1),
        mentions=[Mention("viettel", "Viettel", 0)],
        targets=[Target(2026, None, "<i>x</i>", None, 0, "Giá <b>cước</b>.")],
    )
    report = company_report(db, "viettel", registry=FakeRegistry())
    pages = {
        "company": render("company", lang=lang, fmt="html", report=report),
        "targets": render("targets", lang=lang, fmt="html", report=targets_report(db, 2026)),
        "search": render("search", lang=lang, fmt="html", result=search(db, "cuoc")),
        "articles": render("articles", lang=lang, fmt="html", result=list_articles(db)),
    }
    for name, page in pages.items():
        assert "<script>" not in page, name
        assert "&lt;" in page, name
    assert "Giá &lt;b&gt;cước&lt;/b&gt; &amp; phí" in pages["company"]
    assert "<i>x</i>" not in pages["targets"] and "&lt;i&gt;x&lt;/i&gt;" in pages["targets"]
    assert "A &lt;script&gt; &amp; B" in pages["search"]
    assert "Giá &lt;b&gt;<b>cước</b>&lt;/b&gt; &amp; phí" in pages["search"]  # the hit, in bold
    assert (
        '<a href="https://toquoc.vn/bai-9.html">A &lt;script&gt; &amp; B</a>' in pages["articles"]
    )
