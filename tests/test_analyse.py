"""CleanArticle → Analysis on the seeds and on small made-up articles."""

from __future__ import annotations

from datetime import date

from analyse_helpers import seed_article

from digests.analysis.analyse import analyse
from digests.model import CleanArticle, Mention, Organisation, Person, Sentence


def article(*paragraphs: str, headings: frozenset[int] = frozenset()) -> CleanArticle:
    return CleanArticle(
        title="Tiêu đề",
        published=date(2024, 3, 1),
        published_at=None,
        paragraphs=paragraphs,
        headings=headings,
    )


def test_sentences_are_numbered_across_paragraphs_and_headings_stay_whole() -> None:
    result = analyse(
        article(
            "Viettel tăng trưởng. FPT mở rộng.",
            "Doanh nghiệp số vươn ra thế giới. Tiêu đề phụ",
            "VNPT đạt 9.000 tỷ đồng.",
            headings=frozenset({1}),
        )
    )
    assert result.sentences == [
        Sentence(0, 0, "Viettel tăng trưởng.", False),
        Sentence(1, 0, "FPT mở rộng.", False),
        Sentence(2, 1, "Doanh nghiệp số vươn ra thế giới. Tiêu đề phụ", True),
        Sentence(3, 2, "VNPT đạt 9.000 tỷ đồng.", False),
    ]
    assert result.mentions == [
        Mention("viettel", "Viettel", 0),
        Mention("fpt", "FPT", 1),
        Mention("vnpt", "VNPT", 3),
    ]


def test_mentions_people_discoveries_and_targets_together() -> None:
    result = analyse(
        article(
            "Ông Nguyễn Văn An, Tổng Giám đốc Công ty Cổ phần Công nghệ Sao Bắc Đẩu cho biết "
            "công ty sẽ đạt doanh thu 100 tỷ đồng vào năm 2026.",
            "Sao Bắc Đẩu hợp tác với VNPT và Viettel Post.",
        )
    )
    discovered = Organisation(
        key="cong-ty-co-phan-cong-nghe-sao-bac-dau",
        name="Công ty Cổ phần Công nghệ Sao Bắc Đẩu",
        kind="company",
        discovered=True,
    )
    assert result.organisations == [discovered]
    assert result.mentions == [
        Mention(discovered.key, "Công ty Cổ phần Công nghệ Sao Bắc Đẩu", 0),
        Mention("vnpt", "VNPT", 1),
        Mention("viettel-post", "Viettel Post", 1),
    ]
    assert result.people == [Person("Nguyễn Văn An", "Tổng Giám đốc", discovered.key, 0)]
    assert [(t.year, t.goal, t.setter) for t in result.targets] == [
        (2026, "công ty sẽ đạt doanh thu 100 tỷ đồng", "Tổng Giám đốc Nguyễn Văn An")
    ]


def test_seed_004_analysis() -> None:
    result = analyse(seed_article("004"))
    assert len(result.sentences) == 65
    assert result.organisations == []
    assert {m.org_key for m in result.mentions} == {
        "nghe-an-ict-centre", "mic", "usabc", "vu-hop-tac-quoc-te", "vu-kinh-te-so", "vu-khcn",
        "vu-buu-chinh", "cuc-vien-thong", "cuc-cong-nghiep-cntt", "cuc-ptth-ttdt", "vnpt",
        "viettel", "vnpost", "meta", "roblox", "salesforce", "spacex", "fedex", "ups", "cmc",
        "qualcomm", "cisco",
    }  # fmt: skip
    assert {(p.name, p.role, p.org_key) for p in result.people} == {
        ("Phan Tâm", "Thứ trưởng", "mic"),
        ("Trần Minh Tuấn", "Vụ trưởng", "vu-kinh-te-so"),
        ("Nguyễn Thiện Nghĩa", "Phó Cục trưởng", "cuc-cong-nghiep-cntt"),
    }
    assert [t.year for t in result.targets] == [2030, 2045]


def test_every_seed_keeps_vnpt_and_vnpost_apart() -> None:
    for number in ("000", "002", "004"):
        result = analyse(seed_article(number))
        for mention in result.mentions:
            if mention.org_key == "vnpt":
                assert "VNPT" in mention.alias or "Bưu chính Viễn thông" in mention.alias
            if mention.org_key == "vnpost":
                assert (
                    "VNPost" in mention.alias
                    or "Bưu điện" in mention.alias
                    or (mention.alias == "Vietnam Post")
                )


def test_an_empty_article_analyses_to_nothing() -> None:
    result = analyse(article())
    assert (result.sentences, result.mentions, result.people, result.targets) == ([], [], [], [])
