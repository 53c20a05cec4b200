"""Targets: goals and deadlines tied to a year ("phấn đấu … vào năm 2045").

A time expression becomes a target when
- it points at the article's year or later ("đến năm 2030", "trong tháng 10/2022",
  "trong năm nay", "năm tới", "trong 3 năm tới" — relative ones resolved
  against the publication date);
- it is no term of office or date range ("nhiệm kỳ 2024 - 2027",
  "Từ tháng 02 đến tháng 12/2020"), no comparison ("cùng kỳ năm 2019");
- its clause speaks of an aim (phấn đấu, mục tiêu, sẽ, phải, để, trở thành, top …)
  and is not a report of the past (đã, vừa, từng) unless the past verb is a
  directive ("đã chỉ đạo hoàn thành trước năm 2025").

A sentence that only says what a year is like — "năm 2025 là năm Việt Nam có
nhiều sự kiện", "năm 2024 là năm để doanh nghiệp ICT Việt Nam cất cánh" — sets no
goal and is no target: there is nothing to check against it later.

Matching runs on folded text (same offsets as the original), the verbatim goal
and setter are cut from the original sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date

from digests.analysis.people import ROLES
from digests.analysis.quotes import present
from digests.model import Mention, Person, Sentence, Target
from digests.textnorm import fold_nfc

# A cheap pre-filter over folded text: a sentence without one of these holds no target.
TIME_CUE = (
    r"nam\s+(?:20\d\d|nay|sau|toi|ke\s+tiep)|thang\s+\d{1,2}\s*/\s*20\d\d"
    r"|quy\s+\w+\s*/\s*20\d\d|\d{1,2}\s+nam\s+(?:toi|sap\s+toi|tiep\s+theo|nua)|sang\s+nam"
)
_TIME_CUE = re.compile(rf"(?<!\w)(?:{TIME_CUE})")

_PREP = r"(?:ngay\s+trong|trong|vao|den|toi|truoc|tu\s+nay\s+den|cho\s+den|het|sau)"
_PART = r"(?:(?:cuoi|dau|giua|het)\s+)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![\d/])"
_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10,
}  # fmt: skip
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_COUNT = r"(?P<n>\d{1,2}|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)"
_WITHIN = r"(?:trong\s+vong|trong|vong)"
_AHEAD = r"(?:toi|sap\s+toi|tiep\s+theo|nua)"
_SLASH_YEAR = rf"\s*(?:/|nam\s+){_YEAR}"
_FEW = r"(?<!vai )(?<!may )(?<!nhieu )(?<!cac )(?<!nhung )(?<!\d )"
_NEXT = rf"{_FEW}nam\s+(?:sau|toi|ke\s+tiep)(?!\w)(?!\s+(?:do|nua)(?!\w))"
# "năm 2025 Viettel phấn đấu đạt …": a bare year is a target when an aim follows it.
_AIM_AFTER = (
    r"(?<!\w)(?:phan\s+dau|dat\s+(?:ra\s+)?muc\s+tieu|(?:len\s+)?ke\s+hoach|du\s+kien)(?!\w)"
)
_NOW_PREP = r"(?:ngay\s+trong|trong|den|toi|truoc|tu\s+nay\s+den|cho\s+den|het|vao)"
_NOW_PART = r"(?:(?:cuoi|het|giua)\s+)?"

# (kind, pattern) in priority order; a later kind never overlaps an earlier match.
_FORM_PATTERNS = (
    ("month", rf"(?<!\w)(?:{_PREP}\s+)?{_PART}thang\s+(?P<month>\d{{1,2}}){_SLASH_YEAR}"),
    ("quarter", rf"(?<!\w){_PREP}\s+{_PART}quy\s+(?P<quarter>iv|i{{1,3}}|[1-4]){_SLASH_YEAR}"),
    ("month_this", rf"(?<!\w){_NOW_PREP}\s+{_PART}thang\s+(?P<month>\d{{1,2}})\s+nam\s+nay"),
    ("this_year", rf"(?<!\w){_NOW_PREP}\s+{_PART}quy\s+(?P<quarter>iv|i{{1,3}}|[1-4])\s+nam\s+nay"),
    ("month_next", rf"(?<!\w)(?:{_PREP}\s+)?{_PART}thang\s+(?P<month>\d{{1,2}})\s+{_NEXT}"),
    ("year", rf"(?<!\w){_PREP}\s+{_PART}nam\s+{_YEAR}"),
    ("year", rf"(?<!\w)(?:vao|den|truoc|toi)\s+{_YEAR}"),
    ("year", rf"^[\"“]?{_PART}nam\s+{_YEAR}(?=\s*,)"),
    ("year", rf"(?<!\w){_PART}nam\s+{_YEAR}(?=\s+[^,;.:]{{0,80}}?{_AIM_AFTER})"),
    ("this_year", r"^[\"“]?nam\s+nay(?=\s*,)"),
    ("bare_year", rf"(?<!\w){_PART}nam\s+{_YEAR}"),
    ("years_ahead", rf"(?<!\w)(?:{_WITHIN}\s+)?{_COUNT}\s+nam\s+{_AHEAD}(?!\w)"),
    ("this_year", rf"(?<!\w){_NOW_PREP}\s+{_NOW_PART}nam\s+nay(?!\w)"),
    ("next_year", rf"(?<!\w)(?:(?:{_PREP}|sang)\s+{_PART})?{_NEXT}|(?<!\w)sang\s+nam(?!\w)"),
)  # fmt: skip
# A word each form cannot match without: a sentence skips the forms it cannot hold
# (scanning all twelve over every candidate sentence was a third of the analyse step).
_FORM_NEEDS = (
    "thang",
    "quy",
    "thang",
    "quy",
    "thang",
    "nam",
    "",
    "nam",
    "nam",
    "nay",
    "nam",
    "nam",
    "nay",
    "nam",
)
_FORMS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (kind, needed, re.compile(pattern))
    for (kind, pattern), needed in zip(_FORM_PATTERNS, _FORM_NEEDS, strict=True)
)

_RANGE_BEFORE = re.compile(r"(?<!\w)tu\s+(?:thang|nam|ngay|quy|\d)(?![\s\S]*(?<!\w)tu\s+nay)")
_TERM_BEFORE = re.compile(r"nhiem\s+ky|cung\s+ky|so\s+voi|giai\s+doan\s+\d")
_YEAR_RANGE_AFTER = re.compile(r"\s*[-–]\s*\d{4}")
_YEAR_RANGE_BEFORE = re.compile(r"\d{4}\s*[-–]\s*$")
_DESCRIBES_YEAR = re.compile(r"\s*(?:se\s+|cung\s+|van\s+)?la\s+(?:nam|mot\s+nam)(?!\w)")
# What may stand between a clause's start and a time expression that leads it.
_LEADS = re.compile(
    r"(?:^(?:[Kk]ế hoạch|[Mm]ục tiêu|[Cc]hỉ tiêu)?|(?<!\w)(?:và|mà|thì|để|nhằm|nhưng|còn|[Cc]ũng))"
    r"[\s“\"]*$"
)
_CLAUSE_BREAK = re.compile(r",(?!\d)|[;:“”\"()]|\.\s|…")

# Cues are matched on the ORIGINAL text: folded "đã" and "đa", "Giao" and "giao" are one.
_PAST = re.compile(r"(?<!\w)(?:đã|vừa|từng)(?!\w)")
_DIRECTIVE = re.compile(
    r"(?<!\w)(?:chỉ đạo|giao|yêu cầu|đặt ra|đề ra|đặt mục tiêu|phấn đấu|cam kết|sẽ|kế hoạch"
    r"|lộ trình|mục tiêu|để|nhằm)(?!\w)"
)
_ORDER = re.compile(
    r"(?<!\w)(?:chỉ đạo|giao|yêu cầu|đặt ra|đề ra|phấn đấu|cam kết|kế hoạch|lộ trình"
    r"|mục tiêu)(?!\w)"
)
# What someone plans, commits to or is assigned: a target needs one of these when its
# time alone does not point ahead (the year under way, a bare "năm 2025").
_PLAN = re.compile(
    # "hậu cần", "bàn giao", "giao dịch": the syllable inside another word plans nothing.
    r"(?<!\w)(?:sẽ|phải|(?<!hậu )cần|phấn đấu|mục tiêu|chỉ tiêu|kế hoạch|lộ trình|dự kiến"
    r"|chỉ đạo|(?<!bàn )(?<!chuyển )giao(?! ban| dịch| thông| hàng| lưu| tiếp| diện)"
    r"|yêu cầu|đề nghị|đề ra|đặt ra|cam kết|quyết tâm|kỳ vọng"
    r"|(?<!định )hướng (?:tới|đến)|nhằm|để)(?!\w)"
)
_REPORT = re.compile(
    r"(?<!\w)(?:ghi nhận|báo cáo|kết quả|lũy kế|luỹ kế|ước đạt|đạt được|duy trì|tính đến"
    r"|tính tới|vượt kế hoạch|vượt chỉ tiêu|hoàn thành kế hoạch)(?!\w)"
)
_BARE_KINDS = frozenset(("bare_year", "this_year"))
# Forms that name their year; the others count from the publication date.
_ABSOLUTE = frozenset(("year", "month", "quarter", "bare_year"))
_FORECAST = re.compile(r"(?<!\w)(?:dự báo|dự đoán|ước tính)(?!\w)")
_GOAL = re.compile(
    r"(?<!\w)(?:sẽ|phải|cần|phấn đấu|mục tiêu|kế hoạch|lộ trình|dự kiến|chỉ đạo|giao|yêu cầu"
    r"|đề nghị|đề ra|đặt ra|nhằm|(?<!định )hướng (?:tới|đến)|hoàn thành|trở thành|lọt vào|đạt|top"
    r"|đóng góp|tăng|nâng|giảm|phổ cập|chiếm|cam kết|quyết tâm|kỳ vọng|để|đưa vào)(?!\w)"
)

# Where a goal clause starts when the time expression closes it.
_GOAL_START = re.compile(
    r"[,;:](?!\d)\s*|[“(]\s*"
    r"|(?<!\w)(?:để|nhằm|mục tiêu|cho biết|cho rằng|cho hay|khẳng định|nhấn mạnh|rằng)\s+"
)
_GOAL_END = re.compile(r";|,\s*(?:trong đó|đồng thời|theo đó|qua đó|nhưng|tuy nhiên)(?!\w)")
_LEADING_FILLER = re.compile(
    r"^(?:(?:và|nhưng|mà|thì|cũng|sẽ|phải|cần|chỉ đạo|giao|yêu cầu|đề nghị|ngay|cho biết"
    r"|cho rằng|cho hay|khẳng định|nhấn mạnh|rằng)[\s,:]+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[\s.…!?”\"’)/]+$|\s+(?:ngay|là)$")
_TOPIC = re.compile(r"^(?:Về|Đối với)\s+(?P<task>việc\s+)?(?P<topic>[^,]{3,120}),")
# "Bộ trưởng chỉ đạo, … . Cục X phải …": the one who directs set the goal; X carries it out.
_DIRECTS = re.compile(r"(?<!\w)(?:chỉ đạo|giao|yêu cầu|đề nghị)(?!\w)")
_OBLIGED = re.compile(r"^\s*(?:phải|cần|có trách nhiệm)(?!\w)")

# Openings that are not the subject: connectives, topics, times, places.
_PREFIX = re.compile(
    r"^(?:theo đó|ngoài ra|đồng thời|bên cạnh đó|tuy nhiên|vì vậy|do đó|cụ thể|trước đó|sắp tới"
    r"|hiện nay|hiện|về|đối với|trong|năm|vào|đến|tới|tại|phát biểu|chia sẻ|với|sau|trước"
    r"|nhân dịp|từ|cuối|đầu|giữa|ngay|cũng tại|kế hoạch|mục tiêu|chỉ tiêu)(?!\w)[^,]{0,120},\s*",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^(?:cũng\s+)?theo\s+(?P<source>[^,]{2,80}),\s*", re.IGNORECASE)
# Words (lower case, with their tones) that end a sentence's subject.
_PREDICATES = frozenset(
    (
        "có", "là", "sẽ", "đã", "đang", "phải", "cần", "giao", "lấy", "coi", "muốn", "cũng",
        "vẫn", "vừa", "nhằm", "đặt", "nêu", "nên", "được", "chỉ đạo", "cho biết", "cho rằng",
        "đặt ra", "phấn đấu", "mong muốn", "dự kiến", "cam kết", "yêu cầu", "đề nghị",
        "quyết tâm", "nhấn mạnh", "khẳng định", "tiếp tục", "đề xuất", "hướng tới",
        "triển khai", "thông tin", "chia sẻ", "tuyên bố", "xác định", "đề ra", "lên kế hoạch",
        "đạt mục",  # "Viettel đạt mục tiêu …"; "đạt" alone may follow "Doanh thu Viettel"
    )
)  # fmt: skip
_MAX_SUBJECT_WORDS = 12
_ROLE_KEYS = frozenset(fold_nfc(role) for role in ROLES)
_HONORIFIC = re.compile(r"^(?:[Ôô]ng|[Bb]à)\s+(?P<name>\S+)$")
# "…, Thủ tướng Phạm Minh Chính cho biết.": who said it, named after what was said.
_SAID_BY = re.compile(
    r",\s*(?P<speaker>[^,;:“”\"()]{2,80}?)\s+(?:cho biết|cho hay|cho rằng|nói|nhấn mạnh"
    r"|khẳng định|chia sẻ|thông tin|nêu rõ|phát biểu)(?!\w)[\s.!…”\"]*$"
)


@dataclass(frozen=True)
class _TimeMatch:
    start: int
    end: int
    year: int
    month: int | None
    kind: str = "year"


def extract_targets(
    sentences: Sequence[Sentence],
    published: date,
    *,
    people: Sequence[Person] = (),
    mentions: Sequence[Mention] = (),
    candidates: Collection[int] | None = None,
    dated: bool = True,
) -> list[Target]:
    """The goals and deadlines the sentences set, each tied to a year.

    ``candidates`` (sentence idx values) limits the search to sentences a
    cheaper scan already found a time cue in; None looks at every sentence.
    ``dated`` False (the article gave no date): relative forms ("năm nay") are skipped.
    """
    targets: list[Target] = []
    for position, sentence in enumerate(sentences):
        if candidates is not None and sentence.idx not in candidates:
            continue
        folded = fold_nfc(sentence.text)
        if candidates is None and not _TIME_CUE.search(folded):
            continue
        seen: set[tuple[int, int | None]] = set()
        for time in _time_matches(sentence.text, folded, published):
            if not dated and time.kind not in _ABSOLUTE:
                continue  # "năm nay" in an undated article: no year to count from
            if (time.year, time.month) in seen:
                continue
            seen.add((time.year, time.month))
            previous = sentences[position - 1] if position else None
            context = previous if previous and previous.paragraph == sentence.paragraph else None
            # "…, Thủ tướng Phạm Minh Chính cho biết.": the speaker named last, out of the goal.
            said_by = _said_by(sentence, time.end, people)
            speaker, end = said_by or (None, len(sentence.text))
            setter, subject = _setter(sentence, context, people, mentions, speaker)
            if setter is None or _NO_ONE.match(setter):
                # "Theo đó, Việt Nam coi CĐS …" after "Ông X, Vụ trưởng … chia sẻ": X said it.
                setter = _paragraph_speaker(sentences, position, people) or setter
            goal = _goal(sentence.text[:end], time, subject, context)
            targets.append(Target(time.year, time.month, goal, setter, sentence.idx, sentence.text))
    return targets


# Subjects that plan nothing themselves: a country, a document.  A person the paragraph
# names as saying it is the better answer to "who set it".
_NO_ONE = re.compile(
    r"^(?:Việt Nam|Nước ta|Chiến lược|Kế hoạch|Quyết định|Nghị quyết|Đề án|Chương trình"
    r"|Quy hoạch|Luật|Chỉ thị|Nghị định|Thông tư|Dự thảo)(?!\w)"
)


def _paragraph_speaker(
    sentences: Sequence[Sentence], position: int, people: Sequence[Person]
) -> str | None:
    """Who the paragraph makes the speaker of sentence ``position`` (digests.analysis.quotes)."""
    sentence = sentences[position]
    own = [s for s in sentences if s.paragraph == sentence.paragraph and not s.is_heading]
    index = next((i for i, s in enumerate(own) if s.idx == sentence.idx), None)
    if index is None:
        return None
    pairs = [(p.name, p.role) for p in people]
    return present([s.text for s in own], index, pairs).speaker


def _time_matches(text: str, folded: str, published: date) -> list[_TimeMatch]:
    """Time expressions in a sentence that point at a goal, in text order."""
    found: list[_TimeMatch] = []
    for kind, match in _form_matches(folded):
        start, end = match.span()
        when = _resolve(kind, match, published)
        if when is None or not _is_goal_time(text, folded, start, end, published, *when, kind):
            continue
        found.append(_TimeMatch(start, end, *when, kind))
    return sorted(found, key=lambda t: t.start)


def _form_matches(folded: str) -> list[tuple[str, re.Match[str]]]:
    """Every time expression with its kind, forms in priority order: a later form never
    overlaps an earlier one's match, whether or not that match turns out to be a goal."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, re.Match[str]]] = []
    for kind, needed, pattern in _FORMS:
        if needed not in folded:
            continue
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append((kind, match))
    return found


def _resolve(kind: str, match: re.Match[str], published: date) -> tuple[int, int | None] | None:
    if kind in ("year", "quarter", "bare_year"):
        return int(match.group("year")), None
    if kind == "month":
        month = int(match.group("month"))
        return (int(match.group("year")), month) if 1 <= month <= 12 else None
    if kind == "this_year":
        return published.year, None
    if kind == "next_year":
        return published.year + 1, None
    if kind in ("month_this", "month_next"):
        month = int(match.group("month"))
        year = published.year + (kind == "month_next")
        return (year, month) if 1 <= month <= 12 else None
    count = match.group("n")
    years = int(count) if count.isdigit() else _NUMBER_WORDS[count]
    return published.year + years, None


def _is_goal_time(
    text: str,
    folded: str,
    start: int,
    end: int,
    published: date,
    year: int,
    month: int | None,
    kind: str = "year",
) -> bool:
    if year < published.year or year > published.year + 60:
        return False  # past years are reports; far ones are not goals but typos
    if year == published.year and month is not None and month < published.month:
        return False
    if (
        kind in ("quarter", "bare_year")
        and year == published.year
        and _quarter_end(folded, max(0, start - 12), end) < (published.month)
    ):
        return False  # "trong quý III/2025" in a November 2025 article reports it
    before = folded[max(0, start - 40) : start]
    if _TERM_BEFORE.search(before) or _YEAR_RANGE_BEFORE.search(folded, 0, start):
        return False
    if _RANGE_BEFORE.search(folded[_clause_start(folded, start) : start]):
        return False
    if _YEAR_RANGE_AFTER.match(folded, end) or _DESCRIBES_YEAR.match(folded, end):
        return False
    scope = _scope(text, start, end)
    if text.startswith(scope):
        scope = scope[:1].lower() + scope[1:]  # a capital opening the sentence is no name
    past = _PAST.search(scope)
    if past is not None and not _DIRECTIVE.search(scope, past.end()):
        return False
    if _FORECAST.search(scope) and not _ORDER.search(scope):
        return False  # a forecast is no one's goal
    if kind == "bare_year" and not _tied_to_plan(folded, start, end):
        return False  # "Nghị định 158 năm 2013", "Giải Báo chí … năm 2015": names, not goals
    planned = _PLAN.search(scope) is not None
    # The year under way, a bare year ("doanh thu năm 2025 …") or words of a report
    # ("ghi nhận", "tính đến") make a results sentence unless someone plans, commits or
    # is assigned something: "đạt", "tăng", "tiếp tục duy trì" alone are what happened.
    if kind in _BARE_KINDS or year == published.year or _REPORT.search(scope):
        return planned
    return planned or _GOAL.search(scope) is not None


# A bare "năm 2025" is a goal's year only beside a plan: "các chỉ tiêu năm 2024",
# "kế hoạch kinh doanh năm 2025", "năm 2025 MobiFone dự kiến …", "… năm 2025 sẽ đạt …".
_PLAN_NOUN_BEFORE = re.compile(r"(?<!\w)(?:muc\s+tieu|chi\s+tieu|ke\s+hoach)(?:\s+\S+){0,4}\s+$")
_PLAN_AFTER = re.compile(
    r"[^,;.:(]{0,80}?(?<!\w)(?:du\s+kien|phan\s+dau|dat\s+muc\s+tieu|se\s+dat)(?!\w)"
)


def _tied_to_plan(folded: str, start: int, end: int) -> bool:
    before = folded[max(0, start - 60) : start]
    return bool(_PLAN_NOUN_BEFORE.search(before) or _PLAN_AFTER.match(folded, end))


def _quarter_end(folded: str, start: int, end: int) -> int:
    """The last month of the quarter named in ``folded[start:end]`` (12 if unreadable)."""
    found = re.search(r"quy\s+(iv|i{1,3}|[1-4])(?!\w)", folded[start:end])
    return 3 * _QUARTERS[found.group(1)] if found else 12


def _clause_start(text: str, position: int) -> int:
    start = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, position):
        start = match.end()
    return start


def _clause_end(text: str, position: int) -> int:
    match = _CLAUSE_BREAK.search(text, position)
    return match.start() if match else len(text)


def _scope(text: str, start: int, end: int) -> str:
    """The clause holding the time expression, plus the next one when the time opens it."""
    clause_start = _clause_start(text, start)
    clause_end = _clause_end(text, end)
    if _opens_clause(text, clause_start, start, end):
        clause_end = _clause_end(text, text.index(",", end) + 1)
    return text[clause_start:clause_end]


def _opens_clause(text: str, clause_start: int, start: int, end: int) -> bool:
    """Whether the time expression leads its clause: "(để) vào năm 2045, kinh tế số …"."""
    if not text[end:].lstrip().startswith(","):
        return False
    # "…cho biết, đến năm 2025, Viettel sẽ …": first in a clause that a break opened
    # (``^`` in _LEADS only matches at the sentence's own start).
    if not text[clause_start:start].strip(' “"‘'):
        return True
    return _LEADS.search(text, clause_start, start) is not None


# ---------------------------------------------------------------------------- goal


def _goal(text: str, time: _TimeMatch, subject: str | None, context: Sentence | None) -> str:
    """What is aimed at, verbatim: the clause the time expression opens or closes, or the
    phrase a bare year sits in ("… các chỉ tiêu năm 2024 (doanh thu …)"); never fewer than
    three words: then the sentence itself."""
    after = text[time.end :]
    opens = _opens_clause(text, _clause_start(text, time.start), time.start, time.end)
    if opens:
        rest = after.lstrip()[1:].lstrip()
        stop = _GOAL_END.search(rest)
        goal = rest[: stop.start()] if stop else rest
    elif time.kind == "bare_year":
        goal = _phrase(text, time)
    else:
        head = text[: time.start]
        starts = [m.end() for m in _GOAL_START.finditer(head)]
        goal = head[starts[-1] :] if starts else head
        if not goal.strip():
            stop = _GOAL_END.search(after)
            goal = (after[: stop.start()] if stop else after).lstrip(" ,")
    goal = _tidy(goal, subject)
    clause_rest = after[: _clause_end(after, 0)]
    if len(goal.split()) < 3 and len(clause_rest.split()) >= 2:
        # "Phấn đấu đến năm 2030 có 100.000 doanh nghiệp": the aim is the whole clause.
        goal = _tidy(text[: time.end] + clause_rest, subject)
        goal = goal[goal.rfind(", ") + 2 :] if ", " in text[: time.start] else goal
    if len(goal.split()) < 3 and context is not None:
        topic = _TOPIC.match(context.text)
        if topic:
            # "Về việc X, … đặt ra mục tiêu hoàn thành": both in the article's words, the
            # cut between them marked.
            aim = _aim(text, time)
            goal = f"{topic.group(0).rstrip(' ,')} … {aim}" if aim else goal
    if len(goal.split()) < 3:
        goal = _tidy(text, None)  # "…, dự kiến vào năm 2026": no one word stands for it
    return goal


def _phrase(text: str, time: _TimeMatch) -> str:
    """The phrase around a bare year, from its clause's start (or the aim word) to the end
    of the sentence or the next clause: "hoàn thành 100% các chỉ tiêu năm 2024 (…)"."""
    head = text[: time.start]
    starts = [m.end() for m in _GOAL_START.finditer(head) if not m.group().startswith("(")]
    rest = text[time.start :]
    stop = _GOAL_END.search(rest)
    return head[starts[-1] if starts else 0 :] + (rest[: stop.start()] if stop else rest)


_AIM_WORDS = re.compile(
    r"(?<!\w)(?:đặt ra mục tiêu|đặt mục tiêu|đề ra mục tiêu|mục tiêu|phấn đấu|kế hoạch|cam kết)"
)


def _aim(text: str, time: _TimeMatch) -> str:
    """The words from the last aim word before the time up to it: "đặt ra mục tiêu hoàn thành"."""
    clause = _clause_start(text, time.start)
    found = list(_AIM_WORDS.finditer(text, clause, time.start))
    return text[found[-1].start() : time.start].strip() if found else ""


def _tidy(goal: str, subject: str | None) -> str:
    goal = goal.strip().lstrip('“"‘').strip()
    if subject and goal.startswith(subject):
        goal = goal[len(subject) :].strip()
    goal = _LEADING_FILLER.sub("", goal)
    previous = None
    while previous != goal:
        previous = goal
        goal = _TRAILING.sub("", goal)
    if goal.count("(") > goal.count(")"):
        goal += ")"  # the closing bracket went with the full stop
    return goal


# -------------------------------------------------------------------------- setter


def _setter(
    sentence: Sentence,
    context: Sentence | None,
    people: Sequence[Person],
    mentions: Sequence[Mention],
    speaker: str | None = None,
) -> tuple[str | None, str | None]:
    """Who set the goal (resolved for readers) and, if that is the subject, as written.

    A ``speaker`` named at the sentence's end ("…, Bộ trưởng X cho biết.") sets the goal as
    one named at its start would: over the subject, not over "Theo X," or a director.
    """
    text = sentence.text.lstrip('“"‘ ')
    source = _SOURCE.match(text)
    if source:
        named = source.group("source").strip()
        if named[:1].isupper():
            return _resolve_person(named, sentence.idx, people), None
        text = text[source.end() :]
    while (prefix := _PREFIX.match(text)) is not None:
        text = text[prefix.end() :]
    aliases = [m.alias for m in mentions if m.sentence_idx == sentence.idx]
    subject = _subject(text, aliases)
    if subject and _OBLIGED.match(text[len(subject) :]):
        director = _director(sentence, context, people)
        if director:
            return director, None  # the assignee stays in the goal: "Cục X phải …"
    if speaker:
        # The goal reads as it would without the closing speaker: a named subject leaves it.
        return speaker, subject if subject and subject[:1].isupper() else None
    if subject and subject[:1].isupper():
        return _resolve_person(subject, sentence.idx, people), subject
    if subject:
        for mention in mentions:
            if mention.sentence_idx == sentence.idx and mention.alias in subject:
                return mention.alias, None  # the subject stays in the goal
    here = _speaker(sentence.idx, people)
    return here or _speaker(context.idx if context else None, people), None


def _said_by(sentence: Sentence, after: int, people: Sequence[Person]) -> tuple[str, int] | None:
    """Who a closing "…, X cho biết." names after ``after``, and where the words naming
    them start (a comma), or None.  A person the article linked wins over the bare words:
    "…, ông Tào Đức Thắng, Chủ tịch Viettel cho biết." is Chủ tịch Tào Đức Thắng."""
    text = sentence.text
    tail = _SAID_BY.search(text, after)
    if tail is None:
        return None
    for person in people:
        if person.sentence_idx != sentence.idx:
            continue
        at = text.find(person.name, after)
        if at >= 0 and text.count(",", at, tail.end()) <= 1:
            comma = text.rfind(",", after, at)
            named = f"{person.role} {person.name}" if person.role else person.name
            return named, comma if comma >= 0 else tail.start()
    speaker = tail.group("speaker")
    lowered = speaker.lower().split()
    if any(w in _PREDICATES for w in lowered) or len(lowered) > _MAX_SUBJECT_WORDS:
        return None  # "…, Viettel sẽ tiếp tục thông tin.": no one named, a clause
    if speaker[:1].isupper() or _HONORIFIC.match(speaker):
        return _resolve_person(speaker, sentence.idx, people), tail.start()
    return None


def _director(sentence: Sentence, context: Sentence | None, people: Sequence[Person]) -> str | None:
    """Who gave the order an obliged subject carries out: the subject of "chỉ đạo",
    "giao", "yêu cầu" or "đề nghị" earlier in this sentence or in the one before."""
    for source in (sentence, context):
        if source is None:
            continue
        text = source.text.lstrip('“"‘ ')
        while (prefix := _PREFIX.match(text)) is not None:
            text = text[prefix.end() :]
        directive = _DIRECTS.search(text)
        if directive is None:
            continue
        subject = text[: directive.start()].strip(" ,")
        if subject and subject[:1].isupper() and len(subject.split()) <= _MAX_SUBJECT_WORDS:
            return _resolve_person(subject, source.idx, people)
    return None


def _subject(text: str, aliases: Sequence[str]) -> str | None:
    """The words before the first predicate, if that comes soon enough.

    An organisation's name at the start is taken whole: the "thông tin" of
    "Cục An toàn thông tin" is no verb there.
    """
    words = text.split()
    lowered = text.lower().split()
    if not words or lowered[0] in _PREDICATES or " ".join(lowered[:2]) in _PREDICATES:
        return None  # the sentence opens with its verb: "Phấn đấu đến năm 2030 …"
    first = 1
    for alias in sorted(aliases, key=len, reverse=True):
        if text.startswith(alias):
            first = max(1, len(alias.split()))
            break
    for i in range(first, min(len(words), _MAX_SUBJECT_WORDS + 1)):
        if words[i - 1].endswith((",", ":", ";")):
            return None
        word = lowered[i].strip(",.:;")
        following = lowered[i + 1].strip(",.:;") if i + 1 < len(lowered) else ""
        if word in _PREDICATES or f"{word} {following}" in _PREDICATES:
            return " ".join(words[:i])
    return None


def _resolve_person(subject: str, sentence_idx: int, people: Sequence[Person]) -> str:
    """ "Bộ trưởng" or "Ông Giang" alone become the person the article named that way."""
    if fold_nfc(subject) in _ROLE_KEYS:
        wanted = fold_nfc(subject)
        match = _nearest(people, sentence_idx, lambda p: fold_nfc(p.role or "") == wanted)
        return f"{match.role} {match.name}" if match and match.role else subject
    honorific = _HONORIFIC.match(subject)
    if honorific:
        given = honorific.group("name")
        match = _nearest(people, sentence_idx, lambda p: p.name.split()[-1] == given)
        return f"{match.role} {match.name}" if match and match.role else subject
    return subject


def _nearest(
    people: Sequence[Person], sentence_idx: int, wanted: Callable[[Person], bool]
) -> Person | None:
    """The last matching person at or before the sentence, else the first after it."""
    chosen: Person | None = None
    for person in people:
        if wanted(person):
            if person.sentence_idx <= sentence_idx or chosen is None:
                chosen = person
            if person.sentence_idx > sentence_idx:
                break
    return chosen


def _speaker(sentence_idx: int | None, people: Sequence[Person]) -> str | None:
    """The first person named in that sentence, as "Role Name"."""
    if sentence_idx is None:
        return None
    for person in people:
        if person.sentence_idx == sentence_idx:
            return f"{person.role} {person.name}" if person.role else person.name
    return None
