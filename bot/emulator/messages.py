"""Messages in the emulator: sendMessage, edits, callback answers and chat actions."""

from __future__ import annotations

from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.methods import (
    MAX_CALLBACK_ANSWER,
    VALID_CHAT_ACTIONS,
    check_reply_markup,
    parse_message_text,
)
from bot.emulator.params import ApiError, bad_request, get_bool, get_int, get_json, get_str
from bot.emulator.state import ChatState


class MessagesMixin(EmulatorBase):
    """Bot API methods that send, edit and answer messages."""

    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        parse_mode = get_str(params, "parse_mode")
        text = get_str(params, "text")
        with self._lock:
            chat = self._chat_for_bot(params)
            self._check_thread(chat, params)
            parsed = parse_message_text(text, parse_mode, get_json(params, "entities"))
            markup = check_reply_markup(get_json(params, "reply_markup"))
            reply_to = self._reply_target(chat, params)
            retry_after = self._limiter.try_acquire(chat.id)
            if retry_after:
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
            message = self._bot_message(chat, parsed.text, parsed.entities, markup)
            if reply_to is not None:
                message["reply_to_message"] = reply_to
            thread_id = get_int(params, "message_thread_id")
            if thread_id is not None:
                message["message_thread_id"] = thread_id
                if chat.is_forum:  # a message in a forum topic says so, as in Telegram
                    message["is_topic_message"] = True
            previews = get_json(params, "link_preview_options")
            if get_bool(params, "disable_web_page_preview"):
                previews = {"is_disabled": True}
            if isinstance(previews, dict):
                message["link_preview_options"] = previews
            seq = self._store_message(chat, message)
            self._record_send(chat, message, text or "", parse_mode, markup, seq, previews)
            return message

    def _bot_message(
        self,
        chat: ChatState,
        text: str,
        entities: list[dict[str, Any]],
        markup: dict[str, Any] | None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": chat.take_message_id(),
            "from": self.bot_user.to_api(),
            "chat": chat.to_api(),
            "date": self._now(),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        return message

    def _record_send(
        self,
        chat: ChatState,
        message: dict[str, Any],
        source: str,
        parse_mode: str | None,
        markup: dict[str, Any] | None,
        seq: int,
        previews: Any,
    ) -> None:
        now = self._monotonic()
        record = {
            "chat_id": chat.id,
            "message_id": message["message_id"],
            "text": source,
            "parse_mode": parse_mode,
            "visible_text": message["text"],
            "entities": message.get("entities", []),
            "reply_markup": markup,
            "reply_to_message_id": message.get("reply_to_message", {}).get("message_id"),
            "message_thread_id": message.get("message_thread_id"),
            "link_preview_options": previews,
            "date": message["date"],
            "sent_at": now,
            "seq": seq,
        }
        self._sent.append(record)
        self._sent_by_chat.setdefault(chat.id, []).append(record)
        stats = self._stats
        stats.sent_count += 1
        stats.send_times.append(now)
        if stats.first_send_at is None:
            stats.first_send_at = now
        stats.last_send_at = now
        self._changed.notify_all()

    def _editable(self, params: dict[str, Any]) -> tuple[ChatState, dict[str, Any]]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat_for_bot(params)
        message_id = get_int(params, "message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self._messages.get((chat.id, message_id))
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user.id:
            raise bad_request("message can't be edited")
        return chat, message

    def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        parse_mode = get_str(params, "parse_mode")
        text = get_str(params, "text")
        with self._lock:
            chat, message = self._editable(params)
            parsed = parse_message_text(text, parse_mode, get_json(params, "entities"))
            markup = check_reply_markup(get_json(params, "reply_markup"))
            unchanged = (
                message.get("text") == parsed.text
                and message.get("entities", []) == parsed.entities
                and message.get("reply_markup") == markup
            )
            if unchanged:
                raise bad_request(_NOT_MODIFIED)
            message["text"] = parsed.text
            _set_or_drop(message, "entities", parsed.entities or None)
            _set_or_drop(message, "reply_markup", markup)
            message["edit_date"] = self._now()
            self._record_edit(chat, message, text, parse_mode, markup)
            return dict(message)

    def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            chat, message = self._editable(params)
            markup = check_reply_markup(get_json(params, "reply_markup"))
            if message.get("reply_markup") == markup:
                raise bad_request(_NOT_MODIFIED)
            _set_or_drop(message, "reply_markup", markup)
            message["edit_date"] = self._now()
            self._record_edit(chat, message, None, None, markup)
            return dict(message)

    def _record_edit(
        self,
        chat: ChatState,
        message: dict[str, Any],
        source: str | None,
        parse_mode: str | None,
        markup: dict[str, Any] | None,
    ) -> None:
        self._edits.append(
            {
                "chat_id": chat.id,
                "message_id": message["message_id"],
                "text": source,
                "parse_mode": parse_mode,
                "visible_text": message.get("text"),
                "reply_markup": markup,
                "seq": next(self._seq),
                "edited_at": self._monotonic(),
            }
        )
        self._changed.notify_all()

    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = get_str(params, "callback_query_id") or ""
        text = get_str(params, "text")
        with self._lock:
            query = self._callbacks.get(query_id)
            if query is None or query["answered"]:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            if text is not None and len(text) > MAX_CALLBACK_ANSWER:
                raise bad_request("MESSAGE_TOO_LONG")
            query["answered"] = True
            self._callback_answers.append(
                {
                    "callback_query_id": query_id,
                    "chat_id": query["chat_id"],
                    "text": text,
                    "show_alert": get_bool(params, "show_alert"),
                    "url": get_str(params, "url"),
                    "seq": next(self._seq),
                }
            )
            self._changed.notify_all()
        return True

    def send_chat_action(self, params: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._chat_for_bot(params)
            action = get_str(params, "action")
            if action not in VALID_CHAT_ACTIONS:
                raise bad_request("wrong parameter action in request")
            self._chat_actions.append({"chat_id": chat.id, "action": action})
        return True


_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _set_or_drop(message: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value
