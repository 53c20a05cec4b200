"""Schedule arithmetic: daily times, digest days and catch-up after downtime.

Pure functions of an explicit ``now``; the bot passes its injectable clock.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_HHMM = re.compile(r"^\s*(\d{1,2})(?:[:hHgG.](\d{2})|\s*(?:[hHgG]|giờ|gio))\s*$", re.IGNORECASE)


def parse_hhmm(text: str) -> time | None:
    """``"7:30"``, ``"07:30"``, ``"7h30"`` → 07:30; ``"7h"``, ``"7 giờ"``, ``"7g"`` → 07:00;
    anything else (a bare "7" is ambiguous) → None."""
    match = _HHMM.match(text or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def job_name(chat_id: int) -> str:
    return f"digest:{chat_id}"


def scheduled_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant of ``day``'s digest at local time ``at``."""
    return datetime.combine(day, at, tzinfo=tz)


def digest_day(now: datetime, tz: ZoneInfo) -> date:
    """The local calendar day a digest sent at ``now`` belongs to."""
    return now.astimezone(tz).date()


def latest_due(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The most recent scheduled instant at or before ``now``."""
    local = now.astimezone(tz)
    today = scheduled_at(local.date(), at, tz)
    return today if today <= local else scheduled_at(local.date() - timedelta(days=1), at, tz)


def next_due(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first scheduled instant strictly after ``now``."""
    return latest_due(now, at, tz) + timedelta(days=1)


@dataclass(frozen=True)
class CatchUp:
    """What a start after downtime owes a chat."""

    deliver: date | None = None  # a missed digest day to deliver now
    too_late: date | None = None  # a missed digest day beyond the window: log it, don't send


def catch_up(
    now: datetime,
    at: time,
    tz: ZoneInfo,
    *,
    window: timedelta,
    schedule_since: datetime,
    days_with_delivery: Collection[date],
) -> CatchUp:
    """Was the chat's latest digest due while the bot was down, and is it still worth sending?

    Due means: the scheduled instant has passed, the schedule was already in
    force then (not set or re-set afterwards) and no outbox row exists for
    that day.  Within ``window`` it is delivered once; later it is reported,
    and its articles go into the next digest since the watermark did not move.
    """
    due = latest_due(now, at, tz)
    day = due.date()
    if due < schedule_since or day in days_with_delivery:
        return CatchUp()
    if now - due <= window:
        return CatchUp(deliver=day)
    return CatchUp(too_late=day)
