"""Multi-criteria label-setting search on the time-dependent service graph.

States are "standing at a place, having arrived a certain way" (the way decides the next dwell) and
"on board a service at one of its stops". A label carries arrival time, cost, CO2e, the number of
service changes, the via places seen so far and (for corridor comparison) a signature of corridor
features. Labels are settled in time order (Martins' algorithm with time-dependent, FIFO edges: a
later departure of the same service never arrives earlier). A label is dropped only if another label
at the same state is at least as good in every criterion, or if a label already at the destination
is: the result is exactly the Pareto set over (arrival, cost, CO2e) of all ride patterns, which
tests/planner/ checks against brute-force enumeration on random networks.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from karvan.planner.patterns import Ride
from karvan.planner.rules import Arrival, Rules


@dataclass(slots=True, eq=False)
class Label:
    time: int
    cost: int
    co2: int
    changes: int
    via_mask: int
    signature: int
    parent: Label | None
    line: int
    """service of the ride (on board: the current one; standing: the one just left; -1 at origin)"""
    stop: int
    onboard: bool
    came: Arrival | None = None
    alive: bool = field(default=True)


@dataclass(frozen=True)
class Signature:
    """Corridor features as bits: labels with different bits are never compared."""

    place_bits: Mapping[str, int]
    section_bits: Sequence[Sequence[int]]
    """bits gained riding each section of each service (its mode, kind, link and next place)"""


def _dominates(a: Label, b: Label, count_changes: bool) -> bool:
    return (a.time <= b.time and a.cost <= b.cost and a.co2 <= b.co2
            and a.via_mask | b.via_mask == a.via_mask and a.signature == b.signature
            and (not count_changes or a.changes <= b.changes))


class _Search:
    def __init__(self, rules: Rules, signature: Signature | None) -> None:
        self.rules = rules
        request = rules.request
        self.dest = request.destination
        self.via_bits = {code: 1 << i for i, code in enumerate(dict.fromkeys(request.via))}
        self.full_mask = (1 << len(self.via_bits)) - 1
        self.signature = signature
        self.limit = request.max_transshipments
        self.deadline = rules.arrive_before_s
        self.bags: dict[Hashable, list[Label]] = {}
        self.found: list[Label] = []
        self.heap: list[tuple[int, int, Label]] = []
        self.counter = itertools.count()
        self.boards_at: dict[str, list[tuple[int, int]]] = {}
        for line in rules.lines:
            if rules.usable[line.index]:
                for i, stop in enumerate(line.stops[:-1]):
                    self.boards_at.setdefault(stop, []).append((line.index, i))

    def _covered(self, label: Label) -> bool:
        if self.deadline is not None and label.time > self.deadline:
            return True
        if self.signature is not None:
            return False
        return any(d.time <= label.time and d.cost <= label.cost and d.co2 <= label.co2 for d in self.found)

    def _insert(self, key: Hashable, label: Label, count_changes: bool) -> None:
        if self._covered(label):
            return
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
        heapq.heappush(self.heap, (label.time, next(self.counter), label))

    def _arrive(self, label: Label) -> None:
        for old in self.found:
            if _dominates(old, label, False):
                return
        self.found = [old for old in self.found if not _dominates(label, old, False)]
        self.found.append(label)

    def run(self) -> list[Label]:
        origin = self.rules.request.origin
        via = self.via_bits.get(origin, 0)
        sig = self.signature.place_bits.get(origin, 0) if self.signature else 0
        start = Label(self.rules.start_s, 0, 0, 0, via, sig, None, -1, -1, False)
        self._insert((origin, None), start, self.limit is not None)
        while self.heap:
            _, _, label = heapq.heappop(self.heap)
            if not label.alive or self._covered(label):
                continue
            if label.onboard:
                self._ride(label)
            else:
                self._board(label)
        return self.found

    def _board(self, label: Label) -> None:
        rules = self.rules
        at_origin = label.line < 0
        place = rules.request.origin if at_origin else rules.lines[label.line].stops[label.stop]
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
                            label.changes + change, label.via_mask, label.signature, label, line_index, i,
                            True)
            self._insert((line_index, i), onboard, self.limit is not None)

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
        via = label.via_mask | self.via_bits.get(nxt, 0)
        sig = label.signature | (self.signature.section_bits[line.index][i] if self.signature else 0)
        count = self.limit is not None
        if i + 1 < len(line.stops) - 1:
            onward = Label(time, cost, co2, label.changes, via, sig, label, line.index, i + 1, True)
            self._insert((line.index, i + 1), onward, count)
        came = rules.arrival(line, i + 1)
        if nxt == self.dest:
            if via != self.full_mask:
                return
            finish = rules.finishing(nxt, came)
            done = Label(time + finish.seconds, cost + finish.cost_cents, co2 + finish.co2_g,
                         label.changes, via, sig, label, line.index, i + 1, False, came)
            if self.deadline is None or done.time <= self.deadline:
                self._arrive(done)
            return
        self._insert((nxt, came), Label(time, cost, co2, label.changes, via, sig, label, line.index, i + 1,
                                        False, came), count)


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


def pareto_labels(rules: Rules, signature: Signature | None = None) -> list[Label]:
    """Destination labels not dominated in (arrival, cost, CO2e) (per signature, if one is given)."""
    return _Search(rules, signature).run()
