"""Inline mode in the emulator: inline queries, answerInlineQuery, choosing a result.

Bot API method: answerInlineQuery (query id known and answered once; at most 50
results; each InlineQueryResultArticle needs a unique id of 1-64 bytes, a title and
input_message_content whose message_text Telegram would accept: HTML parsed, 4096
units; cache_time ≥ 0).

Control API: ``enable_inline(enabled=True)`` (BotFather's /setinline),
``user_inline_query(query, *, user_id=1001, chat_type="sender", offset="",
language_code=None) -> id``
(an inline_query update), ``inline_answers(query_id=None)`` (what the bot answered),
``choose_inline_result(query_id, result_id, chat_id, *, user_id=None) -> message``
(the user picks a result: it is posted in ``chat_id`` via the bot).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from bot.emulator.methods import check_reply_markup, parse_message_text
from bot.emulator.params import bad_request, get_int, get_json, get_str
from bot.emulator.state import ChatState

MAX_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CHAT_TYPES = ("sender", "private", "group", "supergroup", "channel")


class InlineMixin:
    """Mixed into the emulator (before EmulatorCore)."""

    _lock: Any
    bot_user: Any

    def _inline_state(self) -> dict[str, Any]:
        return self.__dict__.setdefault(
            "_inline",
            {"enabled": False, "queries": {}, "answers": [], "ids": itertools.count(1)},
        )

    # ------------------------------------------------------------------ Bot API method

    def answer_inline_query(self, params: dict[str, Any]) -> bool:
        query_id = get_str(params, "inline_query_id") or ""
        results = get_json(params, "results")
        cache_time = get_int(params, "cache_time")
        with self._lock:
            state = self._inline_state()
            query = state["queries"].get(query_id)
            if query is None or query["answered"]:
                raise bad_request(QUERY_TOO_OLD)
            if not isinstance(results, list):
                raise bad_request("results must be an array")
            if len(results) > MAX_RESULTS:
                raise bad_request("RESULTS_TOO_MUCH")
            if cache_time is not None and cache_time < 0:
                raise bad_request("cache_time must be non-negative")
            checked = [_check_result(r) for r in results]
            if len({r["id"] for r in checked}) != len(checked):
                raise bad_request("RESULT_ID_DUPLICATE")
            query["answered"] = True
            state["answers"].append(
                {
                    "inline_query_id": query_id,
                    "query": query["query"],
                    "results": checked,
                    "cache_time": cache_time,
                    "is_personal": bool(params.get("is_personal")),
                    "next_offset": get_str(params, "next_offset"),
                    "button": _check_button(get_json(params, "button")),
                }
            )
            self._changed.notify_all()  # type: ignore[attr-defined]
        return True

    def _inline_enabled(self) -> bool:
        with self._lock:
            return bool(self._inline_state()["enabled"])

    # ------------------------------------------------------------------ control API

    def enable_inline(self, enabled: bool = True) -> None:
        with self._lock:
            self._inline_state()["enabled"] = enabled

    def user_inline_query(
        self,
        query: str,
        *,
        user_id: int = 1001,
        chat_type: str = "sender",
        offset: str = "",
        language_code: str | None = None,
    ) -> str:
        """A user types ``@bot query`` in some chat; returns the inline query's id."""
        if chat_type not in CHAT_TYPES:
            raise ValueError(f"chat_type must be one of {CHAT_TYPES}")
        with self._lock:
            state = self._inline_state()
            if not state["enabled"]:
                raise ValueError("inline mode is off for this bot (BotFather: /setinline)")
            query_id = str(next(state["ids"]) + 4_000_000_000)
            user = self._user(user_id, language_code=language_code)  # type: ignore[attr-defined]
            payload = {
                "id": query_id,
                "from": user.to_api(),
                "query": query[:256],
                "offset": offset,
                "chat_type": chat_type,
            }
            state["queries"][query_id] = {"query": query, "user_id": user_id, "answered": False}
            self._enqueue("inline_query", payload)  # type: ignore[attr-defined]
            return query_id

    def inline_answers(self, query_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            answers = self._inline_state()["answers"]
            return [a for a in answers if query_id is None or a["inline_query_id"] == query_id]

    def wait_for_inline_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        with self._lock:
            found = self._changed.wait_for(  # type: ignore[attr-defined]
                lambda: self.inline_answers(query_id), timeout
            )
            if not found:
                raise TimeoutError(f"no answer to inline query {query_id} within {timeout}s")
            return self.inline_answers(query_id)[0]

    async def await_inline_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        import asyncio

        return await asyncio.to_thread(self.wait_for_inline_answer, query_id, timeout)

    def choose_inline_result(
        self, query_id: str, result_id: str, chat_id: int, *, user_id: int | None = None
    ) -> dict[str, Any]:
        """The user taps a result: Telegram posts its message in ``chat_id``, via the bot."""
        with self._lock:
            [answer] = self.inline_answers(query_id)
            result = next(r for r in answer["results"] if r["id"] == result_id)
            query = self._inline_state()["queries"][query_id]
            sender = self._user(user_id or query["user_id"])  # type: ignore[attr-defined]
            chat: ChatState = self._ensure_chat(chat_id, None, None, None, None)  # type: ignore[attr-defined]
            content = result["input_message_content"]
            parsed = parse_message_text(
                content["message_text"], content.get("parse_mode"), content.get("entities")
            )
            message: dict[str, Any] = {
                "message_id": chat.take_message_id(),
                "from": sender.to_api(),
                "chat": chat.to_api(),
                "date": self._now(),  # type: ignore[attr-defined]
                "text": parsed.text,
                "via_bot": self.bot_user.to_api(),
            }
            if parsed.entities:
                message["entities"] = parsed.entities
            if result.get("reply_markup"):
                message["reply_markup"] = result["reply_markup"]
            seq = self._store_message(chat, message)  # type: ignore[attr-defined]
            self._record_send(  # type: ignore[attr-defined]
                chat,
                message,
                content["message_text"],
                content.get("parse_mode"),
                result.get("reply_markup"),
                seq,
                content.get("link_preview_options"),
            )
            return message


def _check_button(button: Any) -> dict[str, Any] | None:
    """InlineQueryResultsButton: a text and a start_parameter (1-64 of A-Z a-z 0-9 _ -)."""
    if button is None:
        return None
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    start = button.get("start_parameter")
    if start is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", str(start)):
        raise bad_request("START_PARAM_INVALID")
    return button


def _check_result(result: Any) -> dict[str, Any]:
    """One InlineQueryResultArticle as Telegram would accept it (other types: stored as given)."""
    if not isinstance(result, dict):
        raise bad_request("result must be an object")
    result_id = str(result.get("id") or "")
    if not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if result.get("type") != "article":
        return result
    if not str(result.get("title") or "").strip():
        raise bad_request("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or "message_text" not in content:
        raise bad_request("MESSAGE_EMPTY")
    parse_message_text(content["message_text"], content.get("parse_mode"), content.get("entities"))
    if result.get("reply_markup") is not None:
        check_reply_markup(result["reply_markup"])
    return result


INLINE_METHODS = {"answerinlinequery": InlineMixin.answer_inline_query}
