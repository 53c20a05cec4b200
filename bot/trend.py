"""/trend NAME and the "📈 Xu hướng" button under /company: a PNG of monthly mentions.

The store is read on a reader thread and the chart drawn in a worker thread, so the
event loop never waits for SQLite or matplotlib.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import storage, texts
from bot.services import services_of
from bot.trend_chart import Who, render_png, trend_data
from digests.textnorm import fold

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]
CALLBACK = re.compile(r"^trend:(\d+)$")


def find_who(db: Any, name: str) -> Who | tuple[str, ...]:
    """The organisation or person ``name`` names, else the nearest organisation names."""
    from digests.analysis.companies import load_registry
    from digests.answers.resolve import discovered

    name = " ".join(name.split())
    registry = load_registry()
    org = registry.resolve(name) or discovered(db, name)
    if org is not None:
        return Who("org", org.key, org.name)
    row = db.execute("SELECT name FROM people WHERE name = ? LIMIT 1", [name]).fetchone()
    if row is None:
        folded = fold(name)
        row = next(
            (r for r in db.execute("SELECT DISTINCT name FROM people") if fold(r[0]) == folded),
            None,
        )
    if row is not None:
        return Who("person", str(row[0]), str(row[0]))
    return tuple(registry.suggest(name, n=3))


async def send_trend(update: Update, context: Context, name: str) -> None:
    """Find ``name``, then send its chart (or say why not)."""
    from bot.handlers.common import current_chat, reply

    chat = await current_chat(update, context)
    svc = services_of(context)
    lang, tdir = chat.language, svc.settings.template_dir
    if not name.strip():
        await reply(update, context, texts.html("trend", lang, tdir, what="usage"))
        return
    found = await svc.db.read(find_who, name[:100])
    if not isinstance(found, Who):
        text = texts.html("trend", lang, tdir, what="not_found", value=name[:60], near=found)
        await reply(update, context, text)
        return
    thread = _thread(update)
    await context.bot.send_chat_action(
        chat.chat_id, ChatAction.UPLOAD_PHOTO, message_thread_id=thread
    )
    data = await svc.db.read(trend_data, found, lang)
    labels = {
        key: texts.plain("trend", lang, tdir, what=key, who=found.name, sample=data.sample)
        for key in ("title", "mentions", "themes", "none")
    }
    png = await asyncio.to_thread(render_png, data, labels)
    first = data.months[0][0] if data.months else ""
    last = data.months[-1][0] if data.months else ""
    caption = texts.html(
        "trend",
        lang,
        tdir,
        what="caption",
        who=found.name,
        total=data.total,
        first=first,
        last=last,
    )
    await context.bot.send_photo(chat.chat_id, png, caption=caption, message_thread_id=thread)


def _thread(update: Update) -> int | None:
    """The forum topic the request came from (a command's message or a button's)."""
    message = update.effective_message
    if message is None or not getattr(message, "is_topic_message", False):
        return None
    return message.message_thread_id


async def cmd_trend(update: Update, context: Context) -> None:
    """A chart of how often an organisation or person is in the news, month by month."""
    await send_trend(update, context, " ".join(context.args or []))


async def on_trend_button(update: Update, context: Context) -> None:
    """The "📈 Xu hướng" button under a /company answer."""
    query = update.callback_query
    assert query is not None
    match = CALLBACK.match(query.data or "")
    recalled = (
        await services_of(context).db.read(storage.recall_query, int(match.group(1)))
        if match
        else None
    )
    await query.answer()
    if recalled is None or recalled[0] != "trend":
        return
    await send_trend(update, context, recalled[1])


async def trend_button(
    context: Context, kind: str, arg: str, lang: str
) -> InlineKeyboardButton | None:
    """The button to put under a /company answer whose name is known, else None."""
    if kind != "company" or not arg.strip():
        return None
    svc = services_of(context)
    if not isinstance(await svc.db.read(find_who, arg[:100]), Who):
        return None
    query_id = await svc.db.write(storage.remember_query, "trend", arg)
    label = texts.plain("buttons", lang, svc.settings.template_dir, button="trend")
    return InlineKeyboardButton(label, callback_data=f"trend:{query_id}")


COMMANDS = {"trend": cmd_trend}
READ_ONLY = ("trend",)


def register(app: App) -> None:
    app.add_handler(CommandHandler("trend", cmd_trend, filters=filters.UpdateType.MESSAGE))
    app.add_handler(CallbackQueryHandler(on_trend_button, pattern=CALLBACK))
