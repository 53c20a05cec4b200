"""Build the python-telegram-bot Application: limits, defaults, handlers, jobs, commands menu."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from contextlib import suppress
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import inline, profile, texts, topics, trend, watch
from bot.dbworker import DbWorker
from bot.delivery import startup, sweep_outbox
from bot.flood import flood_gate
from bot.handlers import chat_events, routing
from bot.ratelimit import FairLimits
from bot.services import Clock, Services, services_of, system_clock
from bot.settings import Settings
from digests.store.backup import HEARTBEAT_INTERVAL_S
from digests.store.connection import resolve_db_path
from digests.templating import LANGUAGES

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "inline_query"]
MAX_RETRY_AFTER = 3  # RetryAfter answers the rate limiter absorbs before the policy sees one
OUTBOX_SWEEP_S = 300


class PerChatOrder(BaseUpdateProcessor):
    """Updates run concurrently across chats but in order within one chat.

    A user who sends /digest then /search reads the answers in that order,
    while a slow search in one group never holds up another chat.
    """

    UNBOUNDED = 1_000_000

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(self.UNBOUNDED)
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn first, and only then for one of the running slots.

        PTB takes its slot before calling this: 100 queued commands from one flooded
        group then held all 64 slots while waiting on that group's lock, and /help in
        any other chat waited behind them (8 s p95 in bench/faults.py). So PTB's own
        bound is lifted (``UNBOUNDED``) and the real one applies after the chat lock.
        """
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._running:
                await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        try:
            async with lock, self._running:
                await coroutine
        finally:
            if not lock.locked() and len(self._locks) > 10_000:
                self._locks.pop(chat.id, None)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def build_application(
    settings: Settings,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    token: str | None = None,
    clock: Clock | None = None,
    db: DbWorker | None = None,
    rate_limit: bool = True,
    read_timeout: float | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready for run_polling/run_webhook (or initialize/start in tests).

    ``base_url`` overrides settings.api_base_url (the emulator); ``clock``
    drives schedules and catch-up in tests; ``db`` shares a DbWorker;
    ``read_timeout`` overrides PTB's 5 s wait for an answer (tests provoke timeouts).
    """
    the_token = token or settings.token
    if not the_token:
        raise ValueError("a bot token is needed (TELEGRAM_BOT_TOKEN, or the emulator's)")
    worker = db or DbWorker(resolve_db_path(str(settings.db_path) if settings.db_path else None))
    url = base_url or settings.api_base_url
    builder = (
        ApplicationBuilder()
        .token(the_token)
        .base_url(url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=ZoneInfo(settings.timezone),
            )
        )
        .concurrent_updates(PerChatOrder())
        .connection_pool_size(64)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if read_timeout is not None:
        builder = builder.read_timeout(read_timeout)
    if rate_limit:
        limits = FairLimits(
            settings.rate_overall_per_s, settings.rate_group_per_min, settings.rate_chat_per_s
        )
        builder = builder.rate_limiter(limits)
    app = builder.build()
    app.bot_data["services"] = Services(
        settings=settings, db=worker, clock=clock or system_clock, owns_db=db is None
    )
    register_handlers(app)
    return app


def register_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    only_messages = filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, flood_gate), group=-1)  # before any answer
    for name, callback in routing.COMMANDS.items():
        app.add_handler(CommandHandler(name, callback, filters=only_messages))
    for family in FAMILIES:
        family.register(app)
    app.add_handler(CallbackQueryHandler(routing.on_button))
    app.add_handler(
        ChatMemberHandler(chat_events.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_events.on_migrate))
    app.add_handler(MessageHandler(filters.COMMAND & only_messages, chat_events.on_unknown_command))
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & only_messages & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            chat_events.on_private_text,
        )
    )
    app.add_error_handler(chat_events.on_error)


# Each command family (a module with COMMANDS and READ_ONLY) beside bot/handlers/routing.py.
FAMILIES = (watch, topics, inline, trend)


def all_commands() -> dict[str, Any]:
    """Every command name → handler, the core ones first."""
    found: dict[str, Any] = dict(routing.COMMANDS)
    for family in FAMILIES:
        found.update(family.COMMANDS)
    return found


def read_only_commands() -> set[str]:
    """Commands every group member may use (the rest change the chat's settings)."""
    return {*routing.READ_ONLY, *(name for f in FAMILIES for name in f.READ_ONLY)}


def menu(lang: str, scope: str, settings: Settings) -> list[BotCommand]:
    """The command menu for a scope: groups' members see the read-only commands."""
    specs = texts.command_specs(lang, settings.template_dir)
    if scope == "groups":
        specs = [s for s in specs if s.name in read_only_commands()]
    return [BotCommand(s.name, s.description[:256]) for s in specs]


async def set_command_menus(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    settings = services_of(app).settings
    scopes = {
        "private": BotCommandScopeAllPrivateChats(),
        "groups": BotCommandScopeAllGroupChats(),
        "admins": BotCommandScopeAllChatAdministrators(),
    }
    for scope_name, scope in scopes.items():
        await app.bot.set_my_commands(menu(settings.language, scope_name, settings), scope=scope)
        for lang in LANGUAGES:
            await app.bot.set_my_commands(
                menu(lang, scope_name, settings), scope=scope, language_code=lang
            )


STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGABRT")


def install_stop_signals(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """SIGTERM: take no new work, release what waits for a slot, then stop as PTB does.

    PTB's own handler only stops the loop; ``Application.stop`` then waits for every
    queued update and running job, which under a digest broadcast and a command flood
    took minutes. Closing the rate limiter first makes every request still waiting
    for a slot fail at once (never sent, nothing claimed: released parts stay pending
    and go out after the restart); only requests already on the wire are awaited.
    """
    import signal

    loop = asyncio.get_running_loop()

    def on_signal(name: str) -> None:
        log.info("event=stopping signal=%s", name)
        limiter = app.bot.rate_limiter
        if isinstance(limiter, FairLimits):
            limiter.close()
        raise SystemExit(0)  # leaves run_forever; run_polling then stops and shuts down

    for name in STOP_SIGNALS:
        with suppress(NotImplementedError, AttributeError):
            loop.add_signal_handler(getattr(signal, name), on_signal, name)


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    try:
        await set_command_menus(app)
    except TelegramError as exc:  # a menu is a convenience; never stop the bot for it
        log.warning("event=set_my_commands_failed error=%r", str(exc))
    await profile.set_profile_quietly(app)
    queue = app.job_queue
    assert queue is not None
    settings = services_of(app).settings
    queue.run_once(_startup_job, when=0, name="startup")
    watch.start_jobs(app)
    queue.run_repeating(_sweep_job, interval=OUTBOX_SWEEP_S, first=OUTBOX_SWEEP_S, name="outbox")
    queue.run_repeating(_heartbeat_job, interval=HEARTBEAT_INTERVAL_S, first=1, name="heartbeat")
    if settings.sources:
        queue.run_repeating(
            ingest_job,
            interval=timedelta(minutes=settings.ingest_interval_minutes),
            first=5,
            name="ingest",
        )


async def _startup_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await startup(context.application)


async def _heartbeat_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell `ictdigest doctor` (another process) that we run and which jobs we hold."""
    from bot.doctor import record_heartbeat

    queue = context.application.job_queue
    assert queue is not None
    jobs = {job.name or "": job.next_t for job in queue.jobs()}
    await services_of(context).db.write(record_heartbeat, jobs)


async def _sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await sweep_outbox(context.application)


async def ingest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pull the configured sources off the event loop; a source that is down waits a run."""
    from digests.ingest import ingest
    from digests.sources.fetch import Fetcher
    from digests.sources.netguard import AddressPolicy
    from digests.store.connection import open_db

    services = services_of(context)
    sources = list(services.settings.sources)
    policy = AddressPolicy(allow_private=services.settings.fetch_allow_private)

    def run() -> Any:
        # Its own connection and thread: fetching feeds must not hold up the outbox writer.
        db = open_db(services.db.path)
        try:
            with Fetcher(policy=policy) as fetcher:
                return ingest(db, sources, fetcher=fetcher)
        finally:
            db.conn.close()

    report = await asyncio.to_thread(run)
    for failure in report.failures:
        log.warning("event=source_failed source=%r reason=%r", failure.item, failure.reason)
    log.info(
        "event=ingest_done added=%d updated=%d skipped=%d failed=%d",
        report.added,
        report.updated,
        report.skipped,
        report.failed,
    )
    if report.added or report.updated:
        services.digest_cache.clear()


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    from bot.doctor import clear_heartbeat

    services = services_of(app)
    with suppress(Exception):
        services.db.write_sync(clear_heartbeat)
    if services.owns_db:
        with suppress(Exception):
            services.db.close()


def run(app: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Block serving updates: webhook when configured, else long polling. SIGTERM stops it."""
    stop = ()  # our own handlers (see install_stop_signals): release queued work first
    init = app.post_init

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        install_stop_signals(application)
        if init is not None:
            await init(application)

    app.post_init = post_init
    if settings.webhook_url:
        from urllib.parse import urlsplit

        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
            stop_signals=stop,
        )
    else:
        app.run_polling(
            allowed_updates=ALLOWED_UPDATES,
            stop_signals=stop,
        )
