"""Targets read again from what the store already holds, when the rules that find them change.

extract_targets needs an article's sentences, people, mentions and date, all stored; so
a store built with older rules can be brought up to date without its pages.  Not a
migration: upgrades keep every stored row as it was (tests/test_upgrade.py); an operator
command may call it.  Only sentences with a time cue are looked at.
"""

from __future__ import annotations

import re
from datetime import date

from sqlite_utils import Database

from digests.analysis.target_times import TIME_CUE
from digests.analysis.targets import extract_targets
from digests.model import Mention, Person, Sentence

_TIME = re.compile(rf"(?<!\w)(?:{TIME_CUE})")


def reextract_targets(db: Database) -> int:
    """Replace every article's targets by those the current rules find; returns how many."""
    found = 0
    ids = [int(row[0]) for row in db.execute("SELECT id FROM articles ORDER BY id")]
    for article_id in ids:
        found += _article_targets(db, article_id)
    return found


def _article_targets(db: Database, article_id: int) -> int:
    rows = db.execute(
        "SELECT idx, paragraph, text, folded, is_heading FROM sentences WHERE article_id = ? "
        "ORDER BY idx",
        [article_id],
    ).fetchall()
    sentences = [Sentence(int(i), int(p), str(t), bool(h)) for i, p, t, _f, h in rows]
    candidates = {int(i) for i, _p, _t, folded, _h in rows if _TIME.search(folded or "")}
    db.execute("DELETE FROM targets WHERE article_id = ?", [article_id])
    if not candidates:
        return 0
    published, dated = db.execute(
        "SELECT published, date_known FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    people = [
        Person(str(n), r, o, int(i))
        for n, r, o, i in db.execute(
            "SELECT name, role, org_key, sentence_idx FROM people WHERE article_id = ? "
            "ORDER BY sentence_idx",
            [article_id],
        )
    ]
    mentions = [
        Mention(str(o), str(a), int(i))
        for o, a, i in db.execute(
            "SELECT org_key, alias, sentence_idx FROM mentions WHERE article_id = ?", [article_id]
        )
    ]
    targets = extract_targets(
        sentences,
        date.fromisoformat(str(published)[:10]),
        people=people,
        mentions=mentions,
        candidates=candidates,
        dated=bool(dated),
    )
    db.conn.executemany(
        "INSERT INTO targets (article_id, year, month, goal, setter, sentence_idx, sentence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, t.year, t.month, t.goal, t.setter, t.sentence_idx, t.sentence)
            for t in targets
        ],
    )
    return len(targets)
