"""/themes, /subscribe, /unsubscribe, /time, /lang and the theme toggle buttons."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import answers, chats, texts
from bot.delivery import schedule, unschedule
from bot.guards import admin_only, can_change
from bot.handlers.common import (
    Context,
    current_chat,
    refuse,
    reply,
    say,
    svc,
    template_dir_of,
    theme_keys,
    theme_labels,
    usage,
)
from bot.handlers.parsing import (
    parse_callback,
    parse_language,
    parse_theme_keys,
    theme_data,
    toggle_theme,
)
from digests.analysis.themes import load_themes
from digests.templating import LANGUAGES

log = logging.getLogger(__name__)


async def cmd_themes(update: Update, context: Context) -> None:
    """Articles per theme and a keyboard toggling this chat's themes."""
    text, markup = await themes_view(update, context)
    await reply(update, context, text, markup)


async def themes_view(update: Update, context: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    """The counts, and the toggles only for those who may change this chat's themes."""
    chat = await current_chat(update, context)
    services = svc(context)
    may_change = await can_change(update, context, services.settings.admin_user_ids)
    lang, tdir = chat.language, template_dir_of(context)
    counted = await services.db.read(answers.theme_counts, services.now().astimezone(services.tz))
    selected = set(chat.themes) if chat.themes else None
    rows = [
        {
            "key": t.key,
            "emoji": t.emoji,
            "label": t.label(lang),
            "count": counted.counts.get(t.key, 0),
            "selected": selected is None or t.key in selected,
        }
        for t in load_themes()
    ]
    text = texts.html(
        "themes",
        lang,
        tdir,
        themes=rows,
        all_selected=selected is None,
        days=counted.days,
        latest=counted.latest,
        can_change=may_change,
        is_group=chat.is_group,
        active=chat.active,
    )
    if not may_change:
        return text, None
    buttons = [
        [
            InlineKeyboardButton(
                f"{'✅' if row['selected'] else '▫️'} {row['emoji']} {row['label']}",
                callback_data=theme_data(str(row["key"])),
            )
        ]
        for row in rows
    ]
    all_label = texts.plain("buttons", lang, tdir, button="all_themes")
    buttons.append([InlineKeyboardButton(all_label, callback_data=theme_data("*"))])
    return text, InlineKeyboardMarkup(buttons)


@admin_only(refuse)
async def cmd_subscribe(update: Update, context: Context) -> None:
    """Turn the daily digest on, optionally for the themes given."""
    services = svc(context)
    chat = await current_chat(update, context)
    known = theme_keys()
    chosen, unknown = parse_theme_keys(context.args or [], list(load_themes()))
    if unknown:
        await usage(update, context, "subscribe", kind="unknown_theme", value=unknown[0])
        return
    if chosen:
        await services.db.write(
            chats.set_themes, chat.chat_id, None if set(chosen) == set(known) else chosen
        )
    updated = await services.db.write(chats.set_active, chat.chat_id, True, services.now())
    assert updated is not None
    schedule(context.application, updated)
    labels = theme_labels(updated.themes, updated.language)
    await say(update, context, "subscribed", time=f"{updated.time:%H:%M}", themes=labels)


@admin_only(refuse)
async def cmd_unsubscribe(update: Update, context: Context) -> None:
    """Turn the daily digest off."""
    chat = await current_chat(update, context)
    await svc(context).db.write(chats.set_active, chat.chat_id, False)
    unschedule(context.application, chat.chat_id)
    await say(update, context, "unsubscribed")


@admin_only(refuse)
async def cmd_time(update: Update, context: Context) -> None:
    """Set the daily delivery time."""
    from bot.schedule import parse_hhmm

    services = svc(context)
    chat = await current_chat(update, context)
    args = context.args or []
    zone = answers.zone_label(services.tz, services.now(), chat.language)
    if not args:
        await say(update, context, "time_current", time=f"{chat.time:%H:%M}", timezone=zone)
        return
    at = parse_hhmm(" ".join(args))
    if at is None:
        await usage(update, context, "time", kind="bad_time", value=" ".join(args)[:40])
        return
    updated = await services.db.write(chats.set_time, chat.chat_id, at, services.now())
    assert updated is not None
    if updated.active:
        schedule(context.application, updated)
    await say(update, context, "time_set", time=f"{at:%H:%M}", timezone=zone, active=updated.active)


@admin_only(refuse)
async def cmd_lang(update: Update, context: Context) -> None:
    """Switch the interface language."""
    args = context.args or []
    lang = parse_language(args)
    if lang is None:
        value = " ".join(args)[:40]
        kind = "bad_lang" if value else "missing"
        await usage(update, context, "lang", kind=kind, value=value, choices=LANGUAGES)
        return
    chat = await current_chat(update, context)
    await svc(context).db.write(chats.set_language, chat.chat_id, lang)
    await say(update, context, "lang_set")


@admin_only(refuse)
async def theme_button(update: Update, context: Context) -> None:
    """Toggle one theme (or all) for this chat and redraw the keyboard."""
    query = update.callback_query
    assert query is not None
    chat = await current_chat(update, context)
    key = parse_callback(query.data)[1][0]
    known = theme_keys()
    if key != "*" and key not in known:
        await query.answer(
            texts.plain("buttons", chat.language, template_dir_of(context), button="expired")
        )
        return
    themes = None if key == "*" else toggle_theme(chat.themes, key, known)
    await svc(context).db.write(chats.set_themes, chat.chat_id, themes)
    await query.answer(
        texts.plain("buttons", chat.language, template_dir_of(context), button="toggled")
    )
    text, markup = await themes_view(update, context)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except TelegramError as exc:
        log.info("event=themes_not_redrawn error=%r", str(exc))
