"""Outlet names from the clues a page gives: hosts, datelines, contact e-mails, banners,
HTML title suffixes and the closing credit of a republished story."""

from __future__ import annotations

import pytest

from digests.analysis.companies import load_registry
from digests.analysis.mentions import scan_sentence
from digests.sources.outlets import (
    declared_name,
    from_banner,
    from_contact,
    from_credit,
    from_dateline,
    from_glued_credit,
    from_sitename,
    from_title,
    host_of,
    is_credit_line,
    known_outlet,
    outlet_name,
    split_title,
    with_credit,
)


@pytest.mark.parametrize(
    ("given", "host"),
    [
        ("http://127.0.0.1:42917/a1", "127.0.0.1"),
        ("127.0.0.1:42917", "127.0.0.1"),
        ("https://WWW.ToQuoc.vn/bai-viet.htm", "toquoc.vn"),
        ("www.ictnews.vn", "ictnews.vn"),
        ("localhost:8080", "localhost"),
    ],
)
def test_host_of(given: str, host: str) -> None:
    assert host_of(given) == host


def test_known_outlet_covers_sub_domains() -> None:
    assert known_outlet("toasoan.toquoc.gov.vn") == "Tổ Quốc"
    assert known_outlet("m.vov.vn") == "VOV"
    assert known_outlet("ict.nghean.gov.vn") is None
    assert known_outlet("gov.vn") is None


@pytest.mark.parametrize(
    ("sitename", "outlet"),
    [
        ("Báo điện tử  Tổ Quốc", "Báo điện tử Tổ Quốc"),
        ("127.0.0.1:42917", "127.0.0.1"),  # trafilatura's fallback from the URL's netloc
        ("www.toquoc.vn", "toquoc.vn"),
        ("ICTnews", "ICTnews"),
        ("  ", None),
        (None, None),
    ],
)
def test_from_sitename(sitename: str | None, outlet: str | None) -> None:
    assert from_sitename(sitename) == outlet


@pytest.mark.parametrize(
    ("label", "outlet"),
    [
        ("Tổ Quốc", "Tổ Quốc"),
        ("VOV.VN", "VOV"),
        ("TTO", "Tuổi Trẻ"),
        ("TTXVN", "TTXVN"),
        ("Theo VnExpress", "VnExpress"),
        ("Chinhphu.vn", "Báo Chính phủ"),
        ("Baomoi-abc.vn", "baomoi-abc.vn"),
        ("PV", None),
        ("Một con số rất lớn và đáng chú ý khác", None),  # too long for a newsroom's name
        ("Bộ nói rằng", None),
    ],
)
def test_from_dateline(label: str, outlet: str | None) -> None:
    assert from_dateline(label) == outlet


def test_from_contact_takes_the_newsroom_mail_not_webmail() -> None:
    assert from_contact(["0901.22.33.66 - toasoan@toquoc.gov.vn"]) == "Tổ Quốc"
    assert from_contact(["Email: abc@gmail.com", "bbt@tapchi-x.vn"]) == "tapchi-x.vn"
    assert from_contact(["Hotline: 0901.22.33.66"]) is None


@pytest.mark.parametrize(
    ("banner", "outlet"),
    [
        (
            "Trung tâm Công nghệ thông tin và Truyền thông Nghệ An",
            "Trung tâm Công nghệ thông tin và Truyền thông Nghệ An",
        ),
        ("Tin", None),  # one word: a section label
        ("bấm vào đây", None),
        ("Đây là một câu.", None),
    ],
)
def test_from_banner(banner: str, outlet: str | None) -> None:
    assert from_banner(banner) == outlet


@pytest.mark.parametrize(
    ("name", "outlet"),
    [
        ("ictnews.vn", "ICTnews"),  # a host: the name used for that host everywhere
        ("https://ictnews.vn/viettel-dat-doanh-thu.htm", "ICTnews"),
        ("baomoi-abc.vn", "baomoi-abc.vn"),  # an unknown host is still a host
        ("Báo Tin tức/TTXVN", "Báo Tin tức (TTXVN)"),  # baotintuc.vn's name
        ("Báo Tin tức", "Báo Tin tức (TTXVN)"),
        ("TTXVN", "TTXVN"),
        ("báo Nhân Dân", "Nhân Dân"),
        ("Báo điện tử VTV", "VTV"),
        ("Tuổi Trẻ Online", "Tuổi Trẻ"),
        ("vnexpress", "VnExpress"),
        ("Minh Anh/TTXVN", "TTXVN"),  # a writer and her newsroom
        ("báo Người Lao Động", "Người Lao Động"),  # a known newsroom, by its usual name
        ("báo Lao Động Thủ đô", "Báo Lao Động Thủ đô"),  # unknown, but named like a newsroom
        ("Cổng thông tin điện tử tỉnh Nghệ An", "Cổng thông tin điện tử tỉnh Nghệ An"),
        ("VTC News", "VTC News"),
        ("Reuters", None),  # not known here: never guessed
        ("Tổng cục Thống kê", None),  # a data source, not a newsroom
        ("Báo lãi kỷ lục", None),  # "báo" the verb
        ("Bão Yagi", None),
        ("ông Thắng", None),
        ("", None),
    ],
)
def test_outlet_name(name: str, outlet: str | None) -> None:
    assert outlet_name(name) == outlet


def test_split_title_cuts_at_the_last_separator() -> None:
    assert split_title("Việt Nam - Hoa Kỳ hợp tác - VnExpress") == (
        "Việt Nam - Hoa Kỳ hợp tác",
        "VnExpress",
    )
    assert split_title("Viettel báo lãi | Báo Tin tức") == ("Viettel báo lãi", "Báo Tin tức")
    assert split_title("Viettel-VNPT hợp tác") is None  # an unspaced hyphen is no separator


@pytest.mark.parametrize(
    ("title", "outlet"),
    [
        ("Viettel đạt doanh thu gần 180.000 tỷ đồng | Báo Tin tức", "Báo Tin tức (TTXVN)"),
        ("Viettel đạt doanh thu gần 180.000 tỷ đồng - VnExpress", "VnExpress"),
        ("Viettel đạt doanh thu gần 180.000 tỷ đồng - Báo điện tử VTV", "VTV"),
        ("Việt Nam - Hoa Kỳ - VnExpress", "VnExpress"),
        ("Việt Nam - Hoa Kỳ thúc đẩy hợp tác công nghệ", None),  # the headline's second half
        ("Viettel - Báo lãi kỷ lục", None),
        ("Viettel đạt doanh thu gần 180.000 tỷ đồng", None),
        ("| Báo Tin tức", None),  # no headline before the suffix
        (None, None),
    ],
)
def test_from_title(title: str | None, outlet: str | None) -> None:
    assert from_title(title) == outlet


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("Nguồn: Báo Tin tức/TTXVN", "Báo Tin tức (TTXVN)"),
        ("Nguồn: ictnews.vn", "ICTnews"),
        ("Nguồn tin: VOV.VN", "VOV"),
        ("Theo VnExpress", "VnExpress"),
        ("Theo VnExpress.", "VnExpress"),
        ("(Theo ICTnews)", "ICTnews"),
        ("Hải Yến (theo TTXVN)", "TTXVN"),
        ("Theo Reuters", None),
        ("Theo ông Thắng, doanh thu năm nay tăng 10%.", None),
        ("Doanh thu tăng 10% (theo VnExpress).", None),  # a sentence citing, not a credit
        ("Nguồn ảnh: VnExpress", None),
    ],
)
def test_from_credit(line: str, outlet: str | None) -> None:
    assert from_credit(line) == outlet


def test_glued_credit_after_the_last_sentence() -> None:
    assert from_glued_credit("Bộ trưởng nhấn mạnh./. (Theo TTXVN)") == "TTXVN"
    assert from_glued_credit("trong năm 2024. Theo VnExpress") == "VnExpress"
    assert from_glued_credit("phủ sóng toàn quốc. Vũ Hoàng (Theo VnExpress)") == "VnExpress"
    assert from_glued_credit("Doanh thu tăng 10% (theo VnExpress).") is None  # a citation
    assert from_glued_credit("doanh thu tăng theo VnExpress") is None


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Theo VnExpress.", True),
        ("Theo Reuters.", True),  # furniture even when the outlet is unknown
        ("(Theo ICTnews).", True),
        ("Hải Yến (Theo TTXVN).", True),
        ("Theo kế hoạch, Viettel phủ 5G toàn quốc năm 2025.", False),
        ("Theo Bộ trưởng.", False),
    ],
)
def test_is_credit_line(line: str, credit: bool) -> None:
    assert is_credit_line(line) is credit


@pytest.mark.parametrize(
    ("own", "credit", "shown"),
    [
        ("VietNamNet", "ICTnews", "VietNamNet (theo ICTnews)"),  # a republication
        ("VietNamNet", "Báo Tin tức (TTXVN)", "VietNamNet (theo Báo Tin tức)"),
        ("Báo Tin tức (TTXVN)", "TTXVN", "Báo Tin tức (TTXVN)"),  # its own newsroom
        ("ICTnews", "ICTnews", "ICTnews"),
        (None, "TTXVN", "TTXVN"),  # no name of its own: the story's outlet
        ("VietNamNet", None, "VietNamNet"),
        (None, None, None),
    ],
)
def test_with_credit(own: str | None, credit: str | None, shown: str | None) -> None:
    assert with_credit(own, credit) == shown


# --- dateline abbreviations, declared names, and outlets never invented -----------------------
@pytest.mark.parametrize(
    ("label", "outlet"),
    [
        ("TBTCO", "Thời báo Tài chính Việt Nam"),
        ("BĐT", "Báo Đấu thầu"),
        ("TTXVN", "TTXVN"),
        ("VOV", "VOV"),
        ("VTV", "VTV"),
        ("ICTnews", "ICTnews"),
        ("VTC News", "VTC News"),
        ("MIC", "Bộ Thông tin và Truyền thông"),
        ("PV", None),  # a reporter, not an outlet
        ("CTV", None),
    ],
)
def test_dateline_abbreviations_name_outlets(label: str, outlet: str | None) -> None:
    assert from_dateline(label) == outlet


@pytest.mark.parametrize(
    ("credit", "outlet"),
    [
        ("Theo TBTCO", "Thời báo Tài chính Việt Nam"),
        ("(Theo BĐT)", "Báo Đấu thầu"),
        ("Nguồn: baodauthau.vn", "Báo Đấu thầu"),
    ],
)
def test_credits_by_abbreviation(credit: str, outlet: str) -> None:
    assert from_credit(credit) == outlet


@pytest.mark.parametrize(
    ("declared", "shown"),
    [
        ("TUOI TRE ONLINE", "Tuổi Trẻ"),  # written without accents: the usual name
        ("VNEXPRESS", "VnExpress"),
        ("Báo điện tử Dân Trí", "Báo điện tử Dân Trí"),  # written properly: as declared
        ("Trang tin Công nghệ ABC", "Trang tin Công nghệ ABC"),
    ],
)
def test_declared_name(declared: str, shown: str) -> None:
    assert declared_name(declared) == shown


@pytest.mark.parametrize(
    ("sentence", "invented"),
    [
        ("Nhà báo Nguyễn Việt Phú cho biết thị trường quảng cáo số đang thay đổi.", "Phú"),
        (
            "Câu lạc bộ Nhà báo Công nghệ Thông tin Việt Nam tổ chức hội thảo về AI.",
            "Công nghệ Thông tin Việt Nam",
        ),
    ],
)
def test_a_journalist_or_a_club_is_no_newspaper(sentence: str, invented: str) -> None:
    registry = load_registry()
    scan = scan_sentence(sentence, registry)
    names = [hit.discovered.name for hit in scan.orgs if hit.discovered is not None]
    assert not [name for name in names if invented in name]


def test_a_newspaper_named_after_bao_is_still_found() -> None:
    scan = scan_sentence("Theo báo Người Đưa Tin, dự án đã hoàn thành.", load_registry())
    assert [hit.discovered.name for hit in scan.orgs if hit.discovered] == ["Báo Người Đưa Tin"]
