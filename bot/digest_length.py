"""/length: how long this chat's daily digest is — short (one message) or long."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import ContextTypes

from bot import chats
from bot.guards import admin_only
from digests.digest.story_rank import LONG_PER_THEME, SHORT_PER_THEME

Context = ContextTypes.DEFAULT_TYPE
_NAMES = {
    "short": "short",
    "ngan": "short",
    "ngắn": "short",
    "long": "long",
    "dai": "long",
    "dài": "long",
}


def parse_length(args: Sequence[str]) -> str | None:
    """ "dài" / "long" → "long", "ngắn" / "short" → "short"; anything else None."""
    words = " ".join(args).strip().casefold().split()
    return _NAMES.get(words[0]) if len(words) == 1 else None


async def _refuse(update: Update, context: Context) -> None:
    from bot.handlers import common  # handlers.routing imports this module: look up late

    await common.refuse(update, context)


@admin_only(_refuse)
async def cmd_length(update: Update, context: Context) -> None:
    """Show or set the daily digest's length."""
    from bot.handlers import common

    chat = await common.current_chat(update, context)
    args = context.args or []
    values = {"short": SHORT_PER_THEME, "long": LONG_PER_THEME}
    if not args:
        await common.say(update, context, "length_set", length=chat.digest_length, **values)
        return
    length = parse_length(args)
    if length is None:
        value = " ".join(args)[:40]
        await common.usage(update, context, "length", kind="bad_length", value=value)
        return
    await common.svc(context).db.write(chats.set_digest_length, chat.chat_id, length)
    await common.say(update, context, "length_set", length=length, **values)
