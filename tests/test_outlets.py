"""Outlet names from the clues a page gives: hosts, datelines, contact e-mails, banners."""

from __future__ import annotations

import pytest

from digests.outlets import (
    from_banner,
    from_contact,
    from_dateline,
    from_sitename,
    host_of,
    known_outlet,
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
