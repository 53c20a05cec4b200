"""A local Telegram Bot API server that enforces Telegram's rules.

Used by the end-to-end tests, the broadcast benchmark and ``ictdigest console`` (no token):
the real python-telegram-bot ``Application`` talks to it over HTTP on 127.0.0.1 only::

    with BotApiEmulator() as emu:            # or emu = BotApiEmulator().start(); emu.stop()
        app = (ApplicationBuilder().token(emu.token)
               .base_url(emu.base_url).base_file_url(emu.base_file_url).build())

Options: ``BotApiEmulator(port=0, token=DEFAULT_TOKEN, username="ictdigest_bot",
limits=RateLimits(...) | RateLimits.unlimited(), privacy_mode=False,
wall_clock=time.time, monotonic=time.monotonic)``.

Bot API methods: getMe, getUpdates (long polling, offset, limit, allowed_updates),
setWebhook/deleteWebhook/getWebhookInfo (updates are pushed, with the secret token, to a
webhook on 127.0.0.1; other URLs are only recorded), set/get/deleteMyCommands (per scope and
language), sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery,
sendChatAction, getChat, getChatMember, getChatAdministrators, getChatMemberCount,
leaveChat, close, logOut; and, in their own modules, forum topics (createForumTopic,
edit/close/reopen/deleteForumTopic; ``message_thread_id`` checked: bot/emulator/forum.py),
inline mode (answerInlineQuery: bot/emulator/inline.py), sendPhoto and
set/getMyDescription, set/getMyShortDescription (bot/emulator/media.py). Anything else:
404 "Not Found".

Rules enforced: HTML parse mode (``entities.parse_html``), 4096 UTF-16 units of visible
text, inline keyboards (callback_data 1-64 bytes), replies to existing messages, flood
limits (``limits.RateLimits``: 429 with retry_after), 403 for blocked/deactivated users and
kicked bots, 400 with migrate_to_chat_id for upgraded groups.

Control API (thread-safe; call from tests or the console):

- users act: ``user_sends(text, *, user_id=1001, chat_id=None (= user_id), chat_type=None
  (private if id > 0 else group), username, first_name, last_name, language_code, title,
  is_anonymous_admin=False, reply_to=None, message_thread_id=None) -> Message dict``;
  ``press_button(chat_id, user_id, message_id, data) -> callback query id``;
- chats: ``add_chat(chat_id, *, chat_type, title, first_name, username)``,
  ``add_chats(ids)``, ``add_bot_to_group(chat_id, by_user_id, title, *, chat_type="group",
  as_admin=False)``, ``remove_bot_from_group(chat_id, by_user_id=None)``,
  ``set_admins(chat_id, user_ids, anonymous_ids=(), *, owner_id=None, bot_is_admin=None)``,
  ``block(chat_id, *, notify=True)``, ``unblock(chat_id)``, ``deactivate_user(chat_id)``,
  ``kick_silently(chat_id)``, ``migrate(chat_id, new_chat_id=None, *, notify=True) -> id``;
- faults: ``fail_next(method, code, description, **parameters)``,
  ``delay_next(method, seconds)`` (the call IS carried out, the answer comes late);
- observation: ``sent_messages(chat_id=None)`` (dicts: chat_id, message_id, text (as sent),
  parse_mode, visible_text, entities, reply_markup, reply_to_message_id,
  message_thread_id, link_preview_options, date, sent_at, seq), ``edits(chat_id=None)``,
  ``callback_answers()``, ``chat_actions()``, ``method_calls()``, ``my_commands(scope,
  language_code)``, ``message(chat_id, message_id)``, ``chat(chat_id)``, ``stats()`` /
  ``reset_stats()`` (sent_count, rejected_429, rejected_other, first/last_send_at,
  send_times, send_rate), ``pending_updates()``;
- forums: ``make_forum(chat_id, title, *, bot_can_manage_topics=True)``,
  ``create_topic(chat_id, name) -> thread id``, ``close_topic``, ``reopen_topic``,
  ``delete_topic``, ``topics(chat_id)``, ``set_bot_can_manage_topics(chat_id, allowed)``;
- inline: ``enable_inline()``, ``user_inline_query(query, *, user_id, language_code)
  -> id``, ``await await_inline_answer(id)``, ``inline_answers()``,
  ``choose_inline_result(query_id, result_id, chat_id)``;
- photos and profile: ``sent_photos(chat_id=None)``, ``my_description(lang)``,
  ``my_short_description(lang)``;
- waiting: ``mark()``, ``wait_for_messages(chat_id, count, timeout=5.0, *, after=None)``,
  ``await await_messages(...)`` (async, same arguments),
  ``wait_until_quiet(quiet=0.3, timeout=10.0)``.
"""

from bot.emulator.base import DEFAULT_TOKEN, DEFAULT_USERNAME, EmulatorStats
from bot.emulator.entities import EntityParseError, ParsedText, parse_html, utf16_length
from bot.emulator.limits import RateLimiter, RateLimits
from bot.emulator.params import ApiError
from bot.emulator.server import BotApiEmulator

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "ApiError",
    "BotApiEmulator",
    "EmulatorStats",
    "EntityParseError",
    "ParsedText",
    "RateLimiter",
    "RateLimits",
    "parse_html",
    "utf16_length",
]
