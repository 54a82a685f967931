"""What one simulation run measures, and its summary as plain JSON-ready data.

Only what happens after the warm-up counts: throughput and resource use from events after it,
transit times of containers created after it (and delivered before the horizon).

Bottleneck ranking rule: resources are ranked by the congestion delay they caused, in TEU-hours per
week of the measured window. Congestion delay is time a container (or a train or ship carrying it,
weighted by the TEU on board) waited because the resource was busy, full, closed or its sailing
cancelled: waiting for a departure counts only from the first departure that left it behind, so the
ordinary wait for the next scheduled train is not a bottleneck. Ties go to the higher utilisation;
resources with no delay but utilisation of 85 % or more are listed after those with delay.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

HIGH_UTILISATION = 0.85
HISTOGRAM_BIN_HOURS = 24.0


@dataclass(slots=True)
class Level:
    """A time-weighted level (containers in a queue, TEU in a yard) from the measurement start."""

    start_h: float
    value: float = 0.0
    last_h: float = 0.0
    area: float = 0.0
    peak: float = 0.0

    def change(self, now_h: float, delta: float) -> None:
        if now_h > self.start_h:
            self.area += self.value * (now_h - max(self.last_h, self.start_h))
            self.peak = max(self.peak, self.value + delta)
        self.last_h = now_h
        self.value += delta

    def mean(self, end_h: float) -> float:
        area = self.area + self.value * (end_h - max(self.last_h, self.start_h))
        return area / (end_h - self.start_h) if end_h > self.start_h else 0.0


@dataclass(slots=True)
class ResourceStat:
    kind: str
    name: str
    place: str | None
    used: float = 0.0
    available: float = 0.0
    delay_teu_hours: float = 0.0
    count: int = 0
    level: Level | None = None


def quantile(values: list[tuple[float, float]], q: float) -> float:
    """Weighted quantile of (value, weight) pairs: the smallest value with cumulative weight >= q."""
    if not values:
        return math.nan
    ordered = sorted(values)
    total = sum(w for _, w in ordered)
    target, cumulative = q * total, 0.0
    for value, weight in ordered:
        cumulative += weight
        if cumulative >= target - 1e-9:
            return value
    return ordered[-1][0]


def _month_starts(start: date, horizon_days: float) -> tuple[list[float], list[str]]:
    hours, labels = [0.0], [start.strftime("%Y-%m")]
    day = start.replace(day=1)
    while True:
        day = (day + timedelta(days=32)).replace(day=1)
        offset_h = (day - start).days * 24.0
        if offset_h >= horizon_days * 24:
            return hours, labels
        hours.append(offset_h)
        labels.append(day.strftime("%Y-%m"))


@dataclass
class Recorder:
    start: date
    horizon_days: float
    warmup_days: float
    segment: defaultdict[tuple[int, str, str], list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))
    delivered: defaultdict[tuple[int, str], list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))
    transit: defaultdict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    transit_departed: defaultdict[str, list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list))
    node_wait: defaultdict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    node_queue: dict[str, Level] = field(default_factory=dict)
    resources: dict[str, ResourceStat] = field(default_factory=dict)
    cancelled_sailings: int = 0
    created_containers: float = 0.0
    delivered_containers: float = 0.0

    def __post_init__(self) -> None:
        self.warmup_h = self.warmup_days * 24.0
        self.end_h = self.horizon_days * 24.0
        self._month_h, self._month_labels = _month_starts(self.start, self.horizon_days)

    def counting(self, now_h: float) -> bool:
        return now_h >= self.warmup_h

    def month(self, now_h: float) -> int:
        return bisect_right(self._month_h, now_h) - 1

    def resource(self, key: str, kind: str, name: str, place: str | None = None) -> ResourceStat:
        stat = self.resources.get(key)
        if stat is None:
            stat = self.resources[key] = ResourceStat(kind, name, place)
        return stat

    def queue(self, place: str) -> Level:
        level = self.node_queue.get(place)
        if level is None:
            level = self.node_queue[place] = Level(self.warmup_h)
        return level

    def ride_done(self, now_h: float, corridor: str, segment: str, teu: float, tonnes: float) -> None:
        if self.counting(now_h):
            cell = self.segment[(self.month(now_h), corridor, segment)]
            cell[0] += teu
            cell[1] += tonnes

    def journey_done(self, now_h: float, created_h: float, boarded_h: float | None, od: str, corridor: str,
                     containers: float, teu: float, tonnes: float) -> None:
        if self.counting(now_h):
            cell = self.delivered[(self.month(now_h), corridor)]
            cell[0] += teu
            cell[1] += tonnes
        if created_h >= self.warmup_h:
            self.transit[od].append((now_h - created_h, containers))
            self.transit_departed[od].append((now_h - (boarded_h or created_h), containers))
            self.delivered_containers += containers

    def waited(self, now_h: float, place: str, hours: float, containers: float) -> None:
        if self.counting(now_h):
            self.node_wait[place].append((hours, containers))

    def delay(self, now_h: float, stat: ResourceStat, hours: float, teu: float) -> None:
        if self.counting(now_h) and hours > 0:
            stat.delay_teu_hours += hours * teu

    def summary(self, in_transit: float) -> dict[str, Any]:
        window_h = self.end_h - self.warmup_h
        weeks = window_h / 168.0
        resources = []
        for key, stat in sorted(self.resources.items()):
            used = stat.level.mean(self.end_h) * window_h if stat.level is not None else stat.used
            utilisation = used / stat.available if stat.available > 0 else 0.0
            resources.append({
                "id": key, "kind": stat.kind, "name": stat.name, "place": stat.place,
                "utilisation": round(utilisation, 4), "count": stat.count,
                "delay_teu_hours_per_week": round(stat.delay_teu_hours / weeks, 2),
            })
        return {
            "throughput_monthly": [
                {"month": self._month_labels[m], "corridor": corridor, "segment": segment,
                 "teu": round(v[0], 2), "tonnes": round(v[1], 1)}
                for (m, corridor, segment), v in sorted(self.segment.items())],
            "delivered_monthly": [
                {"month": self._month_labels[m], "corridor": corridor, "teu": round(v[0], 2),
                 "tonnes": round(v[1], 1)}
                for (m, corridor), v in sorted(self.delivered.items())],
            "transit_hours": {od: _distribution(values) for od, values in sorted(self.transit.items())},
            "transit_hours_from_departure": {
                od: _distribution(values) for od, values in sorted(self.transit_departed.items())},
            "nodes": {
                place: {
                    "wait_hours_mean": _round(_mean(self.node_wait.get(place, []))),
                    "wait_hours_p90": _round(quantile(self.node_wait.get(place, []), 0.9)),
                    "queue_containers_mean": round(self.node_queue[place].mean(self.end_h), 2)
                    if place in self.node_queue else 0.0,
                    "queue_containers_max": round(self.node_queue[place].peak, 1)
                    if place in self.node_queue else 0.0,
                }
                for place in sorted(set(self.node_wait) | set(self.node_queue))},
            "resources": resources,
            "bottlenecks": rank_bottlenecks(resources),
            "cancelled_sailings": self.cancelled_sailings,
            "created_containers": round(self.created_containers, 1),
            "delivered_containers": round(self.delivered_containers, 1),
            "in_transit_at_end": round(in_transit, 1),
        }


def _mean(values: list[tuple[float, float]]) -> float:
    total = sum(w for _, w in values)
    return sum(v * w for v, w in values) / total if total else math.nan


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 2)


def _distribution(values: list[tuple[float, float]]) -> dict[str, Any]:
    bins: defaultdict[int, float] = defaultdict(float)
    for hours, weight in values:
        bins[int(hours // HISTOGRAM_BIN_HOURS)] += weight
    return {
        "containers": round(sum(w for _, w in values), 1),
        "mean": _round(_mean(values)),
        "p10": _round(quantile(values, 0.1)),
        "p50": _round(quantile(values, 0.5)),
        "p90": _round(quantile(values, 0.9)),
        "max": _round(max(v for v, _ in values)),
        "histogram_days": {str(k): round(v, 1) for k, v in sorted(bins.items())},
    }


def rank_bottlenecks(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resources ordered by the rule in the module docstring, each with its rank."""
    listed = [r for r in resources
              if r["delay_teu_hours_per_week"] > 0 or r["utilisation"] >= HIGH_UTILISATION]
    listed.sort(key=lambda r: (-r["delay_teu_hours_per_week"], -r["utilisation"], r["id"]))
    return [{"rank": i + 1, **r} for i, r in enumerate(listed)]
