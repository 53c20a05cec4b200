"""The emulated Bot API server's semantics: every area mixin combined, and method dispatch.

Everything is thread-safe under one lock: the HTTP server answers each request in
its own thread while tests (or the console) inject user actions from another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from bot.emulator.base import EmulatorBase, Fault
from bot.emulator.chats import ChatsMixin
from bot.emulator.driver import DriverMixin
from bot.emulator.inspection import InspectionMixin
from bot.emulator.messages import MessagesMixin
from bot.emulator.params import ApiError, get_int
from bot.emulator.profile import ProfileMixin
from bot.emulator.updates import UpdatesMixin


class EmulatorCore(
    MessagesMixin,
    ChatsMixin,
    UpdatesMixin,
    ProfileMixin,
    DriverMixin,
    InspectionMixin,
    EmulatorBase,
):
    """Bot API state and semantics, without the HTTP transport (see ``BotApiEmulator``)."""

    # Methods of the extension modules (forum, inline, media, profile), by lowercase name.
    extra_methods: ClassVar[dict[str, Callable[[Any, dict[str, Any]], Any]]] = {}

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
