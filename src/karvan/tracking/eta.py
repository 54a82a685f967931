"""Arrival estimates (p50 and p90) re-planned over the dated timetable from where the container is.

Position first: the last actual event places the container on a booked leg when it happened at any
stop of that leg's service between boarding and alighting (an arrival at an intermediate stop is still
on board), standing at a place when it arrived at or is handled at a leg's end, or off the booked
route. What a code means is `karvan.tracking.codes.MOVEMENT`.

Re-plan: from that place and time the path follows the booked remaining legs while their booked
departures are still reachable (the planner's dwell rules decide when the container is ready); at the
first one it misses, the planner's own search over the timetable (`karvan.planner`) finds the earliest
continuation (the next departure of the same service, another service, another port). The path says
which departure was missed and which one replaces it.

Band: run and dwell times along the path are drawn from log-normals with their p50 and p90 (seeded by
the container's last event, so a recomputation gives the same figures), and a draw that is not ready
for a departure takes the next dated departure that arrives first, of that service or another running
the same stretch: the chance of missing each remaining connection is in the band. p50 and p90 are the
draws' quantiles.

No news: a container not heard of for `NEWS_GRACE` past its next expected event is taken to be still
where it was last reported, so it moves forward with the clock (it cannot leave before now). Its
silence is evidence too: on board, the rest of the run has lasted at least that long; standing at a
place, it was not ready for any departure it could have taken since the one it waited for, so its
dwell is drawn from the log-normal truncated at that length.

Without a network or a timetable for a leg, the booked times are walked as before: a missed leg leaves
whole average headways later. Without a plan, the latest estimated (EST, else PLN) arrival event gives
the estimate, as long as it lies after the last actual event.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from karvan.network.network import Network
from karvan.network.rules import departures_per_week
from karvan.planner.lines import Line
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Arrival, Rules, Step, Transfer
from karvan.planner.search import Label, pareto_labels
from karvan.tracking.codes import MOVEMENT, Movement
from karvan.tracking.model import Classifier, ContainerEvent
from karvan.tracking.plan import Plan, PlannedLeg
from karvan.tracking.repository import StoredEvent, last_actual

SAMPLES = 200
"""Draws per estimate: the p90 of 200 draws moves by about 2 % between seeds."""
NEWS_GRACE = timedelta(hours=6)
"""estimate: how late a report may come before the container is taken not to have moved (event feeds
of the corridor's railways and ports report within hours)."""
DEFAULT_HEADWAY = timedelta(days=7)
"""Time to the next departure after a missed one when the service's frequency is unknown: weekly."""
NO_PLAN_SPREAD = 0.2
"""Without a timetable, p90 = p50 + 20 % of the time still to go (at least 12 h): estimate."""
_Z90 = 1.2816
_NORMAL = NormalDist()


@dataclass(frozen=True)
class Replan:
    """A booked departure the container will not make, and the departure that replaces it."""

    missed_service: str
    missed_departure: datetime
    via_service: str | None
    via_departure: datetime | None
    place: str | None = None
    """where the missed departure leaves from"""

    @property
    def message(self) -> str:
        via = (f"re-planned via {self.via_service} {utc_text(self.via_departure)}"
               if self.via_service and self.via_departure else "no feasible continuation found")
        return f"missed {self.missed_service} {utc_text(self.missed_departure)}; {via}"


def utc_text(moment: datetime) -> str:
    """A time as people read it in a message: minutes, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Eta:
    p50: datetime
    p90: datetime
    destination: str | None
    basis: str
    """'plan' (re-planned from the booked itinerary) or 'reported' (EST/PLN arrival events)."""
    booked: datetime | None = None
    """the booked arrival, against which the slip is measured"""
    replan: Replan | None = None
    no_news_since: datetime | None = None
    """set when the container is overdue for its next report"""


@dataclass(frozen=True)
class _Hop:
    """One ride of the forecast path; `departs_s` < 0 marks the ride the container is on already."""

    line: Line
    board: int
    alight: int
    departs_s: int
    before: Transfer | None


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _stamp(seconds: float) -> datetime:
    """Seconds since the epoch as a UTC time, to the minute (finer would be false precision)."""
    return datetime.fromtimestamp(round(seconds / 60) * 60, UTC)


Draws = NDArray[np.float64]


def _draw(rng: np.random.Generator, p50_s: float, p90_s: float) -> Draws | float:
    """`SAMPLES` log-normal draws with the given median and 90th percentile (seconds)."""
    if p50_s <= 0:
        return 0.0
    if p90_s <= p50_s:
        return float(p50_s)
    sigma = math.log(p90_s / p50_s) / _Z90
    return p50_s * np.exp(sigma * rng.standard_normal(SAMPLES))


def _draw_beyond(rng: np.random.Generator, p50_s: float, p90_s: float, elapsed_s: float) -> Draws | float:
    """`_draw` given that the duration has already lasted `elapsed_s`: the log-normal truncated below
    at `elapsed_s`, sampled by its inverse distribution function. A container that has waited 60 h
    of a 36 h median dwell is not about to leave; it is in the tail, and waits on from there."""
    if elapsed_s <= 0 or p50_s <= 0:
        return _draw(rng, p50_s, p90_s)
    if p90_s <= p50_s:
        return float(max(p50_s, elapsed_s))
    sigma = math.log(p90_s / p50_s) / _Z90
    low = _NORMAL.cdf(math.log(elapsed_s / p50_s) / sigma)
    if low >= 1 - 1e-9:
        return float(elapsed_s)  # so far past the model's tail that it says nothing more
    u = low + (1 - low) * rng.random(SAMPLES)
    z = np.fromiter((_NORMAL.inv_cdf(min(v, 1 - 1e-12)) for v in u), float, SAMPLES)
    return np.maximum(p50_s * np.exp(sigma * z), elapsed_s)


def _draw_steps(rng: np.random.Generator, steps: Sequence[Step], elapsed_s: float = 0.0) -> Draws | float:
    """The dwell of `steps` in sequence; given `elapsed_s` already spent, their sum is drawn as one
    log-normal with the summed p50 and p90 (the planner's own reading of a transfer), truncated there."""
    if elapsed_s > 0 and steps:
        return _draw_beyond(rng, sum(s.p50_s for s in steps), sum(s.p90_s for s in steps), elapsed_s)
    total: Draws | float = 0.0
    for step in steps:
        total = total + _draw(rng, step.p50_s, step.p90_s)
    return total


def _line_of(rules: Rules, service: str | None) -> Line | None:
    index: dict[str, Line] = rules.scratch.setdefault("line_by_service", {
        line.service.id: line for line in rules.lines})
    return index.get(service or "")


def _stops(line: Line, leg: PlannedLeg) -> tuple[int, int] | None:
    """Boarding and alighting index of a booked leg on its service's stops."""
    if leg.origin not in line.stops:
        return None
    board = line.stops.index(leg.origin)
    if leg.destination not in line.stops[board + 1:]:
        return None
    return board, line.stops.index(leg.destination, board + 1)


@dataclass(frozen=True)
class _Position:
    place: str
    time_s: int
    leg: int
    """index of the next booked leg to board, or of the leg the container is on"""
    onboard: int | None
    """stop index on that leg's service when on board"""
    came: Arrival | None
    on_route: bool


def _position(rules: Rules, plan: Plan, last: ContainerEvent | None) -> _Position:
    first = plan.legs[0]
    if last is None or last.locode is None:
        return _Position(first.origin, _epoch(first.departs_at), 0, None, None, True)
    movement = MOVEMENT.get(last.code)
    for index in range(len(plan.legs) - 1, -1, -1):
        leg = plan.legs[index]
        line = _line_of(rules, leg.service)
        span = _stops(line, leg) if line else None
        stops = line.stops[span[0]:span[1] + 1] if line and span else (leg.origin, leg.destination)
        if last.locode not in stops:
            continue
        at = stops.index(last.locode)
        if at == len(stops) - 1:
            came = rules.arrival(line, span[1]) if line and span else None
            return _Position(last.locode, _epoch(last.event_time), index + 1, None, came, True)
        if at > 0 or movement is Movement.DEPARTED:
            return _Position(last.locode, _epoch(last.event_time), index,
                             span[0] + at if line and span else -1, None, True)
        came = _came_before(rules, plan, index)
        return _Position(last.locode, _epoch(last.event_time), index, None, came, True)
    return _Position(last.locode, _epoch(last.event_time), len(plan.legs), None, None, False)


def _came_before(rules: Rules, plan: Plan, index: int) -> Arrival | None:
    if index == 0:
        return None
    leg = plan.legs[index - 1]
    line = _line_of(rules, leg.service)
    span = _stops(line, leg) if line else None
    return rules.arrival(line, span[1]) if line and span else None


def _same_services(rules: Rules, legs: Sequence[PlannedLeg], place: str, t: int, came: Arrival | None,
                   floor: int) -> int | None:
    """Arrival (seconds) riding the booked services' next departures from `place` at `t`."""
    for leg in legs:
        line = _line_of(rules, leg.service)
        span = _stops(line, leg) if line else None
        if line is None or span is None:
            return None
        departs = rules.departure(line, span[0], max(t + rules.boarding(place, came, line, span[0]).seconds,
                                                     floor))
        if departs is None:
            return None
        t = departs + line.offsets_s[span[1]] - line.offsets_s[span[0]]
        came, place = rules.arrival(line, span[1]), leg.destination
    return t + (rules.finishing(place, came).seconds if came else 0)


def _continuation(network: Network, place: str, destination: str, ready_s: int, came: Arrival | None,
                  deadline_s: int | None = None) -> tuple[Rules, list[_Hop]] | None:
    """The earliest continuation the planner finds from `place` at `ready_s` (cheapest among ties),
    arriving by `deadline_s` when given (which bounds the search)."""
    request = PlanRequest(origin=place, destination=destination, depart=_stamp(ready_s),
                          arrive_before=None if deadline_s is None else _stamp(deadline_s + 60))
    rules = Rules(network, request)
    labels = pareto_labels(rules, came=came)
    if not labels:
        return None
    best: Label | None = min(labels, key=lambda lb: (lb.time, lb.cost, lb.co2))
    boardings: list[Label] = []
    node = best
    while node is not None and node.parent is not None:
        if node.onboard and not node.parent.onboard:
            boardings.append(node)
        node = node.parent
    hops, alight = [], best.stop if best else 0
    for boarding in boardings:  # last ride first
        hops.append((boarding, alight))
        alight = boarding.parent.stop if boarding.parent else 0
    out: list[_Hop] = []
    for boarding, alight_at in reversed(hops):
        line = rules.lines[boarding.line]
        before = rules.boarding(line.stops[boarding.stop], came, line, boarding.stop)
        out.append(_Hop(line, boarding.stop, alight_at, boarding.time, before))
        came = rules.arrival(line, alight_at)
    return rules, out


@dataclass(frozen=True)
class _Ride:
    """A service's run from one stop to another, by stop index."""

    line: Line
    board: int
    alight: int


def _rides(rules: Rules, hop: _Hop) -> tuple[_Ride, ...]:
    """The services this cargo may take from `hop`'s boarding stop to its alighting stop (its own
    included), cached on the network."""
    start, end = hop.line.stops[hop.board], hop.line.stops[hop.alight]
    key = ("eta_rides", start, end, rules.usable_key)
    found: tuple[_Ride, ...] | None = rules.scratch.get(key)
    if found is None:
        rides = []
        for line in rules.lines:
            if rules.usable[line.index] and start in line.stops:
                board = line.stops.index(start)
                if end in line.stops[board + 1:]:
                    rides.append(_Ride(line, board, line.stops.index(end, board + 1)))
        found = rules.scratch[key] = tuple(rides) or (_Ride(hop.line, hop.board, hop.alight),)
    return found


@dataclass(frozen=True)
class _Path:
    hops: tuple[_Hop, ...]
    rides: tuple[tuple[_Ride, ...], ...]
    """for each hop, the services a draw that misses its departure may take instead"""
    finish: Transfer
    start_s: int
    place: str
    """where the container was last reported"""
    replan: Replan | None
    next_report_s: int


def _path(network: Network, plan: Plan, last: ContainerEvent | None, now: datetime) -> _Path | None:
    """The forecast path from the container's position, or None when it cannot be built."""
    if plan.destination not in network.places:
        return None
    rules = Rules(network, PlanRequest(origin=plan.destination, destination=plan.destination, depart=now))
    where = _position(rules, plan, last)
    if where.place not in network.places:
        return None
    floor = _epoch(now - NEWS_GRACE)
    hops: list[_Hop] = []
    came, place, t = where.came, where.place, where.time_s
    next_report: int | None = None
    legs = plan.legs[where.leg:] if where.on_route else ()
    if where.onboard is not None:
        leg = legs[0]
        line = _line_of(rules, leg.service)
        span = _stops(line, leg) if line else None
        if line is None or span is None:
            return None
        hops.append(_Hop(line, where.onboard, span[1], -1, None))
        next_report = t + line.offsets_p90_s[span[1]] - line.offsets_p90_s[where.onboard]
        t = max(t + line.offsets_s[span[1]] - line.offsets_s[where.onboard], floor)
        came, place, legs = rules.arrival(line, span[1]), leg.destination, legs[1:]
    replan = None
    for leg in legs:
        line = _line_of(rules, leg.service)
        span = _stops(line, leg) if line else None
        if line is None or span is None:
            return None
        before = rules.boarding(place, came, line, span[0])
        booked_s = _epoch(leg.departs_at)
        if next_report is None:  # the booked departure, or when a late container can be ready for one
            next_report = max(booked_s, t + before.seconds)
        if max(t + before.seconds, floor) <= booked_s:
            hops.append(_Hop(line, span[0], span[1], booked_s, before))
            t = booked_s + line.offsets_s[span[1]] - line.offsets_s[span[0]]
            came, place = rules.arrival(line, span[1]), leg.destination
            continue
        by_booked = _same_services(rules, legs[legs.index(leg):], place, t, came, floor)
        # the search adds the dwell to the time it is given: a container silent past `floor` has had
        # that much of it already, as `_same_services` and the sampling take it
        ready = max(t, floor - before.seconds)
        found = _continuation(network, place, plan.destination, ready, came, by_booked) \
            or _continuation(network, place, plan.destination, ready, came)
        if found is None or not found[1]:
            return None
        rules, rest = found
        via = rest[0]
        replan = Replan(leg.service or "?", leg.departs_at, via.line.service.id, _stamp(via.departs_s), place)
        hops += rest
        break
    if not where.on_route:
        found = _continuation(network, place, plan.destination, max(t, floor), came)
        if found is None:
            return None
        rules, hops = found[0], list(found[1])
    if not hops:
        return None
    end = hops[-1]
    finish = rules.finishing(end.line.stops[end.alight], rules.arrival(end.line, end.alight))
    return _Path(tuple(hops), tuple(_rides(rules, hop) for hop in hops), finish, where.time_s, where.place,
                 replan,
                 next_report if next_report is not None else hops[0].departs_s)


def _departures(line: Line, board: int, first_s: int, until_s: float) -> Draws:
    """Departures of `line` from stop `board` from `first_s` to the first one at or after `until_s`."""
    offset, found = line.offsets_s[board], [float(first_s)]
    while found[-1] < until_s:
        nxt = line.calendar.next_at_or_after(int(found[-1]) + 1 - offset, math.ceil(until_s) + 90 * 86_400)
        found.append(float(nxt + offset) if nxt is not None else until_s)
    return np.array(found)


def _not_ready_for(path: _Path, floor_s: int) -> int:
    """Seconds of dwell a container standing silent where it was last reported has already had. It
    waits for its booked departure (or the one it missed); from then on it takes the first departure
    of any service running the stretch, so it was not ready for the last of those up to `floor_s`.
    Departures before the one it waits for say nothing, nor does one that has not passed."""
    hop = path.hops[0]
    if hop.departs_s < 0 or hop.line.stops[hop.board] != path.place:
        return 0
    missed = path.replan.missed_departure if path.replan and path.replan.place == path.place else None
    since = max(_epoch(missed) if missed is not None else hop.departs_s, path.start_s)
    if since > floor_s:
        return 0
    last = since
    for ride in path.rides[0]:
        offset = ride.line.offsets_s[ride.board]
        found = ride.line.calendar.last_at_or_before(floor_s - offset, since - offset)
        last = max(last, found + offset) if found is not None else last
    return last - path.start_s


def _sample(path: _Path, rng: np.random.Generator, floor_s: int) -> Draws:
    """Arrival times (seconds) of `SAMPLES` draws along the path; a draw not ready for a departure
    takes the next departure that arrives first of that service or another running the same stretch
    (Aktau to Alat by either ferry line), as a forwarder re-books a missed container."""
    t: Draws = np.full(SAMPLES, float(path.start_s))
    silent_s = max(floor_s - path.start_s, 0)
    for k, hop in enumerate(path.hops):
        line = hop.line
        p50_s = line.offsets_s[hop.alight] - line.offsets_s[hop.board]
        p90_s = line.offsets_p90_s[hop.alight] - line.offsets_p90_s[hop.board]
        if hop.departs_s < 0:  # silent on board: the rest of the run has lasted at least that long
            t = np.maximum(t + _draw_beyond(rng, p50_s, p90_s, silent_s), floor_s)
            continue
        run = _draw(rng, p50_s, p90_s)
        waited = _not_ready_for(path, floor_s) if k == 0 else 0
        ready = np.maximum(t + _draw_steps(rng, hop.before.steps if hop.before else (), waited), floor_s)
        pace = np.broadcast_to(run / p50_s if p50_s > 0 else 1.0, (SAMPLES,))
        t = hop.departs_s + pace * p50_s
        late = ready > hop.departs_s
        if late.any():
            t[late] = _earliest_arrival(path.rides[k], ready[late], pace[late])
    return t + _draw_steps(rng, path.finish.steps)


def _earliest_arrival(rides: Sequence[_Ride], ready: Draws, pace: Draws) -> Draws:
    """Arrival of each draw by the first of `rides` to arrive when it leaves at its next departure
    after `ready`, the run taking `pace` times its p50 (a slow draw is slow on any of them)."""
    best = np.full(len(ready), np.inf)
    for ride in rides:
        offset = ride.line.offsets_s[ride.board]
        run_s = ride.line.offsets_s[ride.alight] - offset
        first = ride.line.calendar.next_at_or_after(int(ready.min()) - offset,
                                                    math.ceil(ready.max()) + 90 * 86_400 - offset)
        if first is not None:
            times = _departures(ride.line, ride.board, first + offset, float(ready.max()))
            best = np.minimum(best, times[np.searchsorted(times, ready)] + pace * run_s)
    own = rides[0]
    nowhere = ready + pace * (own.line.offsets_s[own.alight] - own.line.offsets_s[own.board])
    return np.where(np.isfinite(best), best, nowhere)  # no departure within 90 days: leave when ready


def _seed(last: ContainerEvent | None, plan: Plan) -> int:
    key = f"{last.event_id if last else ''}|{plan.booking or ''}|{plan.destination}"
    return zlib.crc32(key.encode())


def _timetabled(plan: Plan, last: ContainerEvent | None, network: Network, now: datetime) -> Eta | None:
    path = _path(network, plan, last, now)
    if path is None:
        return None
    draws = np.sort(_sample(path, np.random.default_rng(_seed(last, plan)), _epoch(now - NEWS_GRACE)))
    p50 = max(_stamp(float(draws[SAMPLES // 2])), now)
    p90 = max(_stamp(float(draws[int(SAMPLES * 0.9)])), p50)
    silent = last is not None and now - NEWS_GRACE > _stamp(path.next_report_s)
    return Eta(p50, p90, plan.destination, "plan", plan.legs[-1].arrives_at, path.replan,
               last.event_time if silent and last else None)


def _headway(leg: PlannedLeg, network: Network | None) -> timedelta:
    service = network.services.get(leg.service) if network and leg.service else None
    per_week = departures_per_week(service.schedule) if service else 0.0
    return timedelta(hours=168 / per_week) if per_week > 0 else DEFAULT_HEADWAY


def _walked(plan: Plan, last: ContainerEvent | None, network: Network | None, now: datetime) -> Eta:
    """The booked times walked when there is no timetable: a missed leg leaves whole headways later."""
    index, running = 0, False
    if last is not None and last.locode is not None:
        for i in range(len(plan.legs) - 1, -1, -1):
            if last.locode == plan.legs[i].destination:
                index = i + 1
                break
            if last.locode == plan.legs[i].origin:
                index, running = i, MOVEMENT.get(last.code) is Movement.DEPARTED
                break
    ready = last.event_time if last is not None else plan.legs[0].departs_at
    expected = ready
    if running and last is not None:
        leg = plan.legs[index]
        ready = expected = last.event_time + (leg.arrives_at - leg.departs_at)
        index += 1
    elif index < len(plan.legs):
        expected = max(ready, plan.legs[index].departs_at)
    floor = now - NEWS_GRACE if last is not None else ready
    ready, replan = max(ready, floor), None
    for leg in plan.legs[index:]:
        departs = leg.departs_at
        if ready > departs:
            headway = _headway(leg, network)
            missed = departs
            departs += headway * -(-(ready - departs) // headway)
            replan = replan or Replan(leg.service or "?", missed, leg.service, departs, leg.origin)
        ready = departs + (leg.arrives_at - leg.departs_at)
    start = last.event_time if last is not None else now
    p50 = max(ready, now)
    p90 = p50 + max(timedelta(hours=12), (p50 - start) * NO_PLAN_SPREAD)
    silent = last is not None and now - NEWS_GRACE > expected
    return Eta(p50, p90, plan.destination, "plan", plan.legs[-1].arrives_at, replan,
               last.event_time if silent and last else None)


def _latest_reported(events: Sequence[StoredEvent], place: str | None) -> ContainerEvent | None:
    for classifier in (Classifier.EST, Classifier.PLN):
        found = [s for s in events if s.event.classifier is classifier and s.event.code == "ARRI"
                 and (place is None or s.event.locode == place)]
        if found:
            return max(found, key=lambda s: (s.event.updated_at or s.event.event_time, s.seq)).event
    return None


def estimate(events: Sequence[StoredEvent], *, plan: Plan | None, network: Network | None,
             now: datetime) -> Eta | None:
    last = last_actual(events)
    if plan is not None:
        arrived = last is not None and MOVEMENT.get(last.code) is Movement.ARRIVED
        if last is not None and arrived and last.locode == plan.destination:
            return Eta(last.event_time, last.event_time, plan.destination, "plan", plan.legs[-1].arrives_at)
        eta = _timetabled(plan, last, network, now) if network is not None else None
        eta = eta or _walked(plan, last, network, now)
        reported = _latest_reported(events, plan.destination)
        if reported is not None and (last is None or reported.event_time > last.event_time):
            spread = eta.p90 - eta.p50
            return Eta(reported.event_time, reported.event_time + spread, eta.destination, eta.basis,
                       eta.booked, eta.replan, eta.no_news_since)
        return eta
    reported = _latest_reported(events, None)
    if reported is None or (last is not None and reported.event_time <= last.event_time):
        return None  # an estimate the container has already outlived says nothing
    start = last.event_time if last is not None else now
    spread = max(timedelta(hours=12), (reported.event_time - start) * NO_PLAN_SPREAD)
    p90 = reported.event_time + spread
    overdue = last.event_time if last is not None and now > p90 else None  # no plan to move forward on
    return Eta(reported.event_time, p90, reported.locode, "reported", no_news_since=overdue)
