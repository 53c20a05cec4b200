"""The test driver's side of the emulator: users act, chats change, faults are injected."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from bot.emulator.base import EmulatorBase, Fault
from bot.emulator.methods import command_entities, commands_in, inline_callback_data
from bot.emulator.state import ANONYMOUS_ADMIN_BOT, ChatState


class DriverMixin(EmulatorBase):
    """Control API (thread-safe): what users and Telegram do, and injected faults."""

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
