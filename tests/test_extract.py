"""HTML pages: main text and metadata through trafilatura, then the same cleaning as text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digests.model import BadItem, RawDocument
from digests.sources.clean import clean_document
from digests.sources.extract import extract_blocks, extract_html

HTML = Path(__file__).resolve().parent / "data" / "html"


def page(name: str) -> str:
    return (HTML / name).read_text(encoding="utf-8")


def html_doc(name: str, url: str | None = None) -> RawDocument:
    return RawDocument(origin=name, source="test", raw=page(name), kind="html", url=url)


# --- extract_html ---------------------------------------------------------------------------
def test_article_text_keeps_paragraphs_apart_and_drops_chrome() -> None:
    text, _ = extract_html(page("article_toquoc.html"))
    paragraphs = text.split("\n\n")
    assert paragraphs[1].startswith("(Tổ Quốc) - Sáng 6/7, Bộ Thông tin và Truyền thông")
    assert "doanh thu ước đạt 14.100 tỷ đồng, tăng 4%" in text
    for chrome in (
        "Đường dây nóng",
        "0901.22.33.66",
        "Trang chủ",
        "Văn hóa",
        "Viettel công bố doanh thu 6 tháng đầu năm",  # related links
        "Bài viết rất hay",  # a reader comment
        "Giấy phép số",
        "(ảnh nhadautu.vn)",  # <figcaption>
    ):
        assert chrome not in text, chrome


def test_article_metadata() -> None:
    _, meta = extract_html(page("article_toquoc.html"), "https://mirror.example/x")
    assert meta == {
        "title": "Bộ trưởng Nguyễn Mạnh Hùng: 5 cơ hội để ngành TT&TT bứt phá vươn lên",
        "date": "2020-07-06T20:45:00+07:00",
        "url": "https://toquoc.vn/bo-truong-5-co-hoi-99200706204500001.htm",
        "sitename": "Báo điện tử Tổ Quốc",
        "page_title": "Bộ trưởng Nguyễn Mạnh Hùng: 5 cơ hội để ngành TT&TT bứt phá vươn lên"
        " | Báo điện tử Tổ Quốc",
    }


def test_headings_are_marked() -> None:
    blocks, _ = extract_blocks(page("article_toquoc.html"))
    assert [b.text for b in blocks if b.is_heading] == [
        "Bộ trưởng Nguyễn Mạnh Hùng: 5 cơ hội để ngành TT&TT bứt phá vươn lên",
        "Năm cơ hội để bứt phá",
    ]


def test_json_ld_date_and_canonical_url() -> None:
    _, meta = extract_html(page("ictnews_jsonld.html"))
    assert meta["date"] == "2024-01-30T09:15:00+07:00"
    assert meta["url"] == (
        "https://ictnews.vn/viettel-dat-doanh-thu-gan-180-000-ty-dong-2024013009150001.htm"
    )
    assert meta["sitename"] == "ICTnews"


@pytest.mark.parametrize("name", ["navigation_only.html", "empty_body.html"])
def test_pages_without_article_give_empty_text(name: str) -> None:
    text, meta = extract_html(page(name), "https://example.vn/")
    assert text == ""
    assert meta["url"] == "https://example.vn/"


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<", "<html", "</div></div>", "<p>", "\x00\x01", "plain words, no markup"],
)
def test_degenerate_input_gives_empty_text(html: str) -> None:
    text, _ = extract_html(html)
    assert text == ""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("<>/pdiv =\"'&;aăâđ\n.")), max_size=300))
def test_random_markup_never_raises(html: str) -> None:
    text, meta = extract_html(html)
    assert isinstance(text, str)
    assert set(meta) == {"title", "date", "url", "sitename", "page_title"}


# --- clean_document on HTML -----------------------------------------------------------------
def test_clean_html_article() -> None:
    article = clean_document(html_doc("article_toquoc.html"), today=date(2025, 1, 1))
    assert article.title == "Bộ trưởng Nguyễn Mạnh Hùng: 5 cơ hội để ngành TT&TT bứt phá vươn lên"
    assert article.published == date(2020, 7, 6)
    assert article.published_at == datetime(2020, 7, 6, 20, 45)
    assert article.url == "https://toquoc.vn/bo-truong-5-co-hoi-99200706204500001.htm"
    assert article.source == "Báo điện tử Tổ Quốc"
    assert article.paragraphs[0].startswith("Sáng 6/7, Bộ Thông tin và Truyền thông (TT&TT)")
    assert article.paragraphs[3] == "Năm cơ hội để bứt phá"
    assert article.headings == frozenset({3})
    assert article.paragraphs[-1].endswith("Bộ trưởng nhấn mạnh./.")
    assert len(article.paragraphs) == 8
    assert "Hồng Hà" not in article.body
    assert article.title not in article.paragraphs


def test_clean_broken_markup_finds_headline_date_and_body() -> None:
    article = clean_document(html_doc("broken_markup.html", "https://ict.nghean.gov.vn/a"))
    assert article.title == "Việt Nam - Hoa Kỳ thúc đẩy hợp tác về chuyển đổi số, kinh tế số"
    assert article.published_at == datetime(2023, 3, 22, 16, 8)
    assert article.paragraphs == (
        "Các doanh nghiệp (DN) Việt Nam - Hoa Kỳ sẽ tiếp tục thúc đẩy hợp tác trong lĩnh vực "
        "thông tin và truyền thông, tập trung hợp tác về chuyển đổi số (CĐS), kinh tế số.",
        "Ngày 22/3/2023, Thứ trưởng Bộ TT&TT Phan Tâm đã tiếp Đoàn DN cấp cao Hoa Kỳ - ASEAN "
        "(USABC) đến thăm và làm việc với Bộ TT&TT.",
        "Việt Nam có cơ hội rất lớn về phát triển kinh tế số",
        "Chiến lược phát triển kinh tế số - xã hội số lấy công nghệ và cơ sở hạ tầng là hai yếu "
        "tố quan trọng để vào năm 2045, kinh tế số đóng góp hơn 30% và nâng lên 40 - 45% GDP.",
        "Thứ trưởng cũng mời các DN Hoa Kỳ có thể tham dự Tuần lễ số được Bộ TT&TT tổ chức "
        "thường niên vào tháng 10 hàng năm.",
    )
    assert article.headings == frozenset({2})


def test_clean_html_drops_inline_captions_links_and_byline() -> None:
    article = clean_document(html_doc("ictnews_jsonld.html"), today=date(2025, 1, 1))
    assert article.title == "Viettel đạt doanh thu gần 180.000 tỷ đồng năm 2023"
    assert article.published_at == datetime(2024, 1, 30, 9, 15)
    assert article.source == "ICTnews"
    body = article.body
    for junk in (
        "bt1.jpg",
        "phát biểu tại buổi gặp mặt",
        "Xem thêm",
        "VNPT công bố kết quả kinh doanh",
        "Minh Anh",
        "Tin liên quan",
        "Hotline",
    ):
        assert junk not in body, junk
    assert "gần 180.000 tỷ đồng, lợi nhuận đạt 51.000 tỷ đồng." in body
    assert len(article.paragraphs) == 4


@pytest.mark.parametrize("name", ["navigation_only.html", "empty_body.html"])
def test_clean_navigation_page_is_a_bad_item(name: str) -> None:
    with pytest.raises(BadItem, match="no article text"):
        clean_document(html_doc(name))


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("http://127.0.0.1:42917/a", "127.0.0.1"),  # no og:site_name: the host, without port
        ("https://www.ict.nghean.gov.vn/a", "ict.nghean.gov.vn"),
        (None, None),  # nothing to go by: the caller names it (host or file name)
    ],
)
def test_page_without_site_name_is_named_by_host(url: str | None, source: str | None) -> None:
    assert clean_document(html_doc("broken_markup.html", url)).source == source


# --- outlet clues of a page: title suffix and closing credit ---------------------------------
HEADLINE = "Viettel đạt doanh thu gần 180.000 tỷ đồng"  # the dot fooled trafilatura's guesses
STORY = (
    "<p>Năm 2023, Viettel đạt doanh thu gần 180.000 tỷ đồng, tăng xấp xỉ 10% so với năm "
    "trước, lợi nhuận đạt 51.000 tỷ đồng.</p>"
    "<p>Theo ông Tào Đức Thắng, Viettel sẽ đầu tư mạnh vào hạ tầng số và trí tuệ nhân tạo "
    "trong năm 2024.</p>"
)


def inline_doc(head: str, body: str, url: str | None = None) -> RawDocument:
    raw = f"<html><head>{head}</head><body><div class='article'>{body}</div></body></html>"
    return RawDocument(origin="page.html", source="page.html", raw=raw, kind="html", url=url)


@pytest.mark.parametrize("h1", [f"<h1>{HEADLINE}</h1>", ""])
def test_title_suffix_names_the_outlet_and_leaves_the_headline(h1: str) -> None:
    doc = inline_doc(f"<title>{HEADLINE} | Báo Tin tức</title>", h1 + STORY)
    article = clean_document(doc, today=date(2025, 1, 1))
    assert article.title == HEADLINE  # was the lead sentence, or "Báo Tin tức"
    assert article.source == "Báo Tin tức (TTXVN)"  # was the headline itself


def test_title_halves_are_not_taken_for_title_or_site_name() -> None:
    _, meta = extract_html(
        inline_doc(f"<title>{HEADLINE} | Báo Tin tức</title>", STORY).raw, "https://x.vn/a"
    )
    assert meta["title"] == HEADLINE
    assert meta["sitename"] == "x.vn"  # the URL's host, not the headline
    assert meta["page_title"] == f"{HEADLINE} | Báo Tin tức"


@pytest.mark.parametrize(
    ("head", "source"),
    [
        (f'<meta property="og:title" content="{HEADLINE} - Báo điện tử VTV">', "VTV"),
        (f"<title>{HEADLINE} - VnExpress</title>", "VnExpress"),
        (f"<title>{HEADLINE} - VTV.VN</title>", "VTV"),
        (f"<title>{HEADLINE} - Tin nóng trong ngày</title>", "x.vn"),  # no site: the host
    ],
)
def test_title_suffixes(head: str, source: str) -> None:
    article = clean_document(inline_doc(head, STORY, "https://x.vn/a"), today=date(2025, 1, 1))
    assert article.title == HEADLINE or article.title.startswith(HEADLINE + " - Tin")
    assert article.source == source


def test_single_h1_is_not_lengthened_by_an_unknown_suffix() -> None:
    doc = inline_doc(f"<title>{HEADLINE} - Tin nóng</title>", f"<h1>{HEADLINE}</h1>" + STORY)
    assert extract_html(doc.raw)[1]["title"] == HEADLINE


def test_headline_with_a_dash_keeps_both_halves() -> None:
    title = "Việt Nam - Hoa Kỳ thúc đẩy hợp tác công nghệ"
    article = clean_document(inline_doc(f"<title>{title}</title>", STORY, "https://x.vn/a"))
    assert article.title == title  # was "Việt Nam"
    assert article.source == "x.vn"


@pytest.mark.parametrize(
    ("head", "url", "source"),
    [
        # the page's declared name stays first, the credited newsroom follows
        ('<meta property="og:site_name" content="VietNamNet">', None, "VietNamNet (theo ICTnews)"),
        ("", "https://x.vn/a", "x.vn (theo ICTnews)"),
        ("", None, "ICTnews"),  # a saved page with no name of its own
        ('<meta property="og:site_name" content="ICTnews">', None, "ICTnews"),
    ],
)
def test_closing_credit_of_a_page(head: str, url: str | None, source: str) -> None:
    for credit in ("<p>(Theo ICTnews)</p>", "<p><strong>Nguồn: ictnews.vn</strong></p>"):
        doc = inline_doc(head, f"<h1>{HEADLINE}</h1>" + STORY + credit, url)
        article = clean_document(doc, today=date(2025, 1, 1))
        assert article.source == source
        assert "ICTnews" not in article.body and "ictnews" not in article.body
        assert article.paragraphs[-1].endswith("trong năm 2024.")
