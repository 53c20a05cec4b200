"""Themes: the data file, folding and exact matching, article classification."""

from __future__ import annotations

from pathlib import Path

import pytest
from digest_helpers import load_labels, store_labelled_seeds

from digests.analysis.article_theme import classify_article
from digests.analysis.themes import (
    THEMES_ENV,
    ThemeFileError,
    ThemeSet,
    load_themes,
    parse_themes,
)
from digests.digest.select import DigestWindow, build_digest
from digests.digest.summarize import syllables
from digests.store.connection import open_db
from digests.textnorm import fold

EXTRA_THEME = """
[[theme]]
key = "digital"
label_vi = "Chuyển đổi số"
label_en = "Digital transformation"
emoji = "🔬"
[theme.terms]
"chuyển đổi số" = 3
"kinh tế số" = 3
"""


def test_packaged_themes_are_the_five_in_order() -> None:
    themes = load_themes()
    assert themes.keys == ["postal", "telecom", "ai", "cybersecurity", "press"]
    postal = themes.get("postal")
    assert postal is not None
    assert (postal.label("vi"), postal.label("en"), postal.emoji) == ("Bưu chính", "Postal", "📮")


def test_matching_folds_case_and_diacritics() -> None:
    postal = load_themes().get("postal")
    assert postal is not None
    assert postal.score("Doanh thu BƯU ĐIỆN tăng") == 3.0
    assert postal.score("doanh thu buu dien tang") == 3.0
    assert postal.score("Giao Hàng Tiết Kiệm có 30.000 nhân viên") == 3.0


def test_capitalised_terms_match_exactly() -> None:
    ai = load_themes().get("ai")
    assert ai is not None
    assert ai.score("Ai cũng biết điều đó.") == 0.0  # "ai" = who
    assert ai.score("CMC sẽ đầu tư mạnh vào AI.") == 4.0  # AI 3 + CMC 1
    assert ai.score("Thị trường AIoT tăng.") == 0.0  # not a word of its own


def test_excluded_names_do_not_count() -> None:
    themes = load_themes()
    postal, telecom = themes.get("postal"), themes.get("telecom")
    assert postal is not None and telecom is not None
    assert postal.score("Tập đoàn Bưu chính Viễn thông Việt Nam ký kết hợp tác.") == 0.0
    assert postal.score("Các doanh nghiệp bưu chính tăng trưởng.") == 3.0


def test_first_match_finds_the_topic_offset() -> None:
    press = load_themes().get("press")
    assert press is not None
    assert press.first_match("Về báo chí, Bộ trưởng chỉ đạo.") == 3
    assert press.first_match("Không liên quan.") is None


def test_classify_article_about_versus_mentions() -> None:
    mention = classify_article(0.0, [], [0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert mention is not None and not mention.about and mention.sentences == 1
    about = classify_article(0.0, [], [3.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert about is not None and about.about
    titled = classify_article(3.0, [], [2.0] + [0.0] * 40)
    assert titled is not None and titled.about and titled.in_title
    assert classify_article(3.0, [], [1.0, 0.0]) is None


def test_malformed_theme_files_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ThemeFileError, match="not valid TOML"):
        parse_themes("[[theme]\nkey=", "x.toml")
    with pytest.raises(ThemeFileError, match="no \\[\\[theme\\]\\] entries"):
        parse_themes("title = 'x'", "x.toml")
    with pytest.raises(ThemeFileError, match="weight of 'bưu chính' must be a positive number"):
        parse_themes(
            '[[theme]]\nkey="p"\nlabel_vi="a"\nlabel_en="b"\nemoji="c"\n'
            '[theme.terms]\n"bưu chính" = "high"\n'
        )
    with pytest.raises(ThemeFileError, match="cannot read themes file"):
        load_themes(tmp_path / "missing.toml")


def _with_extra_theme(tmp_path: Path) -> Path:
    packaged = Path(__file__).resolve().parent.parent / "digests" / "data" / "themes.toml"
    path = tmp_path / "themes.toml"
    path.write_text(packaged.read_text(encoding="utf-8") + EXTRA_THEME, encoding="utf-8")
    return path


def test_an_operator_adds_a_theme_by_editing_the_file(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    store_labelled_seeds(db)
    extended = _with_extra_theme(tmp_path)
    assert load_themes(extended).keys[-1] == "digital"
    digest = build_digest(db, DigestWindow(), themes_file=extended, themes=["digital"])
    sections = {s.theme: s for s in digest.sections}
    assert list(sections) == ["digital"]
    # The new theme is scored from the stored sentences (no rescore needed to add one).
    title = "Việt Nam - Hoa Kỳ thúc đẩy hợp tác về chuyển đổi số, kinh tế số"
    [item] = [item for item in sections["digital"].items if item.title == title]
    assert "tập trung hợp tác về chuyển đổi số (CĐS), kinh tế số" in item.summary


def test_themes_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THEMES_ENV, str(_with_extra_theme(tmp_path)))
    assert load_themes().keys[-1] == "digital"
    db = open_db(tmp_path / "t.db")
    store_labelled_seeds(db)
    digest = build_digest(db, DigestWindow(), themes=["digital"])
    assert [s.theme for s in digest.sections] == ["digital"]


def test_edited_file_is_reread(tmp_path: Path) -> None:
    path = tmp_path / "themes.toml"
    path.write_text(EXTRA_THEME, encoding="utf-8")
    assert load_themes(path).keys == ["digital"]
    path.write_text(EXTRA_THEME.replace("digital", "chips") + "\n# edited\n", encoding="utf-8")
    assert load_themes(path).keys == ["chips"]


OVERLAPPING_THEMES = """
[[theme]]
key = "cables"
label_vi = "Cáp"
label_en = "Cables"
emoji = "🔌"
exclude = ["cáp quang nội hạt"]
[theme.terms]
"cáp quang" = 3
"cáp quang biển" = 3
"AAG" = 2
[[theme]]
key = "sea"
label_vi = "Biển"
label_en = "Sea"
emoji = "🌊"
[theme.terms]
"biển" = 2
"quang biển" = 1
"""


def _matched(
    themes: ThemeSet, sentences: list[str]
) -> list[tuple[dict[str, float], dict[str, int]]]:
    folded = [fold(s) for s in sentences]
    present = [set(syllables(text)) for text in folded]
    scores, firsts = themes.matcher.scan_sentences(sentences, folded, present)
    return list(zip(scores, firsts, strict=True))


def test_matcher_keeps_each_themes_longest_match_without_overlaps() -> None:
    themes = parse_themes(OVERLAPPING_THEMES)
    [(scores, firsts)] = _matched(themes, ["Sự cố đứt Cáp quang biển AAG kéo dài."])
    # cables: "cáp quang biển" alone (the regex never also counts "cáp quang"), + AAG;
    # sea: its own longest match "quang biển", found inside the cables match.
    assert scores == {"cables": 5.0, "sea": 1.0}
    assert firsts == {"cables": 10, "sea": 14}


def test_matcher_whole_words_exact_case_and_sentence_bounds() -> None:
    themes = parse_themes(OVERLAPPING_THEMES)
    matched = _matched(
        themes,
        [
            "Tuyến aag và cáp quangbiển chưa sửa.",  # exact "AAG" only; no whole word
            "Đường cáp",  # a term never spans two sentences
            "quang biển đẹp.",
            "Cáp quang nội hạt ổn định, cáp quang biển thì chưa.",  # excluded phrase first
        ],
    )
    assert matched[0] == ({}, {})
    assert matched[1] == ({}, {})
    assert matched[2] == ({"sea": 1.0}, {"sea": 0})
    assert matched[3] == ({"cables": 3.0, "sea": 1.0}, {"cables": 27, "sea": 31})


def test_matcher_agrees_with_each_themes_regex_on_the_labelled_seeds() -> None:
    themes = load_themes()
    sentences = [label.sentence for label in load_labels()]
    for sentence, (scores, firsts) in zip(sentences, _matched(themes, sentences), strict=True):
        expected = {t.key: t.score(sentence) for t in themes if t.score(sentence) > 0}
        assert scores == expected, sentence
        assert firsts == {t.key: t.first_match(sentence) for t in themes if t.key in expected}
