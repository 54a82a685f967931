"""Ride patterns: which services a container rides, from which stop to which, and when.

A pattern fixes the services and stops; its timing follows from the timetables. `timed_earliest`
boards the first possible departure of each ride (what the search finds); `timed_latest` then moves
every ride but the last to the latest departure that still makes the next connection, so that a
container waits at its origin rather than at a transfer point, arriving at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

from karvan.planner.rules import Arrival, Rules, Transfer


@dataclass(frozen=True)
class Ride:
    line: int
    board: int
    alight: int


@dataclass(frozen=True)
class Timed:
    """A pattern with the departure (seconds since epoch) of each ride from its boarding stop."""

    rides: tuple[Ride, ...]
    departures_s: tuple[int, ...]
    arrival_s: int
    """at the destination, after any finishing dwell"""
    cost_cents: int
    co2_g: int


def transfers(rules: Rules, rides: tuple[Ride, ...]) -> tuple[list[Transfer], Transfer]:
    """The dwell before each ride and the finishing dwell at the destination."""
    before: list[Transfer] = []
    came: Arrival | None = None
    for ride in rides:
        line = rules.lines[ride.line]
        before.append(rules.boarding(line.stops[ride.board], came, line, ride.board))
        came = rules.arrival(line, ride.alight)
    assert came is not None
    last = rules.lines[rides[-1].line]
    return before, rules.finishing(last.stops[rides[-1].alight], came)


def _totals(rules: Rules, rides: tuple[Ride, ...], dwell: list[Transfer], finish: Transfer
            ) -> tuple[int, int]:
    cost = finish.cost_cents + sum(t.cost_cents for t in dwell)
    co2 = finish.co2_g + sum(t.co2_g for t in dwell)
    for ride in rides:
        cost += sum(rules.section_cost_cents[ride.line][ride.board:ride.alight])
        co2 += sum(rules.section_co2_g[ride.line][ride.board:ride.alight])
    return cost, co2


def timed_earliest(rules: Rules, rides: tuple[Ride, ...]) -> Timed | None:
    """Board the first departure of each ride; None if a ride has no departure within the horizon."""
    dwell, finish = transfers(rules, rides)
    ready = rules.start_s
    departures = []
    for ride, before in zip(rides, dwell, strict=True):
        line = rules.lines[ride.line]
        departure = rules.departure(line, ride.board, ready + before.seconds)
        if departure is None:
            return None
        departures.append(departure)
        ready = departure + line.offsets_s[ride.alight] - line.offsets_s[ride.board]
    cost, co2 = _totals(rules, rides, dwell, finish)
    return Timed(rides, tuple(departures), ready + finish.seconds, cost, co2)


def timed_latest(rules: Rules, timed: Timed) -> Timed:
    """Same arrival, each earlier ride moved to its latest departure that still connects."""
    dwell, _ = transfers(rules, timed.rides)
    departures = list(timed.departures_s)
    for k in range(len(timed.rides) - 2, -1, -1):
        ride = timed.rides[k]
        line = rules.lines[ride.line]
        run_s = line.offsets_s[ride.alight] - line.offsets_s[ride.board]
        latest_ready = departures[k + 1] - dwell[k + 1].seconds - run_s
        offset = line.offsets_s[ride.board]
        first = line.calendar.last_at_or_before(latest_ready - offset, departures[k] - offset)
        if first is not None:
            departures[k] = first + offset
    return Timed(timed.rides, tuple(departures), timed.arrival_s, timed.cost_cents, timed.co2_g)
