"""Forum topics: /here, /topics on|off, per-theme digest sections, and falling back to General.

Commands asked in a topic are answered there (PTB's reply_text keeps the thread; the
"More" button's pages too, see handlers.common.reply). A topic that was deleted or closed
makes Telegram answer 400: that message certainly did not arrive, so it is sent again
to the General topic, the topic is forgotten and the admins get one notice.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot import texts, topics_store
from bot.guards import admin_only
from bot.services import services_of
from digests.analysis.themes import load_themes
from digests.digest.select import Digest

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]

GONE_ERRORS = ("message thread not found", "topic_closed", "topic_deleted", "topic not found")
MISSING_RIGHT = ("not enough rights",)

# --------------------------------------------------------------------------- pure decisions


def topic_gone(error: BaseException) -> bool:
    """Telegram's answer for a message to a deleted or closed topic (never delivered)."""
    return isinstance(error, BadRequest) and any(e in str(error).lower() for e in GONE_ERRORS)


def lacks_right(error: BaseException) -> bool:
    return isinstance(error, BadRequest) and any(e in str(error).lower() for e in MISSING_RIGHT)


def topic_name(emoji: str, label: str) -> str:
    """A theme's topic title, within Telegram's 128 characters."""
    return f"{emoji} {label}".strip()[:128]


def parse_switch(args: Sequence[str]) -> bool | None:
    """ "on"/"bật" → True, "off"/"tắt" → False, anything else → None."""
    from digests.textnorm import fold

    word = fold(" ".join(args).strip())
    if word in ("on", "bat", "1", "yes", "co"):
        return True
    if word in ("off", "tat", "0", "no", "khong"):
        return False
    return None


def render_sections(
    digest: Digest, lang: str, template_dir: Path | None
) -> tuple[list[str], list[str | None]]:
    """The digest rendered one theme at a time: (parts, the theme of each part)."""
    from digests.digest.render import render_digest

    messages: list[str] = []
    themes: list[str | None] = []
    for section in digest.sections:
        if not section.items:
            continue
        one = dataclasses.replace(digest, sections=(section,))
        parts = render_digest(one, fmt="html", lang=lang, override_dir=template_dir)
        messages.extend(parts)
        themes.extend([section.theme] * len(parts))
    return messages, themes


# --------------------------------------------------------------------------- sending


async def send_to_destination(app: App, chat_id: int, text: str, **kwargs: Any) -> Any:
    """send_message to the chat's /here topic (General when none)."""
    where = await services_of(app).db.read(topics_store.destination, chat_id)
    return await send_to_thread(app, chat_id, where.thread_for(None), text, **kwargs)


async def send_to_thread(
    app: App, chat_id: int, thread: int | None, text: str, **kwargs: Any
) -> Any:
    """send_message into topic ``thread``, falling back to General, once, when that topic
    is gone or closed (Telegram refused it: it certainly did not arrive)."""
    svc = services_of(app)
    if thread is None:
        return await app.bot.send_message(chat_id, text, **kwargs)
    try:
        return await app.bot.send_message(chat_id, text, message_thread_id=thread, **kwargs)
    except BadRequest as exc:
        if not topic_gone(exc):
            raise
        log.warning("event=topic_gone chat_id=%s thread_id=%s error=%r", chat_id, thread, str(exc))
        if await svc.db.write(topics_store.forget_thread, chat_id, thread):
            await _notify_admins(app, chat_id)
        return await app.bot.send_message(chat_id, text, **kwargs)


async def send_digest_part(
    app: App, delivery_id: int, part: int, chat_id: int, text: str, **kwargs: Any
) -> Any:
    """One outbox part, into the topic of its theme (see render_sections)."""
    db = services_of(app).db
    thread = await db.read(topics_store.part_thread, chat_id, delivery_id, part)
    return await send_to_thread(app, chat_id, thread, text, **kwargs)


async def _notify_admins(app: App, chat_id: int) -> None:
    from bot import chats

    svc = services_of(app)
    chat = await svc.db.read(chats.get_chat, chat_id)
    lang = chat.language if chat else svc.settings.language
    text = texts.html("topics", lang, svc.settings.template_dir, what="gone")
    try:
        await app.bot.send_message(chat_id, text)
    except TelegramError as exc:
        log.warning("event=topic_notice_failed chat_id=%s error=%r", chat_id, str(exc))


# --------------------------------------------------------------------------- commands


async def _say(update: Update, context: Context, what: str, **values: Any) -> None:
    from bot.handlers.common import current_chat, reply

    chat = await current_chat(update, context)
    tdir = services_of(context).settings.template_dir
    await reply(update, context, texts.html("topics", chat.language, tdir, what=what, **values))


async def _refuse(update: Update, context: Context) -> None:
    from bot.handlers.common import refuse

    await refuse(update, context)


@admin_only(_refuse)
async def cmd_here(update: Update, context: Context) -> None:
    """Send the daily digest (and alerts) to the topic this is written in."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    if chat.type == "private":
        await _say(update, context, "private")
        return
    thread = message.message_thread_id if message.is_topic_message else None
    await services_of(context).db.write(topics_store.set_here, chat.id, thread)
    await _say(update, context, "here", in_topic=thread is not None)


@admin_only(_refuse)
async def cmd_topics(update: Update, context: Context) -> None:
    """/topics on: one topic per theme, each theme's section posted in its own; off: one place."""
    chat = update.effective_chat
    assert chat is not None
    svc = services_of(context)
    switch = parse_switch(context.args or [])
    if switch is None:
        await _say(update, context, "usage")
        return
    if not chat.is_forum:
        await _say(update, context, "not_forum")
        return
    if not switch:
        await svc.db.write(topics_store.set_per_theme, chat.id, False, {})
        await _say(update, context, "off")
        return
    if not await _may_manage_topics(context, chat.id):
        await _say(update, context, "no_right")
        return
    from bot.handlers.common import current_chat

    lang = (await current_chat(update, context)).language
    existing = (await svc.db.read(topics_store.destination, chat.id)).theme_topics
    created: dict[str, int] = {}
    try:
        for theme in load_themes():
            if theme.key in existing:
                continue
            topic = await context.bot.create_forum_topic(
                chat.id, topic_name(theme.emoji, theme.label(lang))
            )
            created[theme.key] = topic.message_thread_id
    except BadRequest as exc:
        if not lacks_right(exc):
            raise
        await svc.db.write(topics_store.set_per_theme, chat.id, False, created)
        await _say(update, context, "no_right")
        return
    await svc.db.write(topics_store.set_per_theme, chat.id, True, created)
    names = [topic_name(t.emoji, t.label(lang)) for t in load_themes()]
    await _say(update, context, "on", names=names)


async def _may_manage_topics(context: Context, chat_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(chat_id, context.bot.id)
    except TelegramError:
        return True  # let createForumTopic tell
    return bool(getattr(member, "can_manage_topics", False))


COMMANDS = {"here": cmd_here, "topics": cmd_topics}
READ_ONLY: tuple[str, ...] = ()


def register(app: App) -> None:
    for name, callback in COMMANDS.items():
        app.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
