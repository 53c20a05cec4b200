"""The handlers' and guards' pure decisions, fed with synthetic Updates (Update.de_json)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from telegram import Update

from bot import texts
from bot.answers import paginate
from bot.app import all_commands, menu
from bot.guards import GROUP_ANONYMOUS_BOT_ID, Asker, asker_of, may_change_settings
from bot.handlers import parsing
from bot.settings import Settings
from digests.analysis.themes import load_themes
from digests.answers.common import BadArgument
from digests.answers.targets import parse_year_range
from digests.digest.telegram_html import visible_length

THEMES = ["postal", "telecom", "ai", "cybersecurity", "press"]
GROUP = -100123
ANONYMOUS = {"id": GROUP_ANONYMOUS_BOT_ID, "is_bot": True, "first_name": "Group"}


def message_update(text: str, chat: dict[str, Any], **fields: Any) -> Update:
    message = {"message_id": 7, "date": 1741567800, "chat": chat, "text": text, **fields}
    update = Update.de_json({"update_id": 1, "message": message}, None)
    assert update is not None
    return update


def group(chat_id: int = GROUP) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": "Phòng CNTT"}


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Lan"}


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["postal,", "ai"], ["postal", "ai"]),
        (["postal,ai"], ["postal", "ai"]),
        (["  ", ","], []),
        ([], []),
    ],
)
def test_split_words_on_spaces_and_commas(args: list[str], expected: list[str]) -> None:
    assert parsing.split_words(args) == expected


CATALOGUE = list(load_themes())


def test_theme_keys_case_insensitive_in_order_without_repeats() -> None:
    chosen, unknown = parsing.parse_theme_keys(["AI", "postal", "ai", "bưu"], CATALOGUE)
    assert chosen == ["ai", "postal"]
    assert unknown == ["bưu"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["Bưu", "chính"], ["postal"]),
        (["buu", "chinh"], ["postal"]),
        (["an", "ninh", "mang,", "AI"], ["cybersecurity", "ai"]),
        (["Trí", "tuệ", "nhân", "tạo"], ["ai"]),
        (["postal", "telecom"], ["postal", "telecom"]),
        (["Press", "&", "publishing"], ["press"]),
        (["bao", "chi"], ["press"]),
        (["Cybersecurity"], ["cybersecurity"]),
        (["tất", "cả"], THEMES),
        (["📮"], ["postal"]),  # the emoji /help shows beside each theme
        (["📮,", "ai"], ["postal", "ai"]),
    ],
)
def test_themes_are_named_by_key_or_label_in_either_language(
    args: list[str], expected: list[str]
) -> None:
    assert parsing.parse_theme_keys(args, CATALOGUE) == (expected, [])


def test_an_emoji_of_no_theme_is_told_not_ignored() -> None:
    assert parsing.parse_theme_keys(["🍜"], CATALOGUE) == ([], ["🍜"])


def test_words_that_name_no_theme_are_told_as_typed_together() -> None:
    args = ["Thời", "tiết", "ai", "xyz", "buu", "chỉnh"]  # diacritics never matter
    assert parsing.parse_theme_keys(args, CATALOGUE) == (["ai", "postal"], ["Thời tiết", "xyz"])


@pytest.mark.parametrize(
    ("first_name", "expected"), [("Lan", "Lan"), ("Bạn", ""), ("bạn", ""), (None, ""), ("  ", "")]
)
def test_a_stand_in_name_is_not_used_in_the_greeting(first_name: str | None, expected: str) -> None:
    assert parsing.greeting_name(first_name) == expected


def test_greeting_without_a_name_is_not_capitalised() -> None:
    vi = texts.html("start", "vi", user_name="", time="07:00", active=True)
    assert vi.startswith("<b>Xin chào bạn!</b> Mình gửi")
    assert texts.html("start", "en", user_name="Lan", time="07:00", active=True).startswith(
        "<b>Hello Lan!</b>"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["en"], "en"), (["VI"], "vi"), (["fr"], None), ([], None), (["vi", "en"], None)],
)
def test_parse_language(args: list[str], expected: str | None) -> None:
    assert parsing.parse_language(args) == expected


def test_lookup_errors_read_as_the_cli_says_them() -> None:
    def problem(error: BadArgument, lang: str = "vi") -> str:
        rendered = texts.html("usage", lang, code=error.code, params=error.params, command="")
        return rendered.strip()

    with pytest.raises(BadArgument) as caught:
        parse_year_range("1800")
    assert problem(caught.value) == "Năm 1800 nằm ngoài khoảng 1900–2100."
    assert problem(caught.value, "en") == "The year 1800 is outside 1900–2100."
    with pytest.raises(BadArgument) as caught:
        parse_year_range("2030-2025")
    assert problem(caught.value) == ("Khoảng năm bị ngược: 2030 lớn hơn 2025. Ý bạn là 2025-2030?")


# --------------------------------------------------------------------------- themes, buttons


def test_toggle_theme_from_all_switches_one_off() -> None:
    assert parsing.toggle_theme(None, "press", THEMES) == (
        "postal",
        "telecom",
        "ai",
        "cybersecurity",
    )


def test_toggle_theme_on_keeps_catalogue_order() -> None:
    assert parsing.toggle_theme(("ai",), "postal", THEMES) == ("postal", "ai")


def test_toggle_last_theme_off_means_every_theme_not_no_digest() -> None:
    assert parsing.toggle_theme(("ai",), "ai", THEMES) is None


def test_toggle_back_to_all_is_stored_as_no_filter() -> None:
    assert (
        parsing.toggle_theme(("postal", "telecom", "ai", "press"), "cybersecurity", THEMES) is None
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("more:12:1", ("more", ["12", "1"])),
        ("theme:ai", ("theme", ["ai"])),
        ("theme:*", ("theme", ["*"])),
        ("more:12", ("", [])),
        ("more:x:1", ("", [])),
        ("theme:", ("", [])),
        ("lol", ("", [])),
        (None, ("", [])),
    ],
)
def test_parse_callback(data: str | None, expected: tuple[str, list[str]]) -> None:
    assert parsing.parse_callback(data) == expected


def test_button_data_fits_telegrams_64_bytes() -> None:
    assert parsing.more_data(2**40, 999) == f"more:{2**40}:999"
    with pytest.raises(ValueError):
        parsing.theme_data("x" * 60)


# --------------------------------------------------------------------------- addressing


@pytest.mark.parametrize(
    ("text", "chat_type", "expected"),
    [
        ("/help", "private", True),
        ("/help@ictdigest_bot", "group", True),
        ("/help@ICTDigest_Bot now", "supergroup", True),
        ("/help@otherbot", "group", False),
        ("/help@otherbot", "private", False),
        ("/frobnicate", "group", False),  # a bare unknown command may be another bot's
        ("hello /help", "private", False),
    ],
)
def test_addressed_to_me(text: str, chat_type: str, expected: bool) -> None:
    assert parsing.addressed_to_me(text, "ictdigest_bot", chat_type) is expected


# --------------------------------------------------------------------------- paging


def test_paginate_cuts_at_blank_lines_within_the_limit_and_keeps_everything() -> None:
    blocks = [f"<b>Bài {i}</b>\n{'chữ ' * 40}" for i in range(30)]
    pages = paginate("\n\n".join(blocks), limit=500)
    assert len(pages) > 1
    assert all(visible_length(page) <= 500 for page in pages)
    assert all(page.count("<b>") == page.count("</b>") for page in pages)
    titles = [t for page in pages for t in re.findall(r"<b>(Bài \d+)</b>", page)]
    assert titles == [f"Bài {i}" for i in range(30)]


COMPANY_ANSWER = (
    "<b>Viettel</b> (doanh nghiệp)\nTên gọi đã gặp: Viettel\nSố bài nhắc đến: 4\n\n"
    "<b>Thông tin đáng chú ý:</b>\n"
    + "".join(f"• Câu {i} {'chữ ' * 20}\n  (Tổ Quốc, 0{i}/07/2020)\n" for i in range(1, 8))
    + "\n<b>Người được nêu tên:</b>\n• Tào Đức Thắng — Chủ tịch (1 bài)"
)


def test_paginate_fills_the_first_page_with_whole_items_after_the_header() -> None:
    pages = paginate(COMPANY_ANSWER, limit=400, one_page=400)
    assert pages[0] == (
        "<b>Viettel</b> (doanh nghiệp)\nTên gọi đã gặp: Viettel\nSố bài nhắc đến: 4\n\n"
        "<b>Thông tin đáng chú ý:</b>\n"
        f"• Câu 1 {'chữ ' * 20}\n  (Tổ Quốc, 01/07/2020)\n"
        f"• Câu 2 {'chữ ' * 20}\n  (Tổ Quốc, 02/07/2020)"
    )
    assert pages[1].startswith(f"• Câu 3 {'chữ ' * 20}\n  (Tổ Quốc, 03/07/2020)\n• Câu 4")
    # a heading stays with its first item; every bullet keeps its source line
    assert pages[-1].endswith("<b>Người được nêu tên:</b>\n• Tào Đức Thắng — Chủ tịch (1 bài)")
    for page in pages:
        assert all(visible_length(page) <= 400 for page in pages)
        assert page.count("• Câu") == page.count("(Tổ Quốc")
    assert "\n\n".join(pages).count("• Câu") == 7


def test_paginate_sends_an_answer_that_nearly_fits_as_one_page() -> None:
    assert paginate(COMPANY_ANSWER, limit=400, one_page=2000) == [COMPANY_ANSWER]


def test_paginate_short_answer_is_one_page() -> None:
    assert paginate("<b>Viettel</b>\n\nMột dòng.") == ["<b>Viettel</b>\n\nMột dòng."]


def test_paginate_one_enormous_line_is_shortened_not_split_inside_a_tag() -> None:
    pages = paginate("<i>" + "a" * 5000 + "</i>", limit=1000)
    assert all(visible_length(p) <= 1000 for p in pages)
    assert "<i>" not in "".join(pages)


# --------------------------------------------------------------------------- who may change


def decide(update: Update, status: str | None = None, operators: tuple[int, ...] = ()) -> bool:
    asker = asker_of(update)
    assert asker is not None
    return may_change_settings(
        chat_type=asker.chat_type,
        chat_id=asker.chat_id,
        user_id=asker.user_id,
        sender_chat_id=asker.sender_chat_id,
        operator_ids=operators,
        member_status=status,
    )


def test_private_chat_user_may_change() -> None:
    update = message_update("/time 08:00", {"id": 55, "type": "private"}, **{"from": user(55)})
    assert asker_of(update) == Asker("private", 55, 55, None)
    assert decide(update)


def test_group_member_may_not_change_but_admin_and_owner_may() -> None:
    update = message_update("/time 08:00", group(), **{"from": user(56)})
    assert not decide(update, "member")
    assert not decide(update, None)  # getChatMember failed: refuse, never guess
    assert decide(update, "administrator")
    assert decide(update, "creator")


def test_anonymous_admin_writing_as_the_group_may_change() -> None:
    update = message_update("/time 08:00", group(), **{"from": ANONYMOUS, "sender_chat": group()})
    assert asker_of(update) == Asker("supergroup", GROUP, GROUP_ANONYMOUS_BOT_ID, GROUP)
    assert decide(update, None)


def test_a_channel_posting_into_the_group_is_not_an_admin() -> None:
    channel = {"id": -100999, "type": "channel", "title": "Kênh khác"}
    update = message_update(
        "/time 08:00",
        group(),
        **{
            "from": {"id": 136817688, "is_bot": True, "first_name": "Channel"},
            "sender_chat": channel,
        },
    )
    assert not decide(update, "member")


def test_operators_may_change_any_group() -> None:
    update = message_update("/time 08:00", group(), **{"from": user(77)})
    assert decide(update, "member", operators=(77,))


def test_button_press_is_judged_by_the_named_user() -> None:
    message = {"message_id": 9, "date": 1741567800, "chat": group(), "sender_chat": group()}
    data = {
        "id": "1",
        "from": user(56),
        "chat_instance": "1",
        "data": "theme:ai",
        "message": message,
    }
    update = Update.de_json({"update_id": 2, "callback_query": data}, None)
    assert update is not None
    assert asker_of(update) == Asker("supergroup", GROUP, 56, None)
    assert not decide(update, "member")


# --------------------------------------------------------------------------- help text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_command_has_help_text_and_an_example(lang: str) -> None:
    specs = {spec.name: spec for spec in texts.command_specs(lang)}
    assert set(specs) == set(all_commands())
    for name, spec in specs.items():
        assert spec.description, name
        assert spec.example.startswith(f"/{name}"), spec


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_help_lists_every_command(lang: str) -> None:
    help_text = texts.html(
        "help", lang, commands=texts.command_specs(lang), themes=[], is_group=False, chosen=[]
    )
    for name in all_commands():
        assert re.search(rf"^/{name}\b", help_text, re.M), name


def test_help_differs_by_language() -> None:
    vi = {s.name: s.description for s in texts.command_specs("vi")}
    en = {s.name: s.description for s in texts.command_specs("en")}
    assert vi["search"] == "Tìm bài viết"
    assert en["search"] != vi["search"]


def test_group_menu_shows_only_what_members_may_use() -> None:
    names = [c.command for c in menu("vi", "groups", Settings())]
    assert names == [
        "help",
        "digest",
        "themes",
        "company",
        "companies",
        "trend",
        "person",
        "target",
        "search",
        "watches",
        "about",
    ]
    assert {c.command for c in menu("en", "admins", Settings())} == set(all_commands())


# --------------------------------------------------------------------------- /about dates


def test_about_dates_as_readers_write_them() -> None:
    from zoneinfo import ZoneInfo

    from bot.answers import reader_time

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    assert reader_time("2026-11-23T06:36:25+00:00", "vi", hcm) == "23/11/2026 13:36 (giờ Việt Nam)"
    naive_is_utc = reader_time("2026-11-23T20:00:00", "en", hcm)
    assert naive_is_utc == "24 Nov 2026 03:00 (Vietnam time)"
    kolkata = ZoneInfo("Asia/Kolkata")
    assert reader_time("2026-11-23T06:36:25+00:00", "vi", kolkata) == "23/11/2026 12:06 (GMT+5:30)"


def test_about_counts_articles_with_english_plurals() -> None:
    about = texts.html(
        "about",
        "en",
        articles=1,
        first="6 Jul 2020",
        last="6 Jul 2020",
        last_ingest="23 Nov 2026 14:04 (Vietnam time)",
        sources=[{"name": "Tổ Quốc", "count": 1}, {"name": "VnExpress", "count": 2}],
        configured=[],
        interval=60,
    )
    assert about == (
        "<b>About this bot</b>\n"
        "Store: <b>1</b> article, from 6 Jul 2020 to 6 Jul 2020.\n"
        "Last update: 23 Nov 2026 14:04 (Vietnam time).\n"
        "Sources:\n"
        "• Tổ Quốc: 1 article\n"
        "• VnExpress: 2 articles\n"
        "Every line of a digest is quoted from a stored article and gives its date, "
        "and its outlet where the article names one."
    )


# --------------------------------------------------------------------------- ictdigest chats

CHAT_ROWS: list[dict[str, Any]] = [
    {
        "chat_id": -1001234,
        "type": "supergroup",
        "title": "Phòng CNTT",
        "active": True,
        "language": "vi",
        "time": "07:00",
        "themes": "all",
        "last_delivery": {
            "day": "2026-11-23",
            "state": "uncertain",
            "parts": "1/2",
            "uncertain_parts": [1],
            "error": "timeout",
        },
    },
    {
        "chat_id": 501,
        "type": "private",
        "title": "Lan",
        "active": False,
        "language": "en",
        "time": "06:30",
        "themes": ["postal", "ai"],
        "last_delivery": None,
    },
]


def test_chats_table_has_headers_and_speaks_vietnamese_by_default() -> None:
    from bot.runner import format_chat_rows

    assert format_chat_rows(CHAT_ROWS) == (
        "MÃ CHAT   LOẠI       BẢN TIN  GIỜ    NGÔN NGỮ  CHỦ ĐỀ     LẦN GỬI GẦN NHẤT"
        + " " * 36
        + "TÊN\n"
        "-1001234  siêu nhóm  bật      07:00  vi        tất cả     2026-11-23 chưa rõ 1/2"
        " (phần chưa rõ: 1) (timeout)  Phòng CNTT\n"
        "501       riêng      tắt      06:30  en        postal,ai  chưa gửi" + " " * 44 + "Lan"
    )
    assert format_chat_rows([]) == "Chưa có cuộc trò chuyện nào."


def test_chats_table_in_english() -> None:
    from bot.runner import format_chat_rows

    assert format_chat_rows(CHAT_ROWS[1:], "en") == (
        "CHAT ID  TYPE     DIGEST  TIME   LANG  THEMES     LAST DELIVERY  TITLE\n"
        "501      private  off     06:30  en    postal,ai  never          Lan"
    )
    assert format_chat_rows([], "en") == "No chats yet."
