"""Which time expressions in a sentence point at a goal: the forms (year, month, quarter,
"năm nay", "3 năm tới"), their clause, and the plan, report and past words around them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# A cheap pre-filter over folded text: a sentence without one of these holds no target.
TIME_CUE = (
    r"nam\s+(?:20\d\d|nay|sau|toi|ke\s+tiep)|thang\s+\d{1,2}\s*/\s*20\d\d"
    r"|quy\s+\w+\s*/\s*20\d\d|\d{1,2}\s+nam\s+(?:toi|sap\s+toi|tiep\s+theo|nua)|sang\s+nam"
)
TIME_CUE_PATTERN = re.compile(rf"(?<!\w)(?:{TIME_CUE})")

_PREP = r"(?:ngay\s+trong|trong|vao|den|toi|truoc|tu\s+nay\s+den|cho\s+den|het|sau)"
_PART = r"(?:(?:cuoi|dau|giua|het)\s+)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![\d/])"
NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10,
}  # fmt: skip
QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

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
ABSOLUTE_KINDS = frozenset(("year", "month", "quarter", "bare_year"))
_FORECAST = re.compile(r"(?<!\w)(?:dự báo|dự đoán|ước tính)(?!\w)")
_GOAL = re.compile(
    r"(?<!\w)(?:sẽ|phải|cần|phấn đấu|mục tiêu|kế hoạch|lộ trình|dự kiến|chỉ đạo|giao|yêu cầu"
    r"|đề nghị|đề ra|đặt ra|nhằm|(?<!định )hướng (?:tới|đến)|hoàn thành|trở thành|lọt vào|đạt|top"
    r"|đóng góp|tăng|nâng|giảm|phổ cập|chiếm|cam kết|quyết tâm|kỳ vọng|để|đưa vào)(?!\w)"
)


@dataclass(frozen=True)
class TimeMatch:
    start: int
    end: int
    year: int
    month: int | None
    kind: str = "year"


def goal_times(text: str, folded: str, published: date) -> list[TimeMatch]:
    """Time expressions in a sentence that point at a goal, in text order."""
    found: list[TimeMatch] = []
    for kind, match in form_matches(folded):
        start, end = match.span()
        when = resolve_time(kind, match, published)
        if when is None or not is_goal_time(text, folded, start, end, published, *when, kind):
            continue
        found.append(TimeMatch(start, end, *when, kind))
    return sorted(found, key=lambda t: t.start)


def form_matches(folded: str) -> list[tuple[str, re.Match[str]]]:
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


def resolve_time(kind: str, match: re.Match[str], published: date) -> tuple[int, int | None] | None:
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
    years = int(count) if count.isdigit() else NUMBER_WORDS[count]
    return published.year + years, None


def is_goal_time(
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
    if _RANGE_BEFORE.search(folded[clause_start_of(folded, start) : start]):
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
    return 3 * QUARTERS[found.group(1)] if found else 12


def clause_start_of(text: str, position: int) -> int:
    start = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, position):
        start = match.end()
    return start


def clause_end_of(text: str, position: int) -> int:
    match = _CLAUSE_BREAK.search(text, position)
    return match.start() if match else len(text)


def _scope(text: str, start: int, end: int) -> str:
    """The clause holding the time expression, plus the next one when the time opens it."""
    clause_start = clause_start_of(text, start)
    clause_end = clause_end_of(text, end)
    if opens_clause(text, clause_start, start, end):
        clause_end = clause_end_of(text, text.index(",", end) + 1)
    return text[clause_start:clause_end]


def opens_clause(text: str, clause_start: int, start: int, end: int) -> bool:
    """Whether the time expression leads its clause: "(để) vào năm 2045, kinh tế số …"."""
    if not text[end:].lstrip().startswith(","):
        return False
    # "…cho biết, đến năm 2025, Viettel sẽ …": first in a clause that a break opened
    # (``^`` in _LEADS only matches at the sentence's own start).
    if not text[clause_start:start].strip(' “"‘'):
        return True
    return _LEADS.search(text, clause_start, start) is not None
