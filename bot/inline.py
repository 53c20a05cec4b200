"""Inline answers: ``@bot Viettel``, ``@bot 2045``, ``@bot cáp quang`` in any chat.

Each result is a cited statement, target or article (InlineQueryResultArticle);
choosing one posts it with its outlet, date and a link back to the source. Inline
mode must be enabled for the bot with @BotFather (/setinline). Answers are cached in
process for CACHE_S seconds, and Telegram is told to cache them as long.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.ext import Application, ContextTypes, InlineQueryHandler

from bot import texts
from bot.services import services_of
from digests.answers.common import BadArgument
from digests.answers.company import CompanyReport, company_report
from digests.answers.search import search
from digests.answers.targets import parse_year_range, targets_report
from digests.digest.render import safe_url
from digests.textnorm import fold

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]

MAX_RESULTS = 10
CACHE_S = 60  # new articles arrive hourly at most; a minute's staleness is harmless
CACHE_ENTRIES = 512
MIN_QUERY = 2
_YEARS = re.compile(r"^\s*(?:năm\s+)?\d{4}(?:\s*[-–]\s*\d{4})?\s*$", re.IGNORECASE)

# --------------------------------------------------------------------------- pure decisions


@dataclass(frozen=True)
class Card:
    """One inline result: what the list shows, and what choosing it posts."""

    id: str
    title: str
    description: str
    message: str  # Telegram HTML
    url: str | None


def query_kind(query: str, is_org: Callable[[str], bool]) -> str:
    """ "targets" for a year or range, "company" for a known organisation, else "search"."""
    if _YEARS.match(query):
        return "targets"
    return "company" if is_org(query) else "search"


def card_id(kind: str, *parts: object) -> str:
    """A stable result id under Telegram's 64 bytes."""
    digest = hashlib.blake2s("|".join(map(str, parts)).encode(), digest_size=12).hexdigest()
    return f"{kind[0]}{digest}"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class TtlCache:
    """A small in-process cache whose entries expire after ``ttl`` seconds."""

    def __init__(self, ttl: float, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self._items: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any) -> Any | None:
        found = self._items.get(key)
        if found is None or found[0] < self.clock():
            self._items.pop(key, None)
            return None
        return found[1]

    def put(self, key: Any, value: Any) -> None:
        if len(self._items) >= self.size:
            now = self.clock()
            self._items = {k: v for k, v in self._items.items() if v[0] >= now}
            if len(self._items) >= self.size:
                self._items.clear()
        self._items[key] = (self.clock() + self.ttl, value)


# --------------------------------------------------------------------------- building cards


def inline_cards(db: Any, query: str, lang: str, template_dir: Path | None) -> list[Card]:
    """Cited results for ``query`` from the store (no results for input that is not usable)."""
    from digests.analysis.companies import load_registry

    registry = load_registry()
    kind = query_kind(query, lambda name: registry.resolve(name) is not None)
    try:
        if kind == "targets":
            return _target_cards(db, query, lang, template_dir)
        if kind == "company":
            return _company_cards(db, query, lang, template_dir, registry)
        return _search_cards(db, query, lang, template_dir)
    except BadArgument:
        return []


def _card(kind: str, key: tuple[object, ...], lang: str, tdir: Path | None, **values: Any) -> Card:
    message = texts.html("inline_card", lang, tdir, kind=kind, **values)
    line = texts.plain("inline_card", lang, tdir, kind=kind, **values)
    title, _, description = line.partition("\n")
    return Card(
        card_id(kind, *key), clip(title, 100), clip(description, 200), message, values["url"]
    )


def _target_cards(db: Any, query: str, lang: str, tdir: Path | None) -> list[Card]:
    start, end = parse_year_range(query)
    report = targets_report(db, start, end, limit=MAX_RESULTS)
    return [
        _card(
            "target",
            (t.article_id, t.year, t.goal),
            lang,
            tdir,
            year=t.year,
            month=t.month,
            goal=t.goal,
            setter=t.setter,
            sentence=t.sentence,
            source=t.source,
            published=t.published,
            url=safe_url(t.url),
            title=t.title,
        )
        for t in report.targets
    ]


def _company_cards(db: Any, query: str, lang: str, tdir: Path | None, registry: Any) -> list[Card]:
    report = company_report(db, query, limit=MAX_RESULTS, registry=registry)
    if not isinstance(report, CompanyReport):
        return []
    return [
        _card(
            "statement",
            (s.article_id, s.text),
            lang,
            tdir,
            org=report.name,
            sentence=s.text,
            speaker=s.speaker,
            source=s.source,
            published=s.published,
            url=safe_url(s.url),
            title=s.title,
        )
        for s in report.statements
    ]


def _search_cards(db: Any, query: str, lang: str, tdir: Path | None) -> list[Card]:
    result = search(db, query, limit=MAX_RESULTS)
    return [
        _card(
            "article",
            (h.article_id,),
            lang,
            tdir,
            title=h.title,
            snippet="".join(s.text for s in h.snippet),
            source=h.source,
            published=h.published,
            url=safe_url(h.url),
        )
        for h in result.hits
    ]


# --------------------------------------------------------------------------- the handler


def _language(update: Update, default: str) -> str:
    user = update.effective_user
    code = (user.language_code or "") if user else ""
    if code.startswith("en"):
        return "en"
    if code.startswith("vi"):
        return "vi"
    return default


async def on_inline_query(update: Update, context: Context) -> None:
    """Answer ``@bot QUERY`` with cited results."""
    inline = update.inline_query
    assert inline is not None
    svc = services_of(context)
    query = " ".join(inline.query.split())
    lang = _language(update, svc.settings.language)
    cards: list[Card] = []
    if len(query) >= MIN_QUERY:
        cache: TtlCache = context.application.bot_data.setdefault(
            "inline_cache", TtlCache(CACHE_S, CACHE_ENTRIES)
        )
        key = (fold(query), lang)
        cached: list[Card] | None = cache.get(key)
        if cached is None:
            cached = await svc.db.read(inline_cards, query, lang, svc.settings.template_dir)
            cache.put(key, cached)
        cards = cached
    button = None
    if not cards:  # nothing (yet) to show: offer the bot's own chat, which explains
        label = texts.plain("buttons", lang, svc.settings.template_dir, button="inline_help")
        button = InlineQueryResultsButton(text=label, start_parameter="inline")
    await inline.answer(
        [_result(c, lang, svc.settings.template_dir) for c in cards],
        cache_time=CACHE_S,
        button=button,
    )


def _result(card: Card, lang: str, tdir: Path | None) -> InlineQueryResultArticle:
    markup = None
    if card.url:
        label = texts.plain("buttons", lang, tdir, button="source")
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, url=card.url)]])
    return InlineQueryResultArticle(
        id=card.id,
        title=card.title,
        description=card.description,
        input_message_content=InputTextMessageContent(card.message),
        reply_markup=markup,
    )


COMMANDS: dict[str, Any] = {}
READ_ONLY: tuple[str, ...] = ()


def register(app: App) -> None:
    app.add_handler(InlineQueryHandler(on_inline_query))
