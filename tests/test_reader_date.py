"""Dates as readers write them, the same in digests, store answers, /about and usage errors:
30/01/2024 for Vietnamese readers, 30 Jan 2024 for English ones."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot import answers
from bot.settings import Settings
from digests import cli
from digests.digest.render import render_digest
from digests.digest.select import Coverage, Digest, DigestItem, DigestSection
from digests.model import Analysis, CleanArticle, RawDocument, Sentence
from digests.store.articles import save_article
from digests.store.connection import open_db
from digests.templating import reader_date, render


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (date(2024, 1, 30), "vi", "30/01/2024"),
        (date(2024, 1, 30), "en", "30 Jan 2024"),
        (date(2024, 1, 5), "vi", "05/01/2024"),
        (date(2024, 1, 5), "en", "5 Jan 2024"),
        (datetime(2023, 12, 31, 23, 59), "en", "31 Dec 2023"),
        ("2024-02-01", "vi", "01/02/2024"),
        ("2024-02-01", "en", "1 Feb 2024"),
        ("2024-02-01T07:30:00+07:00", "en", "1 Feb 2024"),
        (" 2024-09-02 ", "vi", "02/09/2024"),
        (date(2024, 1, 30), "fr", "30/01/2024"),  # unknown languages read Vietnamese
        (None, "vi", ""),
        (None, "en", ""),
        ("", "en", ""),
        ("   ", "vi", ""),
        ("khoảng năm 2023", "vi", "khoảng năm 2023"),  # not a date: shown as stored
        ("2024-13-45", "en", "2024-13-45"),
    ],
)
def test_reader_date(value: date | str | None, lang: str, expected: str) -> None:
    assert reader_date(value, lang) == expected


# --------------------------------------------------------------------------- digests


def _digest() -> Digest:
    item = DigestItem(
        article_id=1,
        title="Tin số 1",
        summary="Sản lượng bưu chính tăng 10%.",
        source="vnexpress.net",
        date=date(2024, 1, 5),
        url=None,
    )
    section = DigestSection("postal", "Bưu chính", "Postal", "📮", (item,), 0)
    covered = Coverage(older=1, first=date(2024, 1, 5), last=date(2024, 1, 5))
    return Digest(date(2024, 2, 1), (section,), (1,), coverage=covered)


def test_english_digest_writes_english_dates() -> None:
    assert render_digest(_digest(), lang="en") == [
        "<b>📰 ICT digest for 1 Feb 2024</b>\n1 story from 1 article · 1 theme\n"
        "<i>Nothing new in the last 7 days · published on 5 Jan 2024</i>\n\n"
        "<b>📮 Postal</b>\n"
        "• <b>Tin số 1</b>\n"
        "Sản lượng bưu chính tăng 10%.\n"
        "<i>vnexpress.net · 5 Jan 2024</i>"
    ]
    (text,) = render_digest(_digest(), fmt="txt", lang="en")
    assert text.splitlines()[0] == "ICT DIGEST FOR 1 Feb 2024 — 1 story from 1 article · 1 theme"
    assert "    vnexpress.net · 5 Jan 2024" in text.splitlines()


def test_vietnamese_digest_keeps_day_month_year() -> None:
    assert render_digest(_digest()) == [
        "<b>📰 Bản tin ICT ngày 01/02/2024</b>\n1 tin từ 1 bài · 1 chủ đề\n"
        "<i>Không có bài mới trong 7 ngày qua · bài đăng ngày 05/01/2024</i>\n\n"
        "<b>📮 Bưu chính</b>\n"
        "• <b>Tin số 1</b>\n"
        "Sản lượng bưu chính tăng 10%.\n"
        "<i>vnexpress.net · 05/01/2024</i>"
    ]
    (text,) = render_digest(_digest(), fmt="txt")
    assert text.splitlines()[0] == "BẢN TIN ICT NGÀY 01/02/2024 — 1 tin từ 1 bài · 1 chủ đề"
    assert "    vnexpress.net · 05/01/2024" in text.splitlines()


# --------------------------------------------------------------------------- store answers

ARTICLES = {
    "offset": 0,
    "total": 3,
    "articles": [
        {"id": 1, "published": "2024-01-05", "source": "a.vn", "title": "Một", "url": None},
        {"id": 2, "published": None, "source": "b.vn", "title": "Hai", "url": None},
        {"id": 3, "published": "quý 3/2023", "source": "c.vn", "title": "Ba", "url": None},
    ],
}


def test_article_list_dates_in_each_language() -> None:
    assert render("articles", lang="en", fmt="txt", result=ARTICLES) == (
        "Stored articles 1–3 of 3:\n"
        "#1  5 Jan 2024  a.vn  Một\n"
        "#2  undated  b.vn  Hai\n"
        "#3  quý 3/2023  c.vn  Ba"
    )
    assert render("articles", lang="vi", fmt="txt", result=ARTICLES).splitlines()[1:] == [
        "#1  05/01/2024  a.vn  Một",
        "#2  không rõ ngày  b.vn  Hai",
        "#3  quý 3/2023  c.vn  Ba",
    ]


def _search_result(published: str | None) -> dict[str, object]:
    hit = {
        "title": "Bưu điện số",
        "source": "mic.gov.vn",
        "published": published,
        "url": "https://mic.gov.vn/a",
        "snippet": [{"text": "bưu điện", "hit": True}],
    }
    return {
        "query": "bưu điện",
        "all_words": False,
        "total": 1,
        "total_capped": False,
        "offset": 0,
        "hits": [hit],
    }


def test_citations_date_each_statement_in_the_readers_language() -> None:
    english = render("search", lang="en", fmt="html", result=_search_result("2023-11-28"))
    assert '   <a href="https://mic.gov.vn/a">mic.gov.vn</a>, 28 Nov 2023\n' in english
    vietnamese = render("search", lang="vi", fmt="txt", result=_search_result("2023-11-28"))
    assert "   mic.gov.vn, 28/11/2023 · https://mic.gov.vn/a\n" in vietnamese
    undated = render("search", lang="en", fmt="txt", result=_search_result(None))
    assert "   mic.gov.vn, undated · https://mic.gov.vn/a\n" in undated


def test_reversed_dates_are_echoed_in_english(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = cli.build_parser()
    argv = ["--lang", "en", "--db", str(db_path), "digest", "--since", "2025-01-05"]
    code = cli.dispatch(parser.parse_args([*argv, "--until", "31/12/2023"]), parser)
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(
        "The dates are reversed: --since 5 Jan 2025 is after --until 31 Dec 2023. Swap them."
    ), err


# --------------------------------------------------------------------------- /about


def test_about_gives_the_store_span_in_the_readers_language(db_path: Path) -> None:
    db = open_db(db_path)
    text = "Doanh thu bưu chính tăng 10%."
    for n, day in enumerate((date(2023, 11, 5), date(2024, 1, 30))):
        doc = RawDocument(origin=f"/x/{n}.txt", source="a.vn", raw=f"{text} {n}", kind="text")
        article = CleanArticle(f"Tin {n}", day, None, (f"{text} {n}",))
        save_article(db, doc, article, Analysis(sentences=[Sentence(0, 0, text)]))
    assert "from 5 Nov 2023 to 30 Jan 2024." in answers.about(db, Settings(), "en")
    assert "từ 05/11/2023 đến 30/01/2024." in answers.about(db, Settings(), "vi")
    db.close()
