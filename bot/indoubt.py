"""Parts in doubt: a request that was on the wire when the process died or timed out.

Telegram has no idempotency key, so whether such a part arrived cannot be
known. The chat's policy (``/resend``, else the bot's ``Settings.in_doubt``)
resolves it one of two ways:

- ``notice`` (default): the reader gets one short notice per digest with a
  "Xem lại" button per doubtful part; a tap sends that part. Never a duplicate,
  never a silent gap.
- ``resend``: the part goes out again; a rare duplicate rather than a gap.

Claiming parts only as they leave the rate limiter keeps the doubt to the few
requests in flight, so either way the reader sees at most one extra message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot import chats, outbox, texts
from bot.outbox import Delivery
from bot.services import Services, services_of

log = logging.getLogger(__name__)

MAX_ID = 2**63 - 1  # SQLite's INTEGER; larger ids in callback data are forged


async def policy(svc: Services, chat_id: int) -> str:
    """ "notice" or "resend": the chat's own choice, else the bot's default."""
    chat = await svc.db.read(chats.get_chat, chat_id)
    return chats.in_doubt_policy(chat, svc.settings.in_doubt)


def resend_data(delivery_id: int, part: int) -> str:
    return f"resend:{delivery_id}:{part}"


def parse_resend(rest: str) -> tuple[int, int] | None:
    """(delivery id, part) from the callback data after ``resend:``; None when forged."""
    match = re.fullmatch(r"(\d{1,18}):(\d{1,4})", rest)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def notice_markup(row: Delivery, lang: str, template_dir: Any) -> InlineKeyboardMarkup:
    label = texts.plain("in_doubt", lang, template_dir, what="button")
    several = len(row.uncertain_parts) > 1
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{label} ({part + 1}/{len(row.messages)})" if several else label,
                    callback_data=resend_data(row.id, part),
                )
            ]
            for part in row.uncertain_parts
        ]
    )


async def notify(app: Application[Any, Any, Any, Any, Any, Any], row: Delivery) -> bool:
    """Tell the reader that part of ``row`` may be missing; True once told (or untellable)."""
    svc = services_of(app)
    chat = await svc.db.read(chats.get_chat, row.chat_id)
    lang = chat.language if chat else svc.settings.language
    tdir = svc.settings.template_dir
    text = texts.html("in_doubt", lang, tdir, day=row.digest_day)
    try:
        await app.bot.send_message(row.chat_id, text, reply_markup=notice_markup(row, lang, tdir))
    except (Forbidden, BadRequest) as exc:
        log.warning("event=in_doubt_notice_refused chat_id=%s error=%r", row.chat_id, str(exc))
    except TelegramError as exc:  # 429, network: the next outbox sweep tries again
        log.warning("event=in_doubt_notice_postponed chat_id=%s error=%r", row.chat_id, str(exc))
        return False
    else:
        log.info(
            "event=in_doubt_notice_sent chat_id=%s digest_key=%s parts=%s",
            row.chat_id,
            row.key,
            list(row.uncertain_parts),
        )
    await svc.db.write(outbox.mark_notified, row.id)
    return True


async def notify_all(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Every finished digest with a doubtful part whose reader was not told yet."""
    svc = services_of(app)
    for row in await svc.db.read(outbox.unnotified, svc.settings.in_doubt):
        await notify(app, row)


async def resend_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, delivery_id: int, part: int
) -> None:
    """The reader tapped "Xem lại": send that part of that chat's digest again."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    svc = services_of(context)
    row = await svc.db.read(_find, delivery_id)
    settings_row = await svc.db.read(chats.get_chat, chat.id) if chat else None
    lang = settings_row.language if settings_row else svc.settings.language
    tdir = svc.settings.template_dir
    if row is None or chat is None or row.chat_id != chat.id or part not in row.uncertain_parts:
        await query.answer(texts.plain("buttons", lang, tdir, button="expired"))
        return
    await query.answer()
    if query.message is not None:
        try:  # one tap, one resend
            await query.edit_message_reply_markup(None)
        except TelegramError as exc:
            log.info("event=button_not_removed error=%r", str(exc))
    # The last part carries the digest's "Xem thêm" (imported here: digest_more needs
    # handlers.parsing, which needs this module).
    from bot.digest_more import markup

    last = part == len(row.messages) - 1
    more = markup(row.more_button) if last else None
    await context.bot.send_message(chat.id, row.messages[part], reply_markup=more)
    log.info("event=in_doubt_resent chat_id=%s digest_key=%s part=%d", chat.id, row.key, part)


def _find(db: Any, delivery_id: int) -> Delivery | None:
    found = db.execute("SELECT 1 FROM deliveries WHERE id = ?", [delivery_id]).fetchone()
    return outbox.get_delivery_by_id(db, delivery_id) if found else None
