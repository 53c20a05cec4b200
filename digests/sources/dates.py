"""Vietnamese publication dates: parsing the many shapes pages use, and
finding an article's own date in its text.

Shapes handled by :func:`parse_vietnamese_date` (first match wins, left to right):

* ``Thứ hai, 17/10/2022 15:10`` and ``Thời sự 06/07/2020 20:45`` (anything before the date);
* ``Thứ tư - 22/03/2023 16:086620``: a view counter glued to the time; minutes are
  exactly two digits, so the counter is ignored;
* ``Ngày 30/1/2024``, ``30-1-2024``, ``30.1.2024``, ``06/07/2020 20:45``, ``15:10 17/10/2022``;
* ``ngày 30 tháng 1 năm 2024`` (and ``30 tháng 01, 2024``);
* ISO ``2024-01-30`` and ``2024-01-30T15:10:00+07:00``;
* ``Ngày 28/11``: day and month only, resolved with ``context_year`` (``None`` without it).

A datetime is returned when the text gives a time of day, a date otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from digests.textnorm import fold_nfc, nfc

MIN_YEAR = 1990
MAX_YEAR = 2100

_TIME = r"(?P<hour>[01]?\d|2[0-3])\s*[:hg]\s*(?P<minute>[0-5]\d)"
# The time may be glued to digits that follow (a view counter), so no boundary after minutes.
_TIME_AFTER = re.compile(r"\s*(?:[,|\-–—]\s*)?(?:lúc\s+)?" + _TIME, re.IGNORECASE)
_TIME_BEFORE = re.compile(_TIME + r"\s*(?:[,|\-–—]\s*)?(?:ngày\s+)?$", re.IGNORECASE)

_ANY_TIME = re.compile(r"(?:lúc\s*)?" + _TIME + r"(?:\s*(?:AM|PM|SA|CH))?", re.IGNORECASE)

_ISO = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"
)
_WORDS = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s*(?:,\s*|\s+)(?:năm\s+)?"
    r"(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(r"(?<![\d/.\-])(?P<day>\d{1,2})/(?P<month>\d{1,2})(?![\d/])")


def _time_near(text: str, start: int, end: int) -> tuple[int, int] | None:
    after = _TIME_AFTER.match(text, end)
    if after:
        return int(after["hour"]), int(after["minute"])
    before = _TIME_BEFORE.search(text[max(0, start - 12) : start])
    if before:
        return int(before["hour"]), int(before["minute"])
    return None


def _build(year: int, month: int, day: int, hm: tuple[int, int] | None) -> datetime | date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        day_only = date(year, month, day)
    except ValueError:
        return None
    if hm is None:
        return day_only
    return datetime(year, month, day, hm[0], hm[1])


VIETNAM_TZ = timezone(timedelta(hours=7))


def _to_vietnam_time(value: datetime, tz: str) -> datetime:
    """A wall-clock time written with an offset, as Vietnam's wall-clock time (UTC+7)."""
    if tz == "Z":
        offset = timedelta(0)
    else:
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    aware = value.replace(tzinfo=timezone(offset))
    return aware.astimezone(VIETNAM_TZ).replace(tzinfo=None)


@dataclass(frozen=True)
class DateMatch:
    """One date found in a text, with where it was found."""

    value: datetime | date
    start: int
    end: int


def _iter_full_dates(text: str) -> list[DateMatch]:
    found: list[DateMatch] = []
    for m in _ISO.finditer(text):
        hm = (int(m["hour"]), int(m["minute"])) if m["hour"] else None
        value = _build(int(m["year"]), int(m["month"]), int(m["day"]), hm)
        if isinstance(value, datetime) and m["tz"]:
            value = _to_vietnam_time(value, m["tz"])
        if value is not None:
            found.append(DateMatch(value, m.start(), m.end()))
    for pattern in (_NUMERIC, _WORDS):
        for m in pattern.finditer(text):
            if any(f.start <= m.start() < f.end for f in found):
                continue
            hm = _time_near(text, m.start(), m.end())
            value = _build(int(m["year"]), int(m["month"]), int(m["day"]), hm)
            if value is not None:
                found.append(DateMatch(value, m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    return found


def first_date_span(text: str) -> tuple[int, int] | None:
    """Where the first full date (with year) is written in ``text``, if any."""
    found = _iter_full_dates(nfc(text))
    return (found[0].start, found[0].end) if found else None


def parse_vietnamese_date(text: str, *, context_year: int | None = None) -> datetime | date | None:
    """The first date written in ``text``; see the module docstring for the shapes.

    A day/month without a year takes ``context_year``; without one it is ``None``
    (callers infer the year from the article, see :func:`infer_year`).
    """
    text = nfc(text)
    full = _iter_full_dates(text)
    if full:
        return full[0].value
    if context_year is None:
        return None
    for m in _DAY_MONTH.finditer(text):
        hm = _time_near(text, m.start(), m.end())
        value = _build(context_year, int(m["month"]), int(m["day"]), hm)
        if value is not None:
            return value
    return None


# --- year inference ---------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d.,])(?P<year>(?:19|20)\d{2})(?![\d%]|\s*(?:tỷ|triệu|nghìn|người))")
_RANGE_START = re.compile(
    r"(?<!\d)(?:19|20)\d{2}\s*(?:-|–|—|đến|tới)\s*(?:19|20)\d{2}(?!\d)", re.IGNORECASE
)
# Folded (accent-free) cues found in the few words before a year.
_TERM_CUES = ("nhiem ky", "khoa", "nien khoa")
_TARGET_CUES = (
    "vao nam",
    "den nam",
    "toi nam",
    "truoc nam",
    "phan dau",
    "muc tieu",
    "tam nhin",
    "dinh huong",
    "ke hoach",
    "chien luoc",
)
# Folded cues later in the same clause: "Năm 2045, … phấn đấu trong top 30".
_TARGET_AFTER_CUES = ("phan dau", "muc tieu", " se ", "du kien", "huong toi", "nham dat")
_PAST_CUES = ("tu nam", "nam truoc", "cung ky nam", "so voi nam", "ke tu nam", "hoi nam")


def _year_weight(text: str, folded: str, start: int, end: int, range_role: str | None) -> float:
    """How much one year mention says 'this is the article's present year'."""
    before = folded[max(0, start - 40) : start]
    after = folded[end : end + 30]
    if range_role == "end":
        return 0.0  # the end of a term or period is a horizon, not the present
    if range_role == "start":
        # A term of office starting in year Y is reported when it starts; a plan period
        # ("giai đoạn 2021-2025") is quoted all through it, so it says little.
        return 3.0 if any(cue in before[-20:] for cue in _TERM_CUES) else 0.5
    if any(cue in before[-25:] for cue in _TARGET_CUES):
        return 0.2  # a target year lies ahead of the article
    clause = re.split(r"[.;!?]", folded[end : end + 120], maxsplit=1)[0]
    if any(cue in clause for cue in _TARGET_AFTER_CUES):
        return 0.2
    if re.match(r"\s*(?:se )?la nam\b", after):
        return 0.3  # "năm 2025 là năm …" only describes a year
    if any(cue in before[-20:] for cue in _PAST_CUES):
        return 0.3  # a reference year lies behind it
    return 1.0


def year_mentions(text: str) -> dict[int, float]:
    """Each year written in ``text`` with its weight as evidence of the present year."""
    text = nfc(text)
    folded = fold_nfc(text)
    roles: dict[int, str] = {}
    for m in _RANGE_START.finditer(text):
        roles[m.start()] = "start"
        roles[m.end() - 4] = "end"
    weights: dict[int, float] = {}
    for m in _YEAR.finditer(text):
        year = int(m["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            continue
        weight = _year_weight(text, folded, m.start(), m.end(), roles.get(m.start()))
        weights[year] = weights.get(year, 0.0) + weight
    return weights


def infer_year(
    text: str,
    day: int,
    month: int,
    *,
    near: str = "",
    today: date | None = None,
) -> int | None:
    """The year of a day/month written without one (``Ngày 28/11``), from the article itself.

    Rule: every year written in the article votes for being "the present", with a weight
    (:func:`year_mentions`): a plain mention counts 1; the start of a term of office or
    ("nhiệm kỳ 2024 - 2027", "khóa 2021-2026") counts 3 because terms are reported when
    they begin, the start of another range ("giai đoạn 2021-2025") 0.5 and any range's end
    year 0; a target year ("vào năm", "đến năm",
    "phấn đấu", "mục tiêu", "tầm nhìn") counts 0.2; a year merely described ("năm 2025 là
    năm…") or a reference point ("so với năm 2019", "từ năm") counts 0.3. Years in ``near``
    (the sentence holding the date) count double. The heaviest year wins, ties to the
    earlier year. A candidate that would put the date after ``today`` is skipped: an
    article is never published in the future. With no usable year in the text, the most
    recent (day, month) not after ``today`` is used, and ``None`` without ``today``.
    """
    weights = year_mentions(text)
    for year, weight in year_mentions(near).items():
        weights[year] = weights.get(year, 0.0) + weight
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    for year, weight in ranked:
        if weight <= 0:
            break
        candidate = _build(year, month, day, None)
        if candidate is None:
            continue
        if today is not None and candidate > today:
            continue
        return year
    if today is None:
        return None
    for year in (today.year, today.year - 1):
        candidate = _build(year, month, day, None)
        if candidate is not None and candidate <= today:
            return year
    return None


# --- finding an article's publication date ---------------------------------------------------

_WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|cn)"
_DATE_LINE_REST = re.compile(
    r"^(?:" + _WEEKDAY + r"|cập nhật|đăng lúc|ngày đăng|ngày|lúc|gmt\s*[+-]?\d{1,2}|\d+|"
    r"lượt xem|views?|[\s,|:\-–—()/+])*$",
    re.IGNORECASE,
)
_LEAD_DATE = re.compile(
    r"(?:^|[\s(,])(?:ngày|sáng|chiều|tối|trưa|đêm|hôm|rạng sáng|sáng nay|chiều nay)\s+"
    r"(?P<date>\d{1,2}/\d{1,2}(?:/\d{4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s*(?:,|năm)\s*\d{4})?)",
    re.IGNORECASE,
)
_DAY_MONTH_LOOSE = re.compile(r"(?P<day>\d{1,2})(?:/|\s+tháng\s+)(?P<month>\d{1,2})", re.IGNORECASE)

HEADER_LINES = 12  # a date line further down than this is part of the body
LEAD_LINES = 4  # how many body paragraphs may hold the "Ngày 30/1/2024, …" lead date
MAX_CATEGORY_WORDS = 4  # "Thời sự", "Kinh tế số" … before a date line


def is_date_line(line: str) -> DateMatch | None:
    """A line that is only a date (with weekday, category, time or view counter) → its date.

    ``Thời sự 06/07/2020 20:45`` and ``Thứ tư - 22/03/2023 16:086620`` are date lines;
    ``Sáng 17/10/2022, tại Hà Nội, …`` is a sentence, not a date line.
    """
    if len(line) > 100:
        return None
    line = nfc(line).strip()
    if len(line) > 80:
        return None
    found = _iter_full_dates(line)
    if not found:
        return None
    first, last = found[0], found[-1]
    head = _ANY_TIME.sub(" ", line[: first.start])
    tail = _ANY_TIME.sub(" ", line[last.end :])
    if not _DATE_LINE_REST.match(tail):
        return None
    head_words = head.replace("-", " ").replace(",", " ").replace("|", " ").split()
    if _DATE_LINE_REST.match(head):
        return first
    if len(head_words) <= MAX_CATEGORY_WORDS and not re.search(r"[.!?;:]", head):
        # "Thời sự 06/07/2020 20:45": a category label before the date.
        return first
    return None


def find_lead_date(
    paragraphs: Sequence[str], *, today: date | None = None
) -> datetime | date | None:
    """The event date opening the lead ("Ngày 30/1/2024, …", "Sáng 17/10, …").

    A day/month without a year gets one from :func:`infer_year` over the whole article.
    """
    whole = "\n".join(paragraphs)
    for paragraph in paragraphs[:LEAD_LINES]:
        m = _LEAD_DATE.search(paragraph)
        if not m:
            continue
        written = m["date"]
        full = parse_vietnamese_date(written)
        if full is not None:
            value = full
        else:
            dm = _DAY_MONTH_LOOSE.match(written)
            if dm is None:
                continue
            day, month = int(dm["day"]), int(dm["month"])
            year = infer_year(
                whole, day, month, near=_sentence_around(paragraph, m.start()), today=today
            )
            if year is None:
                continue
            value = _build(year, month, day, None)  # type: ignore[assignment]
            if value is None:
                continue
        if today is not None and _as_date(value) > today + timedelta(days=1):
            continue  # a lead date in the future is a plan, not the publication date
        return value
    return None


def _sentence_around(paragraph: str, pos: int) -> str:
    start = max(paragraph.rfind(". ", 0, pos), 0)
    end = paragraph.find(". ", pos)
    return paragraph[start : end if end != -1 else len(paragraph)]


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def find_publication_date(
    lines: Sequence[str], *, today: date | None = None
) -> tuple[datetime | date | None, int | None]:
    """The article's publication date and the index of the line that is only that date.

    A date line among the first :data:`HEADER_LINES` lines wins (it is page metadata);
    otherwise the event date that opens the lead (see :func:`find_lead_date`), with no
    line to remove. ``(None, None)`` when the text gives no date.
    """
    for idx, line in enumerate(lines[:HEADER_LINES]):
        found = is_date_line(line)
        if found is not None:
            return found.value, idx
    return find_lead_date([line for line in lines if line.strip()], today=today), None
