"""Saving an article: its identity (canonical URL, content hash), its analysis rows, its
search-index entry and story, all in one transaction."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlite_utils import Database

from digests.analysis import relevance
from digests.model import Analysis, CleanArticle, Organisation, RawDocument, Sentence
from digests.store import stories as story_store
from digests.store.connection import in_bulk_writes
from digests.store.search_index import index_pending_search, pending_search_count
from digests.store.transactions import explain, write_transaction
from digests.textnorm import fold

SaveResult = Literal["added", "updated", "unchanged"]
SEARCH_BATCH = 256  # during a bulk ingest, articles added to the search index per transaction

_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "zarsrc", "mc_", "_ga")


def canonical_url(url: str | None) -> str | None:
    """The URL that identifies an article: lower-case host, no fragment, no tracking query."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def content_hash(body: str, folded_body: str | None = None, *, source: str = "") -> str:
    """sha256 of the outlet's name and the folded body: the same text with other tone
    marks or case, from the same outlet, is the same article; from another outlet it is
    another article (of the same story)."""
    folded = fold(body) if folded_body is None else folded_body
    return hashlib.sha256(f"{source}\n{folded}".encode()).hexdigest()


@dataclass(frozen=True)
class _Existing:
    id: int
    content_hash: str
    title: str
    published: str
    published_at: str | None
    body: str
    url: str | None
    source: str
    date_known: int
    story_id: int | None


def save_article(
    db: Database,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    story: story_store.StoryDecider | None = None,
) -> SaveResult:
    """Store one article and its analysis in one transaction; say what happened.

    Identity is the canonical URL, else the content hash (outlet and text); a file
    without a URL is also recognised by its path, so an edited file updates its
    article.  Identical text from the same outlet is "unchanged" whatever its URL,
    since ``content_hash`` is unique; from another outlet it is a second article.
    ``story`` decides which story a new or changed article joins (see
    :mod:`digests.stories.cluster`); without one, the article is a story of its own.
    """
    result = _save_article(db, doc, article, analysis, story)
    if in_bulk_writes(db) and pending_search_count(db) >= SEARCH_BATCH:
        index_pending_search(db)
    return result


def _save_article(
    db: Database,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    story: story_store.StoryDecider | None,
) -> SaveResult:
    url = canonical_url(article.url or doc.url)
    folded_body = story.folded_body if story is not None else fold(article.body)
    digest = content_hash(article.body, folded_body, source=source_name(doc, article))
    try:
        with write_transaction(db):
            existing = _find_existing(db, url, digest, doc.origin)
            if existing is None:
                _insert(db, doc, article, analysis, url, digest, folded_body, story)
                return "added"
            if existing.content_hash != digest and _hash_taken(db, digest, existing.id):
                return "unchanged"  # this text is already stored under another identity
            if _same(existing, article, digest, source_name(doc, article)):
                return "unchanged"
            new_url = url or existing.url
            _update(db, existing, doc, article, analysis, new_url, digest, folded_body, story)
            return "updated"
    except sqlite3.OperationalError as exc:
        raise explain(exc) from exc


def _find_existing(db: Database, url: str | None, digest: str, origin: str) -> _Existing | None:
    columns = (
        "id, content_hash, title, published, published_at, body, url, source, date_known, story_id"
    )
    row = None
    if url:
        row = db.execute(f"SELECT {columns} FROM articles WHERE url = ?", [url]).fetchone()
    if row is None:
        row = db.execute(
            f"SELECT {columns} FROM articles WHERE content_hash = ?", [digest]
        ).fetchone()
    if row is None and not url and not origin.startswith(("http://", "https://")):
        row = db.execute(
            f"SELECT {columns} FROM articles WHERE origin = ? AND url IS NULL ORDER BY id LIMIT 1",
            [origin],
        ).fetchone()
    return None if row is None else _Existing(*row)


def _hash_taken(db: Database, digest: str, other_than: int) -> bool:
    row = db.execute(
        "SELECT 1 FROM articles WHERE content_hash = ? AND id != ?", [digest, other_than]
    ).fetchone()
    return row is not None


def _same(existing: _Existing, article: CleanArticle, digest: str, source: str) -> bool:
    """Nothing a reader sees changed (a re-ingest after a better source name updates).
    An undated article loaded again on another day is the same: its stand-in date is
    the day it was first loaded."""
    undated_both = not article.date_known and not existing.date_known
    return (
        existing.content_hash == digest
        and existing.source == source
        and existing.title == article.title
        and (undated_both or existing.published == article.published.isoformat())
        and existing.published_at == _iso(article.published_at)
        and existing.date_known == int(article.date_known)
    )


def source_name(doc: RawDocument, article: CleanArticle) -> str:
    """The outlet the page names itself (site name, banner, newsroom e-mail, dateline),
    else what the source step named it by: a web page's host, a file's name."""
    return article.source or doc.source


def _article_values(
    doc: RawDocument, article: CleanArticle, url: str | None, digest: str
) -> dict[str, Any]:
    return {
        "url": url,
        "content_hash": digest,
        "source": source_name(doc, article),
        "origin": doc.origin,
        "title": article.title,
        "published": article.published.isoformat(),
        "published_at": _iso(article.published_at),
        "date_known": int(article.date_known),
        "body": article.body,
        "raw": doc.raw,
        "kind": doc.kind,
    }


def _insert(
    db: Database,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    url: str | None,
    digest: str,
    folded_body: str,
    story: story_store.StoryDecider | None,
) -> int:
    # The id SQLite would choose (we hold the write lock), taken up front so the row is
    # written once with its story: setting story_id afterwards rewrote its index entry.
    article_id = int(db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM articles").fetchone()[0])
    now = _now()
    values = {
        "id": article_id,
        **_article_values(doc, article, url, digest),
        "story_id": story_store.decide(db, story, article_id),
        "ingested_at": now,
        "updated_at": now,
    }
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    db.execute(f"INSERT INTO articles ({names}) VALUES ({marks})", list(values.values()))
    _write_children(db, article_id, article, analysis, folded_body, story)
    return article_id


def _update(
    db: Database,
    existing: _Existing,
    doc: RawDocument,
    article: CleanArticle,
    analysis: Analysis,
    url: str | None,
    digest: str,
    folded_body: str,
    story: story_store.StoryDecider | None,
) -> None:
    _delete_children(db, existing.id, existing.title, existing.body)
    values = {
        **_article_values(doc, article, url, digest),
        # Without a decider (no story logic at hand) the article keeps its story.
        "story_id": story_store.decide(db, story, existing.id)
        if story is not None
        else existing.story_id or existing.id,
        "updated_at": _now(),
    }
    if not article.date_known and not existing.date_known:
        values["published"] = existing.published  # still the day it was first loaded
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), existing.id])
    _write_children(db, existing.id, article, analysis, folded_body, story)


def _delete_children(db: Database, article_id: int, title: str, body: str) -> None:
    old_keys = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT org_key FROM mentions WHERE article_id = ?", [article_id]
        )
    ]
    db.conn.executemany(
        "UPDATE org_counts SET articles = articles - 1 WHERE org_key = ?",
        [(key,) for key in old_keys],
    )
    for table in ("sentences", "mentions", "people", "targets", "article_themes"):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
    # A contentless FTS5 row is deleted by repeating the exact values it was indexed with;
    # an article still waiting for the index has no row there to delete.
    # Its words leave the document frequencies the same way (they are counted with it).
    waiting = db.execute("DELETE FROM search_pending WHERE article_id = ?", [article_id])
    if waiting.rowcount == 0:
        folded_title, folded_body = fold(title), fold(body)
        db.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, title, body) "
            "VALUES ('delete', ?, ?, ?)",
            [article_id, folded_title, folded_body],
        )
        story_store.count_words(db, [story_store.folded_words(folded_title, folded_body)], -1)
    story_store.forget(db, article_id)


def _write_children(
    db: Database,
    article_id: int,
    article: CleanArticle,
    analysis: Analysis,
    folded_body: str,
    story: story_store.StoryDecider | None,
) -> None:
    conn = db.conn
    conn.executemany(
        "INSERT INTO sentences (article_id, idx, paragraph, text, folded, is_heading) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (article_id, s.idx, s.paragraph, s.text, folded, int(s.is_heading))
            for s, folded in zip(
                analysis.sentences,
                folded_sentences(article.body, folded_body, analysis.sentences),
                strict=True,
            )
        ],
    )
    conn.executemany(
        "INSERT INTO mentions (article_id, org_key, alias, sentence_idx) VALUES (?, ?, ?, ?)",
        [(article_id, m.org_key, m.alias, m.sentence_idx) for m in analysis.mentions],
    )
    conn.executemany(
        "INSERT INTO people (article_id, name, role, org_key, sentence_idx) VALUES (?, ?, ?, ?, ?)",
        [(article_id, p.name, p.role, p.org_key, p.sentence_idx) for p in analysis.people],
    )
    conn.executemany(
        "INSERT INTO targets (article_id, year, month, goal, setter, sentence_idx, sentence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, t.year, t.month, t.goal, t.setter, t.sentence_idx, t.sentence)
            for t in analysis.targets
        ],
    )
    # How many articles mention each organisation, kept up to date here so /company does
    # not count hundreds of thousands of mention rows per question.
    conn.executemany(
        "INSERT INTO org_counts (org_key, articles) VALUES (?, 1) "
        "ON CONFLICT (org_key) DO UPDATE SET articles = articles + 1",
        [(key,) for key in sorted({m.org_key for m in analysis.mentions})],
    )
    _insert_organisations(db, analysis.organisations)
    scores = analysis.theme_scores
    if scores is None:
        scores = relevance.theme_scores(article, analysis, sector_outlet=analysis.sector_outlet)
    relevance.write_scores(db, article_id, scores, analysis.sector_outlet)
    # Document frequencies are counted with the search index, so a bulk ingest writes
    # them in the same batches (one upsert per word and batch, not per article).
    if in_bulk_writes(db):
        conn.execute("INSERT INTO search_pending (article_id) VALUES (?)", [article_id])
        story_store.hold_words(db, article_id, story)
    else:
        folded_title = fold(article.title)
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            [article_id, folded_title, folded_body],
        )
        story_store.count_words(db, [story_store.folded_words(folded_title, folded_body)])
    story_store.record(db, story, article_id)


def folded_sentences(body: str, folded_body: str, sentences: Sequence[Sentence]) -> Iterator[str]:
    """Each sentence folded, cut from the already folded body where the sentence stands in
    it verbatim (fold keeps lengths per character), folded afresh otherwise."""
    aligned = len(body) == len(folded_body)
    start = 0
    for sentence in sentences:
        text = sentence.text
        at = body.find(text, start) if aligned else -1
        if at < 0:
            yield fold(text)
            continue
        start = at + len(text)
        yield folded_body[at:start]


def _insert_organisations(db: Database, organisations: Sequence[Organisation]) -> None:
    """Discovered organisations never overwrite a registry entry or an earlier discovery."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO organisations (key, name, kind, aliases, discovered) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                o.key,
                o.name,
                o.kind,
                json.dumps(list(o.aliases), ensure_ascii=False),
                int(o.discovered),
            )
            for o in organisations
        ],
    )


def sync_registry(db: Database, organisations: Sequence[Organisation]) -> None:
    """Write the curated registry into ``organisations`` (registry entries win over discovery)."""
    with write_transaction(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO organisations (key, name, kind, aliases, discovered) "
            "VALUES (?, ?, ?, ?, 0)",
            [
                (o.key, o.name, o.kind, json.dumps(list(o.aliases), ensure_ascii=False))
                for o in organisations
            ],
        )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
