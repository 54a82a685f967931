"""Multi-criteria label-setting search on the time-dependent service graph.

States are "standing at a place, having arrived a certain way" (the way decides the next dwell) and
"on board a service at one of its stops". A label carries arrival time, cost, CO2e, the number of
service changes and the marks collected so far (via places, corridor conditions). A label is dropped
only if another label at the same state is at least as good in every criterion (edges are FIFO: a
later departure of the same service never arrives earlier), or if a label already at the destination
beats every completion of it, judged with lower bounds on the remaining run time, cost and CO2e
(from a backward Dijkstra over the sections the request may use, ignoring waits and dwell). Labels
are expanded in order of time plus remaining-time bound, so destination labels come early and prune
the rest. The result is exactly the Pareto set over (arrival, cost, CO2e) of all ride patterns, which
tests/planner/ checks against brute-force enumeration on random networks.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from karvan.planner.patterns import Ride
from karvan.planner.rules import Arrival, Rules


@dataclass(slots=True, eq=False)
class Label:
    time: int
    cost: int
    co2: int
    changes: int
    marks: int
    parent: Label | None
    line: int
    """service of the ride (on board: the current one; standing: the one just left; -1 at origin)"""
    stop: int
    onboard: bool
    came: Arrival | None = None
    alive: bool = field(default=True)


@dataclass(frozen=True)
class Marks:
    """Conditions an itinerary must meet, as bits gained at places and on sections; all `full` needed."""

    place_bits: Mapping[str, int]
    section_bits: Sequence[Sequence[int]] | None = None
    full: int = 0


def _dominates(a: Label, b: Label, count_changes: bool) -> bool:
    return (a.time <= b.time and a.cost <= b.cost and a.co2 <= b.co2 and a.marks | b.marks == a.marks
            and (not count_changes or a.changes <= b.changes))


def lower_bounds(rules: Rules) -> dict[str, tuple[float, float, float]]:
    """Least run seconds, cents and grams from each place to the destination over usable sections."""
    reverse: dict[str, list[tuple[str, tuple[int, int, int]]]] = {}
    for line in rules.lines:
        if not rules.usable[line.index]:
            continue
        for i in range(len(line.stops) - 1):
            if rules.ridable(line, i):
                reverse.setdefault(line.stops[i + 1], []).append((line.stops[i], (
                    line.offsets_s[i + 1] - line.offsets_s[i], rules.section_cost_cents[line.index][i],
                    rules.section_co2_g[line.index][i])))
    per_criterion = []
    for k in range(3):
        best = {rules.request.destination: 0}
        heap = [(0, rules.request.destination)]
        while heap:
            d, place = heapq.heappop(heap)
            if d > best[place]:
                continue
            for before, weights in reverse.get(place, ()):
                nd = d + weights[k]
                if nd < best.get(before, math.inf):
                    best[before] = nd
                    heapq.heappush(heap, (nd, before))
        per_criterion.append(best)
    return {p: (t, per_criterion[1][p], per_criterion[2][p]) for p, t in per_criterion[0].items()}


_CACHE_ENTRIES = 512
T = TypeVar("T")


def _cached(rules: Rules, key: Hashable, make: Callable[[], T]) -> T:
    """Per-network memo of figures that many queries share (bounds per destination, boarding lists)."""
    memo: dict[Hashable, Any] = rules.scratch.setdefault("search", {})
    if key not in memo:
        if len(memo) >= _CACHE_ENTRIES:
            memo.clear()
        memo[key] = make()
    return memo[key]  # type: ignore[no-any-return]


def _boards_at(rules: Rules) -> dict[str, list[tuple[int, int]]]:
    """(service, stop index) pairs where the cargo may board, by place."""
    boards: dict[str, list[tuple[int, int]]] = {}
    for line in rules.lines:
        if rules.usable[line.index]:
            for i, stop in enumerate(line.stops[:-1]):
                boards.setdefault(stop, []).append((line.index, i))
    return boards


class _Search:
    def __init__(self, rules: Rules, marks: Marks, came: Arrival | None = None) -> None:
        self.rules = rules
        self.came = came
        self.origin = rules.request.origin
        self.dest = rules.request.destination
        self.marks = marks
        self.limit = rules.request.max_transshipments
        self.deadline = rules.arrive_before_s
        self.bounds = _cached(rules, ("bounds", self.dest, rules.usable_key, rules.request.avoid_countries,
                                      rules.payload_t, id(rules.factors)), lambda: lower_bounds(rules))
        self.bags: dict[Hashable, list[Label]] = {}
        self.found: list[Label] = []
        self.heap: list[tuple[float, int, Label]] = []
        self.counter = itertools.count()
        self.boards_at = _cached(rules, ("boards", rules.usable_key), lambda: _boards_at(rules))

    def _place(self, label: Label) -> str:
        return self.origin if label.line < 0 else self.rules.lines[label.line].stops[label.stop]

    def _hopeless(self, label: Label, bound: tuple[float, float, float] | None) -> bool:
        """No completion of `label` can reach the destination undominated."""
        if bound is None:
            return True
        time, cost, co2 = label.time + bound[0], label.cost + bound[1], label.co2 + bound[2]
        if self.deadline is not None and time > self.deadline:
            return True
        return any(d.time <= time and d.cost <= cost and d.co2 <= co2 for d in self.found)

    def _insert(self, key: Hashable, label: Label, place: str) -> None:
        bound = self.bounds.get(place)
        if self._hopeless(label, bound):
            return
        assert bound is not None
        count_changes = self.limit is not None
        bag = self.bags.get(key)
        if bag is None:
            bag = self.bags[key] = []
        for old in bag:
            if _dominates(old, label, count_changes):
                return
        kept = []
        for old in bag:
            if _dominates(label, old, count_changes):
                old.alive = False
            else:
                kept.append(old)
        kept.append(label)
        self.bags[key] = kept
        heapq.heappush(self.heap, (label.time + bound[0], next(self.counter), label))

    def _arrive(self, label: Label) -> None:
        for old in self.found:
            if _dominates(old, label, False):
                return
        self.found = [old for old in self.found if not _dominates(label, old, False)]
        self.found.append(label)

    def run(self) -> list[Label]:
        start = Label(self.rules.start_s, 0, 0, 0, self.marks.place_bits.get(self.origin, 0), None, -1, -1,
                      False, self.came)
        self._insert((self.origin, None), start, self.origin)
        while self.heap:
            _, _, label = heapq.heappop(self.heap)
            if not label.alive:
                continue
            place = self._place(label)
            if self._hopeless(label, self.bounds.get(place)):
                continue
            if label.onboard:
                self._ride(label)
            else:
                self._board(label, place)
        return self.found

    def _board(self, label: Label, place: str) -> None:
        rules = self.rules
        at_origin = label.line < 0 and label.came is None
        if not at_origin and self.limit is not None and label.changes >= self.limit:
            return
        change = 0 if at_origin else 1
        for line_index, i in self.boards_at.get(place, ()):
            line = rules.lines[line_index]
            transfer = rules.boarding(place, label.came, line, i)
            departure = rules.departure(line, i, label.time + transfer.seconds)
            if departure is None:
                continue
            onboard = Label(departure, label.cost + transfer.cost_cents, label.co2 + transfer.co2_g,
                            label.changes + change, label.marks, label, line_index, i, True)
            self._insert((line_index, i), onboard, place)

    def _ride(self, label: Label) -> None:
        rules = self.rules
        line = rules.lines[label.line]
        i = label.stop
        if not rules.ridable(line, i):
            return
        nxt = line.stops[i + 1]
        time = label.time - line.offsets_s[i] + line.offsets_s[i + 1]
        cost = label.cost + rules.section_cost_cents[line.index][i]
        co2 = label.co2 + rules.section_co2_g[line.index][i]
        marks = label.marks | self.marks.place_bits.get(nxt, 0)
        if self.marks.section_bits is not None:
            marks |= self.marks.section_bits[line.index][i]
        if i + 1 < len(line.stops) - 1:
            onward = Label(time, cost, co2, label.changes, marks, label, line.index, i + 1, True)
            self._insert((line.index, i + 1), onward, nxt)
        came = rules.arrival(line, i + 1)
        if nxt == self.dest:
            if marks != self.marks.full:
                return
            finish = rules.finishing(nxt, came)
            done = Label(time + finish.seconds, cost + finish.cost_cents, co2 + finish.co2_g,
                         label.changes, marks, label, line.index, i + 1, False, came)
            if self.deadline is None or done.time <= self.deadline:
                self._arrive(done)
            return
        standing = Label(time, cost, co2, label.changes, marks, label, line.index, i + 1, False, came)
        self._insert((nxt, came), standing, nxt)


def rides_of(label: Label) -> tuple[Ride, ...]:
    """The ride pattern that led to a label at the destination."""
    rides: list[Ride] = []
    node: Label | None = label
    while node is not None and node.line >= 0:
        alight, line = node.stop, node.line
        node = node.parent
        while node is not None and node.onboard and node.parent is not None and node.parent.onboard:
            node = node.parent
        assert node is not None and node.onboard
        rides.append(Ride(line, node.stop, alight))
        node = node.parent
    return tuple(reversed(rides))


def via_marks(rules: Rules, extra: Marks | None = None) -> Marks:
    """The request's via places as marks, combined with `extra` conditions (shifted above them)."""
    via = tuple(dict.fromkeys(rules.request.via))
    place_bits = {code: 1 << i for i, code in enumerate(via)}
    full = (1 << len(via)) - 1
    if extra is None:
        return Marks(place_bits, None, full)
    shift = len(via)
    for code, bits in extra.place_bits.items():
        place_bits[code] = place_bits.get(code, 0) | bits << shift
    sections = None if extra.section_bits is None else [
        [bits << shift for bits in line] for line in extra.section_bits]
    return Marks(place_bits, sections, full | extra.full << shift)


def pareto_labels(rules: Rules, extra: Marks | None = None, came: Arrival | None = None) -> list[Label]:
    """Destination labels not dominated in (arrival, cost, CO2e) meeting the via places and `extra`.
    `came` is how the cargo reached the origin when it is already on its way (a re-plan): its next
    boarding then meets the dwells of a change of service."""
    return _Search(rules, via_marks(rules, extra), came).run()
