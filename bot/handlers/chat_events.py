"""/start, /help and what happens to the chat: added, removed, migrated, stray text, errors."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import ChatMigrated, Forbidden, RetryAfter

from bot import chats, texts
from bot.delivery import deactivate_chat, move_chat, schedule
from bot.handlers.common import (
    Context,
    current_chat,
    reply,
    say,
    svc,
    template_dir_of,
    theme_labels,
    theme_rows,
)
from bot.handlers.parsing import (
    LONG_MESSAGE,
    addressed_to_me,
    greeting_name,
)
from bot.ratelimit import Released
from digests.store.transactions import DatabaseBusy

log = logging.getLogger(__name__)


async def cmd_start(update: Update, context: Context) -> None:
    """Greet, and (in a private chat) turn the daily digest back on."""
    chat = await current_chat(update, context)
    services = svc(context)
    if chat.type == "private" and not chat.active:
        revived = await services.db.write(chats.set_active, chat.chat_id, True, services.now())
        chat = revived or chat
        schedule(context.application, chat)
    from bot.profile import start_markup

    user = update.effective_user
    text = texts.html(
        "start",
        chat.language,
        template_dir_of(context),
        user_name=greeting_name(user.first_name) if user and chat.type == "private" else "",
        time=f"{chat.time:%H:%M}",
        active=chat.active,
    )
    private = chat.type == "private"  # there: a button adding the bot to a group
    markup = (
        start_markup(context.bot.username, chat.language, template_dir_of(context))
        if private
        else None
    )
    await reply(update, context, text, markup)


async def cmd_help(update: Update, context: Context) -> None:
    """List every command with its arguments."""
    chat = await current_chat(update, context)
    lang, tdir = chat.language, template_dir_of(context)
    themes = theme_rows(lang)
    await say(
        update,
        context,
        "help",
        commands=texts.command_specs(lang, tdir),
        themes=themes,
        is_group=chat.is_group,
        chosen=theme_labels(chat.themes, lang),  # what a bare /digest or /subscribe uses
    )


async def on_my_chat_member(update: Update, context: Context) -> None:
    """The bot was added to, removed from, blocked or unblocked in a chat."""
    change = update.my_chat_member
    assert change is not None
    services = svc(context)
    status = change.new_chat_member.status
    chat = await current_chat(update, context)
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        log.info("event=bot_removed chat_id=%s", chat.chat_id)
        await deactivate_chat(context.application, chat.chat_id)
        return
    was = change.old_chat_member.status
    if was in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED) or not chat.active:
        updated = await services.db.write(chats.set_active, chat.chat_id, True, services.now())
        if updated is not None:
            schedule(context.application, updated)
            log.info("event=bot_added chat_id=%s type=%s", chat.chat_id, chat.type)
            if updated.is_group and was in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
                await say(update, context, "welcome_group", time=f"{updated.time:%H:%M}")


async def on_migrate(update: Update, context: Context) -> None:
    """A group became a supergroup: move its settings to the new id."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        await move_chat(context.application, message.chat.id, message.migrate_to_chat_id)
        log.info(
            "event=chat_migrated chat_id=%s new_chat_id=%s",
            message.chat.id,
            message.migrate_to_chat_id,
        )


async def on_unknown_command(update: Update, context: Context) -> None:
    """A command this bot does not have — answered only when it was meant for this bot."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or not message.text:
        return
    if not addressed_to_me(message.text, context.bot.username, chat.type):
        return
    command = re.match(r"^/(\w+)", message.text)
    await say(update, context, "unknown_command", command=command.group(1)[:32] if command else "")


async def on_private_text(update: Update, context: Context) -> None:
    """Plain messages in a private chat: point to the commands."""
    message = update.effective_message
    text = message.text or message.caption or "" if message else ""
    await say(update, context, "not_a_command", too_long=len(text) > LONG_MESSAGE)


async def on_error(update: object, context: Context) -> None:
    """Log every unhandled error; answer the user politely; apply the Telegram error policy."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    chat_id = chat.id if chat else None
    if isinstance(error, ChatMigrated) and chat_id is not None:
        await move_chat(context.application, chat_id, int(error.new_chat_id))
        return
    if isinstance(error, Forbidden) and chat_id is not None:
        await deactivate_chat(context.application, chat_id)
        return
    if isinstance(error, RetryAfter | Released):
        # Flooded chat (its own 429: the limiter already holds it back) or shutting down:
        # one line, and no error reply that would meet the same limit.
        log.warning("event=reply_dropped chat_id=%s reason=%r", chat_id, str(error))
        return
    busy = isinstance(error, DatabaseBusy)
    if busy:  # waited out for DbWorker's patience already: refuse in clear words, no traceback
        log.warning("event=db_busy_refused chat_id=%s error=%r", chat_id, str(error))
    else:
        log.error("event=handler_error chat_id=%s", chat_id, exc_info=error)
    if isinstance(update, Update) and chat is not None:
        try:
            await say(update, context, "db_busy" if busy else "error")
        except Exception as again:
            log.error("event=error_reply_failed chat_id=%s error=%r", chat_id, str(again))
