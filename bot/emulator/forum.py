"""Forum topics in the emulator: supergroups with topics, createForumTopic and friends.

Bot API methods: createForumTopic, editForumTopic, closeForumTopic, reopenForumTopic,
deleteForumTopic. sendMessage (and sendPhoto) check ``message_thread_id`` against the
chat's topics: a deleted topic answers 400 "message thread not found", a closed one
400 "TOPIC_CLOSED" unless the bot may manage topics (admins may write in closed topics).
Messages without a thread go to the General topic, as in Telegram.

Control API: ``make_forum(chat_id, title, *, bot_can_manage_topics=True)`` (a
supergroup with topics, the bot an administrator), ``set_bot_can_manage_topics(chat_id,
allowed)``, ``create_topic(chat_id, name) -> thread id``, ``close_topic``,
``reopen_topic``, ``delete_topic``, ``topics(chat_id)`` (thread id → dict).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.params import bad_request, get_int, get_str
from bot.emulator.state import ChatState

GENERAL_THREAD_ID = 1  # Telegram's General topic; messages in it carry no thread id
MAX_TOPIC_NAME = 128


@dataclass
class Topic:
    thread_id: int
    name: str
    icon_color: int = 7322096
    closed: bool = False
    deleted: bool = False

    def to_api(self) -> dict[str, Any]:
        return {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }


class ForumMixin:
    """Mixed into the emulator (before EmulatorCore): topics per chat and their rules."""

    _lock: Any
    _chats: dict[int, ChatState]
    bot_user: Any

    def _forum_state(self) -> tuple[dict[int, dict[int, Topic]], dict[int, bool]]:
        topics = self.__dict__.setdefault("_forum_topics", {})
        rights = self.__dict__.setdefault("_forum_rights", {})
        return topics, rights

    # ------------------------------------------------------------------ hooks used by core

    def _check_thread(self, chat: ChatState, params: dict[str, Any]) -> None:
        """Reject a message for a topic that is gone or closed, as Telegram does."""
        thread_id = get_int(params, "message_thread_id")
        if thread_id is None or not chat.is_forum:
            return
        topics, rights = self._forum_state()
        topic = topics.get(chat.id, {}).get(thread_id)
        if thread_id == GENERAL_THREAD_ID:
            return
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        if topic.closed and not rights.get(chat.id, False):
            raise bad_request("TOPIC_CLOSED")

    def _bot_admin_rights(self, chat: ChatState) -> dict[str, Any]:
        """Extra rights in the bot's ChatMember (getChatMember) in a forum."""
        if not chat.is_forum:
            return {}
        return {"can_manage_topics": self._forum_state()[1].get(chat.id, False)}

    # ------------------------------------------------------------------ Bot API methods

    def _forum_chat(self, params: dict[str, Any]) -> ChatState:
        chat: ChatState = self._chat_for_bot(params)  # type: ignore[attr-defined]
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        return chat

    def _may_manage(self, chat: ChatState) -> None:
        if chat.bot_status not in ("administrator", "creator"):
            raise bad_request("not enough rights to manage topics")
        if not self._forum_state()[1].get(chat.id, False):
            raise bad_request("not enough rights to create a topic")

    def _topic(self, chat: ChatState, params: dict[str, Any]) -> Topic:
        thread_id = get_int(params, "message_thread_id")
        topic = self._forum_state()[0].get(chat.id, {}).get(thread_id or 0)
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return topic

    def create_forum_topic(self, params: dict[str, Any]) -> dict[str, Any]:
        name = (get_str(params, "name") or "").strip()
        with self._lock:
            chat = self._forum_chat(params)
            self._may_manage(chat)
            if not 1 <= len(name) <= MAX_TOPIC_NAME:
                raise bad_request("topic name is invalid")
            topic = self._new_topic(chat, name)
            color = get_int(params, "icon_color")
            if color is not None:
                topic.icon_color = color
            return topic.to_api()

    def edit_forum_topic(self, params: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._forum_chat(params)
            self._may_manage(chat)
            name = get_str(params, "name")
            if name:
                self._topic(chat, params).name = name
        return True

    def close_forum_topic(self, params: dict[str, Any]) -> bool:
        return self._flag(params, closed=True)

    def reopen_forum_topic(self, params: dict[str, Any]) -> bool:
        return self._flag(params, closed=False)

    def delete_forum_topic(self, params: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._forum_chat(params)
            self._may_manage(chat)
            self._topic(chat, params).deleted = True
        return True

    def _flag(self, params: dict[str, Any], *, closed: bool) -> bool:
        with self._lock:
            chat = self._forum_chat(params)
            self._may_manage(chat)
            self._topic(chat, params).closed = closed
        return True

    def _new_topic(self, chat: ChatState, name: str) -> Topic:
        topics = self._forum_state()[0].setdefault(chat.id, {})
        thread_id = chat.take_message_id()  # a topic's id is its creation message's id
        if thread_id <= GENERAL_THREAD_ID:  # id 1 is the General topic's
            thread_id = chat.take_message_id()
        topic = Topic(thread_id, name)
        topics[thread_id] = topic
        return topic

    # ------------------------------------------------------------------ control API

    def make_forum(
        self, chat_id: int, title: str = "Diễn đàn ICT", *, bot_can_manage_topics: bool = True
    ) -> None:
        """A supergroup with topics; the bot is an administrator in it."""
        with self._lock:
            chat = self._ensure_chat(chat_id, "supergroup", title, None, None)  # type: ignore[attr-defined]
            chat.type = "supergroup"
            chat.is_forum = True
            chat.bot_status = "administrator"
            self._forum_state()[1][chat_id] = bot_can_manage_topics

    def set_bot_can_manage_topics(self, chat_id: int, allowed: bool) -> None:
        with self._lock:
            self._forum_state()[1][chat_id] = allowed

    def create_topic(self, chat_id: int, name: str) -> int:
        """A user creates a topic; returns its message_thread_id."""
        with self._lock:
            return self._new_topic(self._chats[chat_id], name).thread_id

    def close_topic(self, chat_id: int, thread_id: int) -> None:
        with self._lock:
            self._forum_state()[0][chat_id][thread_id].closed = True

    def reopen_topic(self, chat_id: int, thread_id: int) -> None:
        with self._lock:
            self._forum_state()[0][chat_id][thread_id].closed = False

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        with self._lock:
            self._forum_state()[0][chat_id][thread_id].deleted = True

    def topics(self, chat_id: int) -> dict[int, dict[str, Any]]:
        with self._lock:
            found = self._forum_state()[0].get(chat_id, {})
            return {
                t.thread_id: {**t.to_api(), "closed": t.closed, "deleted": t.deleted}
                for t in found.values()
            }


FORUM_METHODS = {
    "createforumtopic": ForumMixin.create_forum_topic,
    "editforumtopic": ForumMixin.edit_forum_topic,
    "closeforumtopic": ForumMixin.close_forum_topic,
    "reopenforumtopic": ForumMixin.reopen_forum_topic,
    "deleteforumtopic": ForumMixin.delete_forum_topic,
}
