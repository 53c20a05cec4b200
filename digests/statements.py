"""A company's statements as /company shows them: which sentences, in what order, how shown.

Plain functions over a Database; the ranking decisions are pure functions below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlite_utils import Database

from digests.quotes import present

# The publication date readers are shown: none ("date unknown") for an article whose page
# gave no date, whose stored ``published`` is only the day it was loaded (for ordering).
SHOWN_DATE = "CASE WHEN a.date_known THEN a.published END"
STATEMENT_CANDIDATES = 150  # newest mention sentences scored per company query


@dataclass(frozen=True)
class Statement:
    text: str
    article_id: int
    title: str
    source: str
    url: str | None
    published: str | None  # None: the article gave no date (see SHOWN_DATE)
    has_figure: bool
    # ``text`` is the sentence as shown: quote marks balanced (digests.quotes); ``speaker``
    # is who said it when the sentence does not say so itself but its paragraph does.
    speaker: str | None = None


def company_statements(db: Database, key: str, limit: int) -> list[Statement]:
    """Newest mention sentences, figures first, then by informativeness; one per text."""
    from digests.companies import has_figure, statement_focus, statement_score

    rows = db.execute(
        f"SELECT s.text, s.folded, a.id, a.title, a.source, a.url, {SHOWN_DATE}, a.published, "
        "m.aliases, s.idx, s.paragraph, "
        " (SELECT COUNT(DISTINCT o.org_key) FROM mentions o "
        "  WHERE o.article_id = m.article_id AND o.sentence_idx = m.sentence_idx) "
        # The newest mention rows first (index order, stops early), then grouped: grouping
        # all of a big company's mentions before the LIMIT took ~90 ms at 100k articles.
        "FROM (SELECT article_id, sentence_idx, json_group_array(alias) AS aliases "
        "      FROM (SELECT article_id, sentence_idx, alias FROM mentions WHERE org_key = ? "
        "            ORDER BY article_id DESC, sentence_idx DESC LIMIT ?) "
        "      GROUP BY article_id, sentence_idx ORDER BY article_id DESC LIMIT ?) m "
        "JOIN sentences s ON s.article_id = m.article_id AND s.idx = m.sentence_idx "
        "JOIN articles a ON a.id = m.article_id "
        "WHERE s.is_heading = 0",
        [key, 4 * STATEMENT_CANDIDATES, STATEMENT_CANDIDATES],
    ).fetchall()
    ranked = []
    for row in rows:
        text, folded, article_id, title, source, url, shown, published, aliases = row[:9]
        idx, paragraph, orgs = row[9:]
        figure = bool(has_figure(text))
        statement = Statement(text, article_id, title, source, url, shown, figure)
        focus = statement_focus(text, json.loads(aliases), int(orgs))
        # Lists of names and passing mentions last; then figures, the company as subject.
        sort_key = (focus > 0, figure, focus, float(statement_score(text)), published, article_id)
        ranked.append((sort_key, folded, statement, (int(idx), int(paragraph))))
    ranked.sort(key=lambda item: item[0], reverse=True)
    seen: set[str] = set()
    statements: list[Statement] = []
    people: dict[int, list[tuple[str, str | None]]] = {}
    for _key, folded, statement, (idx, paragraph) in ranked:
        if folded in seen:
            continue
        seen.add(folded)
        statements.append(_in_context(db, statement, idx, paragraph, people))
        if len(statements) == limit:
            break
    return statements


def _in_context(
    db: Database,
    statement: Statement,
    idx: int,
    paragraph: int,
    people: dict[int, list[tuple[str, str | None]]],
) -> Statement:
    """``statement`` as shown: quote marks balanced and its speaker named from the paragraph
    it was cut from (``people`` caches each article's named people)."""
    aid = statement.article_id
    rows = db.execute(
        "SELECT idx, paragraph, text, is_heading FROM sentences "
        "WHERE article_id = ? AND paragraph IN (?, ?) ORDER BY idx",
        [aid, paragraph - 1, paragraph],
    ).fetchall()
    if aid not in people:
        people[aid] = [
            (str(name), role)
            for name, role in db.execute(
                "SELECT name, role FROM people WHERE article_id = ? ORDER BY sentence_idx",
                [aid],
            )
        ]
    own = [(int(i), str(text)) for i, p, text, _heading in rows if p == paragraph]
    before = [str(text) for _i, p, text, heading in rows if p != paragraph and not heading]
    position = [i for i, _text in own].index(idx)
    shown = present([text for _i, text in own], position, people[aid], before)
    return replace(statement, text=shown.text, speaker=shown.speaker)
