"""Departure calendars: local times, daylight saving, frequencies, and next/last lookups."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from karvan.network.model import Schedule
from karvan.planner.timetable import Calendar

WEEK = 7 * 86_400


def epoch(*args: int, tz: str = "UTC") -> int:
    return int(datetime(*args, tzinfo=ZoneInfo(tz)).timestamp())  # type: ignore[misc]


def departures(calendar: Calendar, start: int, days: int) -> list[int]:
    out, t = [], start
    while (d := calendar.next_at_or_after(t, start + days * 86_400)) is not None:
        out.append(d)
        t = d + 1
    return out


def test_weekday_departures_keep_local_time_across_daylight_saving() -> None:
    """A Monday 10:00 Berlin departure stays at 10:00 local when clocks change in late March."""
    calendar = Calendar(Schedule(weekdays=(0,), departure_time=time(10, 0)), "Europe/Berlin")
    found = departures(calendar, epoch(2026, 3, 16), 21)
    local = [datetime.fromtimestamp(t, ZoneInfo("Europe/Berlin")) for t in found]
    assert [(d.weekday(), d.hour, d.minute) for d in local] == [(0, 10, 0)] * 3
    assert found[2] - found[1] == WEEK - 3600


def test_frequency_averages_the_stated_departures_per_week() -> None:
    calendar = Calendar(Schedule(departures_per_week=1.5), "Asia/Almaty")
    assert len(departures(calendar, epoch(2026, 1, 5), 7 * 40)) in (59, 60, 61)


def test_frequency_starts_from_monday_departure_time() -> None:
    calendar = Calendar(Schedule(departures_per_week=7, departure_time=time(6, 30)), "Asia/Baku")
    first = calendar.next_at_or_after(epoch(2026, 2, 2, tz="Asia/Baku"), epoch(2026, 3, 1))
    assert first is not None
    assert datetime.fromtimestamp(first, ZoneInfo("Asia/Baku")).time() == time(6, 30)


def test_nothing_after_the_limit() -> None:
    calendar = Calendar(Schedule(weekdays=(2,)), "UTC")
    start = epoch(2026, 1, 1)  # a Thursday: next Wednesday is six days on
    assert calendar.next_at_or_after(start, start + 5 * 86_400) is None
    assert calendar.next_at_or_after(start, start + 6 * 86_400) == start + 6 * 86_400


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, 6), min_size=1), st.integers(0, 23),
       st.sampled_from(("UTC", "Europe/Berlin", "Asia/Almaty", "America/New_York")),
       st.integers(0, 3 * 365 * 86_400))
def test_next_and_last_are_consistent(weekdays: set[int], hour: int, tz: str, offset_s: int) -> None:
    """The last departure at or before the next departure is that departure, and nothing lies between."""
    calendar = Calendar(Schedule(weekdays=tuple(sorted(weekdays)), departure_time=time(hour)), tz)
    t = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()) + offset_s
    nxt = calendar.next_at_or_after(t, t + 2 * WEEK)
    assert nxt is not None and t <= nxt < t + WEEK + 7200
    assert calendar.last_at_or_before(nxt, t - 2 * WEEK) == nxt
    previous = calendar.last_at_or_before(nxt - 1, t - 2 * WEEK)
    assert previous is not None and previous < t
    local = datetime.fromtimestamp(nxt, ZoneInfo(tz))
    assert local.weekday() in weekdays
    assert local.hour == hour or local.utcoffset() != (local - timedelta(days=1)).utcoffset()
