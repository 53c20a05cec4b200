"""Build a chat's digest, put it in the outbox, and send it part by part under the error policy.

Every path that sends a digest (the daily job, catch-up, ``ictdigest send``,
the broadcast benchmark) goes through ``deliver``, so the outbox's
one-row-per-(chat, day) key and per-part claims make it exactly-once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database
from telegram.ext import Application

from bot import chats, digest_more, indoubt, outbox, topics, topics_store
from bot.errors import Kind, decide, html_to_plain
from bot.outbox import Delivery
from bot.ratelimit import Released
from bot.schedule import catch_up, digest_day, job_name
from bot.services import Services, services_of
from digests.digest.pages import short_digest
from digests.digest.render import render_digest
from digests.digest.select import build_digest, window_for_chat
from digests.store.transactions import StoreError

log = logging.getLogger(__name__)

MAX_WAITS = 5  # RetryAfter answers for one part before leaving it for the next sweep
MAX_RECONNECTS = 3  # connection failures (request never sent) before leaving it pending
RECONNECT_DELAY_S = 1.0
RETRY_FIRST_S = 15.0  # a scheduled digest that met a locked database tries again after this
RETRY_MAX_S = 300.0


@dataclass(frozen=True)
class Prepared:
    messages: list[str]
    max_article_id: int | None
    article_count: int
    themes: list[str | None] | None = None  # per part, when sections go to their own topics
    more: digest_more.MorePages | None = None  # what "Xem thêm" under the last part shows


def _newest_article_id(db: Database) -> int:
    row = db.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()
    return int(row[0])


def prepare_digest(
    db: Database,
    chat: chats.Chat,
    now: datetime,
    *,
    themes: list[str] | None,
    send_when_empty: bool,
    template_dir: Any,
    cache: dict[tuple[Any, ...], Any] | None = None,
    per_theme: bool = False,
) -> Prepared:
    """The rendered digest a chat is owed now (possibly no messages: nothing new).

    ``per_theme``: each theme's section rendered apart, for its own forum topic."""
    window = window_for_chat(db, chat.last_article_id, now=now)
    key: tuple[Any, ...] = (window, tuple(themes or ()), chat.language, now.date())
    key += (_newest_article_id(db), per_theme, chat.digest_length)
    if cache is not None and key in cache:
        found: Prepared = cache[key]
        return found
    digest = build_digest(
        db, window, themes=themes, today=now.date(), per_section=chats.per_theme(chat)
    )
    routes: list[str | None] | None = None
    more = None
    if digest.is_empty and not send_when_empty:
        messages: list[str] = []
    elif per_theme and not digest.is_empty:
        messages, routes = topics.render_sections(digest, chat.language, template_dir)
    else:
        short = short_digest(
            digest,
            per_theme=chats.per_theme(chat),
            one_message=chat.digest_length != "long",
            lang=chat.language,
            override_dir=template_dir,
        )
        messages = render_digest(short, fmt="html", lang=chat.language, override_dir=template_dir)
        more = digest_more.more_pages(
            db, window, digest, short, chat, themes, now.date(), len(messages), template_dir
        )
    prepared = Prepared(messages, digest.max_article_id, len(digest.article_ids), routes, more)
    if cache is not None:
        if len(cache) > 256:
            cache.clear()
        cache[key] = prepared
    return prepared


async def deliver(
    app: Application[Any, Any, Any, Any, Any, Any],
    chat_id: int,
    day: date,
    *,
    themes: list[str] | None = None,
) -> Delivery | None:
    """Send ``chat_id`` its digest for ``day`` unless the outbox already has it."""
    svc = services_of(app)
    if stopping(app):
        return None  # SIGTERM: no new work; owed digests are caught up after the restart
    chat = await svc.db.read(chats.get_chat, chat_id)
    if chat is None or not chat.active:
        return None
    existing = await svc.db.read(outbox.get_delivery, chat_id, day)
    if existing is not None:
        return await send_delivery(app, existing.id)
    prepared = await svc.db.read(
        prepare_digest,
        chat,
        svc.now().astimezone(svc.tz),
        themes=themes if themes is not None else (list(chat.themes) if chat.themes else None),
        send_when_empty=svc.settings.send_when_empty,
        template_dir=svc.settings.template_dir,
        cache=svc.digest_cache,
        per_theme=await svc.db.read(topics_store.per_theme, chat_id),
    )
    button = None
    if prepared.more is not None:
        tdir = svc.settings.template_dir
        button = await svc.db.write(digest_more.button_for, prepared.more, chat.language, tdir)
    row, created = await svc.db.write(
        outbox.enqueue,
        chat_id,
        day,
        prepared.messages,
        max_article_id=prepared.max_article_id,
        article_count=prepared.article_count,
        more_button=button,
    )
    if created and prepared.themes:
        await svc.db.write(topics_store.save_routes, row.id, prepared.themes)
    if created:
        log.info(
            "event=digest_enqueued chat_id=%s digest_key=%s parts=%d articles=%d",
            chat_id,
            row.key,
            len(row.messages),
            row.article_count,
        )
    return await send_delivery(app, row.id)


async def send_delivery(
    app: Application[Any, Any, Any, Any, Any, Any], delivery_id: int
) -> Delivery:
    """Send the parts of outbox row ``delivery_id`` not sent yet, one claim per part."""
    svc = services_of(app)
    row = await svc.db.read(outbox.get_delivery_by_id, delivery_id)
    while not row.done and row.parts_sent < len(row.messages):
        if stopping(app):
            return row  # released: the remaining parts go out after the restart
        part = row.parts_sent
        claim = PartClaim(svc, row.id, part)
        if app.bot.rate_limiter is None and not await claim.take():
            return row  # someone else has it
        try:
            outcome = await _send_part(app, svc, row, part, claim)
        except (ClaimLost, Released):  # another sender has it / stopping, never sent: pending
            return await svc.db.read(outbox.get_delivery_by_id, delivery_id)
        row = await svc.db.read(outbox.get_delivery_by_id, delivery_id)
        if outcome == "stop":
            return row
    if not row.done:
        row = await svc.db.write(outbox.finish, row.id)
        level = logging.WARNING if row.state == "uncertain" else logging.INFO
        log.log(
            level,
            "event=digest_%s chat_id=%s digest_key=%s parts=%d uncertain_parts=%s",
            row.state,
            row.chat_id,
            row.key,
            len(row.messages),
            list(row.uncertain_parts),
        )
        if row.state == "uncertain" and await indoubt.policy(svc, row.chat_id) == "notice":
            await indoubt.notify(app, row)
    return row


def stopping(app: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """SIGTERM closed the rate limiter: take no new part (see bot/ratelimit.py)."""
    return bool(getattr(app.bot.rate_limiter, "closed", False))


class ClaimLost(Exception):
    """Another task or process claimed the part first: it sends it, we stop."""


class PartClaim:
    """The outbox claim of one part, taken when the rate limiter lets the request go.

    Taking it only then (``FairLimits`` calls ``take`` right before the HTTP
    request) keeps the window of doubt to the request itself: a process killed
    while hundreds of parts queue in the limiter leaves none of them "in doubt",
    so a restart sends them instead of marking them uncertain.
    """

    def __init__(self, svc: Services, delivery_id: int, part: int) -> None:
        self._svc, self._delivery_id, self._part = svc, delivery_id, part
        self.taken = False

    async def take(self) -> bool:
        """Claim once; later calls (retries of the same part) find it taken."""
        if not self.taken:
            self.taken = await self._svc.db.write(outbox.claim_part, self._delivery_id, self._part)
        return self.taken

    async def release(self) -> None:
        """The request was refused (429): the part is pending again until the next try."""
        if self.taken:
            await self._svc.db.write(outbox.release_claim, self._delivery_id)
            self.taken = False

    async def before_request(self) -> None:
        if not await self.take():
            raise ClaimLost(f"delivery {self._delivery_id} part {self._part}")


async def _send_part(
    app: Application[Any, Any, Any, Any, Any, Any],
    svc: Services,
    row: Delivery,
    part: int,
    claim: PartClaim,
) -> str:
    """Send one part, claimed as it leaves; returns "next" or "stop". Records the outcome."""
    chat_id, text = row.chat_id, row.messages[part]

    last = part == len(row.messages) - 1
    markup = digest_more.markup(row.more_button) if last else None

    async def send(to: int, body: str, **kwargs: Any) -> Any:  # into the part's forum topic
        if markup is not None:
            kwargs["reply_markup"] = markup
        return await topics.send_digest_part(app, row.id, part, to, body, **kwargs)

    limited = app.bot.rate_limiter is not None
    waits = reconnects = 0
    migrated = False
    while True:
        try:
            if limited:
                await send(chat_id, text, rate_limit_args=claim)
            else:
                await send(chat_id, text)
        except (ClaimLost, Released):
            raise
        except Exception as exc:
            action = decide(exc)
            context = f"chat_id={chat_id} digest_key={row.key} part={part} error={str(exc)!r}"
            if action.kind is Kind.WAIT_AND_RETRY and waits < MAX_WAITS:
                waits += 1
                log.info("event=retry_after wait_s=%.1f %s", action.wait_seconds, context)
                if limited:  # refused, so certainly not sent: not in doubt while we wait
                    await claim.release()
                else:  # with a limiter, it holds this chat (only) for the wait
                    await asyncio.sleep(action.wait_seconds)
                continue
            if action.kind is Kind.RETRY_NOW and reconnects < MAX_RECONNECTS:
                reconnects += 1
                await asyncio.sleep(RECONNECT_DELAY_S * reconnects)
                continue
            if action.kind in (Kind.WAIT_AND_RETRY, Kind.RETRY_NOW):
                # Certainly not delivered: leave it pending for the next outbox sweep.
                log.warning("event=delivery_postponed %s", context)
                await svc.db.write(outbox.release_claim, row.id)
                return "stop"
            if action.kind is Kind.MIGRATE and not migrated and action.new_chat_id is not None:
                migrated = True
                await move_chat(app, chat_id, action.new_chat_id)
                log.info("event=chat_migrated new_chat_id=%s %s", action.new_chat_id, context)
                chat_id = action.new_chat_id
                continue
            if action.kind is Kind.RESEND_PLAIN:
                log.error("event=bug_unparsable_html resending_as_plain_text %s", context)
                plain = html_to_plain(text)
                try:
                    if limited:
                        await send(chat_id, plain, parse_mode=None, rate_limit_args=claim)
                    else:
                        await send(chat_id, plain, parse_mode=None)
                except Released:
                    raise
                except Exception as again:
                    await _give_up(app, svc, row, part, again)
                    return "stop"
                await svc.db.write(outbox.replace_part, row.id, part, plain)
                await svc.db.write(outbox.mark_part_sent, row.id, part + 1)
                return "next"
            if action.kind is Kind.UNCERTAIN:
                resend = await indoubt.policy(svc, chat_id) == "resend"
                if resend and reconnects < MAX_RECONNECTS:
                    reconnects += 1  # the chat prefers a rare duplicate to a gap
                    log.warning("event=delivery_uncertain resending %s", context)
                    continue
                log.warning("event=delivery_uncertain not_resending %s", context)
                await svc.db.write(outbox.mark_part_uncertain, row.id, part, str(exc))
                return "next"
            await _give_up(app, svc, row, part, exc)
            return "stop"
        await svc.db.write(outbox.mark_part_sent, row.id, part + 1)
        return "next"


async def _give_up(
    app: Application[Any, Any, Any, Any, Any, Any],
    svc: Services,
    row: Delivery,
    part: int,
    exc: BaseException,
) -> None:
    action = decide(exc)
    context = f"chat_id={row.chat_id} digest_key={row.key} part={part} error={str(exc)!r}"
    if action.kind is Kind.DEACTIVATE:
        log.warning("event=chat_deactivated %s", context)
        await deactivate_chat(app, row.chat_id)
    else:
        log.error("event=delivery_failed kind=%s %s", action.kind.value, context)
    await svc.db.write(outbox.mark_failed, row.id, f"{action.kind.value}: {exc}")


async def deactivate_chat(app: Application[Any, Any, Any, Any, Any, Any], chat_id: int) -> None:
    """The chat blocked or removed the bot: stop its schedule, keep its settings."""
    svc = services_of(app)
    await svc.db.write(chats.set_active, chat_id, False)
    unschedule(app, chat_id)


async def move_chat(
    app: Application[Any, Any, Any, Any, Any, Any], old_id: int, new_id: int
) -> chats.Chat | None:
    """A group became a supergroup: move settings, outbox and job to the new id."""
    svc = services_of(app)
    moved = await svc.db.write(chats.migrate_chat, old_id, new_id)
    unschedule(app, old_id)
    if moved is not None and moved.active:
        schedule(app, moved)
    return moved


# --------------------------------------------------------------------------- schedule


def schedule(app: Application[Any, Any, Any, Any, Any, Any], chat: chats.Chat) -> None:
    """(Re)register the chat's daily job at its local time."""
    queue = app.job_queue
    if queue is None:
        return
    unschedule(app, chat.chat_id)
    svc = services_of(app)
    queue.run_daily(
        daily_digest_job,
        time=chat.time.replace(tzinfo=svc.tz),
        chat_id=chat.chat_id,
        name=job_name(chat.chat_id),
    )


def unschedule(app: Application[Any, Any, Any, Any, Any, Any], chat_id: int) -> None:
    queue = app.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(job_name(chat_id)):
        job.schedule_removal()


async def daily_digest_job(context: Any) -> None:
    """The chat's daily digest, for the local day the job fired on."""
    svc = services_of(context)
    chat_id = int(context.job.chat_id)
    retry = context.job.data if isinstance(context.job.data, RetryOf) else None
    day = retry.day if retry else digest_day(svc.now(), svc.tz)
    try:
        await deliver(context.application, chat_id, day)
    except StoreError as exc:
        # A database locked past DbWorker's patience (or a full disk): the day's digest is
        # retried until it goes out; the outbox's (chat, day) key keeps it to one.
        attempt = (retry.attempt if retry else 0) + 1
        retry_digest_later(context.application, chat_id, day, attempt, str(exc))


@dataclass(frozen=True)
class RetryOf:
    day: date
    attempt: int


def retry_digest_later(
    app: Application[Any, Any, Any, Any, Any, Any],
    chat_id: int,
    day: date,
    attempt: int,
    reason: str,
) -> None:
    """Run the chat's digest for ``day`` again after a backoff (capped at 5 minutes)."""
    svc = services_of(app)
    age = svc.now().astimezone(svc.tz).date() - day
    if app.job_queue is None or age > timedelta(hours=svc.settings.catchup_hours):
        log.error("event=digest_retry_abandoned chat_id=%s day=%s error=%r", chat_id, day, reason)
        return
    delay = min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** min(attempt - 1, 10))
    log.warning(
        "event=digest_retry_scheduled chat_id=%s day=%s attempt=%d in_s=%.0f error=%r",
        chat_id,
        day,
        attempt,
        delay,
        reason,
    )
    app.job_queue.run_once(
        daily_digest_job,
        when=delay,
        chat_id=chat_id,
        data=RetryOf(day, attempt),
        name=f"retry:{job_name(chat_id)}",  # not a daily job: doctor counts those
    )


async def startup(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After a restart: settle crashed rows, resume the outbox, deliver missed digests once."""
    svc = services_of(app)
    resend = svc.settings.in_doubt == "resend"
    for row, again in await svc.db.write(outbox.recover_after_crash, resend=resend):
        log.warning(
            "event=delivery_interrupted chat_id=%s digest_key=%s in_doubt=%s part=%d",
            row.chat_id,
            row.key,
            "resend" if again else "notice",
            row.parts_sent if again else row.uncertain_parts[-1],
        )
    await sweep_outbox(app)
    active = await svc.db.read(chats.list_chats, active_only=True)
    for chat in active:
        schedule(app, chat)
    await catch_up_all(app, active)


async def sweep_outbox(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Send pending rows; rows older than the catch-up window expire (articles stay unsent)."""
    svc = services_of(app)
    window = timedelta(hours=svc.settings.catchup_hours)
    now = svc.now()
    for row in await svc.db.read(outbox.unfinished):
        if now - row.created_at > window:
            await svc.db.write(
                outbox.mark_failed, row.id, "expired after downtime; articles go in the next digest"
            )
            log.warning("event=delivery_expired chat_id=%s digest_key=%s", row.chat_id, row.key)
            continue
        await send_delivery(app, row.id)
    await indoubt.notify_all(app)  # also rows whose notice a crash or a 429 held back


async def catch_up_all(
    app: Application[Any, Any, Any, Any, Any, Any], active: Iterable[chats.Chat]
) -> None:
    svc = services_of(app)
    window = timedelta(hours=svc.settings.catchup_hours)
    now = svc.now()
    tasks = []
    for chat in active:
        days = await svc.db.read(outbox.delivered_days, chat.chat_id)
        owed = catch_up(
            now,
            chat.time,
            svc.tz,
            window=window,
            schedule_since=chat.schedule_since,
            days_with_delivery=days,
        )
        if owed.deliver is not None:
            log.info("event=catch_up chat_id=%s digest_day=%s", chat.chat_id, owed.deliver)
            tasks.append(deliver(app, chat.chat_id, owed.deliver))
        elif owed.too_late is not None:
            log.warning(
                "event=digest_missed_beyond_catchup chat_id=%s digest_day=%s"
                " note=articles_go_into_next_digest",
                chat.chat_id,
                owed.too_late,
            )
    await broadcast_tasks(tasks)


async def broadcast_tasks(tasks: list[Any], concurrency: int = 64) -> list[Any]:
    """Run deliveries concurrently; the rate limiter, not this, sets the pace."""
    gate = asyncio.Semaphore(concurrency)

    async def one(task: Any) -> Any:
        async with gate:
            try:
                return await task
            except Exception:
                log.exception("event=delivery_crashed")
                return None

    return await asyncio.gather(*(one(t) for t in tasks))


async def broadcast(
    app: Application[Any, Any, Any, Any, Any, Any], chat_ids: Iterable[int], day: date
) -> list[Delivery | None]:
    """Deliver ``day``'s digest to many chats at once (catch-up, benchmark)."""
    return await broadcast_tasks([deliver(app, chat_id, day) for chat_id in chat_ids])
