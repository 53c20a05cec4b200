"""Helpers every command family shares: the chat's settings row, replies, usage lines, refusals."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import chats, texts
from bot.services import Services, services_of
from digests.analysis.themes import load_themes
from digests.answers.common import BadArgument

Context = ContextTypes.DEFAULT_TYPE


def svc(context: Context) -> Services:
    """The bot's shared services (store, settings, clock) from the handler's context."""
    return services_of(context)


def template_dir_of(context: Context) -> Path | None:
    """The operator's template override directory, None for the packaged templates."""
    return svc(context).settings.template_dir


async def current_chat(update: Update, context: Context) -> chats.Chat:
    """The chat's settings row, created with defaults the first time."""
    tg_chat = update.effective_chat
    assert tg_chat is not None
    services = svc(context)
    found = await services.db.read(chats.get_chat, tg_chat.id)
    if found is not None:
        return found
    title = tg_chat.title or tg_chat.full_name
    return await services.db.write(
        chats.ensure_chat,
        tg_chat.id,
        tg_chat.type,
        title,
        language=services.settings.language,
        default_time=services.settings.default_time,
        now=services.now(),
    )


async def reply(
    update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer the message, or post in the pressed button's chat and topic."""
    message = update.effective_message
    chat = update.effective_chat
    if message is not None and update.callback_query is None:
        await message.reply_text(text, reply_markup=markup)
    elif chat is not None:  # a button's answer goes to the topic the button is in
        query_message = update.callback_query.message if update.callback_query else None
        thread = getattr(query_message, "message_thread_id", None)
        await context.bot.send_message(chat.id, text, reply_markup=markup, message_thread_id=thread)


async def say(update: Update, context: Context, template: str, **values: Any) -> None:
    """Reply with ``template`` rendered in the chat's language."""
    chat = await current_chat(update, context)
    await reply(
        update, context, texts.html(template, chat.language, template_dir_of(context), **values)
    )


async def usage(
    update: Update,
    context: Context,
    command: str,
    *,
    kind: str = "",
    value: str = "",
    limit: int | None = None,
    choices: Sequence[str] = (),
    error: BadArgument | None = None,
) -> None:
    """The command's usage line with an example, after what was wrong with the input.

    A look-up's BadArgument is told in the words the CLI uses (digests' usage template)."""
    chat = await current_chat(update, context)
    lang, tdir = chat.language, template_dir_of(context)
    if error is not None:
        problem = texts.html("usage", lang, tdir, code=error.code, params=error.params, command="")
    elif kind:
        problem = texts.html("problem", lang, tdir, kind=kind, value=value, limit=limit)
    else:
        problem = ""
    await reply(
        update,
        context,
        texts.html(
            "command_usage",
            lang,
            tdir,
            command=texts.command_spec(command, lang, tdir),
            problem=Markup(problem.strip()),  # already rendered (escaped) HTML: escape once
            choices=list(choices),
            themes=theme_rows(lang) if kind == "unknown_theme" else [],
        ),
    )


async def refuse(update: Update, context: Context) -> None:
    """Polite refusal for non-administrators in groups."""
    chat = await current_chat(update, context)
    text = texts.html("not_admin", chat.language, template_dir_of(context))
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
    else:
        await reply(update, context, text)


def theme_keys() -> list[str]:
    """Every theme's key, in catalogue order."""
    return list(load_themes().keys)


def theme_rows(lang: str) -> list[dict[str, str]]:
    """Key, emoji and label of every theme, for the templates."""
    return [{"key": t.key, "emoji": t.emoji, "label": t.label(lang)} for t in load_themes()]


def theme_labels(keys: Sequence[str] | None, lang: str) -> list[str]:
    """Theme keys as the reader reads them: ["postal", "ai"] → ["Bưu chính", "Trí tuệ…"]."""
    labels = {t.key: t.label(lang) for t in load_themes()}
    return [labels.get(key, key) for key in keys or ()]
