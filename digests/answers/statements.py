"""A company's statements as /company shows them: which sentences, in what order, how shown.

Plain functions over a Database; the ranking decisions are pure functions below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlite_utils import Database

from digests.analysis.quotes import present
from digests.analysis.statement_score import (
    first_figure,
    has_figure,
    statement_focus,
    statement_score,
)

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
    # ``text`` is the sentence as shown: quote marks balanced (digests.analysis.quotes); ``speaker``
    # is who said it when the sentence does not say so itself but its paragraph does.
    speaker: str | None = None


@dataclass(frozen=True)
class _Candidate:
    text: str
    folded: str
    article_id: int
    idx: int
    paragraph: int
    statement: Statement
    focus: int  # statement_focus, 2 also for the company's own people speaking
    year: int  # the year the statement is about (0: unknown), see statement_year
    stored: str  # the stored publication date, for ties


def company_statements(db: Database, key: str, limit: int) -> list[Statement]:
    """The company's statements a reader should see first: dated, recent and specific
    (figures, the company as subject) before old, undated or passing ones; a list of
    names is a mention, not a statement; figures another organisation owns are its
    own; no sentence twice, nor once more in other words (sapo and body)."""
    candidates = _mention_candidates(db, key)
    seen = {(c.article_id, c.idx) for c in candidates}
    for extra in (*_own_people_candidates(db, key), *_anaphora_candidates(db, key)):
        if (extra.article_id, extra.idx) not in seen:
            seen.add((extra.article_id, extra.idx))
            candidates.append(extra)
    newest = max((c.year for c in candidates), default=0)
    ranked = sorted(
        candidates,
        key=lambda c: (rank(c.text, c.focus, c.statement.has_figure, c.year, newest), c.stored),
        reverse=True,
    )
    story_of = _stories_of(db, {c.article_id for c in ranked})
    kept: list[tuple[frozenset[str], frozenset[str], int]] = []
    told_by: dict[int, int] = {}  # per story, the one article whose account is shown
    statements: list[Statement] = []
    people: dict[int, list[tuple[str, str | None]]] = {}
    for candidate in ranked:
        words = frozenset(candidate.folded.split())
        amounts = amounts_in(candidate.text)
        aid = candidate.article_id
        story = story_of.get(aid, -aid)
        if told_by.setdefault(story, aid) != aid or any(
            same_statement(words, other) or same_amounts(amounts, seen, story == other_story)
            for other, seen, other_story in kept
        ):
            continue  # the same fact again, or the same event as another outlet told it
        kept.append((words, amounts, story))
        statements.append(
            _in_context(db, candidate.statement, candidate.idx, candidate.paragraph, people)
        )
        if len(statements) == limit:
            break
    return statements


def _stories_of(db: Database, article_ids: set[int]) -> dict[int, int]:
    """Each article's story: articles of one story report one event."""
    ids = sorted(article_ids)
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(f"SELECT id, story_id FROM articles WHERE id IN ({marks})", chunk)
        found.update({int(aid): int(story) for aid, story in rows})
    return found


def _mention_candidates(db: Database, key: str) -> list[_Candidate]:
    """The newest sentences naming the company, lists of names left out."""
    rows = db.execute(
        f"SELECT s.text, s.folded, a.id, a.title, a.source, a.url, {SHOWN_DATE}, a.published, "
        "s.idx, s.paragraph, "
        " (SELECT json_group_array(o.org_key || char(9) || o.alias) FROM mentions o "
        "  WHERE o.article_id = m.article_id AND o.sentence_idx = m.sentence_idx) "
        # The newest mention rows first (index order, stops early), then grouped: grouping
        # all of a big company's mentions before the LIMIT took ~90 ms at 100k articles.
        "FROM (SELECT DISTINCT article_id, sentence_idx "
        "      FROM (SELECT article_id, sentence_idx FROM mentions WHERE org_key = ? "
        "            ORDER BY article_id DESC, sentence_idx DESC LIMIT ?) "
        "      ORDER BY article_id DESC LIMIT ?) m "
        "JOIN sentences s ON s.article_id = m.article_id AND s.idx = m.sentence_idx "
        "JOIN articles a ON a.id = m.article_id "
        "WHERE s.is_heading = 0",
        [key, 4 * STATEMENT_CANDIDATES, STATEMENT_CANDIDATES],
    ).fetchall()
    found = []
    for text, folded, aid, title, source, url, shown, stored, idx, paragraph, pairs in rows:
        orgs = [tuple(pair.split("\t", 1)) for pair in json.loads(pairs)]
        own = [alias for org, alias in orgs if org == key]
        others = [alias for org, alias in orgs if org != key]
        first = first_figure(text)
        if listed(text, own, others) or figures_belong_elsewhere(text, own, others, first):
            continue
        focus = statement_focus(text, own, len({org for org, _alias in orgs}))
        statement = Statement(text, aid, title, source, url, shown, first is not None)
        found.append(_candidate(statement, folded, idx, paragraph, focus, stored))
    return found


def _candidate(
    statement: Statement, folded: str, idx: int, paragraph: int, focus: int, stored: str
) -> _Candidate:
    year = statement_year(statement.text, statement.published)
    return _Candidate(
        statement.text,
        folded,
        statement.article_id,
        int(idx),
        int(paragraph),
        statement,
        focus,
        year,
        stored,
    )


OWN_PEOPLE_ARTICLES = 12  # newest articles whose named people of the company are followed


def _own_people_candidates(db: Database, key: str) -> list[_Candidate]:
    """Sentences in which the company's own people (linked by the article: "ông Tào Đức
    Thắng, Chủ tịch Viettel") speak, even where the sentence names another organisation:
    the chairman's words are the company's."""
    people = db.execute(
        "SELECT DISTINCT article_id, name FROM (SELECT article_id, name FROM people "
        "WHERE org_key = ? ORDER BY article_id DESC LIMIT ?)",
        [key, 4 * OWN_PEOPLE_ARTICLES],
    ).fetchall()
    found: list[_Candidate] = []
    for aid, name in people[: 2 * OWN_PEOPLE_ARTICLES]:
        rows = db.execute(
            f"SELECT s.text, s.folded, a.title, a.source, a.url, {SHOWN_DATE}, a.published, "
            "s.idx, s.paragraph FROM sentences s JOIN articles a ON a.id = s.article_id "
            "WHERE s.article_id = ? AND s.is_heading = 0 AND instr(s.text, ?) > 0",
            [aid, name],
        ).fetchall()
        for text, folded, title, source, url, shown, stored, idx, paragraph in rows:
            if not _SAYS.search(text):
                continue  # named, but not speaking: a caption, an attendee
            statement = Statement(text, aid, title, source, url, shown, has_figure(text))
            found.append(_candidate(statement, folded, idx, paragraph, 2, stored))
    return found


ANAPHORA_ARTICLES = 8  # newest articles about the company searched for "Tập đoàn đạt …"
_ANAPHOR = re.compile(
    r"(?<!\w)(?:[Tt]ập đoàn|[Tt]ổng [Cc]ông ty|[Cc]ông ty|[Dd]oanh nghiệp này|[Đđ]ơn vị)"
    r"(?!\w)(?!\s+[A-ZĐ])"
)
_HEADLINE = re.compile(r"(?<!\w)(?:doanh thu|lợi nhuận|LNTT|LNST|lãi (?:trước|sau) thuế)(?!\w)")


def _anaphora_candidates(db: Database, key: str) -> list[_Candidate]:
    """Headline figures told of "the group" in an article about the company: "Năm 2025,
    doanh thu hợp nhất của Tập đoàn đạt 61.246 tỷ đồng …" names no one, its title does."""
    rows = db.execute(
        "SELECT DISTINCT m.article_id, m.alias, a.title FROM (SELECT article_id, alias FROM "
        "mentions WHERE org_key = ? ORDER BY article_id DESC LIMIT ?) m "
        "JOIN articles a ON a.id = m.article_id",
        [key, 20 * ANAPHORA_ARTICLES],
    ).fetchall()
    about = sorted({aid for aid, alias, title in rows if alias in title}, reverse=True)
    found: list[_Candidate] = []
    for aid in about[:ANAPHORA_ARTICLES]:
        sentences = db.execute(
            f"SELECT s.text, s.folded, a.title, a.source, a.url, {SHOWN_DATE}, a.published, "
            "s.idx, s.paragraph FROM sentences s JOIN articles a ON a.id = s.article_id "
            "WHERE s.article_id = ? AND s.is_heading = 0 AND (instr(s.folded, 'doanh thu') "
            "OR instr(s.folded, 'loi nhuan') OR instr(s.folded, 'lntt')) "
            "AND NOT EXISTS (SELECT 1 FROM mentions o WHERE o.article_id = s.article_id "
            "AND o.sentence_idx = s.idx)",
            [aid],
        ).fetchall()
        for text, folded, title, source, url, shown, stored, idx, paragraph in sentences:
            if _ANAPHOR.search(text) and _HEADLINE.search(text) and has_figure(text):
                statement = Statement(text, aid, title, source, url, shown, True)
                found.append(_candidate(statement, folded, idx, paragraph, 2, stored))
    return found


# --------------------------------------------------------------------------- decisions

_SAYS = re.compile(
    r"(?<!\w)(?:cho biết|cho hay|cho rằng|khẳng định|nhấn mạnh|chia sẻ|nói|phát biểu"
    r"|nhận định|bày tỏ|thông tin|nêu rõ|đề xuất|đề nghị|cam kết)(?!\w)|[:“]"
)
_YEAR = re.compile(r"(?<![\d/.,])(?:19|20)\d\d(?!\d|[.,]\d)")
MAX_AGE = 10  # years; an undated statement that names no year counts as this old
AGE_WEIGHT = 1.0  # rank points a statement loses per year it is older than the newest


def statement_year(text: str, published: str | None) -> int:
    """The year a statement is about: the latest year it names up to its article's year,
    else the article's year; 0 (unknown) when the article is undated, whatever years the
    text names: "đến năm 2025" in an undated article says nothing of when it was written."""
    if not published:
        return 0
    shown = int(published[:4])
    years = [int(y) for y in _YEAR.findall(text) if int(y) <= shown]
    return max(years) if years else shown


_AMOUNT = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?:,\d+)?(?![\d.,]*\d)|(?<![\d.,])\d{3,}(?![\d.,]*\d)"
)


def amounts_in(text: str) -> frozenset[str]:
    """The large amounts a sentence states ("29.181", "850"): two sentences stating the
    same ones tell the same fact, however they word it."""
    found = {m.group().replace(",", ".") for m in _AMOUNT.finditer(text)}
    return frozenset(a for a in found if not _YEAR.fullmatch(a))


def rank(text: str, focus: int, figure: bool, year: int, newest: int) -> float:
    """Higher first: specific (figures on revenue, profit, staff; the company as subject)
    and recent (a 2015 figure loses ten points to one of 2025)."""
    age = MAX_AGE if year == 0 else min(MAX_AGE, max(0, newest - year))
    return statement_score(text) + 3.0 * figure + 2.0 * focus - AGE_WEIGHT * age


def same_statement(words: frozenset[str], other: frozenset[str], share: float = 0.8) -> bool:
    """Whether two sentences (as sets of folded words) say the same thing: the sapo's
    sentence retold in the body, a shorter version inside a longer one."""
    smaller = min(len(words), len(other))
    return smaller > 0 and len(words & other) >= share * smaller


def same_amounts(amounts: frozenset[str], other: frozenset[str], same_story: bool) -> bool:
    """Whether two sentences state the same amounts: all of them (any two articles), or
    one's all among the other's (in one story, whose outlets retell its figures)."""
    if not amounts or not other:
        return False
    return amounts == other or (same_story and (amounts <= other or other <= amounts))


_JOINER = re.compile(r"^[\s,;/&()…]*(?:(?:và|cùng|hay|hoặc)\s*)?[\s,;/&()…]*$")
LIST_RUN = 3  # names in a row that make a list


def listed(text: str, own: Sequence[str], others: Sequence[str]) -> bool:
    """Whether the company is only named in a list: "các doanh nghiệp tiêu biểu là Viettel,
    VNPT, CMC, FPT …" (three or more names in a row, with only commas or "và" between)."""
    if len(set(others)) < LIST_RUN - 1:
        return False  # fewer names than a list needs
    spans = sorted(_spans(text, own, True) + _spans(text, others, False))
    runs: list[list[tuple[int, int, bool]]] = []
    for span in spans:
        if runs and _JOINER.match(text[runs[-1][-1][1] : span[0]]):
            runs[-1].append(span)
        else:
            runs.append([span])
    mine = [run for run in runs if any(is_own for _s, _e, is_own in run)]
    return bool(mine) and all(len(run) >= LIST_RUN for run in mine)


def figures_belong_elsewhere(
    text: str, own: Sequence[str], others: Sequence[str], figure: int | None = -1
) -> bool:
    """Whether the sentence's first figure is told of another organisation: the one named
    last before it ("MobiFone đạt doanh thu 26.333 tỷ đồng, VNPT …" is MobiFone's)."""
    figure = first_figure(text) if figure == -1 else figure  # -1: not yet looked for
    if figure is None or not others:
        return False
    before = [s for s in _spans(text, own, True) + _spans(text, others, False) if s[1] <= figure]
    return bool(before) and not max(before)[2]


def _spans(text: str, aliases: Sequence[str], own: bool) -> list[tuple[int, int, bool]]:
    """Where each alias stands in ``text`` as a word of its own (str.find: the aliases
    differ per sentence, so compiled patterns would only churn the regex cache)."""
    spans = []
    for alias in set(aliases):
        start = text.find(alias)
        while start >= 0:
            end = start + len(alias)
            before = text[start - 1 : start] if start else ""
            if not (before.isalnum() or text[end : end + 1].isalnum()):
                spans.append((start, end, own))
            start = text.find(alias, start + 1)
    return spans


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
