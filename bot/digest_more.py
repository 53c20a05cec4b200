"""The scheduled digest's "Xem thêm" button: what the short digest left out, page by page.

The button is worked out when the digest is built (the pages it leads to are those of
``/digest``'s own button: the window frozen at the digest's last article and day, so
pressing it days later still shows what that morning's digest left out), kept in the
outbox row with the parts, and put under the last part when it is sent.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import answers, chats, storage, texts
from bot.handlers.parsing import more_data
from digests.digest.pages import rest_of
from digests.digest.window import Digest, DigestWindow


@dataclass(frozen=True)
class MorePages:
    """What a digest left out: its remembered query, and how many pages in all."""

    query: str
    first_page: int  # index of the first page the button shows (the parts come before)
    pages: int


def more_pages(
    db: Database,
    window: DigestWindow,
    digest: Digest,
    short: Digest,
    chat: chats.Chat,
    themes: list[str] | None,
    today: date,
    parts: int,
    template_dir: Path | None,
) -> MorePages | None:
    """The pages after the ``parts`` a chat is sent, or None when the digest showed all.

    The total is counted on the pages the button will show (``answers.digest_pages``):
    those give every story its summary, which the chat's own digest worked out only
    for the stories it shows, so counting its left-out part would come out short."""
    if not rest_of(short).sections:
        return None
    frozen = dataclasses.replace(window, through_article_id=digest.max_article_id)
    query = answers.digest_query(
        frozen,
        themes,
        today,
        full=False,
        per_theme=chats.per_theme(chat),
        one_message=chat.digest_length != "long",
    )
    pages = len(answers.digest_pages(db, query, chat.language, template_dir))
    return MorePages(query, parts, pages) if pages > parts else None


def button_for(db: Database, more: MorePages, lang: str, template_dir: Path | None) -> str:
    """The stored button (JSON) under the digest's last part; remembers its query."""
    query_id = storage.remember_query(db, "digest", more.query)
    label = texts.plain(
        "buttons", lang, template_dir, button="more", page=more.first_page + 1, pages=more.pages
    )
    return json.dumps({"text": label, "data": more_data(query_id, more.first_page)})


def markup(stored: str | None) -> InlineKeyboardMarkup | None:
    """The stored button as Telegram wants it; None for no button (or an unreadable one)."""
    if not stored:
        return None
    try:
        button: Any = json.loads(stored)
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(str(button["text"]), callback_data=str(button["data"]))]]
        )
    except (ValueError, KeyError, TypeError):
        return None
