"""Rendering digests: exact Telegram HTML, splitting, plain text and JSON."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digests.digest.render import render_digest, safe_url
from digests.digest.select import Digest, DigestItem, DigestSection
from digests.digest.telegram_html import validate, visible_length


def _item(n: int, **overrides: object) -> DigestItem:
    values: dict[str, object] = {
        "article_id": n,
        "title": f"Tin số {n}",
        "summary": "VNPost & Viettel Post <tăng> 10% doanh thu.",
        "source": "vnexpress.net",
        "date": date(2024, 1, 30),
        "url": f"https://vnexpress.net/a-{n}?x=1&y=2",
    }
    values.update(overrides)
    return DigestItem(**values)  # type: ignore[arg-type]


def _digest(*sections: DigestSection, ids: tuple[int, ...] = (1, 2)) -> Digest:
    return Digest(date=date(2024, 2, 1), sections=sections, article_ids=ids)


def _postal(*items: DigestItem, more: int = 0) -> DigestSection:
    return DigestSection("postal", "Bưu chính", "Postal", "📮", tuple(items), more)


def test_telegram_html_is_exact_and_escaped() -> None:
    digest = _digest(_postal(_item(1), _item(2, url=None, also=("dantri.com.vn",)), more=3))
    assert render_digest(digest) == [
        "<b>📰 Bản tin ICT ngày 01/02/2024</b>\n2 bài mới · 1 chủ đề\n\n"
        "<b>📮 Bưu chính</b>\n"
        '• <a href="https://vnexpress.net/a-1?x=1&amp;y=2"><b>Tin số 1</b></a>\n'
        "VNPost &amp; Viettel Post &lt;tăng&gt; 10% doanh thu.\n"
        "<i>vnexpress.net · 30/01/2024</i>\n\n"
        "• <b>Tin số 2</b>\n"
        "VNPost &amp; Viettel Post &lt;tăng&gt; 10% doanh thu.\n"
        "<i>vnexpress.net · 30/01/2024 · +1 nguồn</i>\n"
        "… và 3 bài nữa: /digest postal"
    ]


def test_english_labels_and_plain_text() -> None:
    digest = _digest(_postal(_item(1, also=("dantri.com.vn",))))
    (html,) = render_digest(digest, lang="en")
    assert html.startswith("<b>📰 ICT digest for 1 Feb 2024</b>\n2 new articles · 1 theme\n\n")
    assert "<b>📮 Postal</b>" in html and "<i>vnexpress.net · 30 Jan 2024 · +1 source</i>" in html
    (text,) = render_digest(digest, fmt="txt")
    assert text == (
        "BẢN TIN ICT NGÀY 01/02/2024 — 2 bài mới · 1 chủ đề\n\n"
        "📮 BƯU CHÍNH\n"
        "  • Tin số 1\n"
        "    VNPost & Viettel Post <tăng> 10% doanh thu.\n"
        "    vnexpress.net · 30/01/2024 · +1 nguồn: dantri.com.vn\n"
        "    https://vnexpress.net/a-1?x=1&y=2"
    )


def test_json_is_the_stable_interface() -> None:
    (text,) = render_digest(_digest(_postal(_item(1))), fmt="json")
    assert json.loads(text) == {
        "date": "2024-02-01",
        "sections": [
            {
                "theme": "postal",
                "label": "Bưu chính",
                "emoji": "📮",
                "more": 0,
                "items": [
                    {
                        "article_id": 1,
                        "title": "Tin số 1",
                        "summary": "VNPost & Viettel Post <tăng> 10% doanh thu.",
                        "source": "vnexpress.net",
                        "date": "2024-01-30",
                        "url": "https://vnexpress.net/a-1?x=1&y=2",
                        "also": [],
                    }
                ],
            }
        ],
    }


def test_empty_digest_says_nothing_new() -> None:
    empty = _digest(ids=())
    assert empty.is_empty and empty.max_article_id is None
    assert render_digest(empty) == ["📭 Không có bài mới kể từ bản tin trước."]
    assert render_digest(empty, fmt="txt") == ["Không có bài mới trong khoảng đã chọn."]


def test_unsafe_urls_lose_the_link_not_the_bullet() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://a.vn/x y") is None
    assert safe_url(" https://a.vn/x ") == "https://a.vn/x"
    (html,) = render_digest(_digest(_postal(_item(1, url="javascript:alert(1)"))))
    assert "<a " not in html and "• <b>Tin số 1</b>" in html


def test_one_bullet_longer_than_a_message_is_cut_at_a_sentence() -> None:
    sentence = "Doanh thu bưu chính đạt 14.100 tỷ đồng, tăng 4% so với cùng kỳ. "
    item = _item(1, summary=(sentence * 120).strip())
    messages = render_digest(_digest(_postal(item)))
    assert len(messages) == 2
    assert all(visible_length(m) <= 4096 and validate(m) == [] for m in messages)
    assert messages[1].count("tăng 4% so với cùng kỳ.") >= 50
    assert "tăng 4% so với cùng kỳ.\n<i>vnexpress.net · 30/01/2024</i>" in messages[1]


def test_many_bullets_split_between_bullets_only() -> None:
    items = [_item(n, summary=f"Bài {n}: " + "chữ " * 150 + "hết.") for n in range(1, 16)]
    messages = render_digest(_digest(_postal(*items[:8]), _postal(*items[8:])))
    assert len(messages) > 1
    for message in messages:
        assert visible_length(message) <= 4096 and validate(message) == []
    joined = "\n\n".join(messages)
    for n in range(1, 16):
        assert joined.count(f"Bài {n}: ") == 1
        # the whole bullet, headline to source line, sits in one message
        assert any(f"Tin số {n}</b></a>\nBài {n}:" in m for m in messages)


_NASTY = st.sampled_from(
    ["<", ">", "&", "&amp;", "<b>", "</i>", "<a href='x'>", "&#;", "📮", "🛡️", "\u200b", "\n", " "]
)
_TEXT = st.lists(st.one_of(st.text(min_size=0, max_size=30), _NASTY), max_size=40).map("".join)
_LONG = st.one_of(_TEXT, st.builds(lambda t, n: (t + ". ") * n, _TEXT, st.integers(1, 400)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=st.lists(_LONG, min_size=1, max_size=12),
    summary=_LONG,
    source=_TEXT,
    url=st.one_of(st.none(), _TEXT, st.just('https://a.vn/?q=<b>&x="1"')),
    more=st.integers(0, 5),
)
def test_any_text_renders_valid_telegram_html_within_the_limit(
    titles: list[str], summary: str, source: str, url: str | None, more: int
) -> None:
    items = [
        _item(n, title=title, summary=summary, source=source, url=url)
        for n, title in enumerate(titles)
    ]
    messages = render_digest(_digest(_postal(*items, more=more)))
    assert messages
    for message in messages:
        assert validate(message) == [], message[:200]
        assert visible_length(message) <= 4096
