"""/company, /person, /companies, /target, /search, /about: paged answers and their buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import answers, storage, texts
from bot.handlers.common import (
    Context,
    current_chat,
    reply,
    svc,
    template_dir_of,
    usage,
)
from bot.handlers.parsing import (
    more_data,
    pick_data,
)
from bot.services import Services
from digests.answers.common import BadArgument
from digests.answers.company import names_something

log = logging.getLogger(__name__)


def compute_answer(services: Services, kind: str, arg: str, lang: str) -> Callable[[Any], str]:
    """A reader-thread function rendering answer ``kind`` for ``arg``."""
    tdir = services.settings.template_dir

    def run(db: Any) -> str:
        if kind == "company":
            return answers.company(db, arg, lang, tdir)
        if kind == "companies":
            return answers.companies(db, lang, tdir)
        if kind == "target":
            return answers.targets(db, arg, lang, tdir)
        if kind == "target_years":
            return answers.target_years(db, lang, tdir)
        if kind == "search":
            return answers.search(db, arg, lang, tdir)
        if kind == "person":
            return answers.person(db, arg, lang, tdir)
        if kind == "pick":
            return answers.picked(db, arg, lang, tdir)
        raise ValueError(f"unknown answer kind {kind!r}")

    return run


async def send_page(update: Update, context: Context, kind: str, arg: str, page: int = 0) -> None:
    """Send page ``page`` of an answer, with a "More" button when more pages follow."""
    services = svc(context)
    chat = await current_chat(update, context)
    if kind == "digest":  # already cut into messages, the short digest first
        pages = await services.db.read(
            answers.digest_pages, arg, chat.language, template_dir_of(context)
        )
    else:
        render = compute_answer(services, kind, arg, chat.language)
        pages = await services.db.read(lambda db: answers.paginate(render(db)))
    if page >= len(pages):
        page = len(pages) - 1
    lang, tdir = chat.language, template_dir_of(context)
    rows: list[list[InlineKeyboardButton]] = []
    if page + 1 < len(pages):
        query_id = await services.db.write(storage.remember_query, kind, arg)
        label = texts.plain("buttons", lang, tdir, button="more", page=page + 2, pages=len(pages))
        rows.append([InlineKeyboardButton(label, callback_data=more_data(query_id, page + 1))])
    if page == 0:  # under /company: "📈 Xu hướng" draws its monthly mentions (bot/trend.py)
        from bot.trend import trend_button

        extra = await trend_button(context, kind, arg, lang)
        rows += [[extra]] if extra else []
    markup = InlineKeyboardMarkup(rows) if rows else None
    if page == 0 and markup is None and kind in answers.PICKABLE:
        markup = await candidate_buttons(services, kind, arg)
    text = pages[page]
    if page > 0:  # a later page says where it belongs: "Trang 2/3"
        header = texts.html("page_header", lang, tdir, page=page + 1, pages=len(pages)).strip()
        text = f"{header}\n{text}"
    await reply(update, context, text, markup)


async def candidate_buttons(services: Services, kind: str, arg: str) -> InlineKeyboardMarkup | None:
    """One button per name the reader may have meant ("Viettel", "Viettel Post" …)."""
    picks = await services.db.read(answers.candidates, kind, arg)
    rows = [
        [InlineKeyboardButton(label, callback_data=data)]
        for label, key in picks
        if (data := pick_data(key)) is not None
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def answer_or_usage(
    update: Update, context: Context, command: str, kind: str, arg: str
) -> None:
    """Send the answer, or the usage line when the argument is bad."""
    try:
        await send_page(update, context, kind, arg)
    except BadArgument as error:
        await usage(update, context, command, error=error)


async def cmd_company(update: Update, context: Context) -> None:
    """Figures, statements and leaders of one company."""
    await answer_or_usage(update, context, "company", "company", " ".join(context.args or []))


async def cmd_person(update: Update, context: Context) -> None:
    """What a person said or is quoted in, with their role at the time."""
    await answer_or_usage(update, context, "person", "person", " ".join(context.args or []))


async def cmd_companies(update: Update, context: Context) -> None:
    """The companies the store mentions most."""
    await send_page(update, context, "companies", "")


async def cmd_target(update: Update, context: Context) -> None:
    """Targets for a year or a range of years."""
    arg = " ".join(context.args or [])
    if not arg.strip():  # the years that have goals, and how to ask for one
        await send_page(update, context, "target_years", "")
        return
    await answer_or_usage(update, context, "target", "target", arg)


async def cmd_search(update: Update, context: Context) -> None:
    """Full-text search over the stored articles."""
    await answer_or_usage(update, context, "search", "search", " ".join(context.args or []))


async def cmd_about(update: Update, context: Context) -> None:
    """Sources, corpus size and the last ingest."""
    chat = await current_chat(update, context)
    services = svc(context)
    text = await services.db.read(answers.about, services.settings, chat.language)
    await reply(update, context, text)


async def more_button(update: Update, context: Context, query_id: int, page: int) -> None:
    query = update.callback_query
    assert query is not None
    recalled = await svc(context).db.read(storage.recall_query, query_id)
    if recalled is None:
        chat = await current_chat(update, context)
        await query.answer(
            texts.plain("buttons", chat.language, template_dir_of(context), button="expired")
        )
        return
    await query.answer()
    if query.message is not None:
        try:  # the old button would send the same page again
            await query.edit_message_reply_markup(None)
        except TelegramError as exc:
            log.info("event=button_not_removed error=%r", str(exc))
    kind, arg = recalled
    await send_page(update, context, kind, arg, page)


async def pick_button(update: Update, context: Context, key: str) -> None:
    """A name offered under /company was pressed: answer for it."""
    query = update.callback_query
    assert query is not None
    if not await svc(context).db.read(names_something, key):
        chat = await current_chat(update, context)
        await query.answer(
            texts.plain("buttons", chat.language, template_dir_of(context), button="expired")
        )
        return
    await query.answer()
    await send_page(update, context, "pick", key)
