"""Story-level digest decisions as pure functions: freshness, themes, tags, agreement,
which section gives up a bullet, and which sentences can open a bullet."""

from __future__ import annotations

from datetime import date

from digests.digest.standalone import needs_speaker, refers_back
from digests.digest.story_rank import (
    age_tier,
    agreement,
    best_theme,
    is_fresh,
    outlets_besides,
    story_rank,
    theme_tags,
    trim_order,
)

TODAY = date(2026, 12, 2)
ORDER = ["postal", "telecom", "ai", "cybersecurity", "press"]


def test_fresh_means_a_known_date_in_the_last_seven_days() -> None:
    assert is_fresh(date(2026, 11, 26), TODAY)
    assert not is_fresh(date(2026, 11, 25), TODAY)
    assert not is_fresh(None, TODAY)


def test_an_undated_story_never_outranks_a_fresh_one_and_recent_beats_old() -> None:
    fresh_weak = story_rank(date(2026, 12, 1), True, 0.5, TODAY)
    undated_strong = story_rank(None, True, 9.0, TODAY)
    old_strong = story_rank(date(2020, 1, 1), True, 3.0, TODAY)
    last_month = story_rank(date(2026, 11, 2), True, 3.0, TODAY)
    assert sorted([undated_strong, old_strong, last_month, fresh_weak]) == [
        fresh_weak,  # fresh first, whatever the score
        last_month,  # then the fresher buckets: this month before 2020
        old_strong,
        undated_strong,  # an undated story after every dated one
    ]
    # Within one bucket the score (less the age penalty) decides.
    strong_2024 = story_rank(date(2024, 3, 1), True, 9.0, TODAY)
    weak_2024 = story_rank(date(2024, 9, 1), True, 1.0, TODAY)
    assert strong_2024 < weak_2024
    assert age_tier(date(2024, 9, 1), TODAY) == age_tier(date(2024, 3, 1), TODAY) == 5
    assert age_tier(date(2022, 10, 17), TODAY) > age_tier(date(2024, 8, 14), TODAY)


def test_best_theme_and_tags() -> None:
    scores = {"press": 80.0, "postal": 33.0, "telecom": 12.0, "ai": 28.0}
    assert best_theme(scores, ORDER) == "press"
    assert theme_tags(scores, "press", ORDER) == ("postal", "ai")
    assert best_theme({"ai": 5.0, "telecom": 5.0}, ORDER) == "telecom"  # tie: earlier theme
    assert best_theme({}, ORDER) is None


def test_agreement_is_the_share_other_outlets_wrote() -> None:
    sentence = frozenset({"viettel", "5g", "da", "nang"})
    others = [frozenset({"viettel", "5g"}), frozenset({"viettel", "5g", "da", "nang", "x"})]
    assert agreement(sentence, others) == 0.75
    assert agreement(sentence, []) == 0.0


def test_other_outlets_are_named_once_without_the_lead() -> None:
    sources = ["vnexpress.net", "dantri.com.vn", "vnexpress.net", "vietnamnet.vn"]
    assert outlets_besides("vnexpress.net", sources) == ("dantri.com.vn", "vietnamnet.vn")


def test_the_section_showing_most_gives_up_a_bullet_first() -> None:
    assert trim_order([3, 3, 1]) == 1
    assert trim_order([1, 2, 1]) == 1
    assert trim_order([1, 1, 1]) == 2
    assert trim_order([0, 0]) is None


def test_sentences_that_cannot_open_a_bullet() -> None:
    assert refers_back("Quá trình hợp tác này giúp hai bên mở rộng thị trường.")
    assert refers_back("MK nhìn thấy cơ hội trong lĩnh vực này.")
    assert refers_back("Ông cho biết doanh thu tăng 10%.")
    assert refers_back("Theo đó, các doanh nghiệp phải báo cáo hằng quý.")
    assert not refers_back("Viettel đạt doanh thu gần 180.000 tỷ đồng năm 2023.")
    assert not refers_back("Ông Tào Đức Thắng, Chủ tịch Viettel cho biết doanh thu tăng 10%.")


def test_quotes_and_directives_need_a_speaker() -> None:
    assert needs_speaker("“Chúng tôi sẽ mở rộng sang 5 nước”.")
    assert needs_speaker("Các công ty bưu chính phải xác định trở thành công ty công nghệ.")
    assert not needs_speaker("“Chúng tôi sẽ mở rộng sang 5 nước”, ông Quân nói.")
    assert not needs_speaker("Bộ trưởng chỉ đạo, phải xử lý triệt để rác viễn thông.")
    assert not needs_speaker("Viettel đạt doanh thu gần 180.000 tỷ đồng năm 2023.")
