"""Shared state of the emulated Bot API server: constants, records and the base class.

Every area mixin (messages, chats, updates, profile, driver, inspection) derives from
``EmulatorBase``, which owns the state, the lock and the helpers they all use.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.limits import RateLimiter, RateLimits
from bot.emulator.params import ApiError, bad_request, get_bool, get_int, get_json
from bot.emulator.state import ChatState, UserState, chat_member

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
class PendingUpdate:
    """An update waiting for getUpdates or the webhook pusher; seq orders it among messages."""

    update_id: int
    kind: str
    payload: dict[str, Any]
    seq: int

    def to_api(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


class EmulatorBase:
    """State under one lock, and the helpers every Bot API area uses."""

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
        self._updates: deque[PendingUpdate] = deque()
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

    def close(self) -> None:
        with self._lock:
            self._closing = True
            self._changed.notify_all()

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
        update = PendingUpdate(self._next_update_id, kind, payload, next(self._seq))
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

    def _inline_enabled(self) -> bool:
        """Hook: the inline extension answers whether BotFather's /setinline was done."""
        return False

    def _check_thread(self, chat: ChatState, params: dict[str, Any]) -> None:
        """Hook: the forum extension rejects messages for deleted or closed topics."""

    def _bot_admin_rights(self, chat: ChatState) -> dict[str, Any]:
        """Hook: rights the extensions add to the bot's ChatMember (e.g. can_manage_topics)."""
        return {}

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
