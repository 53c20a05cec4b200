"""Stories across outlets: one event told by several outlets is one story, another event
of the same company is another story.  The articles below are written for these tests."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from digests import cli
from digests.analysis.analyse import analyse
from digests.ingest import ingest
from digests.model import CleanArticle, RawDocument
from digests.sources.clean import clean_document
from digests.store import stories as story_store
from digests.store.connection import open_db
from digests.store.transactions import write_transaction
from digests.stories import cluster as story_cluster
from digests.stories import minhash as stories
from digests.stories import signals as story_signals
from digests.textnorm import fold

# One event (a product launch) told by two outlets in their own words ...
LAUNCH = (
    "VNPT ra mắt nền tảng AI tạo sinh cho doanh nghiệp Việt",
    "Ngày 18/12, tại Hà Nội, Tập đoàn VNPT chính thức giới thiệu nền tảng trí tuệ nhân tạo "
    "tạo sinh VNPT GenAI dành cho doanh nghiệp và cơ quan nhà nước.",
    "Theo Tổng Giám đốc VNPT Huỳnh Quang Liêm, nền tảng được huấn luyện trên dữ liệu tiếng "
    "Việt và có thể triển khai ngay trên hạ tầng đám mây trong nước.",
    "VNPT cho biết đã đầu tư khoảng 500 tỷ đồng cho hệ thống máy chủ GPU phục vụ nền tảng này.",
    "Trong giai đoạn thử nghiệm, hơn 300 doanh nghiệp đã dùng VNPT GenAI để tự động trả lời "
    "khách hàng, tóm tắt văn bản và tra cứu hồ sơ.",
    "Nền tảng hỗ trợ 12 ngôn ngữ, trong đó có tiếng Anh, tiếng Trung và tiếng Hàn.",
)
LAUNCH_RETOLD = (
    "Ra mắt VNPT GenAI: doanh nghiệp có thêm trợ lý AI nói tiếng Việt",
    "Chiều 18/12/2025, VNPT công bố VNPT GenAI, một nền tảng AI tạo sinh do đội ngũ kỹ sư "
    "của tập đoàn tự phát triển.",
    "Phát biểu tại buổi ra mắt ở Hà Nội, ông Huỳnh Quang Liêm, Tổng Giám đốc VNPT, khẳng định "
    "dữ liệu của khách hàng được lưu trữ hoàn toàn tại Việt Nam.",
    "Để vận hành VNPT GenAI, tập đoàn đã chi khoảng 500 tỷ đồng xây dựng cụm máy chủ GPU.",
    "Trước khi ra mắt, nền tảng đã được hơn 300 doanh nghiệp dùng thử trong các việc như "
    "chăm sóc khách hàng và xử lý văn bản.",
    "Người dùng có thể trò chuyện với trợ lý bằng 12 ngôn ngữ.",
)
# ... and the same company, the same chief executive, AI again, but another event.
SIGNING = (
    "VNPT ký thỏa thuận chuyển đổi số với tỉnh Nghệ An",
    "Ngày 25/12, Tập đoàn VNPT và UBND tỉnh Nghệ An ký thỏa thuận hợp tác về chuyển đổi số "
    "giai đoạn 2026-2030.",
    "Theo thỏa thuận, VNPT sẽ hỗ trợ tỉnh xây dựng trung tâm điều hành thông minh và nền tảng "
    "dữ liệu dùng chung.",
    "Tổng Giám đốc VNPT Huỳnh Quang Liêm cho biết tập đoàn sẽ đưa các giải pháp trí tuệ nhân "
    "tạo vào dịch vụ công của tỉnh.",
    "Chủ tịch UBND tỉnh Nghệ An đề nghị VNPT phủ sóng cáp quang tới 100% thôn bản trong năm 2026.",
)


def article(text: tuple[str, ...], day: date | None = None) -> CleanArticle:
    return CleanArticle(
        title=text[0],
        published=day or date(2026, 1, 5),
        published_at=None,
        paragraphs=text[1:],
        date_known=day is not None,
    )


def profiles(*articles: CleanArticle) -> list[story_signals.StoryProfile]:
    """Profiles as one ingest run makes them: each weighed by the articles before it."""
    index = story_cluster.StoryIndex({}, 0)
    made = []
    for item in articles:
        story = index.story_for(item, analyse(item))
        made.append(story.profile)
        index.learn(story)
    return made


def test_one_event_retold_by_another_outlet_is_one_story() -> None:
    first, retold = profiles(article(LAUNCH), article(LAUNCH_RETOLD))
    assert story_cluster.score(first, retold) > story_cluster.SAME_STORY + 0.3
    assert story_cluster.choose_story(retold, [(7, first)]) == 7


def test_same_company_another_event_a_week_later_is_another_story() -> None:
    launch, signing = profiles(
        article(LAUNCH, date(2025, 12, 18)), article(SIGNING, date(2025, 12, 25))
    )
    assert story_cluster.score(launch, signing) == 0.0  # dated 7 days apart: two events
    assert story_cluster.choose_story(signing, [(7, launch)]) is None


def test_same_company_another_event_stays_apart_on_its_text_alone() -> None:
    launch, retold, signing = profiles(article(LAUNCH), article(LAUNCH_RETOLD), article(SIGNING))
    for other in (launch, retold):
        assert story_cluster.score(other, signing) < story_cluster.SAME_STORY
    assert story_cluster.choose_story(signing, [(1, launch), (1, retold)]) is None


def test_dated_articles_of_one_event_a_day_apart_stay_together() -> None:
    first, retold = profiles(
        article(LAUNCH, date(2025, 12, 18)), article(LAUNCH_RETOLD, date(2025, 12, 19))
    )
    assert story_cluster.choose_story(retold, [(3, first)]) == 3


def test_the_best_candidate_wins() -> None:
    launch, signing, retold = profiles(article(LAUNCH), article(SIGNING), article(LAUNCH_RETOLD))
    assert story_cluster.choose_story(retold, [(2, signing), (1, launch)]) == 1


def test_figures_keep_their_units_and_one_decimal_mark() -> None:
    text = fold("Doanh thu 61.246 tỷ đồng, tăng 12,5%; 300 doanh nghiệp; năm 2025; 127kg.")
    assert story_signals.figures(text) == {
        "61.246 ty dong", "12.5 %", "300 doanh nghiep", "127 kg"
    }  # fmt: skip


def test_function_words_weigh_nothing_and_rare_words_weigh_much_in_a_new_store() -> None:
    idf = story_signals.Frequencies({}, 0).idfs(["cua", "va", "genai"])
    assert idf["cua"] == idf["va"] == 0.0
    assert idf["genai"] > 3
    grown = story_signals.Frequencies({"vnpt": 900}, 1000).idfs(["vnpt", "genai"])
    assert grown["vnpt"] < 0.2 < 6 < grown["genai"]


def test_a_profile_survives_the_store() -> None:
    (made,) = profiles(article(LAUNCH, date(2025, 12, 18)))
    back = story_signals.from_blob(story_signals.to_blob(made))
    assert (back.entities, back.figures, back.day) == (made.entities, made.figures, made.day)
    assert back.entities == {"org:vnpt", "person:huynh quang liem"}
    assert list(back.body) == list(made.body)
    assert all(abs(back.body[t] - w) < 1e-6 for t, w in made.body.items())
    assert story_signals.cosine(back.body, made.body) == pytest.approx(1.0, abs=1e-5)


def write(folder: Path, name: str, text: tuple[str, ...]) -> None:
    (folder / name).write_text("\n\n".join(text), encoding="utf-8")


# Each file as one outlet published it: local files show the outlet the operator names.
OUTLETS = {
    "a_launch.txt": "VnExpress",
    "b_retold.txt": "Tuổi Trẻ",
    "c_copy.txt": "Thanh Niên",  # identical text to a_launch.txt, another outlet
    "d_signing.txt": "VietNamNet",
}


def ingest_each(db: Any, folder: Path, names: list[str]) -> list[str]:
    return [
        ingest(db, [str(folder / name)], today=date(2026, 1, 5), outlet=OUTLETS[name]).summary()
        for name in names
    ]


def test_ingest_links_outlets_keeps_identical_copies_and_reingest_is_a_no_op(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a_launch.txt", LAUNCH)
    write(folder, "b_retold.txt", LAUNCH_RETOLD)
    write(folder, "c_copy.txt", LAUNCH)
    write(folder, "d_signing.txt", SIGNING)
    db = open_db(tmp_path / "s.db")
    assert ingest_each(db, folder, list(OUTLETS)) == ["added 1, updated 0, skipped 0, failed 0"] * 4
    rows = db.execute("SELECT source, id, story_id FROM articles ORDER BY source").fetchall()
    story = {source: story_id for source, _id, story_id in rows}
    assert story["VnExpress"] == story["Tuổi Trẻ"] == story["Thanh Niên"]
    assert story["VietNamNet"] != story["VnExpress"]
    counted = db.execute("SELECT word, df FROM word_df WHERE df > 0 ORDER BY word").fetchall()
    with write_transaction(db):  # the batches counted what a recount from the text finds
        story_store.count_all_words(db)
    assert db.execute("SELECT word, df FROM word_df ORDER BY word").fetchall() == counted
    assert dict(counted)["vnpt"] == 4 and dict(counted)["genai"] == 3
    again = ingest_each(db, folder, list(OUTLETS))
    assert again == ["added 0, updated 0, skipped 1, failed 0"] * 4
    assert (
        db.execute("SELECT source, id, story_id FROM articles ORDER BY source").fetchall() == rows
    )


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


@pytest.fixture
def three_outlets(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a_launch.txt", LAUNCH)
    write(folder, "b_retold.txt", LAUNCH_RETOLD)
    write(folder, "d_signing.txt", SIGNING)
    db_path = tmp_path / "s.db"
    ingest_each(open_db(db_path), folder, ["a_launch.txt", "b_retold.txt", "d_signing.txt"])
    return db_path, folder


def test_articles_json_gives_story_and_origin(
    capsys: pytest.CaptureFixture[str], three_outlets: tuple[Path, Path]
) -> None:
    db_path, folder = three_outlets
    code, out = run_cli(capsys, "--db", str(db_path), "articles", "--json")
    assert code == 0
    got = {(a["source"], a["story"], a["origin"]) for a in json.loads(out)["articles"]}
    assert got == {
        ("VnExpress", 1, str(folder / "a_launch.txt")),
        ("Tuổi Trẻ", 1, str(folder / "b_retold.txt")),
        ("VietNamNet", 3, str(folder / "d_signing.txt")),
    }


def test_stories_lists_outlets_and_dates(
    capsys: pytest.CaptureFixture[str], three_outlets: tuple[Path, Path]
) -> None:
    db = ["--db", str(three_outlets[0])]
    assert run_cli(capsys, *db, "stories") == (
        0,
        "Sự kiện 1–2 / 2:\n"
        "#3  25/12/2025  1 bài · VietNamNet\n"
        "    VNPT ký thỏa thuận chuyển đổi số với tỉnh Nghệ An\n"
        "#1  18/12/2025  2 bài · VnExpress, Tuổi Trẻ\n"
        "    VNPT ra mắt nền tảng AI tạo sinh cho doanh nghiệp Việt\n",
    )
    assert run_cli(capsys, *db, "--lang", "en", "stories", "--since", "20/12/2025") == (
        0,
        "Stories 1–1 of 1 since 20 Dec 2025:\n"
        "#3  25 Dec 2025  1 article · VietNamNet\n"
        "    VNPT ký thỏa thuận chuyển đổi số với tỉnh Nghệ An\n",
    )
    assert run_cli(capsys, *db, "--lang", "en", "stories", "--since", "2026-01-01") == (
        0,
        "No stories since 1 Jan 2026.\n",
    )
    code, out = run_cli(capsys, *db, "stories", "--json", "--since", "2025-12-01")
    data = json.loads(out)
    assert (code, data["total"], data["since"]) == (0, 2, "2025-12-01")
    launch = data["stories"][1]
    assert (launch["story"], launch["first_date"], launch["outlets"]) == (
        1,
        "2025-12-18",
        ["VnExpress", "Tuổi Trẻ"],
    )
    assert [a["id"] for a in launch["articles"]] == [1, 2]


# --------------------------------------------------------------------------- the method before
# Word 5-gram MinHash (digests/stories.py) is kept as the baseline bench/stories.py measures.

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WORD = re.compile(r"\w+")


def seed_paragraphs(prefix: str) -> list[str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    doc = RawDocument(str(path), path.name, path.read_text(encoding="utf-8"), "text")
    return list(clean_document(doc, today=date(2025, 1, 1)).paragraphs)


def signature(paragraphs: list[str]) -> stories.Signature:
    sig = stories.signature(WORD.findall(fold("\n\n".join(paragraphs))))
    assert sig is not None
    return sig


def republished(paragraphs: list[str]) -> list[str]:
    """Another outlet's copy: its own lead-in and footer, three sentences reworded."""
    edited = [
        "Theo phóng viên báo Điện tử Sao Mai, sự kiện diễn ra trong không khí cởi mở.",
        *paragraphs,
        "Bạn đọc có thể xem thêm các bài viết liên quan tại chuyên trang Chuyển đổi số.",
    ]
    for n, at in enumerate((2, len(edited) // 2, len(edited) - 3)):
        words = edited[at].split()
        words[len(words) // 3] = ["mới", "lớn", "nhiều"][n]
        words[2 * len(words) // 3] = "cũng"
        edited[at] = " ".join(words)
    return edited


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_republished_seed_shares_a_band_and_reaches_same_story(prefix: str) -> None:
    original = signature(seed_paragraphs(prefix))
    copy = signature(republished(seed_paragraphs(prefix)))
    assert set(stories.band_keys(original)) & set(stories.band_keys(copy))
    assert stories.similarity(original, copy) >= stories.SAME_STORY


def test_different_seeds_are_different_stories() -> None:
    sigs = [signature(seed_paragraphs(p)) for p in ("000", "001", "002", "003", "004")]
    for i, a in enumerate(sigs):
        for b in sigs[i + 1 :]:
            assert stories.similarity(a, b) < 0.1


def test_band_keys_are_twelve_bands_of_three_buckets() -> None:
    sig = tuple(range(stories.BUCKETS))
    keys = stories.band_keys(sig)
    assert [key >> 32 for key in keys] == list(range(12))
    # a band whose three buckets are all empty gets no key
    empty_first = (stories.EMPTY,) * 3 + sig[3:]
    assert [key >> 32 for key in stories.band_keys(empty_first)] == list(range(1, 12))


def test_a_story_with_no_named_outlet_lists_no_empty_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a_launch.txt", LAUNCH)
    db_path = tmp_path / "s.db"
    ingest(open_db(db_path), [str(folder / "a_launch.txt")], today=date(2026, 1, 5))
    code, out = run_cli(capsys, "--db", str(db_path), "stories")
    assert (code, out.splitlines()[1]) == (0, "#1  18/12/2025  1 bài")
    code, out = run_cli(capsys, "--db", str(db_path), "stories", "--json")
    assert json.loads(out)["stories"][0]["outlets"] == []
