"""The search finds exactly the Pareto set that brute-force enumeration of ride patterns finds."""

from __future__ import annotations

import itertools
from datetime import date, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from planner_networks import link, place, service

from karvan.network.model import Dwell, DwellKind, Gauge, Mode, Traction
from karvan.network.network import Network
from karvan.planner.patterns import Ride, timed_earliest
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import pareto_labels, rides_of

CODES = ("CNAAA", "CNBBB", "KZCCC", "KZDDD", "AZEEE")
ZONES = {"CN": "Asia/Shanghai", "KZ": "Asia/Almaty", "AZ": "Asia/Baku"}
MAX_CHANGES = 2

Vector = tuple[int, int, int]


@st.composite
def networks(draw: st.DrawFn) -> Network:
    codes = CODES[:draw(st.integers(3, len(CODES)))]
    places = [place(c, 40.0 + i, 50.0 + 3 * i, ZONES[c[:2]], port=i % 2 == 0) for i, c in enumerate(codes)]
    services, links = [], {}
    for n in range(draw(st.integers(3, 8))):
        mode = draw(st.sampled_from((Mode.RAIL, Mode.RAIL, Mode.FERRY)))
        stops = tuple(draw(st.permutations(codes))[:draw(st.integers(2, min(4, len(codes))))])
        hours = tuple(draw(st.integers(1, 72)) for _ in stops[1:])
        if draw(st.booleans()):
            schedule = {"weekdays": tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3))))}
        else:
            schedule = {"per_week": draw(st.sampled_from((0.5, 1.0, 2.0, 3.5, 7.0)))}
        services.append(service(f"s{n}", stops, hours, mode=mode, at=time(draw(st.integers(0, 23)), 0),
                                tariff=draw(st.integers(1, 30)) * 100.0, **schedule))
        for a, b in itertools.pairwise(stops):
            if draw(st.booleans()):
                key = (mode, *sorted((a, b)))
                links.setdefault(key, link(a, b, draw(st.integers(100, 3000)), mode=mode,
                                           gauge=draw(st.sampled_from(tuple(Gauge))),
                                           traction=draw(st.sampled_from(tuple(Traction)))))
    dwells = [Dwell(place=c, kind=k, p50_hours=h, p90_hours=h * 2, source="estimate: test")
              for c in codes for k in DwellKind
              if (h := draw(st.sampled_from((None, 0, 5, 40)))) is not None]
    return Network.from_records(places, links.values(), services, dwells)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Network, PlanRequest]:
    network = draw(networks())
    codes = sorted(network.places)
    origin, destination = draw(st.permutations(codes))[:2]
    others = [c for c in codes if c not in (origin, destination)]
    via = tuple(draw(st.sets(st.sampled_from(others), max_size=1))) if others and draw(st.booleans()) else ()
    avoid_choices = sorted({c[:2] for c in others} - {origin[:2], destination[:2]})
    avoid = tuple(draw(st.sets(st.sampled_from(avoid_choices), max_size=1))) if avoid_choices and draw(
        st.booleans()) else ()
    request = PlanRequest(origin=origin, destination=destination, depart=date(2026, 3, 20), via=via,
                          avoid_countries=avoid, max_transshipments=MAX_CHANGES,
                          horizon_days=draw(st.integers(7, 28)))
    return network, request


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
