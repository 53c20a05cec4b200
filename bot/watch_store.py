"""The watch tables: what each chat follows, and the alert outbox that makes alerts exactly-once.

watches        one row per (chat, kind, key): an organisation, a person, a year or a phrase
watch_alerts   one row per (chat, story) ever alerted: the "never twice" record
watch_batches  one message per row: several alerts batched, sent under a claim
watch_state    the highest article id the alert poller has looked at (its watermark)

A batch follows the outbox's rule (bot/outbox.py): ``sending`` is committed just
before the request and ``sent`` just after the answer, so a batch found in
``sending`` after a crash may have arrived and becomes ``uncertain``, never resent.
The alerts rows, the batch and the watermark move in ONE transaction, so a story
is queued for a chat at most once whatever process or restart looks at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlite_utils import Database

from digests.store.transactions import write_transaction
from digests.textnorm import fold

WatchKind = Literal["org", "person", "year", "phrase"]
MAX_WATCHES_PER_CHAT = 20


def bot_watches(db: Database) -> None:
    """Migration: the watch tables (appended to BOT_MIGRATIONS)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS watches (
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('org','person','year','phrase')),
            key TEXT NOT NULL,          -- org key, folded name or phrase, or the year
            label TEXT NOT NULL,        -- as the reader wrote it or the registry names it
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, kind, key)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS watch_batches (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','uncertain')),
            text TEXT NOT NULL,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS watch_batches_state ON watch_batches(state)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS watch_alerts (
            chat_id INTEGER NOT NULL,
            story_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            batch_id INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, story_id)
        )"""
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS watch_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- watches


@dataclass(frozen=True)
class Watch:
    kind: WatchKind
    key: str
    label: str


def list_watches(db: Database, chat_id: int) -> list[Watch]:
    rows = db.execute(
        "SELECT kind, key, label FROM watches WHERE chat_id = ? ORDER BY created_at, label",
        [chat_id],
    ).fetchall()
    return [Watch(r[0], r[1], r[2]) for r in rows]


def add_watch(db: Database, chat_id: int, watch: Watch) -> Literal["added", "exists", "full"]:
    with write_transaction(db):
        exists = db.execute(
            "SELECT 1 FROM watches WHERE chat_id = ? AND kind = ? AND key = ?",
            [chat_id, watch.kind, watch.key],
        ).fetchone()
        if exists:
            return "exists"
        count = db.execute("SELECT COUNT(*) FROM watches WHERE chat_id = ?", [chat_id]).fetchone()
        if int(count[0]) >= MAX_WATCHES_PER_CHAT:
            return "full"
        db.execute(
            "INSERT INTO watches (chat_id, kind, key, label, created_at) VALUES (?, ?, ?, ?, ?)",
            [chat_id, watch.kind, watch.key, watch.label, _now()],
        )
    return "added"


def remove_watch(db: Database, chat_id: int, watch: Watch) -> bool:
    with write_transaction(db):
        cursor = db.execute(
            "DELETE FROM watches WHERE chat_id = ? AND kind = ? AND key = ?",
            [chat_id, watch.kind, watch.key],
        )
        return cursor.rowcount == 1


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class NewArticle:
    id: int
    story_id: int
    title: str
    source: str
    url: str | None
    published: str | None  # None when the date is unknown


@dataclass(frozen=True)
class Match:
    chat_id: int
    article: NewArticle
    labels: tuple[str, ...]  # the watches it matched, as the chat wrote them


def watermark(db: Database) -> int | None:
    row = db.execute("SELECT value FROM watch_state WHERE name = 'last_article_id'").fetchone()
    return None if row is None else int(row[0])


def newest_article_id(db: Database) -> int:
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0])


def new_articles(db: Database, after: int, limit: int) -> list[NewArticle]:
    rows = db.execute(
        "SELECT id, COALESCE(story_id, id), title, source, url,"
        " CASE WHEN date_known THEN published END FROM articles WHERE id > ? ORDER BY id LIMIT ?",
        [after, limit],
    ).fetchall()
    return [NewArticle(*row) for row in rows]


def phrase_in(folded_phrase: str, folded_text: str) -> bool:
    """Whole words only: "ai" is not found in "khai"; diacritics and case already folded."""
    pattern = r"(?<!\w)" + re.escape(folded_phrase) + r"(?!\w)"
    return re.search(pattern, folded_text) is not None


def find_matches(db: Database, articles: Sequence[NewArticle]) -> list[Match]:
    """Which active chats' watches the given new articles match, one Match per (chat, article)."""
    if not articles:
        return []
    lo, hi = articles[0].id - 1, articles[-1].id
    by_id = {a.id: a for a in articles}
    hits: dict[tuple[int, int], list[str]] = {}

    def hit(chat_id: int, article_id: int, label: str) -> None:
        if article_id in by_id:
            labels = hits.setdefault((chat_id, article_id), [])
            if label not in labels:
                labels.append(label)

    active = "JOIN chats c ON c.chat_id = w.chat_id AND c.active = 1"
    for chat_id, label, article_id in db.execute(
        f"SELECT DISTINCT w.chat_id, w.label, m.article_id FROM watches w {active}"
        " JOIN mentions m ON m.org_key = w.key"
        " WHERE w.kind = 'org' AND m.article_id > ? AND m.article_id <= ?",
        [lo, hi],
    ):
        hit(chat_id, article_id, label)
    for chat_id, label, article_id in db.execute(
        f"SELECT DISTINCT w.chat_id, w.label, t.article_id FROM watches w {active}"
        " JOIN targets t ON t.year = CAST(w.key AS INTEGER)"
        " WHERE w.kind = 'year' AND t.article_id > ? AND t.article_id <= ?",
        [lo, hi],
    ):
        hit(chat_id, article_id, label)
    phrases = db.execute(
        f"SELECT w.chat_id, w.label, w.key FROM watches w {active}"
        " WHERE w.kind IN ('phrase', 'person')"
    ).fetchall()
    if phrases:
        for article_id, text in _folded_texts(db, lo, hi):
            for chat_id, label, key in phrases:
                if phrase_in(key, text):
                    hit(chat_id, article_id, label)
    return [
        Match(chat_id, by_id[article_id], tuple(labels))
        for (chat_id, article_id), labels in sorted(hits.items())
    ]


def _folded_texts(db: Database, lo: int, hi: int) -> Iterable[tuple[int, str]]:
    """Each new article's title and sentences, folded, as one text."""
    texts: dict[int, list[str]] = {}
    for article_id, title in db.execute(
        "SELECT id, title FROM articles WHERE id > ? AND id <= ?", [lo, hi]
    ):
        texts[article_id] = [fold(title or "")]
    for article_id, folded in db.execute(
        "SELECT article_id, folded FROM sentences WHERE article_id > ? AND article_id <= ?"
        " ORDER BY article_id, idx",
        [lo, hi],
    ):
        texts.setdefault(article_id, []).append(folded)
    return ((article_id, "\n".join(parts)) for article_id, parts in texts.items())


# --------------------------------------------------------------------------- the alert outbox


@dataclass(frozen=True)
class Batch:
    id: int
    chat_id: int
    state: str
    text: str


def start_watermark(db: Database, at: int) -> int:
    """First run: alerts start from the articles stored from now on, not the whole history."""
    with write_transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO watch_state (name, value) VALUES ('last_article_id', ?)", [at]
        )
    found = watermark(db)
    assert found is not None
    return found


def fresh_matches(db: Database, matches: Sequence[Match]) -> list[Match]:
    """Matches whose (chat, story) has never been alerted: a story told once per chat."""
    fresh: list[Match] = []
    seen: set[tuple[int, int]] = set()
    for match in matches:
        key = (match.chat_id, match.article.story_id)
        if key in seen:
            continue
        seen.add(key)
        told = db.execute(
            "SELECT 1 FROM watch_alerts WHERE chat_id = ? AND story_id = ?", list(key)
        ).fetchone()
        if told is None:
            fresh.append(match)
    return fresh


def enqueue_alerts(
    db: Database,
    expected_watermark: int,
    new_watermark: int,
    batches: Sequence[tuple[int, str, Sequence[Match]]],
) -> list[int]:
    """Record the batches (chat, text, its matches) and move the watermark, atomically.

    Returns the new batch ids; [] when another poller moved the watermark first."""
    now, ids = _now(), []
    with write_transaction(db):
        moved = db.execute(
            "UPDATE watch_state SET value = ? WHERE name = 'last_article_id' AND value = ?",
            [new_watermark, expected_watermark],
        )
        if moved.rowcount != 1:
            return []
        for chat_id, text, matches in batches:
            cursor = db.execute(
                "INSERT INTO watch_batches (chat_id, state, text, created_at, updated_at)"
                " VALUES (?, 'pending', ?, ?, ?)",
                [chat_id, text, now, now],
            )
            batch_id = int(cursor.lastrowid or 0)
            ids.append(batch_id)
            db.conn.executemany(
                "INSERT OR IGNORE INTO watch_alerts (chat_id, story_id, article_id, batch_id,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                [(chat_id, m.article.story_id, m.article.id, batch_id, now) for m in matches],
            )
    return ids


def pending_batches(db: Database) -> list[Batch]:
    rows = db.execute(
        "SELECT id, chat_id, state, text FROM watch_batches WHERE state = 'pending' ORDER BY id"
    ).fetchall()
    return [Batch(*row) for row in rows]


def get_batch(db: Database, batch_id: int) -> Batch:
    row = db.execute(
        "SELECT id, chat_id, state, text FROM watch_batches WHERE id = ?", [batch_id]
    ).fetchone()
    return Batch(*row)


def _set_state(
    db: Database, batch_id: int, state: str, *, was: str, error: str | None = None
) -> bool:
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE watch_batches SET state = ?, error = COALESCE(?, error), updated_at = ?"
            " WHERE id = ? AND state = ?",
            [state, error, _now(), batch_id, was],
        )
        return cursor.rowcount == 1


def claim_batch(db: Database, batch_id: int) -> bool:
    """Committed before the request; the loser of two claimers gets False and sends nothing."""
    return _set_state(db, batch_id, "sending", was="pending")


def mark_batch_sent(db: Database, batch_id: int) -> bool:
    return _set_state(db, batch_id, "sent", was="sending")


def release_batch(db: Database, batch_id: int) -> bool:
    """Certainly not delivered (connection refused, flood wait): try on the next poll."""
    return _set_state(db, batch_id, "pending", was="sending")


def fail_batch(db: Database, batch_id: int, error: str) -> bool:
    return _set_state(db, batch_id, "failed", was="sending", error=error)


def uncertain_batch(db: Database, batch_id: int, error: str) -> bool:
    return _set_state(db, batch_id, "uncertain", was="sending", error=error)


def recover_batches(db: Database) -> int:
    """After a crash: batches left in ``sending`` may have arrived; never resend them."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE watch_batches SET state = 'uncertain', error = ?, updated_at = ?"
            " WHERE state = 'sending'",
            ["interrupted while sending; may have arrived", _now()],
        )
        return int(cursor.rowcount)


def alert_counts(db: Database) -> dict[str, int]:
    """Batches per state (for tests and `ictdigest chats`)."""
    rows = db.execute("SELECT state, COUNT(*) FROM watch_batches GROUP BY state").fetchall()
    return {str(r[0]): int(r[1]) for r in rows}
