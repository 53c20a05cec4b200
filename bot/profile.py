"""The bot's profile: description and short description per language, and the link that
adds it to a group with the admin rights it needs.

Set at start (post-init) with setMyDescription / setMyShortDescription; the command
menus per language and scope are set beside them (bot/app.py set_command_menus).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import Application

from bot import texts
from bot.services import services_of
from digests.templating import LANGUAGES

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

# Rights /topics on needs (create a topic per theme); the digest itself needs none.
GROUP_RIGHTS = ("manage_topics",)
MAX_DESCRIPTION, MAX_SHORT = 512, 120


def add_to_group_link(username: str, rights: tuple[str, ...] = GROUP_RIGHTS) -> str:
    """t.me link that opens "add to group" and asks the group's admin for ``rights``."""
    link = f"https://t.me/{username}?startgroup=ictdigest"
    return link + (f"&admin={quote('+'.join(rights), safe='+')}" if rights else "")


def descriptions(lang: str, template_dir: Any = None) -> tuple[str, str]:
    """(description, short description) in ``lang``, cut to Telegram's limits."""
    full = texts.plain("profile", lang, template_dir, what="description")
    short = texts.plain("profile", lang, template_dir, what="short")
    return full[:MAX_DESCRIPTION], short[:MAX_SHORT]


async def set_profile(app: App) -> None:
    """Descriptions for every language, and the default one for users of other languages."""
    settings = services_of(app).settings
    for lang in (None, *LANGUAGES):
        full, short = descriptions(lang or settings.language, settings.template_dir)
        await app.bot.set_my_description(full, language_code=lang)
        await app.bot.set_my_short_description(short, language_code=lang)


async def set_profile_quietly(app: App) -> None:
    try:
        await set_profile(app)
    except TelegramError as exc:  # a profile is a convenience; never stop the bot for it
        log.warning("event=set_my_description_failed error=%r", str(exc))
    real_bot = services_of(app).settings.token is not None  # not the console's emulator
    if real_bot and not app.bot.supports_inline_queries:  # the Bot API cannot turn it on
        log.warning("event=inline_mode_off hint=%r", "enable it with @BotFather: /setinline")


def start_markup(username: str, lang: str, template_dir: Any = None) -> InlineKeyboardMarkup:
    """Under /start in a private chat: add the bot to a group, with the rights it needs."""
    label = texts.plain("profile", lang, template_dir, what="add_button")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=add_to_group_link(username))]])
