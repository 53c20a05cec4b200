"""A target's goal, cut verbatim from its sentence: the clause the time expression opens
or closes, tidied of fillers and of the subject that set it."""

from __future__ import annotations

import re

from digests.analysis.target_times import TimeMatch, clause_end_of, clause_start_of, opens_clause
from digests.model import Sentence

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


def find_goal(text: str, time: TimeMatch, subject: str | None, context: Sentence | None) -> str:
    """What is aimed at, verbatim: the clause the time expression opens or closes, or the
    phrase a bare year sits in ("… các chỉ tiêu năm 2024 (doanh thu …)"); never fewer than
    three words: then the sentence itself."""
    after = text[time.end :]
    opens = opens_clause(text, clause_start_of(text, time.start), time.start, time.end)
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
    clause_rest = after[: clause_end_of(after, 0)]
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


def _phrase(text: str, time: TimeMatch) -> str:
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


def _aim(text: str, time: TimeMatch) -> str:
    """The words from the last aim word before the time up to it: "đặt ra mục tiêu hoàn thành"."""
    clause = clause_start_of(text, time.start)
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
