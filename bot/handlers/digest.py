"""/digest: the digest now, from what is new since the chat's last one."""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import Update

from bot import answers, chats
from bot.handlers.answers import (
    send_page,
)
from bot.handlers.common import (
    Context,
    current_chat,
    say,
    svc,
    theme_labels,
    usage,
)
from bot.handlers.parsing import (
    parse_theme_keys,
)
from digests.analysis.themes import load_themes
from digests.digest.select import build_digest, window_for_chat
from digests.digest.window import FIRST_DAYS


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
