"""The outbox: one deliveries row per (chat, digest day), advanced part by part.

States: pending → sending → sent | failed | uncertain.

``sending`` is written (and committed) just before a part's request and
``pending`` with ``parts_sent + 1`` just after its answer, so a row found in
``sending`` after a crash names exactly the one part that may or may not have
reached Telegram.  That part is recorded as uncertain and never resent
blindly; the parts after it certainly were not sent, so they still go out.
A chat is therefore never sent the same part twice, and no digest is lost
without a trace: a row ends ``sent``, ``failed`` (with the reason) or
``uncertain`` (with the part indexes), and ``ictdigest chats`` shows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlite_utils import Database

from digests.store.transactions import write_transaction

State = Literal["pending", "sending", "sent", "failed", "uncertain"]
FINAL_STATES = ("sent", "failed", "uncertain")


@dataclass(frozen=True)
class Delivery:
    id: int
    chat_id: int
    digest_day: date
    state: State
    messages: tuple[str, ...]
    parts_sent: int
    uncertain_parts: tuple[int, ...]
    max_article_id: int | None
    article_count: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    notified_at: datetime | None = None
    more_button: str | None = None  # JSON, under the last part (bot/digest_more.py)

    @property
    def key(self) -> str:
        return f"{self.chat_id}:{self.digest_day.isoformat()}"

    @property
    def done(self) -> bool:
        return self.state in FINAL_STATES


@contextmanager
def relaxed_sync(db: Database) -> Iterator[None]:
    """synchronous=NORMAL for one write whose loss power failure cannot turn into a resend.

    The bot's writer commits with FULL (bot/dbworker.py): a claim must be on disk before
    its request leaves, a "sent" mark before the next claim, or a power cut could send a
    part twice. An enqueue or a finish lost that way is redone by the next run (same
    (chat, day) key; a row whose parts are all marked sent finishes without sending), and
    the next FULL commit syncs it anyway: two fsyncs per one-part digest instead of four.
    """
    level = int(db.execute("PRAGMA synchronous").fetchone()[0])
    if level < 2:
        yield
        return
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        db.execute(f"PRAGMA synchronous = {level}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row(row: dict[str, Any]) -> Delivery:
    return Delivery(
        id=int(row["id"]),
        chat_id=int(row["chat_id"]),
        digest_day=date.fromisoformat(row["digest_day"]),
        state=row["state"],
        messages=tuple(json.loads(row["messages"])),
        parts_sent=int(row["parts_sent"]),
        uncertain_parts=tuple(json.loads(row["uncertain_parts"] or "[]")),
        max_article_id=row["max_article_id"],
        article_count=int(row["article_count"]),
        error=row["error"],
        created_at=datetime.fromisoformat(row["created_at"]),
        finished_at=datetime.fromisoformat(row["finished_at"]) if row["finished_at"] else None,
        notified_at=datetime.fromisoformat(row["notified_at"]) if row.get("notified_at") else None,
        more_button=row.get("more_button"),
    )


def get_delivery(db: Database, chat_id: int, digest_day: date) -> Delivery | None:
    rows = list(
        db.query(
            "SELECT * FROM deliveries WHERE chat_id = ? AND digest_day = ?",
            [chat_id, digest_day.isoformat()],
        )
    )
    return _row(rows[0]) if rows else None


def get_delivery_by_id(db: Database, delivery_id: int) -> Delivery:
    return _row(next(iter(db.query("SELECT * FROM deliveries WHERE id = ?", [delivery_id]))))


def has_delivery(db: Database, chat_id: int, digest_day: date) -> bool:
    found = db.execute(
        "SELECT 1 FROM deliveries WHERE chat_id = ? AND digest_day = ?",
        [chat_id, digest_day.isoformat()],
    ).fetchone()
    return found is not None


def enqueue(
    db: Database,
    chat_id: int,
    digest_day: date,
    messages: list[str],
    *,
    max_article_id: int | None,
    article_count: int,
    more_button: str | None = None,
) -> tuple[Delivery, bool]:
    """Add the day's digest for a chat unless one exists; returns (row, created)."""
    now = _now()
    with relaxed_sync(db), write_transaction(db):
        cursor = db.execute(
            "INSERT INTO deliveries (chat_id, digest_day, state, messages, parts_sent,"
            " max_article_id, article_count, created_at, updated_at, more_button)"
            " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, digest_day) DO NOTHING",  # SQLite and PostgreSQL alike
            [
                chat_id,
                digest_day.isoformat(),
                "pending" if messages else "sent",
                json.dumps(messages, ensure_ascii=False),
                max_article_id,
                article_count,
                now,
                now,
                more_button if messages else None,
            ],
        )
        created = cursor.rowcount == 1
        if created and not messages:
            # Nothing to send is an answer too: record it so catch-up never retries the day.
            # The window's articles were considered, so the watermark moves past them too.
            db.execute(
                "UPDATE deliveries SET finished_at = ?, error = 'nothing new' WHERE chat_id = ?"
                " AND digest_day = ?",
                [now, chat_id, digest_day.isoformat()],
            )
            if max_article_id is not None:
                db.execute(
                    "UPDATE chats SET last_article_id = MAX(COALESCE(last_article_id, 0), ?)"
                    " WHERE chat_id = ?",
                    [max_article_id, chat_id],
                )
    found = get_delivery(db, chat_id, digest_day)
    assert found is not None
    return found, created


def claim_part(db: Database, delivery_id: int, part: int) -> bool:
    """Committed before the request: from here on part ``part`` may reach Telegram.

    The claim is atomic, so two tasks or processes (the daily job and
    ``ictdigest send``) can never both send the same part; the loser gets False.
    """
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE deliveries SET state = 'sending', updated_at = ?"
            " WHERE id = ? AND state = 'pending' AND parts_sent = ?",
            [_now(), delivery_id, part],
        )
        return cursor.rowcount == 1


def release_claim(db: Database, delivery_id: int) -> None:
    """The part certainly did not reach Telegram (e.g. connection refused): try later."""
    with write_transaction(db):
        db.execute(
            "UPDATE deliveries SET state = 'pending', updated_at = ? WHERE id = ?"
            " AND state = 'sending'",
            [_now(), delivery_id],
        )


def mark_part_sent(db: Database, delivery_id: int, parts_sent: int) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE deliveries SET state = 'pending', parts_sent = ?, updated_at = ? WHERE id = ?",
            [parts_sent, _now(), delivery_id],
        )


def mark_part_uncertain(db: Database, delivery_id: int, part: int, error: str) -> None:
    """The answer for ``part`` never came: skip it, never resend it blindly."""
    with write_transaction(db):
        _skip_uncertain_part(db, delivery_id, part, error)


def _skip_uncertain_part(db: Database, delivery_id: int, part: int, error: str) -> None:
    row = get_delivery_by_id(db, delivery_id)
    uncertain = sorted({*row.uncertain_parts, part})
    db.execute(
        "UPDATE deliveries SET state = 'pending', parts_sent = ?, uncertain_parts = ?,"
        " error = ?, updated_at = ? WHERE id = ?",
        [part + 1, json.dumps(uncertain), error, _now(), delivery_id],
    )


def finish(db: Database, delivery_id: int) -> Delivery:
    """All parts went out (or were uncertain): close the row and move the chat's watermark.

    The watermark moves even past uncertain parts: those articles may have
    been received, and a resend could show them twice.
    """
    now = _now()
    with relaxed_sync(db), write_transaction(db):
        row = get_delivery_by_id(db, delivery_id)
        state = "uncertain" if row.uncertain_parts else "sent"
        db.execute(
            "UPDATE deliveries SET state = ?, finished_at = ?, updated_at = ? WHERE id = ?",
            [state, now, now, delivery_id],
        )
        if row.max_article_id is not None:
            db.execute(
                "UPDATE chats SET last_article_id = MAX(COALESCE(last_article_id, 0), ?)"
                " WHERE chat_id = ?",
                [row.max_article_id, row.chat_id],
            )
    return get_delivery_by_id(db, delivery_id)


def mark_failed(db: Database, delivery_id: int, error: str) -> None:
    """Nothing more will be sent; the chat's watermark stays, so no article is lost."""
    now = _now()
    with write_transaction(db):
        db.execute(
            "UPDATE deliveries SET state = 'failed', error = ?, finished_at = ?, updated_at = ?"
            " WHERE id = ?",
            [error, now, now, delivery_id],
        )


def replace_part(db: Database, delivery_id: int, part: int, text: str) -> None:
    """Record the plain-text form a part was actually sent in."""
    with write_transaction(db):
        row = get_delivery_by_id(db, delivery_id)
        messages = list(row.messages)
        messages[part] = text
        db.execute(
            "UPDATE deliveries SET messages = ? WHERE id = ?",
            [json.dumps(messages, ensure_ascii=False), delivery_id],
        )


def recover_after_crash(db: Database, *, resend: bool = False) -> list[tuple[Delivery, bool]]:
    """Rows a killed process left in ``sending``: the part in flight is in doubt.

    Each is resolved by its chat's policy (``/resend``), else by ``resend``: sent
    again (a rare duplicate rather than a gap), or recorded as uncertain, and the
    reader gets a notice with a button that resends it (bot/indoubt.py). Either way
    it is resolved, never dropped. Returns each row with whether its part goes again.
    """
    with write_transaction(db):
        # The chat's own policy, else the bot's: as unnotified() reads it.
        decided = [
            (int(row_id), bool(again))
            for row_id, again in db.execute(
                "SELECT d.id, COALESCE(c.in_doubt, ?) = 'resend' FROM deliveries d"
                " LEFT JOIN chats c ON c.chat_id = d.chat_id"
                " WHERE d.state = 'sending' ORDER BY d.id",
                ["resend" if resend else "notice"],
            )
        ]
        for row_id, again in decided:
            if again:
                db.execute(
                    "UPDATE deliveries SET state = 'pending', updated_at = ? WHERE id = ?",
                    [_now(), row_id],
                )
            else:
                part = get_delivery_by_id(db, row_id).parts_sent
                _skip_uncertain_part(
                    db, row_id, part, "interrupted while sending; part may have arrived"
                )
    return [(get_delivery_by_id(db, row_id), again) for row_id, again in decided]


def unnotified(db: Database, default_policy: str = "notice") -> list[Delivery]:
    """Finished rows with a part in doubt whose reader has not been told yet, of chats
    whose policy is the notice (their own, else ``default_policy``)."""
    return [
        _row(r)
        for r in db.query(
            "SELECT d.* FROM deliveries d LEFT JOIN chats c ON c.chat_id = d.chat_id"
            " WHERE d.state = 'uncertain' AND d.notified_at IS NULL"
            " AND COALESCE(c.in_doubt, ?) = 'notice' ORDER BY d.id",
            [default_policy],
        )
    ]


def mark_notified(db: Database, delivery_id: int) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE deliveries SET notified_at = ?, updated_at = ? WHERE id = ?",
            [_now(), _now(), delivery_id],
        )


def unfinished(db: Database) -> list[Delivery]:
    """Rows still to be sent (pending), oldest first."""
    return [
        _row(r) for r in db.query("SELECT * FROM deliveries WHERE state = 'pending' ORDER BY id")
    ]


def delivered_days(db: Database, chat_id: int) -> set[date]:
    """Days for which the chat has an outbox row, whatever its state."""
    return {
        date.fromisoformat(r["digest_day"])
        for r in db.query("SELECT digest_day FROM deliveries WHERE chat_id = ?", [chat_id])
    }


def last_delivery(db: Database, chat_id: int) -> Delivery | None:
    rows = list(
        db.query(
            "SELECT * FROM deliveries WHERE chat_id = ? ORDER BY digest_day DESC, id DESC LIMIT 1",
            [chat_id],
        )
    )
    return _row(rows[0]) if rows else None
