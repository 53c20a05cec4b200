"""Chats and members in the emulator: getChat, members, administrators, leaveChat."""

from __future__ import annotations

from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.params import bad_request, get_int
from bot.emulator.state import ANONYMOUS_ADMIN_BOT, ChatState, chat_member


class ChatsMixin(EmulatorBase):
    """Bot API methods about chats and their members, and the bot's own membership."""

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
