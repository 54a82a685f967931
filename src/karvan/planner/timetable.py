"""Departure times of services, as integer seconds since the Unix epoch.

A service departs its first stop on weekdays at a local time, or at a frequency evenly spaced from a
Monday departure time (times local to the first stop's IANA time zone, so daylight saving is honoured).
Frequencies run as one continuous sequence from Monday 2024-01-01, so 1.5 departures a week really
average 1.5. Departures are generated lazily per UTC week and cached, and found by bisection.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from karvan.network.model import Schedule

WEEK_S = 7 * 86_400
_ANCHOR = date(2024, 1, 1)  # a Monday
_ANCHOR_EPOCH = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())


class Calendar:
    """Departures of one service from its first stop."""

    def __init__(self, schedule: Schedule, timezone: str) -> None:
        self._schedule = schedule
        self._tz = ZoneInfo(timezone)
        self._weeks: dict[int, list[int]] = {}

    def _local(self, day: date, offset_s: float = 0.0) -> int:
        naive = datetime.combine(day, self._schedule.departure_time) + timedelta(seconds=offset_s)
        return int(naive.replace(tzinfo=self._tz).timestamp())

    def _local_run(self, day: date, offsets_s: list[float]) -> list[int]:
        """`_local` for many offsets from one day: plain arithmetic unless the UTC offset changes."""
        if not offsets_s:
            return []
        first, last = self._local(day, offsets_s[0]), self._local(day, offsets_s[-1])
        if last - first == round(offsets_s[-1] - offsets_s[0]):
            return [first + round(o - offsets_s[0]) for o in offsets_s]
        return [self._local(day, o) for o in offsets_s]

    def _generate(self, week: int) -> list[int]:
        """Departures in UTC week `week` (counted from the anchor), generated from nearby local weeks."""
        low = _ANCHOR_EPOCH + week * WEEK_S
        high = low + WEEK_S
        found: list[int] = []
        if self._schedule.weekdays is not None:
            monday = _ANCHOR + timedelta(days=7 * (week - 1))
            found += self._local_run(monday, [86_400.0 * (7 * w + d) for w in range(3)
                                              for d in sorted(self._schedule.weekdays)])
        else:
            assert self._schedule.departures_per_week is not None
            interval_s = WEEK_S / self._schedule.departures_per_week
            first = math.floor((week - 1) * WEEK_S / interval_s)
            last = math.ceil((week + 2) * WEEK_S / interval_s)
            found += self._local_run(_ANCHOR, [k * interval_s for k in range(first, last + 1)])
        return sorted({t for t in found if low <= t < high})

    def _week(self, week: int) -> list[int]:
        cached = self._weeks.get(week)
        if cached is None:
            cached = self._weeks[week] = self._generate(week)
        return cached

    def next_at_or_after(self, t: int, limit: int) -> int | None:
        """First departure at or after `t` and not after `limit`, or None."""
        week = (t - _ANCHOR_EPOCH) // WEEK_S
        while _ANCHOR_EPOCH + week * WEEK_S <= limit:
            times = self._week(week)
            i = bisect_left(times, t)
            if i < len(times):
                return times[i] if times[i] <= limit else None
            week += 1
        return None

    def last_at_or_before(self, t: int, floor: int) -> int | None:
        """Last departure at or before `t` and not before `floor`, or None."""
        week = (t - _ANCHOR_EPOCH) // WEEK_S
        while _ANCHOR_EPOCH + (week + 1) * WEEK_S > floor:
            times = self._week(week)
            i = bisect_right(times, t)
            if i > 0:
                return times[i - 1] if times[i - 1] >= floor else None
            week -= 1
        return None
