"""The short digest and its "Xem thêm" pages: one message first, then exactly the rest."""

from __future__ import annotations

from datetime import date

from digests.digest.pages import cut, pages, rest_of, short_digest
from digests.digest.render import render_digest
from digests.digest.select import Digest, DigestItem, DigestSection
from digests.digest.telegram_html import visible_length


def _item(n: int) -> DigestItem:
    summary = f"Tin {n}: doanh nghiệp báo cáo doanh thu tăng {n}% " + "trong quý I " * 20 + "."
    return DigestItem(n, f"Tiêu đề {n}", summary, "vnexpress.net", date(2024, 1, 30), None)


def _digest(*counts: int) -> Digest:
    sections, n = [], 0
    for key, count in zip(("postal", "telecom", "ai"), counts, strict=False):
        items = tuple(_item(n + i) for i in range(1, count + 1))
        n += count
        sections.append(DigestSection(key, key, key, "•", items))
    return Digest(date(2024, 2, 1), tuple(sections), tuple(range(1, n + 1)))


def _titles(messages: list[str]) -> list[str]:
    return [line for m in messages for line in m.splitlines() if line.startswith("• ")]


def test_cut_keeps_the_order_and_counts_the_rest() -> None:
    digest = cut(_digest(4, 2), [3, 1])
    assert [len(s.items) for s in digest.sections] == [3, 1]
    assert [s.more for s in digest.sections] == [1, 1]
    assert [i.article_id for i in digest.sections[0].rest] == [4]
    assert [s.theme for s in cut(_digest(4, 2), [2, 0]).sections] == ["postal"]


def test_the_short_digest_is_one_message_and_the_section_showing_most_gives_way() -> None:
    short = short_digest(_digest(6, 6, 2), per_theme=6)
    (message,) = render_digest(short)
    assert visible_length(message) <= 4096
    shown = [len(s.items) for s in short.sections]
    assert shown == [5, 4, 2]  # 6 + 6 + 2 bullets did not fit; the fullest gave one up in turn
    assert "… và 1 tin nữa: /digest postal" in message


def test_pages_show_every_story_once_the_short_digest_first() -> None:
    digest = _digest(6, 6, 2)
    every = pages(digest, per_theme=3)
    assert every[0] == render_digest(short_digest(digest, per_theme=3))[0]
    titles = _titles(every)
    assert sorted(titles) == sorted(f"• <b>Tiêu đề {n}</b>" for n in range(1, 15))
    assert rest_of(short_digest(digest, per_theme=3)).sections[0].items[0].article_id == 4
    assert every[1].startswith("<b>📰 Bản tin ICT ngày 01/02/2024 — tiếp theo</b>")
