"""The emulated Bot API server: state, method implementations and the test control API.

Everything here is thread-safe under one lock: the HTTP server answers each request in
its own thread while tests (or the console) inject user actions from another.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from bot.emulator.limits import RateLimiter, RateLimits
from bot.emulator.methods import (
    MAX_CALLBACK_ANSWER,
    VALID_CHAT_ACTIONS,
    check_reply_markup,
    command_entities,
    commands_in,
    inline_callback_data,
    parse_message_text,
)
from bot.emulator.params import (
    ApiError,
    bad_request,
    get_bool,
    get_float,
    get_int,
    get_json,
    get_str,
)
from bot.emulator.state import ANONYMOUS_ADMIN_BOT, ChatState, UserState, chat_member

DEFAULT_TOKEN = "7000000001:EMULATOR-local-token-not-valid-on-telegram"
DEFAULT_USERNAME = "ictdigest_bot"
# Types Telegram delivers when a bot never set allowed_updates.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "chat_join_request",
    }
)
REPLY_METHODS = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup"})


@dataclass(frozen=True)
class Fault:
    code: int
    description: str
    parameters: dict[str, Any]


@dataclass
class EmulatorStats:
    """Counters for benchmarks: accepted sends, refused ones and when sends happened."""

    sent_count: int = 0
    rejected_429: int = 0
    rejected_other: int = 0
    first_send_at: float | None = None  # monotonic seconds
    last_send_at: float | None = None
    send_times: list[float] = field(default_factory=list)

    @property
    def send_rate(self) -> float:
        """Accepted sends per second between the first and the last one."""
        if self.first_send_at is None or self.last_send_at is None or self.sent_count < 2:
            return 0.0
        span = self.last_send_at - self.first_send_at
        return (self.sent_count - 1) / span if span > 0 else float("inf")


@dataclass
class _Update:
    update_id: int
    kind: str
    payload: dict[str, Any]
    seq: int

    def to_api(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


class EmulatorCore:
    """Bot API state and semantics, without the HTTP transport (see ``BotApiEmulator``)."""

    # Methods of the extension modules (forum, inline, media, profile), by lowercase name.
    extra_methods: ClassVar[dict[str, Callable[[Any, dict[str, Any]], Any]]] = {}

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = DEFAULT_USERNAME,
        first_name: str = "ICT Digest",
        limits: RateLimits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        privacy_mode: bool = False,
    ) -> None:
        self.token = token
        # Telegram's group privacy: a non-admin bot sees only commands for it, replies to
        # it and mentions of it. Off by default so tests see everything the bot might get
        # as an admin (admins always receive every message).
        self.privacy_mode = privacy_mode
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 7000000001
        self.bot_user = UserState(bot_id, first_name, username=username, is_bot=True)
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._limiter = RateLimiter(limits or RateLimits(), clock=monotonic)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._closing = False
        self._seq = itertools.count(1)
        self._users: dict[int, UserState] = {}
        self._chats: dict[int, ChatState] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._message_seq: dict[tuple[int, int], int] = {}
        self._updates: deque[_Update] = deque()
        self._next_update_id = 100_000_001
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._delivered_seq = 0
        self._sent: list[dict[str, Any]] = []
        self._sent_by_chat: dict[int, list[dict[str, Any]]] = {}  # waits scan one chat only
        self._edits: list[dict[str, Any]] = []
        self._callback_answers: list[dict[str, Any]] = []
        self._callbacks: dict[str, dict[str, Any]] = {}
        self._chat_actions: list[dict[str, Any]] = []
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._calls: list[tuple[float, str]] = []
        self._faults: dict[str, deque[Fault]] = {}
        self._chat_faults: dict[int, deque[Fault]] = {}  # sendMessage faults for one chat
        self._throttled_until = 0.0  # every sendMessage refused with 429 until then
        self._delays: dict[str, deque[float]] = {}
        self._webhook: dict[str, Any] = {}
        self._stats = EmulatorStats()
        self._last_bot_activity = 0.0

    # ------------------------------------------------------------------ dispatch

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        """Run one Bot API method: (HTTP status, JSON body, seconds to hold the response)."""
        name = method.lower()
        handler = _METHODS.get(name) or self.extra_methods.get(name)
        if handler is None:
            return 404, ApiError(404, "Not Found").payload(), 0.0
        with self._lock:
            delay = self._pop_delay(name)
            fault = self._pop_fault(name)
            if fault is None and name == "sendmessage":
                fault = self._send_fault(params)
            if name != "getupdates":
                self._calls.append((self._monotonic(), name))
                self._last_bot_activity = self._monotonic()
        if fault is not None:
            error = ApiError(fault.code, fault.description, **fault.parameters)
            self._count_rejection(error)
            return error.code, error.payload(), delay
        try:
            result = handler(self, params)
        except ApiError as error:
            self._count_rejection(error)
            return error.code, error.payload(), delay
        return 200, {"ok": True, "result": result}, delay

    def _count_rejection(self, error: ApiError) -> None:
        with self._lock:
            if error.code == 429:
                self._stats.rejected_429 += 1
            else:
                self._stats.rejected_other += 1

    def _pop_fault(self, name: str) -> Fault | None:
        queue = self._faults.get(name)
        return queue.popleft() if queue else None

    def _send_fault(self, params: dict[str, Any]) -> Fault | None:
        """Fault injection for one chat, or Telegram's overall flood limit (see ``throttle``)."""
        left = self._throttled_until - self._monotonic()
        if left > 0:
            wait = max(1, int(left + 0.999))
            return Fault(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        try:
            chat_id = get_int(params, "chat_id")
        except Exception:
            return None
        queue = self._chat_faults.get(chat_id) if chat_id is not None else None
        return queue.popleft() if queue else None

    def _pop_delay(self, name: str) -> float:
        queue = self._delays.get(name)
        return queue.popleft() if queue else 0.0

    def close(self) -> None:
        with self._lock:
            self._closing = True
            self._changed.notify_all()

    # ------------------------------------------------------------------ helpers

    def _now(self) -> int:
        return int(self._wall_clock())

    def _chat_for_bot(self, params: dict[str, Any], *, sending: bool = True) -> ChatState:
        """The chat a method addresses, or the error Telegram gives for it."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            chat = next((c for c in self._chats.values() if c.username == raw[1:]), None)
        else:
            chat_id = get_int(params, "chat_id")
            chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat", migrate_to_chat_id=chat.migrated_to
            )
        gone = chat.gone_description()
        if gone is not None and sending:
            raise ApiError(403, gone)
        return chat

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> None:
        update = _Update(self._next_update_id, kind, payload, next(self._seq))
        self._next_update_id += 1
        self._updates.append(update)
        self._changed.notify_all()

    def _user(self, user_id: int, **details: Any) -> UserState:
        user = self._users.get(user_id)
        if user is None:
            first_name = details.get("first_name") or "Bạn"
            user = UserState(user_id, first_name)
            self._users[user_id] = user
        for key in ("first_name", "username", "last_name", "language_code"):
            if details.get(key) is not None:
                setattr(user, key, details[key])
        return user

    def _store_message(self, chat: ChatState, message: dict[str, Any]) -> int:
        key = (chat.id, message["message_id"])
        self._messages[key] = message
        seq = next(self._seq)
        self._message_seq[key] = seq
        return seq

    def _reply_target(self, chat: ChatState, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = get_json(params, "reply_parameters")
        reply_id = get_int(params, "reply_to_message_id")
        allow_missing = get_bool(params, "allow_sending_without_reply")
        if isinstance(reply, dict):
            reply_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        if reply_id is None:
            return None
        target = self._messages.get((chat.id, int(reply_id)))
        if target is None and not allow_missing:
            raise bad_request("message to be replied not found")
        return target

    # ------------------------------------------------------------------ Bot API methods

    def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        me = self.bot_user.to_api()
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=self._inline_enabled(),
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = get_int(params, "offset")
        limit = min(max(get_int(params, "limit") or 100, 1), 100)
        timeout = max(0.0, get_float(params, "timeout") or 0.0)
        allowed = get_json(params, "allowed_updates")
        deadline = self._monotonic() + timeout
        with self._lock:
            if self._webhook.get("url"):
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
            while True:
                self._confirm(offset)
                ready = [u for u in self._updates if u.kind in self._allowed_updates][:limit]
                remaining = deadline - self._monotonic()
                if ready or remaining <= 0 or self._closing:
                    break
                self._changed.wait(remaining)
            if ready:
                self._delivered_seq = max(self._delivered_seq, ready[-1].seq)
                self._last_bot_activity = self._monotonic()
                self._changed.notify_all()
            return [update.to_api() for update in ready]

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            keep = -offset
            while len(self._updates) > keep:
                self._updates.popleft()
            return
        while self._updates and self._updates[0].update_id < offset:
            self._updates.popleft()
        # Updates of types the bot does not want are dropped when passed over, as Telegram does.
        while self._updates and self._updates[0].kind not in self._allowed_updates:
            self._updates.popleft()

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._webhook = {}
            if get_bool(params, "drop_pending_updates"):
                self._updates.clear()
            self._changed.notify_all()
        return True

    def set_webhook(self, params: dict[str, Any]) -> bool:
        url = get_str(params, "url") or ""
        if not url:
            return self.delete_webhook(params)
        if not (url.startswith("https://") or is_loopback_url(url)):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        allowed = get_json(params, "allowed_updates")
        with self._lock:
            self._webhook = {
                "url": url,
                "secret_token": get_str(params, "secret_token"),
                "max_connections": get_int(params, "max_connections") or 40,
            }
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
            if get_bool(params, "drop_pending_updates"):
                self._updates.clear()
            self._changed.notify_all()
        return True

    def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook.get("url"):
                info["max_connections"] = self._webhook["max_connections"]
                info["allowed_updates"] = sorted(self._allowed_updates)
            if self._webhook.get("last_error_date"):
                info["last_error_date"] = self._webhook["last_error_date"]
                info["last_error_message"] = self._webhook["last_error_message"]
            return info

    def next_webhook_delivery(self, timeout: float) -> tuple[str, str | None, _Update] | None:
        """Wait for an update to push to a loopback webhook: (url, secret, update)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not self._closing:
                url = self._webhook.get("url", "")
                if url and is_loopback_url(url):
                    self._confirm(None)
                    wanted = [u for u in self._updates if u.kind in self._allowed_updates]
                    if wanted:
                        return url, self._webhook.get("secret_token"), wanted[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
            return None

    def webhook_delivered(self, update: _Update, error: str | None) -> None:
        """Record a push: drop the update on success, keep it and the error otherwise."""
        with self._lock:
            if error is None:
                if update in self._updates:
                    self._updates.remove(update)
                self._delivered_seq = max(self._delivered_seq, update.seq)
                self._last_bot_activity = self._monotonic()
            elif self._webhook:
                self._webhook["last_error_date"] = self._now()
                self._webhook["last_error_message"] = error
            self._changed.notify_all()

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = get_json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = command.get("command", "")
            description = command.get("description", "")
            if not isinstance(name, str) or not _valid_command_name(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _scope_key(get_json(params, "scope")), get_str(params, "language_code") or ""
        with self._lock:
            self._commands[key] = [dict(c) for c in commands]
        return True

    def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        key = _scope_key(get_json(params, "scope")), get_str(params, "language_code") or ""
        with self._lock:
            return [dict(c) for c in self._commands.get(key, [])]

    def delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = _scope_key(get_json(params, "scope")), get_str(params, "language_code") or ""
        with self._lock:
            self._commands.pop(key, None)
        return True

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

    def _inline_enabled(self) -> bool:
        """Hook: the inline extension answers whether BotFather's /setinline was done."""
        return False

    def _check_thread(self, chat: ChatState, params: dict[str, Any]) -> None:
        """Hook: the forum extension rejects messages for deleted or closed topics."""

    def _bot_admin_rights(self, chat: ChatState) -> dict[str, Any]:
        """Hook: rights the extensions add to the bot's ChatMember (e.g. can_manage_topics)."""
        return {}

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

    def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            chat = self._chat_for_bot(params, sending=False)
            return chat.full_info()

    def get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            chat = self._chat_for_bot(params, sending=False)
            user_id = get_int(params, "user_id")
            if user_id is None:
                raise bad_request("user_id is empty")
            return self._member_of(chat, user_id)

    def _member_of(self, chat: ChatState, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user.id:
            member = chat_member(self.bot_user.to_api(), chat.bot_status)
            if chat.bot_status == "administrator":
                member.update(self._bot_admin_rights(chat))
            return member
        user = self._users.get(user_id)
        if user is None and user_id != ANONYMOUS_ADMIN_BOT["id"]:
            raise bad_request("user not found")
        user_api = user.to_api() if user else dict(ANONYMOUS_ADMIN_BOT)
        if chat.type == "private":
            return chat_member(user_api, "member")
        if chat.owner_id == user_id:
            return chat_member(user_api, "creator", is_anonymous=chat.admins.get(user_id, False))
        if user_id in chat.admins:
            return chat_member(user_api, "administrator", is_anonymous=chat.admins[user_id])
        status = "member" if user_id in chat.members else "left"
        return chat_member(user_api, status)

    def get_chat_administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._lock:
            chat = self._chat_for_bot(params, sending=False)
            if chat.type == "private":
                raise bad_request("there are no administrators in the private chat")
            admin_ids = list(chat.admins)
            if chat.owner_id is not None and chat.owner_id not in chat.admins:
                admin_ids.insert(0, chat.owner_id)
            members = [self._member_of(chat, user_id) for user_id in admin_ids]
            if chat.bot_status in ("administrator", "creator"):
                members.append(self._member_of(chat, self.bot_user.id))
            return members

    def get_chat_member_count(self, params: dict[str, Any]) -> int:
        with self._lock:
            chat = self._chat_for_bot(params, sending=False)
            return max(1, len(chat.members | set(chat.admins)) + 1)

    def leave_chat(self, params: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._chat_for_bot(params, sending=False)
            if chat.type == "private":
                raise bad_request("chat member status can't be changed in private chats")
            self._set_bot_status(chat, "left", by=self.bot_user.to_api())
        return True

    def log_out(self, params: dict[str, Any]) -> bool:
        return True

    # ------------------------------------------------------------------ membership updates

    def _set_bot_status(self, chat: ChatState, status: str, *, by: dict[str, Any]) -> None:
        old = chat.bot_status
        chat.bot_status = status
        if old == status:
            return
        bot = self.bot_user.to_api()
        self._enqueue(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": by,
                "date": self._now(),
                "old_chat_member": chat_member(bot, old),
                "new_chat_member": chat_member(bot, status),
            },
        )

    # ------------------------------------------------------------------ control API

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: str | None = None,
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Make a chat known (silently: no update), e.g. 10,000 subscribers for a benchmark."""
        with self._lock:
            return self._ensure_chat(chat_id, chat_type, title, first_name, username).to_api()

    def add_chats(self, chat_ids: Iterable[int]) -> None:
        """Bulk ``add_chat`` with default types (private for ids > 0, group otherwise)."""
        with self._lock:
            for chat_id in chat_ids:
                self._ensure_chat(chat_id, None, None, None, None)

    def _ensure_chat(
        self,
        chat_id: int,
        chat_type: str | None,
        title: str | None,
        first_name: str | None,
        username: str | None,
    ) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            kind = chat_type or ("private" if chat_id > 0 else "group")
            if (kind == "private") != (chat_id > 0):
                raise ValueError(f"chat id {chat_id} does not fit a {kind} chat")
            chat = ChatState(chat_id, kind, title=title, first_name=first_name, username=username)
            if kind == "private":
                chat.first_name = first_name or self._user(chat_id).first_name
                chat.username = username or self._user(chat_id).username
            self._chats[chat_id] = chat
            return chat
        if title is not None:
            chat.title = title
        return chat

    def user_sends(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
        title: str | None = None,
        is_anonymous_admin: bool = False,
        reply_to: int | None = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        """A user writes ``text``; returns the Message (queued as an update when the bot
        would see it: not in a group the bot is out of)."""
        with self._lock:
            user = self._user(
                user_id,
                first_name=first_name,
                username=username,
                last_name=last_name,
                language_code=language_code,
            )
            chat = self._ensure_chat(
                chat_id if chat_id is not None else user_id,
                chat_type,
                title,
                user.first_name,
                user.username,
            )
            if chat.migrated_to is not None:
                raise ValueError(f"chat {chat.id} was upgraded to {chat.migrated_to}")
            if chat.type == "private" and chat.bot_status == "kicked":
                # Writing to a bot you blocked means unblocking it first.
                self._set_bot_status(chat, "member", by=user.to_api())
            if chat.is_group:
                chat.members.add(user_id)
            message: dict[str, Any] = {
                "message_id": chat.take_message_id(),
                "from": user.to_api(),
                "chat": chat.to_api(),
                "date": self._now(),
                "text": text,
            }
            if is_anonymous_admin:
                if not chat.is_group:
                    raise ValueError("anonymous admins exist only in groups")
                message["from"] = dict(ANONYMOUS_ADMIN_BOT)
                message["sender_chat"] = chat.to_api()
            entities = command_entities(text)
            if entities:
                message["entities"] = entities
            if reply_to is not None:
                target = self._messages.get((chat.id, reply_to))
                if target is None:
                    raise ValueError(f"no message {reply_to} in chat {chat.id}")
                message["reply_to_message"] = target
            if message_thread_id is not None:
                message["message_thread_id"] = message_thread_id
                message["is_topic_message"] = True
            self._store_message(chat, message)
            if chat.gone_description() is None and self._bot_sees(chat, message):
                self._enqueue("message", message)
            return message

    def _bot_sees(self, chat: ChatState, message: dict[str, Any]) -> bool:
        if not (self.privacy_mode and chat.is_group) or chat.bot_status == "administrator":
            return True
        text = message.get("text", "")
        me = f"@{self.bot_user.username}".lower()
        for command in commands_in(text):
            if "@" not in command or command.lower().endswith(me):
                return True
        replied = message.get("reply_to_message", {}).get("from", {})
        return replied.get("id") == self.bot_user.id or me in text.lower()

    def press_button(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> str:
        """A user presses the inline button carrying ``data``; returns the callback query id."""
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            if data not in inline_callback_data(message.get("reply_markup")):
                raise ValueError(f"message {message_id} has no button with data {data!r}")
            user = self._user(user_id, first_name=first_name, username=username)
            query_id = str(next(self._seq) + 4_000_000_000)
            self._callbacks[query_id] = {"answered": False, "chat_id": chat_id}
            self._enqueue(
                "callback_query",
                {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": dict(message),
                    "chat_instance": str(abs(chat_id) * 7919 % 10**12),
                    "data": data,
                },
            )
            return query_id

    def add_bot_to_group(
        self,
        chat_id: int,
        by_user_id: int,
        title: str = "Nhóm ICT",
        *,
        chat_type: str = "group",
        as_admin: bool = False,
    ) -> None:
        """``by_user_id`` adds the bot to a group: a my_chat_member update and the
        new_chat_members service message, as Telegram sends them."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = self._ensure_chat(chat_id, chat_type, title, None, None)
                chat.bot_status = "left"
            elif title:
                chat.title = title
            adder = self._user(by_user_id)
            chat.members.add(by_user_id)
            self._set_bot_status(chat, "administrator" if as_admin else "member", by=adder.to_api())
            service = {
                "message_id": chat.take_message_id(),
                "from": adder.to_api(),
                "chat": chat.to_api(),
                "date": self._now(),
                "new_chat_members": [self.bot_user.to_api()],
            }
            self._store_message(chat, service)
            self._enqueue("message", service)

    def remove_bot_from_group(self, chat_id: int, by_user_id: int | None = None) -> None:
        """The bot is kicked from a group: a my_chat_member update; later sends get 403."""
        with self._lock:
            chat = self._existing(chat_id)
            remover = self._user(by_user_id) if by_user_id is not None else None
            by = remover.to_api() if remover else self.bot_user.to_api()
            self._set_bot_status(chat, "kicked", by=by)

    def set_admins(
        self,
        chat_id: int,
        user_ids: Iterable[int],
        anonymous_ids: Iterable[int] = (),
        *,
        owner_id: int | None = None,
        bot_is_admin: bool | None = None,
    ) -> None:
        """Replace a group's administrators (``anonymous_ids`` post as the group itself)."""
        with self._lock:
            chat = self._existing(chat_id)
            chat.admins = {user_id: False for user_id in user_ids}
            chat.admins.update({user_id: True for user_id in anonymous_ids})
            for user_id in chat.admins:
                self._user(user_id)
                chat.members.add(user_id)
            if owner_id is not None:
                self._user(owner_id)
                chat.owner_id = owner_id
            if bot_is_admin is not None and chat.bot_status in ("member", "administrator"):
                chat.bot_status = "administrator" if bot_is_admin else "member"

    def block(self, chat_id: int, *, notify: bool = True) -> None:
        """The user of a private chat blocks the bot (``notify``: the my_chat_member update
        Telegram sends; False to discover it only through the 403)."""
        with self._lock:
            chat = self._existing(chat_id)
            if chat.type != "private":
                raise ValueError("only a private chat's user can block the bot")
            if notify:
                self._set_bot_status(chat, "kicked", by=self._user(chat_id).to_api())
            else:
                chat.bot_status = "kicked"

    def unblock(self, chat_id: int, *, notify: bool = True) -> None:
        with self._lock:
            chat = self._existing(chat_id)
            if notify:
                self._set_bot_status(chat, "member", by=self._user(chat_id).to_api())
            else:
                chat.bot_status = "member"

    def deactivate_user(self, chat_id: int) -> None:
        """The user of a private chat deleted their account: sends get 403 from now on."""
        with self._lock:
            chat = self._existing(chat_id)
            if chat.type != "private":
                raise ValueError("only a private chat's user can be deactivated")
            chat.deactivated = True

    def kick_silently(self, chat_id: int) -> None:
        """The bot lost a group without the bot seeing an update (e.g. while it was down)."""
        with self._lock:
            self._existing(chat_id).bot_status = "kicked"

    def migrate(self, chat_id: int, new_chat_id: int | None = None, *, notify: bool = True) -> int:
        """Upgrade a group to a supergroup; returns the new chat id."""
        with self._lock:
            old = self._existing(chat_id)
            if old.type != "group":
                raise ValueError("only a basic group can be upgraded")
            new_id = new_chat_id if new_chat_id is not None else -(10**12) - abs(chat_id)
            if new_id in self._chats:
                raise ValueError(f"chat {new_id} already exists")
            new = ChatState(
                new_id,
                "supergroup",
                title=old.title,
                bot_status=old.bot_status,
                owner_id=old.owner_id,
                admins=dict(old.admins),
                members=set(old.members),
            )
            self._chats[new_id] = new
            if notify and old.gone_description() is None:
                upgrader = self._users.get(old.owner_id or next(iter(old.admins), 0))
                sender = upgrader.to_api() if upgrader else dict(ANONYMOUS_ADMIN_BOT)
                self._service(old, sender, migrate_to_chat_id=new_id)
                self._service(new, dict(ANONYMOUS_ADMIN_BOT), migrate_from_chat_id=chat_id)
            old.migrated_to = new_id
            return new_id

    def _service(self, chat: ChatState, sender: dict[str, Any], **fields: Any) -> None:
        message = {
            "message_id": chat.take_message_id(),
            "from": sender,
            "chat": chat.to_api(),
            "date": self._now(),
            **fields,
        }
        self._store_message(chat, message)
        self._enqueue("message", message)

    def _existing(self, chat_id: int) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ValueError(f"unknown chat {chat_id}")
        return chat

    def fail_next(self, method: str, code: int, description: str, **parameters: Any) -> None:
        """The next call of ``method`` fails with this Bot API error (calls queue up)."""
        with self._lock:
            fault = Fault(code, description, dict(parameters))
            self._faults.setdefault(method.lower(), deque()).append(fault)

    def fail_chat(
        self, chat_id: int, code: int, description: str, times: int = 1, **parameters: Any
    ) -> None:
        """The next ``times`` sendMessage calls to ``chat_id`` fail with this error."""
        with self._lock:
            queue = self._chat_faults.setdefault(chat_id, deque())
            queue.extend(Fault(code, description, dict(parameters)) for _ in range(times))

    def throttle(self, seconds: float) -> None:
        """Telegram's overall limit hit: every sendMessage gets 429 for ``seconds``."""
        with self._lock:
            self._throttled_until = self._monotonic() + seconds

    def delay_next(self, method: str, seconds: float) -> None:
        """The next call of ``method`` is carried out, but answered ``seconds`` late."""
        with self._lock:
            self._delays.setdefault(method.lower(), deque()).append(seconds)

    # ------------------------------------------------------------------ observation

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Every accepted sendMessage, oldest first, optionally for one chat."""
        with self._lock:
            pool = self._sent if chat_id is None else self._sent_by_chat.get(chat_id, [])
            return [dict(m) for m in pool]

    def edits(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._edits if chat_id is None or e["chat_id"] == chat_id]

    def callback_answers(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(a) for a in self._callback_answers]

    def chat_actions(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(a) for a in self._chat_actions]

    def method_calls(self) -> list[str]:
        """Names (lower case) of every method the bot called except getUpdates, in order."""
        with self._lock:
            return [name for _, name in self._calls]

    def my_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self._commands.get((_scope_key(scope), language_code), [])]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message (after edits), as Telegram stores it."""
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return dict(found) if found else None

    def chat(self, chat_id: int) -> ChatState | None:
        with self._lock:
            return self._chats.get(chat_id)

    def stats(self) -> EmulatorStats:
        with self._lock:
            s = self._stats
            return EmulatorStats(
                s.sent_count,
                s.rejected_429,
                s.rejected_other,
                s.first_send_at,
                s.last_send_at,
                list(s.send_times),
            )

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = EmulatorStats()

    def mark(self) -> int:
        """A point in time for ``wait_for_messages(after=...)``."""
        with self._lock:
            return next(self._seq)

    def pending_updates(self) -> int:
        """Updates queued and not yet handed to the bot."""
        with self._lock:
            return sum(1 for u in self._updates if u.seq > self._delivered_seq)

    def _after_seq(self, after: int | dict[str, Any] | None) -> int:
        if after is None:
            return 0
        if isinstance(after, int):
            return after
        return self._message_seq.get((after["chat"]["id"], after["message_id"]), 0)

    def _messages_after(self, chat_id: int | None, floor: int) -> list[dict[str, Any]]:
        pool = self._sent if chat_id is None else self._sent_by_chat.get(chat_id, [])
        return [dict(m) for m in pool if m["seq"] > floor]

    def wait_for_messages(
        self,
        chat_id: int | None,
        count: int,
        timeout: float = 5.0,
        *,
        after: int | dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Block until ``count`` messages were sent to the chat (after ``after``: a ``mark()``
        or a Message from ``user_sends``); returns them all, or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._lock:
            floor = self._after_seq(after)
            while True:
                found = self._messages_after(chat_id, floor)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    raise self._timeout(chat_id, count, timeout, found)
                self._changed.wait(remaining)

    async def await_messages(
        self,
        chat_id: int | None,
        count: int,
        timeout: float = 5.0,
        *,
        after: int | dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """``wait_for_messages`` for async tests: polls without blocking the event loop or
        taking an executor thread the bot under test may need."""
        deadline = time.monotonic() + timeout
        with self._lock:
            floor = self._after_seq(after)
        while True:
            with self._lock:
                found = self._messages_after(chat_id, floor)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline or self._closing:
                raise self._timeout(chat_id, count, timeout, found)
            await asyncio.sleep(0.01)

    @staticmethod
    def _timeout(
        chat_id: int | None, count: int, timeout: float, found: list[dict[str, Any]]
    ) -> TimeoutError:
        texts = [m["visible_text"][:80] for m in found]
        return TimeoutError(
            f"{len(found)} of {count} messages to chat {chat_id} after {timeout}s: {texts}"
        )

    def wait_until_quiet(self, quiet: float = 0.3, timeout: float = 10.0) -> bool:
        """Wait until the bot took every update and made no call for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                idle_for = self._monotonic() - self._last_bot_activity
                undelivered = any(u.seq > self._delivered_seq for u in self._updates)
                if not undelivered and idle_for >= quiet:
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    return False
                self._changed.wait(min(remaining, max(0.01, quiet - idle_for)))

    def last_activity(self) -> float:
        """Monotonic time of the bot's last call other than an empty getUpdates."""
        with self._lock:
            return self._last_bot_activity


_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def is_loopback_url(url: str) -> bool:
    """Webhooks the emulator pushes to: plain HTTP allowed, but only on this machine."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost")


def _set_or_drop(message: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value


def _valid_command_name(name: str) -> bool:
    return 1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)


def _scope_key(scope: Any) -> str:
    if not isinstance(scope, dict):
        return "default"
    kind = str(scope.get("type", "default"))
    extra = [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    return ":".join([kind, *extra])


_METHODS: dict[str, Callable[[EmulatorCore, dict[str, Any]], Any]] = {
    "getme": EmulatorCore.get_me,
    "getupdates": EmulatorCore.get_updates,
    "deletewebhook": EmulatorCore.delete_webhook,
    "setwebhook": EmulatorCore.set_webhook,
    "getwebhookinfo": EmulatorCore.get_webhook_info,
    "setmycommands": EmulatorCore.set_my_commands,
    "getmycommands": EmulatorCore.get_my_commands,
    "deletemycommands": EmulatorCore.delete_my_commands,
    "sendmessage": EmulatorCore.send_message,
    "editmessagetext": EmulatorCore.edit_message_text,
    "editmessagereplymarkup": EmulatorCore.edit_message_reply_markup,
    "answercallbackquery": EmulatorCore.answer_callback_query,
    "sendchataction": EmulatorCore.send_chat_action,
    "getchat": EmulatorCore.get_chat,
    "getchatmember": EmulatorCore.get_chat_member,
    "getchatadministrators": EmulatorCore.get_chat_administrators,
    "getchatmembercount": EmulatorCore.get_chat_member_count,
    "leavechat": EmulatorCore.leave_chat,
    "close": EmulatorCore.log_out,
    "logout": EmulatorCore.log_out,
}
