"""Who may change a chat's settings, declared on the handler with ``@admin_only``.

Private chats: the user. Groups: administrators, including anonymous ones
(who write as the group itself, or through GroupAnonymousBot), and the
operators listed in settings.admin_user_ids. Everyone may read.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)

GROUP_ANONYMOUS_BOT_ID = 1087968824
ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
H = TypeVar("H", bound=Handler)


def is_anonymous_admin(chat_id: int, user_id: int | None, sender_chat_id: int | None) -> bool:
    """A message an administrator sent anonymously, on behalf of the group itself."""
    return sender_chat_id == chat_id or user_id == GROUP_ANONYMOUS_BOT_ID


def may_change_settings(
    *,
    chat_type: str,
    chat_id: int,
    user_id: int | None,
    sender_chat_id: int | None,
    operator_ids: Collection[int],
    member_status: str | None,
) -> bool:
    """The decision, given what the update and getChatMember said."""
    if chat_type == "private":
        return True
    if user_id is not None and user_id in operator_ids:
        return True
    if is_anonymous_admin(chat_id, user_id, sender_chat_id):
        return True
    return member_status in ADMIN_STATUSES


def needs_member_lookup(
    chat_type: str, chat_id: int, user_id: int | None, sender: int | None
) -> bool:
    """Only a named member of a group needs a getChatMember call."""
    return (
        chat_type != "private"
        and user_id is not None
        and not is_anonymous_admin(chat_id, user_id, sender)
    )


async def member_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("event=admin_check_failed chat_id=%s error=%r", chat.id, str(exc))
        return None
    return str(member.status)


@dataclass(frozen=True)
class Asker:
    """Who is asking to change a chat's settings, as the update tells it."""

    chat_type: str
    chat_id: int
    user_id: int | None
    sender_chat_id: int | None


def asker_of(update: Update) -> Asker | None:
    """The chat and sender of a message or button press (None for other updates)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return None
    sender = message.sender_chat.id if message is not None and message.sender_chat else None
    if update.callback_query is not None:
        sender = None  # buttons are always pressed by a named user
    return Asker(chat.type, chat.id, user.id if user else None, sender)


async def can_change(
    update: Update, context: ContextTypes.DEFAULT_TYPE, operator_ids: Collection[int]
) -> bool:
    asker = asker_of(update)
    if asker is None:
        return False
    status = None
    lookup = needs_member_lookup(
        asker.chat_type, asker.chat_id, asker.user_id, asker.sender_chat_id
    )
    if lookup and asker.user_id not in operator_ids:
        status = await member_status(update, context)
    return may_change_settings(
        chat_type=asker.chat_type,
        chat_id=asker.chat_id,
        user_id=asker.user_id,
        sender_chat_id=asker.sender_chat_id,
        operator_ids=operator_ids,
        member_status=status,
    )


def admin_only(refuse: Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]) -> Any:
    """Decorator: run the handler only for those who may change settings, else ``refuse``."""

    def wrap(handler: H) -> H:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            operators = context.application.bot_data["services"].settings.admin_user_ids
            if await can_change(update, context, operators):
                await handler(update, context)
            else:
                await refuse(update, context)

        guarded.admin_only = True  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return wrap
