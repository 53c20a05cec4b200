"""Relevance: a theme is what an article is about, not a word it names in passing.

Every article here is written for these tests: the same theme terms once as the
subject and once in passing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from digests import cli
from digests.analysis import relevance
from digests.digest.select import DigestWindow, build_digest
from digests.ingest import ingest_document
from digests.model import RawDocument
from digests.store.connection import open_db
from digests.store.schema import CORPUS_MIGRATIONS, _corpus_article_themes

# (theme, subject article, passing-mention article): each (title, paragraphs)
PAIRS = [
    (
        "telecom",
        (
            "Nhà mạng tăng tốc phủ sóng 5G tại các khu công nghiệp",
            [
                "Viettel và VNPT cho biết sẽ lắp thêm 2.000 trạm phát sóng 5G trong năm nay.",
                "Cục Viễn thông đã cấp phép sử dụng băng tần cho các nhà mạng sau đấu giá.",
                "Giá cước gói 5G dự kiến không đổi so với gói 4G hiện hành.",
            ],
        ),
        (
            "Nam diễn viên xin lỗi người hâm mộ sau phát ngôn gây tranh cãi",
            [
                "Nam diễn viên nổi tiếng đăng lời xin lỗi sau khi phát ngôn của anh bị chỉ trích.",
                "Người hâm mộ chia nhau bình luận dưới bài đăng của ca sĩ và diễn viên này.",
                "Quản lý của anh cho biết anh sẽ tạm dừng các hoạt động nghệ thuật một thời gian.",
                "Đoạn ghi hình được chia sẻ lại nhiều lần qua mạng di động và nhà mạng trong nước.",
            ],
        ),
    ),
    (
        "postal",
        (
            "Bưu điện Việt Nam mở dịch vụ chuyển phát bưu kiện trong ngày",
            [
                "Tổng công ty Bưu điện Việt Nam (VNPost) ra mắt dịch vụ chuyển phát trong ngày.",
                "Bưu kiện gửi trước 10 giờ tại bưu cục sẽ đến người nhận trước 18 giờ cùng ngày.",
                "Cước chuyển phát được giữ thấp để cạnh tranh với các hãng giao hàng tư nhân.",
            ],
        ),
        (
            "Giao tranh ác liệt, tên lửa bắn vào thành phố miền Bắc Syria",
            [
                "Nhiều quả tên lửa rơi xuống thành phố trong đêm, hàng chục binh sĩ thiệt mạng.",
                "Quân đội hai bên cáo buộc nhau phá vỡ lệnh ngừng bắn.",
                "Liên Hợp Quốc kêu gọi mở hành lang nhân đạo cho dân thường.",
                "Một toà nhà từng là bưu điện của thành phố bị trúng đạn và sập một phần.",
            ],
        ),
    ),
    (
        "cybersecurity",
        (
            "Tin tặc tấn công mạng vào hệ thống email của một bộ",
            [
                "Cục An toàn thông tin cho biết tin tặc đã dùng mã độc để xâm nhập hệ thống email.",
                "Lỗ hổng trên máy chủ thư đã được vá sau khi phát hiện cuộc tấn công mạng.",
                "Chưa có dữ liệu mật nào bị lộ, theo kết quả rà soát ban đầu.",
            ],
        ),
        (
            "Đội chủ nhà thắng đậm nhờ lối chơi tấn công",
            [
                "Đội tuyển chủ nhà thắng 4-1 trong trận đấu tối qua nhờ lối chơi tấn công tốc độ.",
                "HLV trưởng khen các cầu thủ trẻ đã giữ được sự tập trung suốt trận.",
                "Sau trận đấu, cổ động viên ăn mừng trên đường phố tới khuya.",
                "Trang web bán vé từng bị tin tặc làm gián đoạn vài giờ trước trận.",
            ],
        ),
    ),
    (
        "press",
        (
            "Hội Nhà báo trao Giải Báo chí quốc gia cho 120 tác phẩm",
            [
                "Hội Nhà báo Việt Nam tối qua trao Giải Báo chí quốc gia cho 120 tác phẩm.",
                "Các cơ quan báo chí địa phương có số giải cao nhất từ trước tới nay.",
                "Ban tổ chức cho biết báo chí điều tra và truyền hình chiếm phần lớn giải A.",
            ],
        ),
        (
            "Nữ ca sĩ lên tiếng về tin đồn tình cảm trên mạng xã hội",
            [
                "Nữ ca sĩ trẻ vừa lên tiếng phủ nhận tin đồn hẹn hò lan truyền trên mạng xã hội.",
                "Cô cho biết sẽ tập trung cho chuyến lưu diễn và album mới vào cuối năm.",
                "Người hâm mộ bày tỏ sự ủng hộ dưới bài đăng của nữ ca sĩ.",
                "Một số trang báo chí giải trí đã gỡ bài viết về tin đồn này.",
            ],
        ),
    ),
    (
        "ai",
        (
            "Ngân hàng dùng trí tuệ nhân tạo để duyệt hồ sơ vay",
            [
                "Một ngân hàng thương mại đưa mô hình trí tuệ nhân tạo vào duyệt hồ sơ vay nhỏ.",
                "Hệ thống AI chấm điểm tín dụng trong vài giây, nhân viên vẫn quyết định cuối.",
                "Thuật toán được huấn luyện trên dữ liệu đã ẩn danh của khách hàng cũ.",
            ],
        ),
        (
            "Trường chuyên công bố điểm chuẩn vào lớp 10",
            [
                "Trường THPT chuyên của tỉnh vừa công bố điểm chuẩn vào lớp 10 năm học mới.",
                "Thí sinh trúng tuyển cần nộp hồ sơ trước ngày 20 tại phòng giáo vụ.",
                "Năm nay trường mở thêm một lớp định hướng trí tuệ nhân tạo (AI).",
            ],
        ),
    ),
]


def _scores(title: str, paragraphs: list[str]) -> dict[str, float]:
    sentences = [(text, i, False) for i, text in enumerate(paragraphs)]
    return {k: r.score for k, r in relevance.score_article(title, sentences).items()}


@pytest.mark.parametrize(("theme", "subject", "passing"), PAIRS, ids=[p[0] for p in PAIRS])
def test_the_same_terms_count_as_the_subject_not_in_passing(
    theme: str, subject: tuple[str, list[str]], passing: tuple[str, list[str]]
) -> None:
    cutoff = relevance.threshold()
    assert _scores(*subject)[theme] >= cutoff
    assert _scores(*passing)[theme] > 0  # the terms are there…
    assert not relevance.is_sector_news(_scores(*passing))  # …but it is no sector news


def test_a_sector_outlet_needs_less_evidence() -> None:
    title = "Hội nghị tổng kết năm của doanh nghiệp"
    body = ["Hội nghị bàn kế hoạch năm tới.", "Nhà mạng sẽ mở rộng vùng phủ sóng ở nông thôn."]
    sentences = [(text, i, False) for i, text in enumerate(body)]
    general = relevance.score_article(title, sentences)["telecom"].score
    sector = relevance.score_article(title, sentences, sector_outlet=True)["telecom"].score
    assert sector == pytest.approx(general * load_factor())


def load_factor() -> float:
    return relevance.load_rules().sector_outlet_factor


def _store(db: Database, title: str, paragraphs: list[str], name: str) -> None:
    doc = RawDocument(
        origin=f"mixed/{name}.txt",
        source="mixed",
        raw=title + "\n\n" + "\n\n".join(paragraphs),
        kind="text",
        title_hint=title,
    )
    assert ingest_document(db, doc) == "added"


@pytest.fixture
def mixed(tmp_path: Path) -> Database:
    """A store with every pair: ids 1, 3, 5… are the subjects, 2, 4, 6… in passing."""
    db = open_db(tmp_path / "mixed.db")
    for n, (_, subject, passing) in enumerate(PAIRS):
        _store(db, *subject, f"{n}-subject")
        _store(db, *passing, f"{n}-passing")
    return db


def test_scores_are_stored_at_ingest_and_the_threshold_applies_when_read(mixed: Database) -> None:
    about = relevance.themes_of(mixed, range(1, 11))
    assert {i: sorted(themes) for i, themes in about.items() if themes} == {
        1: ["telecom"],
        3: ["postal"],
        5: ["cybersecurity"],
        7: ["press"],
        9: ["ai"],
    }
    stored = mixed.execute("SELECT COUNT(*) FROM article_themes").fetchone()[0]
    assert stored == 10 * 5  # every theme of every article, zero included
    # The threshold changes without re-ingesting: at 0 every named theme counts.
    assert relevance.themes_of(mixed, [2], cutoff=0.01)[2]


def test_a_digest_over_the_mixed_stream_shows_only_the_sector_stories(mixed: Database) -> None:
    digest = build_digest(mixed, DigestWindow())
    shown = {item.article_id for section in digest.sections for item in section.items}
    assert shown == {1, 3, 5, 7, 9}


def test_rescore_fills_scores_for_articles_stored_before_relevance(tmp_path: Path) -> None:
    db = open_db(tmp_path / "old.db")
    _store(db, *PAIRS[0][1], "old")
    db.execute("DELETE FROM article_themes")  # as a store from before the migration
    assert relevance.themes_of(db, [1]) == {1: {}}
    assert relevance.rescore(db) == 1
    assert list(relevance.themes_of(db, [1])[1]) == ["telecom"]


def test_the_migration_scores_articles_already_stored(tmp_path: Path) -> None:
    path = tmp_path / "upgrade.db"
    db = open_db(path)
    _store(db, *PAIRS[3][1], "press")
    db.execute("DROP TABLE article_themes")
    step = CORPUS_MIGRATIONS.index(_corpus_article_themes) + 1
    db.execute("DELETE FROM schema_migrations WHERE namespace = 'corpus' AND version >= ?", [step])
    db.close()
    upgraded = open_db(path)
    assert list(relevance.themes_of(upgraded, [1])[1]) == ["press"]


def test_articles_json_shows_each_articles_themes_with_scores(
    mixed: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["articles", "--json", "--db", str(tmp_path / "mixed.db")]) == 0
    listed = {a["id"]: a["themes"] for a in json.loads(capsys.readouterr().out)["articles"]}
    assert list(listed[1]) == ["telecom"] and listed[1]["telecom"] >= relevance.threshold()
    assert listed[2] == {}


def test_why_explains_each_theme_in_one_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "why.db"
    db = open_db(path)
    _store(db, *PAIRS[0][1], "subject")
    _store(db, *PAIRS[3][2], "passing")
    assert cli.main(["why", "1", "--db", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out == (
        "#1 Nhà mạng tăng tốc phủ sóng 5G tại các khu công nghiệp — mixed\n"
        "Sector news: about Telecom.\n"
        "✓ Telecom: 56.0 / threshold 10.5\n"
        "   +9.0  theme term: «Nhà mạng» (headline)\n"
        "   +9.0  theme term: «phủ sóng» (headline)\n"
        "   +9.0  theme term: «5G» (headline)\n"
        "   +6.0  theme term: «trạm phát sóng» (lead)\n"
        "   … and 10 smaller pieces of evidence\n"
        "✗ Postal: 0.0 / threshold 10.5\n"
        "✗ Artificial intelligence: 0.0 / threshold 10.5\n"
        "✗ Cybersecurity: 0.0 / threshold 10.5\n"
        "✗ Press & publishing: 0.0 / threshold 10.5\n"
    )
    assert cli.main(["why", "2", "--db", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[:9] == [
        "#2 Nữ ca sĩ lên tiếng về tin đồn tình cảm trên mạng xã hội — mixed",
        "Không phải tin ngành: không chủ đề nào đạt ngưỡng 10.5. "
        "Bài vẫn được lưu và tìm được, nhưng không vào bản tin.",
        "✗ Báo chí – Xuất bản: 6.9 / ngưỡng 10.5 (ủng hộ 15.0, bị trừ vì nội dung khác 7.0)",
        "   +6.0  từ của chủ đề: «mạng xã hội» (tiêu đề)",
        "   +3.0  từ của chủ đề: «tin đồn» (tiêu đề)",
        "   +3.0  số câu nói về chủ đề: «2/4» (cả bài)",
        "   +2.0  từ của chủ đề: «báo chí» (đầu bài)",
        "   -6.0  chống lại (người nổi tiếng): «ca sĩ» (tiêu đề)",
        "   -1.0  chống lại (người nổi tiếng): «Người hâm mộ» (đầu bài)",
    ]


def test_why_answers_politely_for_an_unknown_article(
    mixed: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "mixed.db")
    assert cli.main(["why", "https://example.vn/khong-co", "--db", path, "--lang", "en"]) == 1
    assert capsys.readouterr().out == (
        "No article “https://example.vn/khong-co” in the store. List ids with: ictdigest articles\n"
    )
    assert cli.main(["why", "--db", path, "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith("Please give the article id or URL.")


def test_a_relevance_failure_loses_no_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> dict[str, float]:
        raise RuntimeError("bug in a rule")

    monkeypatch.setattr(relevance, "theme_scores", broken)
    db = open_db(tmp_path / "kept.db")
    _store(db, *PAIRS[0][1], "kept")  # stored and searchable…
    assert relevance.themes_of(db, [1]) == {1: {}}  # …in no digest until rescored
    monkeypatch.undo()
    relevance.rescore(db)
    assert list(relevance.themes_of(db, [1])[1]) == ["telecom"]


def test_an_article_from_a_sector_outlet_needs_less_evidence_to_be_stored_as_sector_news(
    tmp_path: Path,
) -> None:
    title = "Doanh nghiệp tổng kết năm, đặt kế hoạch cho năm tới"
    body = [
        "Tại hội nghị tổng kết, lãnh đạo công ty cho biết doanh thu tăng 12%.",
        "Năm tới, doanh nghiệp sẽ mở rộng mạng cáp quang tới 300 xã.",
        "Công ty cũng sẽ tuyển thêm 500 nhân viên kỹ thuật.",
    ]
    db = open_db(tmp_path / "outlets.db")
    for n, sector in enumerate((False, True)):
        doc = RawDocument(
            origin=f"outlet/{n}.txt",
            source=f"outlet{n}",
            raw=title + "\n\n" + "\n\n".join(body) + f"\n\nBài số {n}.",
            kind="text",
            title_hint=title,
            sector_outlet=sector,
        )
        assert ingest_document(db, doc) == "added"
    assert relevance.themes_of(db, [1, 2]) == {1: {}, 2: {"telecom": pytest.approx(14.4)}}
    general = relevance.all_scores_of(db, [1])[1]["telecom"]
    assert general == pytest.approx(14.4 / relevance.load_rules().sector_outlet_factor)
    relevance.rescore(db)  # the mark survives a rescore
    assert relevance.themes_of(db, [2])[2]["telecom"] == pytest.approx(14.4)


def test_why_finds_an_article_by_id_or_url(tmp_path: Path) -> None:
    from digests.answers.why import find_article

    db = open_db(tmp_path / "urls.db")
    title, paragraphs = PAIRS[1][1]
    doc = RawDocument(
        origin="https://example.vn/buu-dien?utm_source=x",
        source="example.vn",
        raw=title + "\n\n" + "\n\n".join(paragraphs),
        kind="text",
        url="https://Example.vn/buu-dien?utm_source=x",
        title_hint=title,
    )
    assert ingest_document(db, doc) == "added"
    assert find_article(db, "1") == find_article(db, "#1") == 1
    assert find_article(db, "https://example.vn/buu-dien") == 1
    assert find_article(db, "2") is None
    assert find_article(db, "bưu điện") is None


def test_viettels_own_name_is_no_war() -> None:
    from digests.analysis.relevance import score_article

    title = "Viettel thử nghiệm mạng 6G tại Hà Nội"
    sentences = [
        (
            "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel) vừa thử nghiệm mạng 6G "
            "với tốc độ 12,5 Gbps tại 24 trạm phát sóng ở Hà Nội.",
            0,
            False,
        ),
        ("Viettel cho biết sẽ thương mại hoá 6G trước năm 2030.", 1, False),
    ]
    telecom = score_article(title, sentences)["telecom"]
    assert telecom.against == 0, telecom.evidence
    # The army itself still speaks against: a parade is no telecom news.
    parade = [("Quân đội tổ chức duyệt binh, Viettel phủ sóng 5G khu vực lễ.", 0, False)]
    assert score_article("Lễ duyệt binh", parade)["telecom"].against > 0
