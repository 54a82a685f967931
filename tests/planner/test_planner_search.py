"""The search finds exactly the Pareto set that brute-force enumeration of ride patterns finds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from planner_networks import MAX_CHANGES, cases

from karvan.network.network import Network
from karvan.planner.patterns import Ride, timed_earliest
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import pareto_labels, rides_of

Vector = tuple[int, int, int]


def brute_force(rules: Rules) -> set[Vector]:
    """Every ride pattern of at most MAX_CHANGES + 1 rides, timed by earliest departures, Pareto-filtered."""
    request = rules.request
    found: list[Vector] = []

    def extend(at: str, rides: tuple[Ride, ...], seen: frozenset[str]) -> None:
        if len(rides) > MAX_CHANGES:
            return
        for line in rules.lines:
            if not rules.usable[line.index]:
                continue
            for i in range(len(line.stops) - 1):
                if line.stops[i] != at:
                    continue
                for j in range(i + 1, len(line.stops)):
                    if not rules.ridable(line, j - 1):
                        break
                    pattern = (*rides, Ride(line.index, i, j))
                    visited = seen | set(line.stops[i:j + 1])
                    if line.stops[j] == request.destination:
                        timed = timed_earliest(rules, pattern)
                        if timed and set(request.via) <= visited:
                            found.append((timed.arrival_s, timed.cost_cents, timed.co2_g))
                    else:
                        extend(line.stops[j], pattern, visited)

    extend(request.origin, (), frozenset({request.origin}))
    return {v for v in found if not any(o != v and all(x <= y for x, y in zip(o, v, strict=True))
                                         for o in found)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_search_finds_exactly_the_brute_force_pareto_set(case: tuple[Network, PlanRequest]) -> None:
    network, request = case
    rules = Rules(network, request)
    labels = pareto_labels(rules)
    assert {(lb.time, lb.cost, lb.co2) for lb in labels} == brute_force(rules)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_each_label_retimes_to_its_own_criteria(case: tuple[Network, PlanRequest]) -> None:
    """The ride pattern recovered from a label reproduces the label's arrival, cost and CO2e."""
    network, request = case
    rules = Rules(network, request)
    for label in pareto_labels(rules):
        timed = timed_earliest(rules, rides_of(label))
        assert timed is not None
        assert (timed.arrival_s, timed.cost_cents, timed.co2_g) == (label.time, label.cost, label.co2)
