"""Command handlers: small, one per command; the decisions live in pure functions above them.

Text comes from templates (bot/texts.py); settings changes are guarded by
``@admin_only``; database work runs on the DbWorker's threads.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus
from telegram.error import ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot import answers, chats, indoubt, storage, texts
from bot.delivery import deactivate_chat, move_chat, schedule, unschedule
from bot.digest_length import cmd_length
from bot.guards import admin_only, can_change
from bot.ratelimit import Released
from bot.services import Services, services_of
from digests.analysis.themes import Theme, load_themes
from digests.answers.common import BadArgument
from digests.answers.company import names_something
from digests.digest.select import build_digest, window_for_chat
from digests.digest.window import FIRST_DAYS
from digests.store.transactions import DatabaseBusy
from digests.templating import LANGUAGES
from digests.textnorm import fold

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MAX_CALLBACK_BYTES = 64
LONG_MESSAGE = 1000  # a non-command message longer than this is answered as "too long"

# --------------------------------------------------------------------------- pure decisions


def split_words(args: Sequence[str]) -> list[str]:
    """Command arguments split on spaces and commas: "postal, ai" → ["postal", "ai"]."""
    return [word for arg in args for word in re.split(r"[,\s]+", arg) if word]


ALL_THEMES = "*"
ALL_WORDS = ("all", "tat ca", "moi chu de", "all themes")
MAX_THEME_WORDS = 6  # the longest theme name, in words ("Báo chí – Xuất bản" is 4)


def theme_names(themes: Iterable[Theme]) -> dict[str, str]:
    """Every way a reader may name a theme, folded → key: key, vi and en labels, and each
    part of a two-part label ("báo chí", "xuất bản"); "all"/"tất cả" → ALL_THEMES."""
    names = {name: ALL_THEMES for name in ALL_WORDS}
    for theme in themes:
        for name in (theme.key, theme.label_vi, theme.label_en):
            parts = [name, *re.split(r"\s*[–&/,]\s*", name)]
            for part in parts:
                folded = fold_name(part)
                if folded:
                    names.setdefault(folded, theme.key)
    return names


def fold_name(text: str) -> str:
    """Case, diacritics and punctuation folded: "Báo chí – Xuất bản" → "bao chi xuat ban"."""
    return " ".join(re.findall(r"\w+", fold(text)))


def parse_theme_keys(args: Sequence[str], themes: Sequence[Theme]) -> tuple[list[str], list[str]]:
    """(theme keys in the order named, without repeats; names not understood).

    Names may be keys or labels in either language, with or without diacritics, several
    words long: "Bưu chính, AI" → ["postal", "ai"]. "all"/"tất cả" chooses every theme."""
    names = theme_names(themes)
    emoji = {theme.emoji.replace("\ufe0f", ""): theme.key for theme in themes if theme.emoji}
    # /help shows each theme's emoji: "📮" names the postal theme; "&", "–" name nothing.
    words = [emoji.get(w.replace("\ufe0f", ""), w) for w in split_words(args)]
    words = [word for word in words if fold_name(word) or _has_symbol(word)]
    folded = [fold_name(word) for word in words]
    chosen: list[str] = []
    unknown: list[str] = []
    stray: list[str] = []  # consecutive words no name starts with, told as one phrase
    index = 0
    while index < len(words):
        for size in range(min(MAX_THEME_WORDS, len(words) - index), 0, -1):
            key = names.get(" ".join(folded[index : index + size]))
            if key is not None:
                break
        else:
            stray.append(words[index])
            index += 1
            continue
        if stray:
            unknown.append(" ".join(stray))
            stray = []
        keys = [t.key for t in themes] if key == ALL_THEMES else [key]
        chosen.extend(k for k in keys if k not in chosen)
        index += size
    if stray:
        unknown.append(" ".join(stray))
    return chosen, unknown


def _has_symbol(word: str) -> bool:
    """An emoji or other symbol: it names something (maybe no theme), unlike "&" or "–"."""
    return any(unicodedata.category(char) == "So" for char in word)


def parse_language(args: Sequence[str]) -> str | None:
    words = split_words(args)
    if len(words) != 1:
        return None
    lang = words[0].lower()
    return lang if lang in LANGUAGES else None


def toggle_theme(
    current: Sequence[str] | None, key: str, all_keys: Sequence[str]
) -> tuple[str, ...] | None:
    """The chat's themes after pressing ``key``; None means every theme."""
    selected = set(all_keys if current is None else current)
    selected ^= {key}
    if not selected or selected >= set(all_keys):
        return None  # switching the last one off means "no filter", never "no digest"
    return tuple(k for k in all_keys if k in selected)


def more_data(query_id: int, page: int) -> str:
    data = f"more:{query_id}:{page}"
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    return data


def theme_data(key: str) -> str:
    data = f"theme:{key}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"theme key too long for a button: {key!r}")
    return data


def pick_data(key: str) -> str | None:
    """A candidate button's data, "pick:viettel" or "pick:@Name"; None if too long for one."""
    data = f"pick:{key}"
    return data if len(data.encode()) <= MAX_CALLBACK_BYTES and "\n" not in key else None


def parse_callback(data: str | None) -> tuple[str, list[str]]:
    """("more", ["12", "1"]), ("theme", ["ai"]), ("pick", ["viettel"]) or ("", [])."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return "", []
    kind, _, rest = data.partition(":")
    if kind == "pick" and re.fullmatch(r"[a-z0-9][a-z0-9-]*|@[^\x00-\x1f]{2,}", rest):
        return kind, [rest]
    # Bounded digit counts: forged ids past SQLite's INTEGER are refused, not crashed on.
    if kind == "more" and re.fullmatch(r"\d{1,18}:\d{1,4}", rest):
        return kind, rest.split(":")
    if kind == "resend" and indoubt.parse_resend(rest) is not None:
        return kind, rest.split(":")
    if kind == "theme" and rest:
        return kind, [rest]
    return "", []


def addressed_to_me(text: str, bot_username: str, chat_type: str) -> bool:
    """Is the command at the start of ``text`` for this bot? Bare commands in groups are not."""
    match = re.match(r"^/\w+(?:@(\w+))?", text or "")
    if not match:
        return False
    if match.group(1):
        return match.group(1).lower() == bot_username.lower()
    return chat_type == "private"


def greeting_name(first_name: str | None) -> str:
    """The name to greet with; "" when the name is only a stand-in ("Bạn", "You")."""
    name = (first_name or "").strip()
    return "" if fold_name(name) in ("ban", "you", "") else name


# --------------------------------------------------------------------------- helpers


def svc(context: Context) -> Services:
    return services_of(context)


def _tdir(context: Context) -> Path | None:
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
    message = update.effective_message
    chat = update.effective_chat
    if message is not None and update.callback_query is None:
        await message.reply_text(text, reply_markup=markup)
    elif chat is not None:  # a button's answer goes to the topic the button is in
        query_message = update.callback_query.message if update.callback_query else None
        thread = getattr(query_message, "message_thread_id", None)
        await context.bot.send_message(chat.id, text, reply_markup=markup, message_thread_id=thread)


async def say(update: Update, context: Context, template: str, **values: Any) -> None:
    chat = await current_chat(update, context)
    await reply(update, context, texts.html(template, chat.language, _tdir(context), **values))


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
    lang, tdir = chat.language, _tdir(context)
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
    text = texts.html("not_admin", chat.language, _tdir(context))
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
    else:
        await reply(update, context, text)


def theme_keys() -> list[str]:
    return list(load_themes().keys)


def theme_rows(lang: str) -> list[dict[str, str]]:
    return [{"key": t.key, "emoji": t.emoji, "label": t.label(lang)} for t in load_themes()]


def theme_labels(keys: Sequence[str] | None, lang: str) -> list[str]:
    """Theme keys as the reader reads them: ["postal", "ai"] → ["Bưu chính", "Trí tuệ…"]."""
    labels = {t.key: t.label(lang) for t in load_themes()}
    return [labels.get(key, key) for key in keys or ()]


# --------------------------------------------------------------------------- paged answers


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
        pages = await services.db.read(answers.digest_pages, arg, chat.language, _tdir(context))
    else:
        render = compute_answer(services, kind, arg, chat.language)
        pages = await services.db.read(lambda db: answers.paginate(render(db)))
    if page >= len(pages):
        page = len(pages) - 1
    lang, tdir = chat.language, _tdir(context)
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
    try:
        await send_page(update, context, kind, arg)
    except BadArgument as error:
        await usage(update, context, command, error=error)


# --------------------------------------------------------------------------- commands


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
        _tdir(context),
        user_name=greeting_name(user.first_name) if user and chat.type == "private" else "",
        time=f"{chat.time:%H:%M}",
        active=chat.active,
    )
    private = chat.type == "private"  # there: a button adding the bot to a group
    markup = start_markup(context.bot.username, chat.language, _tdir(context)) if private else None
    await reply(update, context, text, markup)


async def cmd_help(update: Update, context: Context) -> None:
    """List every command with its arguments."""
    chat = await current_chat(update, context)
    lang, tdir = chat.language, _tdir(context)
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


async def cmd_digest(update: Update, context: Context) -> None:
    """The short digest now, or every story of the themes named; "Xem thêm" pages on."""
    chat = await current_chat(update, context)
    services = svc(context)
    chosen, unknown = parse_theme_keys(context.args or [], list(load_themes()))
    if unknown:
        await usage(update, context, "digest", kind="unknown_theme", value=unknown[0])
        return
    themes = chosen or (list(chat.themes) if chat.themes else None)
    now = services.now().astimezone(services.tz)
    query = await services.db.read(digest_query_for, chat, themes, now, bool(chosen))
    if query is None:
        labels = theme_labels(chosen, chat.language)
        first = chat.last_article_id is None  # no digest yet: "since the last one" is untrue
        await say(update, context, "nothing_new", themes=labels, first=first, days=FIRST_DAYS)
        return
    await send_page(update, context, "digest", query)


def digest_query_for(
    db: Any, chat: chats.Chat, themes: list[str] | None, now: Any, full: bool
) -> str | None:
    """The remembered query of the digest /digest shows: what is new since the chat's last
    digest, else the recent window; None when even that is empty."""
    window = window_for_chat(db, chat.last_article_id, now=now)
    digest = build_digest(db, window, themes=themes, today=now.date())
    if digest.is_empty and chat.last_article_id is not None:
        window = window_for_chat(db, None, now=now)
        digest = build_digest(db, window, themes=themes, today=now.date())
    if digest.is_empty:
        return None
    frozen = dataclasses.replace(window, through_article_id=digest.max_article_id)
    return answers.digest_query(
        frozen,
        themes,
        now.date(),
        full=full,
        per_theme=chats.per_theme(chat),
        one_message=chat.digest_length != "long",
    )


async def cmd_themes(update: Update, context: Context) -> None:
    """Articles per theme and a keyboard toggling this chat's themes."""
    text, markup = await themes_view(update, context)
    await reply(update, context, text, markup)


async def themes_view(update: Update, context: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    """The counts, and the toggles only for those who may change this chat's themes."""
    chat = await current_chat(update, context)
    services = svc(context)
    may_change = await can_change(update, context, services.settings.admin_user_ids)
    lang, tdir = chat.language, _tdir(context)
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


async def cmd_about(update: Update, context: Context) -> None:
    """Sources, corpus size and the last ingest."""
    chat = await current_chat(update, context)
    services = svc(context)
    text = await services.db.read(answers.about, services.settings, chat.language)
    await reply(update, context, text)


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
    "about": cmd_about,
}
READ_ONLY = (
    "help", "digest", "themes", "company", "companies", "person", "target", "search", "about",
)  # fmt: skip


# --------------------------------------------------------------------------- buttons and events


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
        await query.answer(texts.plain("buttons", chat.language, _tdir(context), button="expired"))


async def more_button(update: Update, context: Context, query_id: int, page: int) -> None:
    query = update.callback_query
    assert query is not None
    recalled = await svc(context).db.read(storage.recall_query, query_id)
    if recalled is None:
        chat = await current_chat(update, context)
        await query.answer(texts.plain("buttons", chat.language, _tdir(context), button="expired"))
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
        await query.answer(texts.plain("buttons", chat.language, _tdir(context), button="expired"))
        return
    await query.answer()
    await send_page(update, context, "pick", key)


@admin_only(refuse)
async def theme_button(update: Update, context: Context) -> None:
    """Toggle one theme (or all) for this chat and redraw the keyboard."""
    query = update.callback_query
    assert query is not None
    chat = await current_chat(update, context)
    key = parse_callback(query.data)[1][0]
    known = theme_keys()
    if key != "*" and key not in known:
        await query.answer(texts.plain("buttons", chat.language, _tdir(context), button="expired"))
        return
    themes = None if key == "*" else toggle_theme(chat.themes, key, known)
    await svc(context).db.write(chats.set_themes, chat.chat_id, themes)
    await query.answer(texts.plain("buttons", chat.language, _tdir(context), button="toggled"))
    text, markup = await themes_view(update, context)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except TelegramError as exc:
        log.info("event=themes_not_redrawn error=%r", str(exc))


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
