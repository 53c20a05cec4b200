"""Schedule arithmetic and catch-up, driven by an explicit clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import CatchUp, catch_up, digest_day, latest_due, next_due, parse_hhmm

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SIX_HOURS = timedelta(hours=6)
LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:00", time(7, 0)),
        ("7:00", time(7, 0)),
        ("7:30", time(7, 30)),
        ("7h05", time(7, 5)),
        ("23:59", time(23, 59)),
        ("7h", time(7, 0)),
        ("7H", time(7, 0)),
        ("19 h", time(19, 0)),
        ("7 giờ", time(7, 0)),
        ("7g", time(7, 0)),
        ("7g30", time(7, 30)),
    ],
)
def test_parse_hhmm_accepts_common_forms(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text", ["", "7", "24:00", "24h", "07:60", "bảy giờ", "07:00:00", "-1:00", "7hh"]
)
def test_parse_hhmm_rejects_everything_else(text: str) -> None:
    assert parse_hhmm(text) is None


def test_latest_and_next_due_in_local_time() -> None:
    now = datetime(2025, 3, 10, 0, 30, tzinfo=UTC)  # 07:30 in Hồ Chí Minh City
    assert latest_due(now, time(7, 0), HCM) == datetime(2025, 3, 10, 7, 0, tzinfo=HCM)
    assert next_due(now, time(7, 0), HCM) == datetime(2025, 3, 11, 7, 0, tzinfo=HCM)
    assert latest_due(now, time(8, 0), HCM) == datetime(2025, 3, 9, 8, 0, tzinfo=HCM)


def test_digest_day_is_the_local_date() -> None:
    assert digest_day(datetime(2025, 3, 9, 18, 0, tzinfo=UTC), HCM) == date(2025, 3, 10)


def test_missed_digest_within_window_is_delivered() -> None:
    now = datetime(2025, 3, 10, 9, 0, tzinfo=HCM)
    result = catch_up(
        now, time(7, 0), HCM, window=SIX_HOURS, schedule_since=LONG_AGO, days_with_delivery=()
    )
    assert result == CatchUp(deliver=date(2025, 3, 10))


def test_already_delivered_day_is_not_sent_twice() -> None:
    now = datetime(2025, 3, 10, 9, 0, tzinfo=HCM)
    result = catch_up(
        now,
        time(7, 0),
        HCM,
        window=SIX_HOURS,
        schedule_since=LONG_AGO,
        days_with_delivery={date(2025, 3, 10)},
    )
    assert result == CatchUp()


def test_missed_beyond_window_is_reported_not_sent() -> None:
    now = datetime(2025, 3, 10, 14, 0, tzinfo=HCM)
    result = catch_up(
        now, time(7, 0), HCM, window=SIX_HOURS, schedule_since=LONG_AGO, days_with_delivery=()
    )
    assert result == CatchUp(too_late=date(2025, 3, 10))


def test_window_edge_is_inclusive() -> None:
    now = datetime(2025, 3, 10, 13, 0, tzinfo=HCM)
    result = catch_up(
        now, time(7, 0), HCM, window=SIX_HOURS, schedule_since=LONG_AGO, days_with_delivery=()
    )
    assert result == CatchUp(deliver=date(2025, 3, 10))


def test_yesterdays_slot_counts_before_todays_time() -> None:
    now = datetime(2025, 3, 10, 2, 0, tzinfo=HCM)
    result = catch_up(
        now, time(22, 0), HCM, window=SIX_HOURS, schedule_since=LONG_AGO, days_with_delivery=()
    )
    assert result == CatchUp(deliver=date(2025, 3, 9))


def test_time_set_after_the_slot_owes_nothing() -> None:
    now = datetime(2025, 3, 10, 9, 0, tzinfo=HCM)
    since = datetime(2025, 3, 10, 8, 0, tzinfo=HCM)  # /time 07:00 typed at 08:00
    result = catch_up(
        now, time(7, 0), HCM, window=SIX_HOURS, schedule_since=since, days_with_delivery=()
    )
    assert result == CatchUp()


def test_before_todays_slot_nothing_is_due_if_yesterday_was_sent() -> None:
    now = datetime(2025, 3, 10, 6, 59, tzinfo=HCM)
    result = catch_up(
        now,
        time(7, 0),
        HCM,
        window=SIX_HOURS,
        schedule_since=LONG_AGO,
        days_with_delivery={date(2025, 3, 9)},
    )
    assert result == CatchUp()
