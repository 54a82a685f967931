"""Timing ride patterns: moving departures later keeps the arrival and every connection."""

from __future__ import annotations

from hypothesis import given, settings
from planner_networks import cases

from karvan.network.network import Network
from karvan.planner.patterns import timed_earliest, timed_latest, transfers
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import pareto_labels, rides_of


@settings(max_examples=60, deadline=None)
@given(cases())
def test_latest_departures_keep_arrival_and_connections(case: tuple[Network, PlanRequest]) -> None:
    network, request = case
    rules = Rules(network, request)
    for label in pareto_labels(rules):
        earliest = timed_earliest(rules, rides_of(label))
        assert earliest is not None
        latest = timed_latest(rules, earliest)
        assert latest.arrival_s == earliest.arrival_s
        pairs = zip(latest.departures_s, earliest.departures_s, strict=True)
        assert all(late >= early for late, early in pairs)
        assert latest.departures_s[-1] == earliest.departures_s[-1]
        dwell, _ = transfers(rules, latest.rides)
        for k in range(1, len(latest.rides)):
            ride = latest.rides[k - 1]
            line = rules.lines[ride.line]
            ready = latest.departures_s[k - 1] + line.offsets_s[ride.alight] - line.offsets_s[ride.board]
            assert ready + dwell[k].seconds <= latest.departures_s[k]
