"""/search syntax: quoted phrases, -word, OR; typed marks rank exact spellings first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from digests.answers.common import BadArgument
from digests.answers.search import search
from digests.answers.search_query import fts_match, parse
from digests.model import Analysis, CleanArticle, RawDocument, Sentence
from digests.store.articles import save_article
from digests.store.connection import open_db
from digests.templating import render


def _add(db: Database, n: int, title: str, body: str, published: date) -> None:
    article = CleanArticle(title, published, None, (body,))
    analysis = Analysis(sentences=[Sentence(0, 0, body)])
    url = f"https://vnexpress.net/bai-{n}.html"
    doc = RawDocument(origin=url, source="vnexpress.net", raw=body, kind="html", url=url)
    assert save_article(db, doc, article, analysis) == "added"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    db = open_db(tmp_path / "search.db")
    _add(db, 1, "Viettel phủ sóng 5G", "Viettel phủ sóng 5G tại 63 tỉnh thành.", date(2025, 1, 2))
    _add(db, 2, "VNPT thử nghiệm 5G", "VNPT thử nghiệm 5G tại Hà Nội.", date(2025, 1, 3))
    _add(db, 3, "Bưu điện Hà Nội", "Bưu điện Hà Nội mở thêm điểm giao dịch.", date(2025, 1, 4))
    _add(db, 4, "Cầu Hồng Hà thông xe", "Cầu Hồng Hà nối hai bờ sông.", date(2025, 1, 5))
    _add(
        db,
        5,
        "Hồng hạ tầng: sông Hồng, hạ tầng số",
        "Ven sông Hồng hạ tầng số được nâng cấp; sông Hồng hạ tầng mới.",
        date(2025, 1, 6),
    )
    return db


def ids(db: Database, query: str) -> list[int]:
    return [hit.article_id for hit in search(db, query).hits]


def test_minus_leaves_articles_out(db: Database) -> None:
    assert sorted(ids(db, "5G")) == [1, 2]
    assert ids(db, "5G -viettel") == [2]
    assert ids(db, '5G -"phủ sóng"') == [2]


def test_only_left_out_words_get_a_polite_line(db: Database) -> None:
    with pytest.raises(BadArgument) as caught:
        search(db, "-viettel")
    assert caught.value.code == "only_excluded"
    text = render(
        "usage", lang="vi", fmt="txt", code="only_excluded", params={}, command="search", prefix=""
    )
    assert text.splitlines()[0] == (
        "Cần ít nhất một từ để tìm; “-từ” chỉ để loại các bài có từ ấy, ví dụ: 5G -viettel."
    )


def test_or_finds_either(db: Database) -> None:
    assert sorted(ids(db, "viettel OR vnpt")) == [1, 2]
    assert sorted(ids(db, "viettel OR vnpt -viettel")) == [2]


def test_a_quoted_phrase_and_words_anywhere(db: Database) -> None:
    assert ids(db, '"bưu điện" Hà Nội') == [3]
    assert ids(db, '"Hà Nội bưu điện"') == []


def test_typed_marks_rank_the_exact_spelling_first(db: Database) -> None:
    # Both match "hong ha" folded; the one with "Hồng Hà" as typed comes first.
    assert ids(db, "Hồng Hà")[0] == 4
    assert ids(db, "hong ha")[0] == 5  # no marks typed: plain bm25 (title weighted)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("viettel OR vnpt", '("viettel") OR ("vnpt")'),
        ("5G -viettel", '(("5g")) NOT "viettel"'),
        ('"bưu điện" Hà Nội', '("buu dien" AND "ha" AND "noi")'),
        ("NEAR(x y)", '("near x" AND "y")'),  # a token with punctuation is a phrase
    ],
)
def test_fts_expressions_quote_every_word(text: str, expected: str) -> None:
    assert fts_match(parse(text)) == expected


def test_plain_words_stay_plain() -> None:
    query = parse("chuyển đổi số")
    assert not query.syntax
    assert fts_match(query, phrase=True) == '"chuyen doi so"'
