"""An article that gives no date is never shown with a made-up one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from digests import cli
from digests.analysis.analyse import analyse
from digests.answers.articles import corpus_stats, list_articles
from digests.answers.search import search
from digests.model import RawDocument
from digests.sources.clean import clean_document
from digests.store.articles import save_article
from digests.store.connection import open_db

UNDATED = (
    "VNPT mở rộng mạng cáp quang tới các xã vùng cao\n\n"
    "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT) cho biết đã kéo cáp quang tới 120 xã "
    "vùng cao của các tỉnh phía Bắc, phục vụ hơn 9.000 hộ gia đình. Dự án được triển khai "
    "cùng chính quyền địa phương và các doanh nghiệp trong ngành.\n\n"
    "Theo kế hoạch, doanh nghiệp sẽ tiếp tục mở rộng mạng lưới tới các thôn bản còn lại."
)
DATED = UNDATED.replace("\n\nTập đoàn", "\n\nNgày 30/1/2024, Tập đoàn")


def doc(raw: str, name: str) -> RawDocument:
    return RawDocument(origin=f"/data/{name}", source=name, raw=raw, kind="text")


def test_clean_says_whether_the_document_gave_a_date() -> None:
    undated = clean_document(doc(UNDATED, "a.txt"), today=date(2026, 11, 23))
    assert (undated.published, undated.published_at, undated.date_known) == (
        date(2026, 11, 23),
        None,
        False,
    )
    dated = clean_document(doc(DATED, "b.txt"), today=date(2026, 11, 23))
    assert (dated.published, dated.date_known) == (date(2024, 1, 30), True)


def test_an_undated_article_loaded_again_later_is_unchanged_and_shown_undated(
    tmp_path: Path,
) -> None:
    db = open_db(tmp_path / "u.db")
    for day in (date(2026, 11, 23), date(2026, 12, 1)):
        article = clean_document(doc(UNDATED, "a.txt"), today=day)
        outcome = save_article(db, doc(UNDATED, "a.txt"), article, analyse(article))
        assert outcome == ("added" if day.month == 11 else "unchanged")
    dated = clean_document(doc(DATED, "b.txt"), today=date(2026, 11, 23))
    assert save_article(db, doc(DATED, "b.txt"), dated, analyse(dated)) == "added"

    rows = db.execute("SELECT source, published, date_known FROM articles ORDER BY id").fetchall()
    assert rows == [("a.txt", "2026-11-23", 0), ("b.txt", "2024-01-30", 1)]
    assert [(a.source, a.published) for a in list_articles(db).articles] == [
        ("a.txt", None),
        ("b.txt", "2024-01-30"),
    ]
    hits = {(h.source, h.published) for h in search(db, "cáp quang").hits}
    assert hits == {("a.txt", None), ("b.txt", "2024-01-30")}
    stats = corpus_stats(db)
    assert (stats.first_date, stats.last_date) == ("2024-01-30", "2024-01-30")  # dated only


def test_the_cli_lists_an_undated_file_as_undated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "vnpt.txt").write_text(UNDATED, encoding="utf-8")
    db = str(tmp_path / "cli.db")
    assert cli.main(["--db", db, "ingest", str(tmp_path / "vnpt.txt")]) == 0
    capsys.readouterr()
    assert cli.main(["--db", db, "articles"]) == 0
    assert "#1  không rõ ngày  VNPT mở rộng mạng cáp quang" in capsys.readouterr().out
    assert cli.main(["--db", db, "--lang", "en", "articles"]) == 0
    assert "#1  undated  VNPT mở rộng mạng cáp quang" in capsys.readouterr().out


def test_the_digest_cites_an_undated_article_as_undated(tmp_path: Path) -> None:
    from datetime import datetime

    from digests.digest import render, select

    db = open_db(tmp_path / "d.db")
    article = clean_document(doc(UNDATED, "a.txt"), today=date(2026, 11, 23))
    save_article(db, doc(UNDATED, "a.txt"), article, analyse(article))
    digest = select.build_digest(db, select.window_for_chat(db, None, now=datetime(2026, 11, 23)))
    (text,) = render.render_digest(digest, fmt="txt", lang="vi")
    assert text.endswith("\n    a.txt · không rõ ngày")
    (english,) = render.render_digest(digest, fmt="txt", lang="en")
    assert english.endswith("\n    a.txt · undated")
