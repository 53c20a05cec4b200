"""/resend: what this chat's digest does with a part that may not have arrived.

After a crash or a timeout Telegram cannot say whether a request arrived
(bot/indoubt.py). ``/resend on`` sends such a part again (rarely twice);
``/resend off`` posts one line with a "Xem lại" button instead (never twice).
Without a choice the chat follows the bot's ``ICTDIGEST_IN_DOUBT``.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import ContextTypes

from bot import chats
from bot.guards import admin_only
from bot.topics import parse_switch

Context = ContextTypes.DEFAULT_TYPE


def parse_policy(args: Sequence[str]) -> str | None:
    """ "on"/"bật" → "resend", "off"/"tắt" → "notice"; anything else None."""
    switch = parse_switch(args)
    return None if switch is None else ("resend" if switch else "notice")


async def _refuse(update: Update, context: Context) -> None:
    from bot.handlers import common  # handlers.routing imports this module: look up late

    await common.refuse(update, context)


@admin_only(_refuse)
async def cmd_resend(update: Update, context: Context) -> None:
    """Show or set what a digest part in doubt gets: sent again, or a notice."""
    from bot.handlers import common

    chat = await common.current_chat(update, context)
    default = common.svc(context).settings.in_doubt
    args = context.args or []
    if not args:
        policy = chats.in_doubt_policy(chat, default)
        await common.say(update, context, "resend_set", policy=policy, own=bool(chat.in_doubt))
        return
    chosen = parse_policy(args)
    if chosen is None:
        value = " ".join(args)[:40]
        await common.usage(update, context, "resend", kind="bad_switch", value=value)
        return
    await common.svc(context).db.write(chats.set_in_doubt, chat.chat_id, chosen)
    await common.say(update, context, "resend_set", policy=chosen, own=True)
