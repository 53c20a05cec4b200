"""The command table this module family registers, and the dispatcher of every button press."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update

from bot import indoubt, texts
from bot.digest_length import cmd_length
from bot.handlers.answers import (
    cmd_about,
    cmd_companies,
    cmd_company,
    cmd_person,
    cmd_search,
    cmd_target,
    more_button,
    pick_button,
)
from bot.handlers.chat_events import (
    cmd_help,
    cmd_start,
)
from bot.handlers.common import (
    Context,
    current_chat,
    template_dir_of,
)
from bot.handlers.digest import cmd_digest
from bot.handlers.parsing import (
    parse_callback,
)
from bot.handlers.settings import (
    cmd_lang,
    cmd_subscribe,
    cmd_themes,
    cmd_time,
    cmd_unsubscribe,
    theme_button,
)
from bot.resend_setting import cmd_resend

COMMANDS: dict[str, Callable[[Update, Context], Any]] = {
    "start": cmd_start,
    "help": cmd_help,
    "digest": cmd_digest,
    "themes": cmd_themes,
    "subscribe": cmd_subscribe,
    "unsubscribe": cmd_unsubscribe,
    "time": cmd_time,
    "company": cmd_company,
    "companies": cmd_companies,
    "person": cmd_person,
    "target": cmd_target,
    "search": cmd_search,
    "lang": cmd_lang,
    "length": cmd_length,
    "resend": cmd_resend,
    "about": cmd_about,
}


READ_ONLY = (
    "help", "digest", "themes", "company", "companies", "person", "target", "search", "about",
)  # fmt: skip


async def on_button(update: Update, context: Context) -> None:
    """ "More" pages and theme toggles."""
    query = update.callback_query
    assert query is not None
    kind, values = parse_callback(query.data)
    if kind == "more":
        await more_button(update, context, int(values[0]), int(values[1]))
    elif kind == "theme":
        await theme_button(update, context)
    elif kind == "pick":
        await pick_button(update, context, values[0])
    elif kind == "resend":
        await indoubt.resend_button(update, context, int(values[0]), int(values[1]))
    else:
        chat = await current_chat(update, context)
        await query.answer(
            texts.plain("buttons", chat.language, template_dir_of(context), button="expired")
        )
