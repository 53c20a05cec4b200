"""What the emulated Telegram knows: users, chats, messages, pending updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Telegram's placeholder sender for messages posted by anonymous group admins.
ANONYMOUS_ADMIN_BOT: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}

ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


@dataclass
class UserState:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass
class ChatState:
    """One chat. ``bot_status`` is the bot's membership: for a private chat ``kicked`` means
    the user blocked the bot."""

    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    bot_status: str = "member"  # creator | administrator | member | left | kicked
    migrated_to: int | None = None
    owner_id: int | None = None
    admins: dict[int, bool] = field(default_factory=dict)  # user id → is_anonymous
    members: set[int] = field(default_factory=set)
    next_message_id: int = 1
    deactivated: bool = False  # a private chat whose user deleted their account
    is_forum: bool = False  # a supergroup with topics (bot/emulator/forum.py)

    def to_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or "User"
            if self.last_name:
                chat["last_name"] = self.last_name
        else:
            chat["title"] = self.title or f"Chat {self.id}"
            if self.type == "group":
                chat["all_members_are_administrators"] = False
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def full_info(self) -> dict[str, Any]:
        info = self.to_api()
        info.pop("all_members_are_administrators", None)
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return info

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def gone_description(self) -> str | None:
        """The 403 text when the bot can no longer post here, else None."""
        if self.type == "private":
            if self.deactivated:
                return "Forbidden: user is deactivated"
            return "Forbidden: bot was blocked by the user" if self.bot_status == "kicked" else None
        noun = "supergroup chat" if self.type == "supergroup" else "group chat"
        if self.type == "channel":
            noun = "channel chat"
        if self.bot_status == "kicked":
            return f"Forbidden: bot was kicked from the {noun}"
        if self.bot_status == "left":
            return f"Forbidden: bot is not a member of the {noun}"
        return None


def chat_member(user: dict[str, Any], status: str, *, is_anonymous: bool = False) -> dict[str, Any]:
    """A Bot API ChatMember object of ``status`` for ``user``."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = is_anonymous
    elif status == "administrator":
        member.update({right: True for right in ADMIN_RIGHTS})
        member.update(can_be_edited=False, is_anonymous=is_anonymous)
    elif status == "kicked":
        member["until_date"] = 0
    return member
