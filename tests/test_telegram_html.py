"""Telegram HTML: length as Telegram counts it, validation, packing, truncation."""

from __future__ import annotations

import pytest

from digests.digest.telegram_html import (
    split_html_blocks,
    truncate_text,
    utf16_length,
    validate,
    visible_length,
)


def test_visible_length_counts_parsed_text_in_utf16_units() -> None:
    assert visible_length("<b>TT&amp;TT</b>") == 5
    assert visible_length('<a href="https://x.vn/?a=1&amp;b=2">Bưu điện</a>') == 8
    assert visible_length("📮 a") == 4  # the emoji is a surrogate pair
    assert utf16_length("🛡️") == 3  # U+1F6E1 (a surrogate pair) + variation selector U+FE0F
    assert utf16_length("\U0001f6e1") == 2


def test_validate_accepts_telegram_markup() -> None:
    markup = (
        '<b>x</b> <i>y</i> <a href="https://vnexpress.net/a?b=1&amp;c=2">z</a> '
        '<span class="tg-spoiler">s</span> <blockquote>q</blockquote> 1 &lt; 2 &gt; 0 &#128238;'
    )
    assert validate(markup) == []


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<div>x</div>", "unsupported tag <div>"),
        ("<b>x", "unclosed <b>"),
        ("<b><i>x</b></i>", "</b> does not close the open tag"),
        ("TT&TT", "unescaped & in '&TT'"),
        ("1 < 2", "unescaped <"),
        ('<a href="x" onclick="y">z</a>', "attribute onclick not allowed on <a>"),
        ("<span>x</span>", '<span> needs class="tg-spoiler"'),
        ("<br/>", "unsupported tag <br>"),
    ],
)
def test_validate_rejects_what_telegram_rejects(markup: str, error: str) -> None:
    assert error in validate(markup)


def test_blocks_are_packed_whole_within_the_limit() -> None:
    blocks = ["<b>" + "a" * 40 + "</b>", "b" * 40, "c" * 40]
    assert split_html_blocks(blocks, limit=85) == [
        "<b>" + "a" * 40 + "</b>\n\n" + "b" * 40,
        "c" * 40,
    ]
    assert split_html_blocks(blocks, limit=200) == ["\n\n".join(blocks)]
    with pytest.raises(ValueError, match="block of 40 characters exceeds the 39 limit"):
        split_html_blocks(["d" * 40], limit=39)


def test_truncate_prefers_a_sentence_end_then_a_word() -> None:
    text = "Câu một có năm chữ. Câu hai dài hơn nhiều chữ nữa."
    assert truncate_text(text, 30) == "Câu một có năm chữ."
    assert truncate_text("một hai ba bốn năm sáu bảy", 12) == "một hai ba…"
    assert truncate_text(text, 200) == text
