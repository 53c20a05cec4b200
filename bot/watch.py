"""Watch alerts: /watch, /watches, /unwatch, and the job that posts new matching stories.

A JobQueue job polls the store every ``WATCH_POLL_S`` seconds for articles newer
than its watermark, so alerts follow an ingest run by the bot or by cron in
another process within a minute. Matches go through the alert outbox in
bot/watch_store.py: once per chat and story, batched, never sent twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot import chats, texts, watch_store
from bot.delivery import ClaimLost, PartClaim
from bot.errors import Kind, decide
from bot.guards import admin_only
from bot.services import Services, services_of
from bot.topics import send_to_destination
from bot.watch_store import Match, NewArticle, Watch
from digests.textnorm import fold

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]

WATCH_POLL_S = 20.0  # alerts follow an ingest within a minute; bot_data["watch_poll_s"] overrides
ARTICLES_PER_POLL = 500  # a bulk ingest is worked through over several polls
STORIES_PER_MESSAGE = 8  # a batch stays readable and far under 4096 characters
MAX_MESSAGE_CHARS = 3800  # Telegram's 4096, less room for the header
MAX_WATCH_CHARS = 60
RECENT_DAYS = 7  # an article dated earlier than this is not a new story, whenever stored
QUOTES = "\"'“”‘’«»"

# --------------------------------------------------------------------------- pure decisions


@dataclass(frozen=True)
class WatchProblem:
    """Why a /watch argument was not taken: "missing", "too_long", "too_short", "bad_year",
    "unknown" (with the nearest names)."""

    code: str
    value: str = ""
    suggestions: tuple[str, ...] = ()


def parse_watch(
    text: str,
    resolve_org: Callable[[str], tuple[str, str] | None],
    find_person: Callable[[str], str | None],
    suggest: Callable[[str], Sequence[str]],
) -> Watch | WatchProblem:
    """What ``/watch TEXT`` follows.

    "quoted words" → a phrase; a year 2000–2100 → targets for that year; a known
    organisation → its mentions (key from ``resolve_org``); a person the store names →
    their name; another name → a phrase, unless it is close to a known organisation
    (then ask, since a misspelt name would never match)."""
    raw = (text or "").strip()
    if not raw:
        return WatchProblem("missing")
    quoted = len(raw) >= 2 and raw[0] in QUOTES and raw[-1] in QUOTES
    value = " ".join(raw.strip(QUOTES).split())
    if len(value) > MAX_WATCH_CHARS:
        return WatchProblem("too_long", value[:MAX_WATCH_CHARS])
    folded = " ".join(re.findall(r"\w+", fold(value)))
    if len(folded) < 2:
        return WatchProblem("too_short", value)
    if quoted:
        return Watch("phrase", folded, value)
    if re.fullmatch(r"\d+", value):
        year = int(value)
        if 2000 <= year <= 2100:
            return Watch("year", str(year), str(year))
        return WatchProblem("bad_year", value)
    org = resolve_org(value)
    if org is not None:
        return Watch("org", org[0], org[1])
    person = find_person(value)
    if person is not None:
        return Watch("person", " ".join(re.findall(r"\w+", fold(person))), person)
    near = tuple(suggest(value))
    if near:
        return WatchProblem("unknown", value, near)
    return Watch("phrase", folded, value)


def find_watch(watches: Sequence[Watch], text: str) -> Watch | None:
    """The chat's watch that ``text`` names: by its label or key, case and accents folded."""
    wanted = " ".join(re.findall(r"\w+", fold(text.strip().strip(QUOTES))))
    for watch in watches:
        names = {watch.key, " ".join(re.findall(r"\w+", fold(watch.label)))}
        if wanted in names:
            return watch
    return None


def recent_enough(published: str | None, today: date, days: int = RECENT_DAYS) -> bool:
    """Is an article dated ``published`` news today? An old article stored now (a backfill,
    an archive import) is not a new story; an undated one is given the benefit."""
    if not published:
        return True
    try:
        return date.fromisoformat(published[:10]) >= today - timedelta(days=days)
    except ValueError:
        return True


def batch_matches(matches: Sequence[Match], per_message: int) -> list[list[Match]]:
    """One chat's matches cut into messages of at most ``per_message`` stories."""
    return [list(matches[i : i + per_message]) for i in range(0, len(matches), per_message)]


# --------------------------------------------------------------------------- the seam


def may_alert(db: Any, article_ids: Sequence[int]) -> set[int]:
    """Which of these new articles may alert at all: the sector filter, in ONE place.

    An article may alert when its relevance scores (digests.analysis.relevance, stored at
    ingest in ``article_themes``) make it sector news for at least one theme: a football
    club or a war report that names Viettel does not alert."""
    from digests.analysis.relevance import is_sector_news

    scores: dict[int, dict[str, float]] = {}
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for article_id, theme, score in db.execute(
            f"SELECT article_id, theme, score FROM article_themes WHERE article_id IN ({marks})",
            chunk,
        ):
            scores.setdefault(article_id, {})[theme] = float(score)
    return {article_id for article_id, found in scores.items() if is_sector_news(found)}


# --------------------------------------------------------------------------- planning alerts


@dataclass(frozen=True)
class AlertPlan:
    expected_watermark: int
    new_watermark: int
    batches: list[tuple[int, str, list[Match]]]


def plan_alerts(db: Any, template_dir: Path | None, today: date) -> AlertPlan | None:
    """Read the articles past the watermark and render the alerts they owe (no writes)."""
    mark = watch_store.watermark(db)
    if mark is None:
        return None
    articles = watch_store.new_articles(db, mark, ARTICLES_PER_POLL)
    if not articles:
        return None
    recent = [a for a in articles if recent_enough(a.published, today)]
    matches = watch_store.find_matches(db, recent) if recent else []
    # The sector check scores every sentence: only for the few articles a watch matched.
    allowed = may_alert(db, sorted({m.article.id for m in matches}))
    fresh = watch_store.fresh_matches(db, [m for m in matches if m.article.id in allowed])
    by_chat: dict[int, list[Match]] = {}
    for match in fresh:
        by_chat.setdefault(match.chat_id, []).append(match)
    batches: list[tuple[int, str, list[Match]]] = []
    for chat_id, found in by_chat.items():
        chat = chats.get_chat(db, chat_id)
        lang = chat.language if chat else "vi"
        for group in batch_matches(found, STORIES_PER_MESSAGE):
            batches.extend(
                (chat_id, text, part) for text, part in _render(group, lang, template_dir)
            )
    return AlertPlan(mark, articles[-1].id, batches)


def _render(
    group: list[Match], lang: str, template_dir: Path | None
) -> list[tuple[str, list[Match]]]:
    """The alert message(s) for a group of matches, halved until each fits Telegram."""
    text = texts.html("watch_alert", lang, template_dir, items=[_item(m) for m in group]).strip()
    if len(text) <= MAX_MESSAGE_CHARS or len(group) == 1:
        return [(text[:MAX_MESSAGE_CHARS], group)]
    half = len(group) // 2
    return _render(group[:half], lang, template_dir) + _render(group[half:], lang, template_dir)


def _item(match: Match) -> dict[str, Any]:
    article: NewArticle = match.article
    return {
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "labels": list(match.labels),
    }


# --------------------------------------------------------------------------- the job


async def poll_alerts(app: App) -> int:
    """Queue the alerts new articles owe, then send what is pending; returns batches sent."""
    svc = services_of(app)
    if await svc.db.read(watch_store.watermark) is None:
        newest = await svc.db.read(watch_store.newest_article_id)
        await svc.db.write(watch_store.start_watermark, newest)
    today = svc.now().astimezone(svc.tz).date()
    plan = await svc.db.read(plan_alerts, svc.settings.template_dir, today)
    if plan is not None:
        ids = await svc.db.write(
            watch_store.enqueue_alerts, plan.expected_watermark, plan.new_watermark, plan.batches
        )
        if ids:
            log.info("event=watch_alerts_queued batches=%d upto=%d", len(ids), plan.new_watermark)
    sent = 0
    for batch in await svc.db.read(watch_store.pending_batches):
        sent += await send_batch(app, batch)
    return sent


class BatchClaim(PartClaim):
    """The claim of one alert batch, taken when the rate limiter lets the request go
    (as the outbox's PartClaim): a crash while alerts wait behind Telegram's pacing
    leaves them pending, to be sent after the restart, not "in doubt"."""

    def __init__(self, svc: Services, batch_id: int) -> None:
        super().__init__(svc, batch_id, 0)
        self._batch_id = batch_id

    async def take(self) -> bool:
        if not self.taken:
            self.taken = await self._svc.db.write(watch_store.claim_batch, self._batch_id)
        return self.taken


async def send_batch(app: App, batch: watch_store.Batch) -> int:
    """Send one batch under its claim; 1 if it went out."""
    from bot.delivery import deactivate_chat

    svc = services_of(app)
    claim = BatchClaim(svc, batch.id)
    limited = app.bot.rate_limiter is not None
    if not limited and not await claim.take():
        return 0  # another poller has it
    try:
        if limited:
            await send_to_destination(app, batch.chat_id, batch.text, rate_limit_args=claim)
        else:
            await send_to_destination(app, batch.chat_id, batch.text)
    except ClaimLost:
        return 0  # another poller has it
    except Exception as exc:
        action = decide(exc)
        context = f"chat_id={batch.chat_id} batch={batch.id} error={str(exc)!r}"
        if action.kind in (Kind.WAIT_AND_RETRY, Kind.RETRY_NOW):
            log.info("event=watch_alert_postponed %s", context)
            await svc.db.write(watch_store.release_batch, batch.id)
        elif action.kind is Kind.UNCERTAIN:
            log.warning("event=watch_alert_uncertain %s", context)
            await svc.db.write(watch_store.uncertain_batch, batch.id, str(exc))
        else:
            log.warning("event=watch_alert_failed kind=%s %s", action.kind.value, context)
            await svc.db.write(watch_store.fail_batch, batch.id, f"{action.kind.value}: {exc}")
            if action.kind is Kind.DEACTIVATE:
                await deactivate_chat(app, batch.chat_id)
        return 0
    await svc.db.write(watch_store.mark_batch_sent, batch.id)
    log.info("event=watch_alert_sent chat_id=%s batch=%s", batch.chat_id, batch.id)
    return 1


async def watch_job(context: Context) -> None:
    """Every WATCH_POLL_S: queue and send the alerts new articles owe."""
    await poll_alerts(context.application)


async def watch_startup_job(context: Context) -> None:
    """After a crash, a batch left in ``sending`` may have arrived: mark it, never resend."""
    recovered = await services_of(context).db.write(watch_store.recover_batches)
    if recovered:
        log.warning("event=watch_alerts_interrupted batches=%d", recovered)


# --------------------------------------------------------------------------- commands


async def _say(update: Update, context: Context, what: str, **values: Any) -> None:
    from bot.handlers.common import current_chat, reply

    chat = await current_chat(update, context)
    tdir = services_of(context).settings.template_dir
    text = texts.html("watch", chat.language, tdir, what=what, is_group=chat.is_group, **values)
    await reply(update, context, text)


async def _refuse(update: Update, context: Context) -> None:
    from bot.handlers.common import refuse

    await refuse(update, context)


def _lookups(db: Any) -> tuple[Any, Any, Any]:
    from digests.analysis.companies import load_registry

    registry = load_registry()

    def resolve_org(name: str) -> tuple[str, str] | None:
        org = registry.resolve(name)
        if org is None:
            from digests.answers.resolve import discovered

            org = discovered(db, name)
        return None if org is None else (org.key, org.name)

    def find_person(name: str) -> str | None:
        folded = fold(name)
        for (person,) in db.execute("SELECT DISTINCT name FROM people"):
            if fold(person) == folded:
                return str(person)
        return None

    return resolve_org, find_person, lambda name: registry.suggest(name, n=3)


@admin_only(_refuse)
async def cmd_watch(update: Update, context: Context) -> None:
    """Follow an organisation, a person, a target year or a "phrase" in new articles."""
    from bot.handlers.common import current_chat

    svc = services_of(context)
    chat = await current_chat(update, context)
    arg = " ".join(context.args or [])
    parsed = await svc.db.read(lambda db: parse_watch(arg, *_lookups(db)))
    if isinstance(parsed, WatchProblem):
        await _say(update, context, parsed.code, value=parsed.value, near=list(parsed.suggestions))
        return
    outcome = await svc.db.write(watch_store.add_watch, chat.chat_id, parsed)
    await _say(update, context, outcome, watch=parsed, limit=watch_store.MAX_WATCHES_PER_CHAT)


async def cmd_watches(update: Update, context: Context) -> None:
    """What this chat follows."""
    from bot.handlers.common import current_chat

    chat = await current_chat(update, context)
    watches = await services_of(context).db.read(watch_store.list_watches, chat.chat_id)
    await _say(update, context, "list", watches=watches)


@admin_only(_refuse)
async def cmd_unwatch(update: Update, context: Context) -> None:
    """Stop following one watch."""
    from bot.handlers.common import current_chat

    svc = services_of(context)
    chat = await current_chat(update, context)
    watches = await svc.db.read(watch_store.list_watches, chat.chat_id)
    arg = " ".join(context.args or [])
    found = find_watch(watches, arg) if arg.strip() else None
    if found is None:
        await _say(update, context, "not_watched", value=arg[:MAX_WATCH_CHARS], watches=watches)
        return
    await svc.db.write(watch_store.remove_watch, chat.chat_id, found)
    await _say(update, context, "removed", watch=found)


COMMANDS = {"watch": cmd_watch, "watches": cmd_watches, "unwatch": cmd_unwatch}
READ_ONLY = ("watches",)


def register(app: App) -> None:
    """The commands (before the catch-all unknown-command handler)."""
    for name, callback in COMMANDS.items():
        app.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))


def start_jobs(app: App) -> None:
    """The alert poller; called from post-init with the other jobs."""
    queue = app.job_queue
    assert queue is not None
    every = float(app.bot_data.get("watch_poll_s", WATCH_POLL_S))
    queue.run_once(watch_startup_job, when=0, name="watch-startup")
    queue.run_repeating(watch_job, interval=every, first=every, name="watch")
