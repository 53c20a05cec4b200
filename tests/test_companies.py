"""The organisation registry, mentions, discovery, people and statement scores."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from analyse_helpers import seed_text

from digests.analysis.companies import RegistryError, load_registry
from digests.analysis.mentions import find_mentions, find_people, scan_sentence
from digests.analysis.sentences import split_sentences
from digests.analysis.statement_score import figures, has_figure, statement_score
from digests.model import Person
from digests.textnorm import fold, fold_nfc

REGISTRY = load_registry()


def keys(text: str) -> list[str]:
    return [hit.org_key for hit in scan_sentence(text, REGISTRY).orgs]


def test_registry_covers_the_sector_with_valid_entries() -> None:
    organisations = REGISTRY.all()
    assert len(organisations) >= 120
    assert {org.kind for org in organisations} == {"company", "media", "agency"}
    assert len({org.key for org in organisations}) == len(organisations)
    assert not any(org.discovered for org in organisations)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Tập đoàn Công nghiệp Viễn thông Quân đội", "viettel"),
        ("Tổng Công ty Bưu điện Việt Nam", "vnpost"),
        ("Vietnam Post", "vnpost"),
        ("buu dien viet nam", "vnpost"),
        ("Tập đoàn Bưu chính Viễn thông Việt Nam", "vnpt"),
        ("VNPT", "vnpt"),
        ("Báo Bưu điện Việt Nam", "baobuudien"),
        ("Viettel Post", "viettel-post"),
        ("mk", "mk-group"),
        ("E Cqurity", "ecqurity"),
        ("Bain & Company", "bain"),
        ("Bộ TT&TT", "mic"),
        ("Bộ Thông tin và Truyền thông", "mic"),
        ("Đài Tiếng nói Việt Nam", "vov"),
        ("NXB CTQG – Sự Thật", "nxb-ctqg"),
        ("Vin Group", "vingroup"),
        ("viettel", "viettel"),
        ("GHTK", "ghtk"),
    ],
)
def test_resolve_folds_names_aliases_and_keys(name: str, key: str) -> None:
    org = REGISTRY.resolve(name)
    assert org is not None and org.key == key


def test_unknown_names_resolve_to_nothing_but_get_suggestions() -> None:
    assert REGISTRY.resolve("Tập đoàn Không Tồn Tại") is None
    assert REGISTRY.suggest("Viettell")[0] == "Viettel"
    assert "Vietnam Post (VNPost)" in REGISTRY.suggest("Vietnam Postt", n=3)
    assert REGISTRY.suggest("   ") == []


def test_a_name_counts_only_as_a_word_of_its_own() -> None:
    assert keys("VNPTX và MKT hay mk không phải tổ chức nào") == []
    assert keys("FPTShop mở thêm cửa hàng") == ["fpt-retail"]  # FPTShop is FPT Retail, not FPT
    assert keys("Viettel Post và Viettel") == ["viettel-post", "viettel"]
    assert keys("Chất lượng dịch vụ bưu chính; nhiệm vụ hợp tác quốc tế") == []
    assert keys("làm ra vũ khí bảo vệ Tổ quốc") == []
    assert keys("Vụ Bưu chính và Báo Bưu điện Việt Nam") == ["vu-buu-chinh", "baobuudien"]


def test_longest_alias_wins_across_odd_spacing_and_dashes() -> None:
    assert keys("Tổng Công ty Viễn\u00a0 thông Mobifone") == ["mobifone"]
    assert keys("Nhà Xuất bản CTQG – Sự Thật và NXB CTQG-Sự Thật") == ["nxb-ctqg", "nxb-ctqg"]
    assert keys("Vụ Kinh tế số Xã hội số") == ["vu-kinh-te-so"]


def test_mentions_in_seed_000_list_of_guests() -> None:
    (listing,) = [s for s in split_sentences(seed_text("000")) if s.startswith("Ngày 30/1/2024")]
    mentions = find_mentions([listing], REGISTRY)
    assert [(m.org_key, m.alias) for m in mentions] == [
        ("mic", "Bộ TT&TT"),
        ("viettel", "Viettel"),
        ("vnpt", "VNPT"),
        ("cmc", "CMC"),
        ("fpt", "FPT"),
        ("ghtk", "Giao hàng tiết kiệm"),
        ("vnpost", "VNPost"),
        ("rikkeisoft", "RikkeiSoft"),
        ("vmo", "VMO"),
        ("mk-group", "MK Group"),
        ("sconnect", "Sconnect"),
        ("ecqurity", "ECqurity"),
        ("vov", "Đài Tiếng nói Việt Nam"),
        ("vtv", "Đài Truyền hình Việt Nam"),
        ("nhandan", "báo Nhân Dân"),
        ("vnexpress", "báo VnExpress"),
        ("thvl", "Đài Truyền hình Vĩnh Long"),
        ("vietnamnet", "báo VietNamNet"),
        ("nxb-ctqg", "Nhà Xuất bản CTQG – Sự Thật"),
    ]
    assert {m.sentence_idx for m in mentions} == {0}


def test_organisations_outside_the_registry_are_discovered() -> None:
    scan = scan_sentence(
        "Công ty Cổ phần Công nghệ Sao Bắc Đẩu ký hợp tác với Đài Phát thanh và Truyền hình "
        "Nghệ An, theo báo Tiền Phong.",
        REGISTRY,
    )
    found = [(hit.org_key, hit.discovered) for hit in scan.orgs]
    assert [key for key, _ in found] == [
        "cong-ty-co-phan-cong-nghe-sao-bac-dau",
        "dai-phat-thanh-va-truyen-hinh-nghe-an",
        "bao-tien-phong",
    ]
    names = [(org.name, org.kind, org.discovered) for _, org in found if org]
    assert names == [
        ("Công ty Cổ phần Công nghệ Sao Bắc Đẩu", "company", True),
        ("Đài Phát thanh và Truyền hình Nghệ An", "media", True),
        ("Báo Tiền Phong", "media", True),
    ]


def test_generic_or_curated_names_are_not_discovered() -> None:
    for text in (
        "các công ty Mỹ và các tập đoàn công nghệ lớn",
        "công ty ICT Việt Nam",
        "Bộ phát đi thông báo Viettel bảo trì",
        "Công ty Cổ phần đã họp",
    ):
        assert not [h for h in scan_sentence(text, REGISTRY).orgs if h.discovered], text
    assert keys("Tập đoàn Viễn thông Hàn Quốc Korea Telecom đã xây dựng") == ["korea-telecom"]
    assert keys("Chủ tịch Công ty E Cqurity") == ["ecqurity"]


def test_people_of_seed_000_with_role_and_organisation() -> None:
    people = find_people(split_sentences(seed_text("000")), REGISTRY)
    linked = {(p.name, p.role, p.org_key) for p in people}
    assert linked == {
        ("Nguyễn Mạnh Hùng", "Bộ trưởng", "mic"),
        ("Phạm Hồng Quân", "Chủ tịch", "ghtk"),
        ("Nguyễn Trường Giang", "Phụ trách HĐTV", "vnpost"),
        ("Tào Đức Thắng", "Chủ tịch", "viettel"),
        ("Nguyễn Trung Chính", "Chủ tịch", "cmc"),
        ("Vương Quang Khải", "Phó tổng giám đốc", "vng"),
        ("Nguyễn Đặng Phương", "Chủ tịch", "ecqurity"),
        ("Tô Dũng Thái", "Chủ tịch", "vnpt"),
        ("Nguyễn Trọng Khang", "Chủ tịch", "mk-group"),
        ("Lê Thanh Long", "Giám đốc", "thvl"),
        ("Phạm Hiếu", "Tổng biên tập", "vnexpress"),
        ("Đỗ Thanh Hải", "Phó Tổng Giám đốc", "vtv"),
        ("Tạ Mạnh Hoàng", "Chủ tịch", "sconnect"),
        ("Vũ Trọng Lâm", "Tổng biên tập", "nxb-ctqg"),
    }


def test_people_of_seeds_001_and_002_including_lists_and_missing_organisations() -> None:
    people_001 = {
        (p.name, p.role, p.org_key)
        for p in find_people(split_sentences(seed_text("001")), REGISTRY)
    }
    assert people_001 == {
        ("Nguyễn Mạnh Hùng", "Bộ trưởng", "mic"),
        ("Đỗ Hùng Việt", "Thứ trưởng", "mofa"),
        ("Triệu Minh Long", "Vụ trưởng", "vu-hop-tac-quoc-te"),
        ("Phạm Anh Tuấn", "Cục trưởng", "cuc-thong-tin-doi-ngoai"),
        ("Phạm Thanh Bình", "Thứ trưởng", "mofa"),
    }
    people_002 = find_people(split_sentences(seed_text("002")), REGISTRY)
    assert Person("Nguyễn Huy Dũng", "Thứ trưởng", "mic", 7) in people_002
    assert Person("Nguyễn Thanh Lâm", "Thứ trưởng", "mic", 7) in people_002
    # "Thứ trưởng Phạm Đức Long" names no ministry; the article's other Thứ trưởng are mic.
    assert {p.org_key for p in people_002 if p.name == "Phạm Đức Long"} == {"mic"}


def test_a_bare_role_later_in_the_article_gets_the_organisation_said_earlier() -> None:
    people = find_people(
        ["Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng chủ trì.", "Bộ trưởng Nguyễn Mạnh Hùng nói."],
        REGISTRY,
    )
    assert people == [
        Person("Nguyễn Mạnh Hùng", "Bộ trưởng", "mic", 0),
        Person("Nguyễn Mạnh Hùng", "Bộ trưởng", "mic", 1),
    ]


def test_places_are_not_people() -> None:
    assert find_people(["Đại sứ Thái Lan và Đại sứ Hàn Quốc dự họp."], REGISTRY) == []


def test_figures_are_found_verbatim() -> None:
    viettel = (
        "Cũng tại buổi gặp mặt, ông Tào Đức Thắng, Chủ tịch Viettel cho hay năm 2023 là năm có "
        "nhiều khó khăn, nhưng Viettel vẫn đạt doanh thu tăng xấp xỉ 10%, gần 180.000 tỷ đồng, "
        "lợi nhuận đạt 51.000 tỷ đồng."
    )
    assert figures(viettel) == ["xấp xỉ 10%", "gần 180.000 tỷ đồng", "51.000 tỷ đồng"]
    assert figures("tăng 40 - 45% GDP, đầu tư ở 10 quốc gia, 30.000 nhân viên") == [
        "40 - 45%",
        "10 quốc gia",
        "30.000 nhân viên",
    ]
    assert has_figure("đạt doanh thu gần 9.000 tỷ đồng")
    for text in ("Ngày 30/1/2024, tại Hà Nội", "sóng 3G, 4G khắp nơi", "năm 2023 là năm khó"):
        assert not has_figure(text), text


def test_statements_with_business_figures_score_first() -> None:
    revenue = "Giao Hàng Tiết Kiệm hiện đã có 30.000 nhân viên và đạt doanh thu gần 9.000 tỷ đồng."
    money = "VNG phải đầu tư 5 triệu USD để mua các máy tính có năng lực xử lý lớn."
    share = "Kinh tế số đóng góp hơn 30% GDP của cả nước trong thời gian tới."
    plain = "Bộ trưởng cũng cho biết, kết nối doanh nghiệp là nhiệm vụ của Bộ."
    short = "Doanh thu tăng."
    scores = [statement_score(text) for text in (revenue, money, share, plain)]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 4
    assert statement_score(short) < statement_score(plain) + 3
    quoted = "“Chúng tôi đạt 500 kỹ sư công nghệ”, ông Quân nói."
    assert statement_score(quoted) > statement_score("Chúng tôi đạt 500 kỹ sư công nghệ ở đây.")


def test_fast_fold_equals_fold() -> None:
    for number in ("000", "002", "004"):
        text = seed_text(number)
        assert fold_nfc(text) == fold(text)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "orgs.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_malformed_registries_are_refused_with_the_entry_named(tmp_path: Path) -> None:
    entry = (
        '[[organisation]]\nkey = "{key}"\nname = "{name}"\nkind = "{kind}"\naliases = [{aliases}]\n'
    )
    shared = entry.format(key="a", name="A", kind="company", aliases='"X"') + entry.format(
        key="b", name="B", kind="company", aliases='"x"'
    )
    with pytest.raises(RegistryError, match="belongs to both a and b"):
        load_registry(write(tmp_path, shared))
    with pytest.raises(RegistryError, match="kind must be"):
        load_registry(write(tmp_path, entry.format(key="c", name="C", kind="bank", aliases="")))
    with pytest.raises(RegistryError, match="no \\[\\[organisation\\]\\]"):
        load_registry(write(tmp_path, "title = 'empty'\n"))
    bad_case = (
        entry.format(key="d", name="D", kind="media", aliases="") + 'case_sensitive = ["E"]\n'
    )
    with pytest.raises(RegistryError, match="not an alias"):
        load_registry(write(tmp_path, bad_case))


def test_statement_focus_sinks_lists_and_passing_mentions() -> None:
    from digests.analysis.statement_score import statement_focus

    listing = "Tham dự có VNPT, Viettel, Tổng công ty Bưu điện Việt Nam (Vietnam Post), FPT."
    assert statement_focus(listing, ["Vietnam Post"], organisations=4) == 0
    leads = "Ông Giang, Phụ trách HĐTV VNPost đề cập đến việc cải thiện sự hợp tác."
    assert statement_focus(leads, ["VNPost"], organisations=1) == 2
    passing = (
        "Chia sẻ tại buổi làm việc, ông Lê Thanh Long, Giám đốc đài Truyền hình Vĩnh Long cũng "
        "đồng tình với quan điểm của VNPost."
    )
    assert statement_focus(passing, ["VNPost"], organisations=2) == 1


def test_a_known_company_without_articles_gets_one_line() -> None:
    from digests.answers.company import CompanyReport
    from digests.templating import render

    report = CompanyReport("viettel-post", "Viettel Post", "company", [], 0, [], [], "Viettel Post")
    assert render("company", lang="vi", fmt="txt", report=report) == (
        "Viettel Post (doanh nghiệp)\nChưa có bài nào nhắc đến Viettel Post."
    )
    assert render("company", lang="en", fmt="txt", report=report) == (
        "Viettel Post (company)\nNo stored article mentions Viettel Post yet."
    )


def test_associations_and_ministries_share_a_kind_label_true_of_both() -> None:
    """The kind "agency" covers ministries, associations (VINASA, USABC) and the ITU: the label
    must not call an association a state agency."""
    from digests.answers.company import CompanyReport
    from digests.templating import render

    report = CompanyReport("usabc", "USABC", "agency", [], 0, [], [], "USABC")
    assert render("company", lang="vi", fmt="txt", report=report) == (
        "USABC (cơ quan, tổ chức)\nChưa có bài nào nhắc đến USABC."
    )
    assert render("company", lang="en", fmt="txt", report=report) == (
        "USABC (agency or organisation)\nNo stored article mentions USABC yet."
    )


# ----------------------------------------------------------------- /company: which facts first


def _store_article(
    db: Any,
    n: int,
    paragraphs: list[str],
    *,
    title: str,
    published: date,
    date_known: bool = True,
) -> None:
    """An article through the real analysis, as ingest stores it (texts written for tests)."""
    from digests.analysis.analyse import analyse
    from digests.model import CleanArticle, RawDocument
    from digests.store.articles import save_article

    article = CleanArticle(title, published, None, tuple(paragraphs), date_known=date_known)
    url = f"https://vnexpress.net/bai-{n}.html"
    doc = RawDocument(
        origin=url, source="vnexpress.net", raw="\n\n".join(paragraphs), kind="html", url=url
    )
    assert save_article(db, doc, article, analyse(article)) == "added"


def _facts(db: Any, name: str) -> list[str]:
    from digests.answers.company import CompanyReport, company_report

    report = company_report(db, name, limit=8)
    assert isinstance(report, CompanyReport)
    return [s.text for s in report.statements]


def test_company_facts_rank_recent_own_and_specific_first(tmp_path: Path) -> None:
    from digests.store.connection import open_db

    db = open_db(tmp_path / "facts.db")
    _store_article(
        db,
        1,
        [
            # An undated page with a 2015 figure: must not outrank the 2025 results.
            "Năm 2015, VNPT đạt doanh thu 20.000 tỷ đồng, lợi nhuận 2.000 tỷ đồng.",
        ],
        title="Nhìn lại chặng đường của VNPT",
        published=date(2026, 11, 1),
        date_known=False,
    )
    _store_article(
        db,
        2,
        [
            # Sapo, retold in the body below in other words: shown once.
            "VNPT khép lại năm 2025 với doanh thu hợp nhất 61.246 tỷ đồng.",
            "MobiFone đạt doanh thu 26.333 tỷ đồng, trong khi VNPT tập trung vào hạ tầng số.",
            "Năm 2025, doanh thu hợp nhất của Tập đoàn đạt 61.246 tỷ đồng, lợi nhuận trước "
            "thuế đạt 6.598 tỷ đồng.",
            "Các doanh nghiệp tiêu biểu dự hội nghị là Viettel, VNPT, CMC, FPT.",
            "Trong năm 2025, VNPT khép lại năm với doanh thu hợp nhất 61.246 tỷ đồng.",
        ],
        title="VNPT công bố kết quả kinh doanh năm 2025",
        published=date(2025, 12, 30),
    )
    facts = _facts(db, "VNPT")
    assert facts == [
        # The group's headline result, told of "Tập đoàn" in an article about VNPT.
        "Năm 2025, doanh thu hợp nhất của Tập đoàn đạt 61.246 tỷ đồng, lợi nhuận trước thuế "
        "đạt 6.598 tỷ đồng.",
        # The sapo and its retelling state 61.246 again: the same fact, not shown twice.
        "Năm 2015, VNPT đạt doanh thu 20.000 tỷ đồng, lợi nhuận 2.000 tỷ đồng.",
    ]
    # MobiFone's figure is MobiFone's; the list of attendees is a mention, not a fact.
    assert _facts(db, "MobiFone") == [
        "MobiFone đạt doanh thu 26.333 tỷ đồng, trong khi VNPT tập trung vào hạ tầng số."
    ]
    assert _facts(db, "CMC") == []


def test_a_chairmans_own_quote_is_his_companys(tmp_path: Path) -> None:
    from digests.store.connection import open_db

    db = open_db(tmp_path / "quote.db")
    _store_article(
        db,
        1,
        [
            "Ông Tào Đức Thắng, Chủ tịch Viettel cho hay doanh thu năm 2023 tăng 10%.",
            "Nhận định về Bộ TT&TT, ông Tào Đức Thắng khẳng định: “Năm 2023, Bộ TT&TT đã đưa "
            "ra hành lang pháp lý. Các doanh nghiệp đã được tham gia xây dựng Luật Viễn thông”.",
        ],
        title="Doanh nghiệp gặp mặt đầu năm",
        published=date(2024, 1, 30),
    )
    facts = _facts(db, "Viettel")
    assert (
        "Nhận định về Bộ TT&TT, ông Tào Đức Thắng khẳng định: “Năm 2023, Bộ TT&TT đã đưa ra "
        "hành lang pháp lý…”."  # the quotation goes on: its cut is marked
    ) in facts


@pytest.mark.parametrize(
    ("text", "own", "others", "expected"),
    [
        ("Các doanh nghiệp là Viettel, VNPT, CMC, FPT.", ["VNPT"], ["Viettel", "CMC", "FPT"], True),
        ("Viettel, VNPT và FPT sẵn sàng tham gia.", ["FPT"], ["Viettel", "VNPT"], True),
        ("VNPT hợp tác với Viettel và FPT.", ["VNPT"], ["Viettel", "FPT"], False),
        ("VNPT đạt doanh thu lớn.", ["VNPT"], [], False),
    ],
)
def test_listed_names_are_mentions(
    text: str, own: list[str], others: list[str], expected: bool
) -> None:
    from digests.answers.statements import listed

    assert listed(text, own, others) is expected


def test_figures_belong_to_the_organisation_named_before_them() -> None:
    from digests.answers.statements import figures_belong_elsewhere

    text = "MobiFone đạt doanh thu 26.333 tỷ đồng, VNPT đạt 61.246 tỷ đồng."
    assert figures_belong_elsewhere(text, ["VNPT"], ["MobiFone"]) is True
    assert figures_belong_elsewhere(text, ["MobiFone"], ["VNPT"]) is False
    assert figures_belong_elsewhere("VNPT có 100 nhân viên.", ["VNPT"], ["FPT"]) is False


def test_the_same_amounts_are_the_same_fact() -> None:
    from digests.answers.statements import amounts_in, same_amounts

    first = amounts_in("Với giá khởi điểm 11.900 đồng, VNPT sẽ thu về ít nhất hơn 850 tỷ đồng.")
    second = amounts_in("Dự kiến VNPT sẽ thu về ít nhất 850 tỷ đồng.")
    assert (first, second) == (frozenset({"11.900", "850"}), frozenset({"850"}))
    assert same_amounts(first, second, same_story=True)
    assert not same_amounts(first, second, same_story=False)
    assert not same_amounts(frozenset(), frozenset(), same_story=True)


@pytest.mark.parametrize(
    ("text", "published", "year"),
    [
        ("Năm 2015, VTV thay đổi chiến lược.", "2024-01-30", 2015),
        ("Doanh thu tăng 10%.", "2024-01-30", 2024),
        ("Đến năm 2030 phủ 5G.", "2024-01-30", 2024),  # a goal's year is not what it tells
        ("Doanh thu tăng 10%.", None, 0),
        ("Năm 2015, doanh thu 20.000 tỷ đồng.", None, 0),  # undated: unknown, whatever it says
    ],
)
def test_statement_year(text: str, published: str | None, year: int) -> None:
    from digests.answers.statements import statement_year

    assert statement_year(text, published) == year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tại buổi làm việc, nguyên Đại sứ Hoa Kỳ tại Việt Nam Ted G. Osius, Chủ tịch và Giám "
            "đốc điều hành USABC cho biết đoàn có 50 DN.",
            ("Ted G. Osius", "Chủ tịch"),
        ),
        ("Theo CEO Jensen Huang, Nvidia sẽ mở trung tâm.", ("Jensen Huang", "CEO")),
        ("Ông Marc Knapper, Đại sứ Hoa Kỳ, phát biểu.", ("Marc Knapper", "Đại sứ")),
    ],
)
def test_foreign_names_are_linked_to_their_role(text: str, expected: tuple[str, str]) -> None:
    assert [(p.name, p.role) for p in find_people([text], REGISTRY)] == [expected]


def test_vietnamese_syllables_are_not_foreign_names() -> None:
    from digests.analysis.names import looks_foreign

    assert [looks_foreign(w) for w in ("Nam", "Nguyen", "Ted", "Osius", "G.", "Marc")] == [
        False,
        False,
        True,
        True,
        True,
        True,
    ]
