"""The store's side of stories: candidate lookup, stored profiles, word frequencies.

No story logic lives here.  A profile is an opaque blob and index keys are plain
words handed over by the caller (see :mod:`digests.stories.cluster`); this module
only finds the recent articles sharing keys with a new one, records what was
decided, and counts in how many stored articles each folded word occurs, which is
what the caller weighs words by.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Protocol

from sqlite_utils import Database

from digests.textnorm import fold

STORY_CANDIDATES = 4  # candidates scored per new article (3 did as well on the dev set)
STORY_KEY_RECENT = 32  # per key, only the most recently stored articles are candidates
STORY_KEYS_SHARED = 1  # a candidate shares at least this many keys
_WORDS = re.compile(r"\w+")

SCHEMA = """
CREATE TABLE IF NOT EXISTS story_profiles (
  article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  keys TEXT NOT NULL,
  profile BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS story_keys (
  key TEXT NOT NULL,
  article_id INTEGER NOT NULL,
  PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS word_df (
  word TEXT PRIMARY KEY,
  df INTEGER NOT NULL
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class StoryCandidate:
    """An earlier article sharing index keys with the new one."""

    article_id: int
    story_id: int
    profile: bytes


class StoryDecider(Protocol):
    """What ingest hands the store for one article (see story_cluster.ArticleStory)."""

    def keys(self) -> Sequence[str]: ...

    @property
    def words(self) -> AbstractSet[str]:
        """Its distinct folded words (title and body): what document frequencies count."""
        ...

    @property
    def folded_body(self) -> str:
        """``fold(article.body)``, which the store needs too: folded once."""
        ...

    def blob(self) -> bytes: ...

    def choose(self, candidates: Sequence[StoryCandidate]) -> int | None: ...


def create_tables(db: Database) -> None:
    for statement in SCHEMA.split(";\n"):
        db.execute(statement)


def candidates(db: Database, keys: Sequence[str], *, other_than: int) -> list[StoryCandidate]:
    """The recent articles sharing the most keys with ``keys``, at most STORY_CANDIDATES.

    Each key contributes its STORY_KEY_RECENT most recently stored articles only, so a
    lookup reads a bounded number of index rows whatever the store's size."""
    if not keys:
        return []
    per_key = " UNION ALL ".join(
        "SELECT * FROM (SELECT article_id FROM story_keys WHERE key = ?"
        f" ORDER BY article_id DESC LIMIT {STORY_KEY_RECENT})"
        for _ in keys
    )
    rows = db.execute(
        "SELECT c.article_id, a.story_id, p.profile FROM "
        f"(SELECT article_id, COUNT(*) AS shared FROM ({per_key}) WHERE article_id != ?"
        f" GROUP BY article_id HAVING shared >= {STORY_KEYS_SHARED}"
        " ORDER BY shared DESC, article_id DESC LIMIT ?) c "
        "JOIN story_profiles p ON p.article_id = c.article_id "
        "JOIN articles a ON a.id = c.article_id",
        [*keys, other_than, STORY_CANDIDATES],
    ).fetchall()
    return [StoryCandidate(int(a), int(s), bytes(p)) for a, s, p in rows]


def decide(db: Database, story: StoryDecider | None, article_id: int) -> int:
    """The story the article joins: the decider's choice among the candidates, else its own."""
    if story is None:
        return article_id
    return story.choose(candidates(db, story.keys(), other_than=article_id)) or article_id


def record(db: Database, story: StoryDecider | None, article_id: int) -> None:
    """Store the article's profile and index keys, so later articles can find it."""
    if story is None:
        return
    keys = list(dict.fromkeys(story.keys()))
    db.execute(
        "INSERT INTO story_profiles (article_id, keys, profile) VALUES (?, ?, ?)",
        [article_id, " ".join(keys), story.blob()],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO story_keys (key, article_id) VALUES (?, ?)",
        [(key, article_id) for key in keys],
    )


def forget(db: Database, article_id: int) -> None:
    """Remove the article's profile and index keys (before it is rewritten)."""
    row = db.execute(
        "SELECT keys FROM story_profiles WHERE article_id = ?", [article_id]
    ).fetchone()
    if row is None:
        return
    db.conn.executemany(
        "DELETE FROM story_keys WHERE key = ? AND article_id = ?",
        [(key, article_id) for key in row[0].split()],
    )
    db.execute("DELETE FROM story_profiles WHERE article_id = ?", [article_id])


# --------------------------------------------------------------------------- word counts


# The words of articles a bulk ingest stored and the search index has not taken yet, as
# their deciders gave them, so the batch need not find them again.  Keyed by connection
# and article id; set (or cleared) by every write of an article, so a rolled-back
# article's entry is overwritten by the next article given its id.  After a crash
# the batch finds the words in the stored text.
_WAITING_WORDS: dict[tuple[int, int], AbstractSet[str]] = {}


def hold_words(db: Database, article_id: int, story: StoryDecider | None) -> None:
    """Keep a waiting article's words for its batch (see _WAITING_WORDS)."""
    key = (id(db.conn), article_id)
    if story is None:
        _WAITING_WORDS.pop(key, None)
    else:
        _WAITING_WORDS[key] = story.words


def waiting_words(
    db: Database, article_id: int, folded_title: str, folded_body: str
) -> AbstractSet[str]:
    """A waiting article's words: as held for it, else found in its folded text."""
    held = _WAITING_WORDS.pop((id(db.conn), article_id), None)
    return held if held is not None else folded_words(folded_title, folded_body)


def folded_words(folded_title: str, folded_body: str) -> set[str]:
    """The distinct words of an article's folded title and body."""
    return set(_WORDS.findall(folded_title)) | set(_WORDS.findall(folded_body))


def count_words(db: Database, articles: Iterable[AbstractSet[str]], step: int = 1) -> None:
    """Add (or with step=-1 take away) articles' words to the document frequencies."""
    counts: Counter[str] = Counter()
    for words in articles:
        counts.update(words)
    if not counts:
        return
    db.conn.executemany(
        "INSERT INTO word_df (word, df) VALUES (?, ?) "
        "ON CONFLICT (word) DO UPDATE SET df = df + excluded.df",
        [(word, step * n) for word, n in sorted(counts.items())],
    )


def word_frequencies(db: Database) -> tuple[dict[str, int], int]:
    """Every word's document frequency, and how many articles were counted: the stored
    ones not waiting for the search index (those are counted with their batch)."""
    counts = {str(word): int(df) for word, df in db.execute("SELECT word, df FROM word_df")}
    stored = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    waiting = int(db.execute("SELECT COUNT(*) FROM search_pending").fetchone()[0])
    return counts, stored - waiting


def count_all_words(db: Database) -> None:
    """Recount the document frequencies of every stored article (migration, repair)."""
    db.execute("DELETE FROM word_df")
    batch: list[set[str]] = []
    rows = db.execute(
        "SELECT title, body FROM articles WHERE id NOT IN (SELECT article_id FROM search_pending)"
    )
    for title, body in rows:
        batch.append(folded_words(fold(title), fold(body)))
        if len(batch) >= 1000:
            count_words(db, batch)
            batch = []
    count_words(db, batch)
