"""The Bot API emulator: Telegram HTML, flood limits, and a real PTB bot talking to it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from emulator_helpers import (
    emulator_application_builder,
    emulator_fixture,  # noqa: F401  (registers the "emulator" fixture)
    polling,
    wait_until,
)
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, RetryAfter, TimedOut
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import (
    BotApiEmulator,
    EntityParseError,
    RateLimiter,
    RateLimits,
    parse_html,
    utf16_length,
)

# --------------------------------------------------------------------------- Telegram HTML


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("plain", "plain", []),
        ("<b>Viettel</b> 5G", "Viettel 5G", [{"type": "bold", "offset": 0, "length": 7}]),
        (
            "<strong>a</strong><em>b</em>",
            "ab",
            [
                {"type": "bold", "offset": 0, "length": 1},
                {"type": "italic", "offset": 1, "length": 1},
            ],
        ),
        ("<B>x</B>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot;", '1 < 2 && 3 > 2 "ok"', []),
        ("&#273;&#x1EBF;", "đế", []),
        (
            '<a href="https://vnexpress.net/a?x=1&amp;y=2">VnExpress</a>',
            "VnExpress",
            [
                {
                    "type": "text_link",
                    "offset": 0,
                    "length": 9,
                    "url": "https://vnexpress.net/a?x=1&y=2",
                }
            ],
        ),
        (
            "<a href='tg://user?id=1'>u</a>",
            "u",
            [
                {"type": "text_link", "offset": 0, "length": 1, "url": "tg://user?id=1"},
            ],
        ),
        ("<a>no link</a>", "no link", []),
        (
            "<u>u</u><ins>i</ins><s>s</s><strike>t</strike><del>d</del>",
            "uistd",
            [
                {"type": "underline", "offset": 0, "length": 1},
                {"type": "underline", "offset": 1, "length": 1},
                {"type": "strikethrough", "offset": 2, "length": 1},
                {"type": "strikethrough", "offset": 3, "length": 1},
                {"type": "strikethrough", "offset": 4, "length": 1},
            ],
        ),
        (
            '<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span>',
            "ab",
            [
                {"type": "spoiler", "offset": 0, "length": 1},
                {"type": "spoiler", "offset": 1, "length": 1},
            ],
        ),
        ("<code>x&lt;y</code>", "x<y", [{"type": "code", "offset": 0, "length": 3}]),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [
                {"type": "pre", "offset": 0, "length": 5, "language": "python"},
            ],
        ),
        ("<blockquote>q</blockquote>", "q", [{"type": "blockquote", "offset": 0, "length": 1}]),
        (
            "<blockquote expandable>q</blockquote>",
            "q",
            [
                {"type": "expandable_blockquote", "offset": 0, "length": 1},
            ],
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            [
                {
                    "type": "custom_emoji",
                    "offset": 0,
                    "length": 2,
                    "custom_emoji_id": "5368324170671202286",
                },
            ],
        ),
        (
            "<b>đậm <i>nghiêng</i></b>",
            "đậm nghiêng",
            [
                {"type": "bold", "offset": 0, "length": 11},
                {"type": "italic", "offset": 4, "length": 7},
            ],
        ),
        ("😀<b>x</b>", "😀x", [{"type": "bold", "offset": 2, "length": 1}]),
        ("<b></b>empty", "empty", []),
        ("a</b >", None, None),
    ],
)
def test_parse_html_accepts_telegram_html(
    source: str, text: str | None, entities: list[dict[str, Any]] | None
) -> None:
    if text is None:
        with pytest.raises(EntityParseError):
            parse_html(source)
        return
    parsed = parse_html(source)
    assert parsed.text == text
    assert parsed.entities == entities


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x < 5", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("AT&T", 'Unexpected "&" at byte offset 2: it starts no HTML entity; use "&amp;"'),
        ("&nbsp;", 'Unexpected "&" at byte offset 0: it starts no HTML entity; use "&amp;"'),
        ("&#0;", 'Unexpected "&" at byte offset 0: it starts no HTML entity; use "&amp;"'),
        ("&#xD800;", 'Unexpected "&" at byte offset 0: it starts no HTML entity; use "&amp;"'),
        ("a > b", 'Unexpected ">" at byte offset 2; use "&gt;"'),
        ("đ < 5", 'Unsupported start tag "" at byte offset 3'),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x>y</a>', 'Unclosed start tag "a" at byte offset 0'),
        (
            "<b class>x</b>",
            'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0',
        ),
        (
            "<tg-emoji>x</tg-emoji>",
            'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset 0',
        ),
    ],
)
def test_parse_html_rejects_what_telegram_rejects(source: str, message: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert str(caught.value) == message


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_length("Việt Nam") == 8
    assert utf16_length("😀a") == 3


# --------------------------------------------------------------------------- flood limits


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_per_chat_limit_allows_a_burst_of_three_then_one_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(overall_per_s=None, group_per_min=None), clock=clock)
    assert [limiter.try_acquire(7) for _ in range(4)] == [0, 0, 0, 1]
    clock.now += 0.92  # 80 ms early: within the 100 ms tolerance
    assert limiter.try_acquire(7) == 0
    assert limiter.try_acquire(7) == 1
    assert limiter.try_acquire(8) == 0  # another chat has its own bucket


def test_group_limit_is_twenty_per_minute_with_retry_after_in_whole_seconds() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(overall_per_s=None, chat_per_s=None), clock=clock)
    assert all(limiter.try_acquire(-100) == 0 for _ in range(20))
    assert limiter.try_acquire(-100) == 3  # a token every 3 s
    clock.now += 2.96
    assert limiter.try_acquire(-100) == 0
    assert limiter.try_acquire(100) == 0  # private chats are not group-limited


def test_overall_limit_is_thirty_per_second_and_refusals_consume_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(chat_per_s=None, group_per_min=None), clock=clock)
    outcomes = [limiter.try_acquire(chat) for chat in range(1, 36)]
    assert outcomes == [0] * 33 + [1, 1]  # 30 burst + 100 ms tolerance (3 sends at 30/s)
    clock.now += 0.034  # one token's worth at 30/s
    assert limiter.try_acquire(36) == 0
    assert limiter.try_acquire(37) == 1


def test_a_sustained_excess_is_refused_within_a_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(chat_per_s=None, group_per_min=None), clock=clock)
    outcomes = []
    for index in range(240):  # 40 per second: the bucket of 30 drains by 10 a second
        outcomes.append(limiter.try_acquire(index + 1))
        clock.now += 1 / 40
    assert outcomes[:120] == [0] * 120
    assert outcomes[120:].count(1) >= 20  # refusals cost nothing: 10 of every 40 fail


def test_steady_thirty_per_second_is_never_refused() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(), clock=clock)
    refused = 0
    for index in range(300):
        refused += limiter.try_acquire(index + 1) != 0
        clock.now += 1 / 30
    assert refused == 0


def test_unlimited_never_refuses() -> None:
    limiter = RateLimiter(RateLimits.unlimited(), clock=FakeClock())
    assert {limiter.try_acquire(-5) for _ in range(500)} == {0}


# --------------------------------------------------------------------------- raw HTTP


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(emu: BotApiEmulator, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{emu.base_url}{emu.token}/{method}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with DIRECT.open(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_unknown_method_and_bad_token_answer_like_telegram(emulator: BotApiEmulator) -> None:
    assert post(emulator, "sendPigeon", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    request = urllib.request.Request(f"{emulator.base_url}123:wrong/getMe", data=b"")
    with pytest.raises(urllib.error.HTTPError) as caught:
        DIRECT.open(request, timeout=5)
    assert caught.value.code == 401


def test_server_listens_on_loopback_only(emulator: BotApiEmulator) -> None:
    assert emulator.base_url.startswith("http://127.0.0.1:")
    assert emulator.base_file_url == f"http://127.0.0.1:{emulator.port}/file/bot"


def test_json_body_send_message_with_html_and_keyboard(emulator: BotApiEmulator) -> None:
    emulator.add_chat(42)
    keyboard = {"inline_keyboard": [[{"text": "Xem thêm", "callback_data": "more:2"}]]}
    status, body = post(
        emulator,
        "sendMessage",
        {
            "chat_id": 42,
            "text": "<b>Tin</b> &amp; bài",
            "parse_mode": "HTML",
            "reply_markup": keyboard,
        },
    )
    assert status == 200
    assert body["result"]["text"] == "Tin & bài"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    assert body["result"]["reply_markup"] == keyboard
    sent = emulator.sent_messages(42)
    assert [(m["text"], m["visible_text"], m["parse_mode"]) for m in sent] == [
        ("<b>Tin</b> &amp; bài", "Tin & bài", "HTML")
    ]


def test_message_length_counts_visible_text_not_markup(emulator: BotApiEmulator) -> None:
    emulator.add_chat(42)
    exactly = "<b>" + "a" * 4096 + "</b>"
    assert (
        post(emulator, "sendMessage", {"chat_id": 42, "text": exactly, "parse_mode": "HTML"})[0]
        == 200
    )
    too_long = "😀" * 2049  # 4098 UTF-16 units
    assert post(emulator, "sendMessage", {"chat_id": 42, "text": too_long}) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"},
    )


def test_bad_keyboard_data_is_refused(emulator: BotApiEmulator) -> None:
    emulator.add_chat(42)
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}
    assert (
        post(emulator, "sendMessage", {"chat_id": 42, "text": "t", "reply_markup": markup})[1][
            "description"
        ]
        == "Bad Request: BUTTON_DATA_INVALID"
    )


def test_unknown_chat_is_not_found(emulator: BotApiEmulator) -> None:
    assert post(emulator, "sendMessage", {"chat_id": 999, "text": "hi"})[1]["description"] == (
        "Bad Request: chat not found"
    )


def test_user_command_carries_bot_command_entity(emulator: BotApiEmulator) -> None:
    message = emulator.user_sends(
        "/company@ictdigest_bot Viettel", chat_id=-5, user_id=9, chat_type="group"
    )
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    assert message["chat"] == {
        "id": -5,
        "type": "group",
        "title": "Chat -5",
        "all_members_are_administrators": False,
    }


def test_get_updates_long_poll_returns_as_soon_as_a_message_arrives(
    emulator: BotApiEmulator,
) -> None:
    emulator.add_chat(3)

    def inject_later() -> None:
        emulator.user_sends("hello", user_id=3)

    timer = threading.Timer(0.2, inject_later)
    timer.start()
    started = time.monotonic()
    status, body = post(emulator, "getUpdates", {"timeout": 10})
    elapsed = time.monotonic() - started
    timer.join()
    assert status == 200
    assert [u["message"]["text"] for u in body["result"]] == ["hello"]
    assert elapsed < 5
    next_id = body["result"][0]["update_id"] + 1
    assert post(emulator, "getUpdates", {"offset": next_id, "timeout": 0})[1]["result"] == []


# --------------------------------------------------------------------------- real PTB bot


async def echo_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the text after the command, as HTML."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(" ".join(context.args or []), parse_mode="HTML")


async def test_ptb_errors_map_to_telegram_exceptions(emulator: BotApiEmulator) -> None:
    app = emulator_application_builder(emulator).build()
    emulator.add_chat(10)
    emulator.add_chat(11)
    emulator.add_chat(-20, chat_type="group", title="Nhóm")
    async with app:
        bot = app.bot
        message = await bot.send_message(10, "<b>ok</b>", parse_mode="HTML")
        assert message.text == "ok" and message.entities[0].type == "bold"
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
            await bot.send_message(10, "1 < 2", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(10, "x" * 4097)
        emulator.block(11, notify=False)
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(11, "hi")
        new_id = emulator.migrate(-20)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(-20, "hi")
        assert migrated.value.new_chat_id == new_id
        await bot.send_message(new_id, "moved")
        emulator.remove_bot_from_group(new_id, by_user_id=5)
        with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
            await bot.send_message(new_id, "hi")
        await bot.send_message(10, "2")
        await bot.send_message(10, "3")
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(10, "4")
        assert flood.value.retry_after in (1, dt.timedelta(seconds=1))
    stats = emulator.stats()
    assert stats.sent_count == 4
    assert stats.rejected_429 == 1


async def test_fault_injection_and_ambiguous_timeout(emulator: BotApiEmulator) -> None:
    app = emulator_application_builder(emulator).build()
    emulator.add_chat(10)
    async with app:
        emulator.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
        with pytest.raises(RetryAfter):
            await app.bot.send_message(10, "a")
        emulator.delay_next("sendMessage", 1.0)
        with pytest.raises(TimedOut):
            await app.bot.send_message(10, "maybe", read_timeout=0.2)
    assert [m["text"] for m in emulator.sent_messages(10)] == ["maybe"]
    assert (emulator.stats().sent_count, emulator.stats().rejected_429) == (1, 1)


async def test_commands_buttons_and_membership_through_polling(emulator: BotApiEmulator) -> None:
    seen_members: list[str] = []

    async def show_keyboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offer two buttons."""
        assert update.effective_message is not None
        buttons = [[InlineKeyboardButton("Một", callback_data="one")]]
        await update.effective_message.reply_text(
            "Chọn:", reply_markup=InlineKeyboardMarkup(buttons)
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Acknowledge and edit."""
        query = update.callback_query
        assert query is not None
        await query.answer("Đã chọn")
        await query.edit_message_text(f"Bạn chọn <b>{query.data}</b>", parse_mode="HTML")

    async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Remember the bot's new status."""
        assert update.my_chat_member is not None
        seen_members.append(update.my_chat_member.new_chat_member.status)

    async def admins(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """List admins of the chat."""
        assert update.effective_chat is not None and update.effective_message is not None
        found = await update.effective_chat.get_administrators()
        names = sorted(str(member.user.id) for member in found)
        await update.effective_message.reply_text(",".join(names))

    app = emulator_application_builder(emulator).build()
    app.add_handler(CommandHandler("echo", echo_html))
    app.add_handler(CommandHandler("kb", show_keyboard))
    app.add_handler(CommandHandler("admins", admins))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo_html))
    async with polling(app):
        await app.bot.set_my_commands([("echo", "Nhắc lại")], language_code="vi")
        assert emulator.my_commands(language_code="vi") == [
            {"command": "echo", "description": "Nhắc lại"}
        ]
        sent = emulator.user_sends("/echo <i>xin chào</i>", user_id=42)
        [reply] = await emulator.await_messages(42, 1, after=sent)
        assert reply["visible_text"] == "xin chào"

        emulator.add_bot_to_group(-300, by_user_id=42, title="Nhóm ICT")
        emulator.set_admins(-300, [42], anonymous_ids=[43], owner_id=41)
        other_bot = emulator.user_sends("/echo@otherbot hi", chat_id=-300, user_id=44)
        mine = emulator.user_sends("/echo@ictdigest_bot <b>nhóm</b>", chat_id=-300, user_id=44)
        replies = await emulator.await_messages(-300, 1, after=other_bot)
        assert [m["visible_text"] for m in replies] == ["nhóm"]
        assert replies[0]["message_id"] > mine["message_id"]
        sent = emulator.user_sends("/admins", chat_id=-300, user_id=44)
        [listed] = await emulator.await_messages(-300, 1, after=sent)
        assert listed["visible_text"] == "41,42,43"

        sent = emulator.user_sends("/kb", user_id=42)
        [keyboard] = await emulator.await_messages(42, 1, after=sent)
        emulator.press_button(42, 42, keyboard["message_id"], "one")
        await wait_until(lambda: emulator.edits(42))
        assert emulator.edits(42)[0]["visible_text"] == "Bạn chọn one"
        edited = emulator.message(42, keyboard["message_id"])
        assert edited is not None and edited["text"] == "Bạn chọn one"
        await wait_until(lambda: emulator.callback_answers())
        assert emulator.callback_answers()[0]["text"] == "Đã chọn"

        emulator.remove_bot_from_group(-300, by_user_id=41)
        await wait_until(lambda: len(seen_members) == 2)
    assert seen_members == ["member", "kicked"]


async def test_anonymous_admin_posts_as_the_group(emulator: BotApiEmulator) -> None:
    senders: list[tuple[int | None, int | None]] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record who wrote."""
        message = update.effective_message
        assert message is not None and message.from_user is not None
        sender_chat = message.sender_chat.id if message.sender_chat else None
        senders.append((message.from_user.id, sender_chat))

    app = emulator_application_builder(emulator).build()
    app.add_handler(CommandHandler("x", record))
    async with polling(app):
        emulator.user_sends(
            "/x", chat_id=-77, user_id=5, chat_type="supergroup", is_anonymous_admin=True
        )
        await wait_until(lambda: senders)
    assert senders == [(1087968824, -77)]


async def test_stop_returns_promptly_with_a_pending_long_poll() -> None:
    emu = BotApiEmulator().start()
    app = emulator_application_builder(emu).build()
    async with polling(app):
        await asyncio.sleep(0.1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    emu.stop()
    assert loop.time() - started < 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_pushes_updates_with_the_secret_token(
    emulator: BotApiEmulator,
) -> None:
    app = emulator_application_builder(emulator).build()
    app.add_handler(CommandHandler("echo", echo_html))
    port = free_port()
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="s3cret",
        )
        try:
            sent = emulator.user_sends("/echo qua <b>webhook</b>", user_id=8)
            [reply] = await emulator.await_messages(8, 1, after=sent)
            assert reply["visible_text"] == "qua webhook"
            with pytest.raises(Conflict, match=r"(?i)getUpdates method while webhook"):
                await app.bot.get_updates()
            # A wrong secret: PTB refuses the push, Telegram keeps the update and the error.
            await app.bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="wrong")
            emulator.user_sends("/echo lost", user_id=8)
            await wait_until(
                lambda: "last_error_message" in post(emulator, "getWebhookInfo", {})[1]["result"]
            )
            info = (await app.bot.get_webhook_info()).to_dict()
            assert info["pending_update_count"] == 1
            assert info["last_error_message"].startswith("Wrong response from the webhook: 403")
        finally:
            await app.updater.stop()
            await app.stop()


def test_webhook_must_be_https_unless_on_this_machine(emulator: BotApiEmulator) -> None:
    assert post(emulator, "setWebhook", {"url": "http://example.com/hook"})[1] == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    }


async def test_privacy_mode_hides_group_chatter_but_not_commands_for_this_bot() -> None:
    seen: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record every text."""
        assert update.effective_message is not None
        seen.append(update.effective_message.text or "")

    with BotApiEmulator(privacy_mode=True) as emu:
        app = emulator_application_builder(emu).build()
        app.add_handler(MessageHandler(filters.TEXT, record))
        async with polling(app):
            for text in [
                "chào cả nhóm",
                "/x@otherbot",
                "/x",
                "/y@ictdigest_bot",
                "hi @ictdigest_bot",
            ]:
                emu.user_sends(text, chat_id=-9, user_id=3, chat_type="group")
            emu.user_sends("riêng tư", user_id=3)
            await wait_until(lambda: len(seen) == 4)
            await asyncio.sleep(0.2)
    assert seen == ["/x", "/y@ictdigest_bot", "hi @ictdigest_bot", "riêng tư"]


def description(emu: BotApiEmulator, method: str, body: dict[str, Any]) -> str:
    return str(post(emu, method, body)[1].get("description", "ok"))


def test_chat_states_answer_with_telegrams_errors(emulator: BotApiEmulator) -> None:
    emulator.add_chat(1)
    emulator.add_chat(-2, chat_type="group", title="Nhóm")
    emulator.deactivate_user(1)
    assert description(emulator, "sendMessage", {"chat_id": 1, "text": "x"}) == (
        "Forbidden: user is deactivated"
    )
    emulator.kick_silently(-2)
    assert description(emulator, "sendMessage", {"chat_id": -2, "text": "x"}) == (
        "Forbidden: bot was kicked from the group chat"
    )
    assert description(emulator, "getChatAdministrators", {"chat_id": 5}) == (
        "Bad Request: chat not found"
    )


def test_edits_replies_and_callback_answers_follow_telegrams_rules(
    emulator: BotApiEmulator,
) -> None:
    emulator.add_chat(4)
    first = post(emulator, "sendMessage", {"chat_id": 4, "text": "một"})[1]["result"]
    same = {"chat_id": 4, "message_id": first["message_id"], "text": "một"}
    assert description(emulator, "editMessageText", same).startswith(
        "Bad Request: message is not modified"
    )
    gone = {"chat_id": 4, "message_id": 99, "text": "hai"}
    assert description(emulator, "editMessageText", gone) == (
        "Bad Request: message to edit not found"
    )
    reply = {"chat_id": 4, "text": "x", "reply_parameters": {"message_id": 77}}
    assert description(emulator, "sendMessage", reply) == (
        "Bad Request: message to be replied not found"
    )
    reply["reply_parameters"] = {"message_id": first["message_id"]}
    assert post(emulator, "sendMessage", reply)[1]["result"]["reply_to_message"] == first
    assert description(emulator, "answerCallbackQuery", {"callback_query_id": "1"}) == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    explicit = {
        "chat_id": 4,
        "text": "đậm",
        "entities": [{"type": "bold", "offset": 0, "length": 3}],
    }
    assert post(emulator, "sendMessage", explicit)[1]["result"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 3}
    ]
    explicit["entities"] = [{"type": "bold", "offset": 2, "length": 5}]
    assert description(emulator, "sendMessage", explicit) == (
        "Bad Request: entity beginning out of bounds"
    )


def test_members_admins_and_migration_updates(emulator: BotApiEmulator) -> None:
    emulator.add_bot_to_group(-50, by_user_id=1, title="Nhóm A")
    emulator.set_admins(-50, [2], anonymous_ids=[3], owner_id=1)
    emulator.user_sends("chào", chat_id=-50, user_id=4)
    status = {
        user: post(emulator, "getChatMember", {"chat_id": -50, "user_id": user})[1]["result"][
            "status"
        ]
        for user in (1, 2, 3, 4)
    }
    assert status == {1: "creator", 2: "administrator", 3: "administrator", 4: "member"}
    new_id = emulator.migrate(-50)
    assert new_id == -1000000000050
    updates = post(emulator, "getUpdates", {"timeout": 0})[1]["result"]
    kinds = [next(key for key in update if key != "update_id") for update in updates]
    assert kinds == ["my_chat_member", "message", "message", "message", "message"]
    assert updates[0]["my_chat_member"]["new_chat_member"]["status"] == "member"
    assert updates[1]["message"]["new_chat_members"][0]["username"] == "ictdigest_bot"
    assert updates[3]["message"]["migrate_to_chat_id"] == new_id
    assert updates[4]["message"]["migrate_from_chat_id"] == -50
    assert updates[4]["message"]["chat"]["type"] == "supergroup"
    assert post(emulator, "deleteWebhook", {"drop_pending_updates": True})[0] == 200
    assert emulator.pending_updates() == 0
