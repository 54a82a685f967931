"""ETA accuracy over replayed corridor journeys with disruptions, and the time to recompute one ETA.

Journeys: five origin-destination pairs over the bundled network (four through the Caspian ports,
one the Northern route), booked by the planner for 100 departure dates spread over 2026, 500 in all.
Each journey is then run once as "what happened", drawn from the same run and dwell figures the
planner uses (log-normal by p50 and p90; port dwells by direction, in their calm-month figure, since
the storm season's wait for a sailing is the cancelled sailings below, not added twice; every dwell
capped at the longest corridor wait on record), with disruptions:
- storm-cancelled sailings: the simulation's storm seasons (src/karvan/simulation/corridor.yaml,
  e.g. Caspian ferries 50 % cancelled in Nov-Dec): a cancelled sailing leaves at the next departure;
- late trains: 10 % of rail legs run 12-72 h late (estimate: the corridor's reported delays);
- closures from scenarios/ (the Altynkol closure of 21 days): nothing leaves a closed place.
A container that misses a booked departure (or whose sailing is cancelled) is re-booked onto the
service, its own or another running the same stretch, whose next departure arrives first. The
journey reports DEPA at boarding and ARRI at every later stop of each service (intermediate ones
included). The ETA is read at each report and once a day between reports (a customer reading the
Track page; a silent container is scored while silent) and compared with the actual arrival, by
whole days to arrival.

Printed for the method of this release ("after") and the one before issue 14 ("before": the booked
legs walked with p50/p90 times, a missed leg moved by whole average headways, every dwell record at a
place summed; kept here only to measure against): the mean absolute error of p50 in hours, and the
share of arrivals inside [p50 - (p90 - p50), p90], by days to arrival, with the bias (mean signed
error, + = ETA late) and spread of "after"; the same by what happened to the journey; then p50/p99 ms
of one recomputation. The truth comes from the same figures the estimate samples, so its accuracy
here is an upper bound of what real feeds will give; the disruptions are the part neither method is
told about. To measure another version of the ETA against the same truth, run this file with
PYTHONPATH pointing at that version's src (the "before" columns, identical, show the truth is too).

    PYTHONPATH=src python benchmarks/eta.py [--dates 100]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from karvan.network.loader import load_network
from karvan.network.model import DwellKind, Mode
from karvan.network.network import Network
from karvan.network.rules import WATER, Direction, dwell
from karvan.planner.itinerary import Handling, Itinerary
from karvan.planner.lines import Line, lines_of
from karvan.planner.planner import plan as plan_itineraries
from karvan.planner.request import PlanRequest
from karvan.simulation.data import load_simulation_data
from karvan.simulation.scenario import load_scenario
from karvan.tracking.eta import estimate
from karvan.tracking.model import Classifier, ContainerEvent, EventType
from karvan.tracking.plan import Plan, PlannedLeg
from karvan.tracking.repository import StoredEvent, last_actual

ROOT = Path(__file__).resolve().parents[1]
PAIRS = (("CNXIA", "AZBAK", ()), ("CNURM", "GETBS", ()), ("CNXIA", "TRIST", ("KZKUR",)),
         ("CNLYG", "TRKSY", ()), ("CNXIA", "DEDUI", ()))
BUCKETS = ((0, 0, "0"), (1, 2, "1-2"), (3, 6, "3-6"), (7, 13, "7-13"), (14, 21, "14-21"), (22, 10_000, "22+"))
LATE_TRAIN_SHARE, LATE_HOURS = 0.10, (12.0, 72.0)
CONTAINER = "KRVU0000014"
LONGEST_WAIT_HOURS = 30 * 24.0
"""Waits of up to 30 days at Aktau port in Nov 2024 (Report/azerbaijan.us, corridor_facts L23): the
longest corridor dwell on record caps the truth's log-normal tails (uncapped, a p90/p50 of 10 draws
200-day border dwells)."""
READING = timedelta(days=1)


def _lognormal(rng: random.Random, p50: float, p90: float) -> float:
    if p50 <= 0:
        return 0.0
    sigma = math.log(p90 / p50) / 1.2816 if p90 > p50 else 0.0
    return p50 * math.exp(rng.gauss(0.0, sigma))


@dataclass
class World:
    network: Network
    lines: dict[str, Line]
    storms: list[tuple[frozenset[str], frozenset[str], frozenset[int], float]]
    closures: list[tuple[str, datetime, datetime]]

    def cancelled(self, rng: random.Random, line: Line, at: datetime) -> bool:
        service = line.service
        return any((service.id in ids or service.kind.value in kinds) and at.month in months
                   and rng.random() < p for ids, kinds, months, p in self.storms)

    def closed_until(self, place: str, at: datetime) -> datetime | None:
        return next((end for where, start, end in self.closures if where == place and start <= at < end),
                    None)


def world(network: Network) -> World:
    storms = [(frozenset(s.services), frozenset(k.value for k in s.service_kinds), frozenset(s.months),
               s.cancel_probability) for s in load_simulation_data().storms]
    closures = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        spec = load_scenario(path)
        begin = datetime.combine(spec.start, datetime.min.time(), UTC)
        for d in spec.disruptions:
            if d.kind == "closure" and d.place:
                start = begin + timedelta(days=d.start_day)
                closures.append((d.place, start, start + timedelta(days=d.days)))
    return World(network, {ln.service.id: ln for ln in lines_of(network)}, storms, closures)


def _next_departure(w: World, rng: random.Random, line: Line, board: int, ready: datetime,
                    causes: set[str]) -> datetime:
    offset = line.offsets_s[board]
    at = math.ceil(ready.timestamp())
    while True:
        first = line.calendar.next_at_or_after(at - offset, at + 120 * 86_400)
        assert first is not None
        departs = datetime.fromtimestamp(first + offset, UTC)
        reopen = w.closed_until(line.stops[board], departs)
        if reopen is not None:
            causes.add("closure")
            at = math.ceil(reopen.timestamp())
        elif line.mode in WATER and w.cancelled(rng, line, departs):
            causes.add("storm")
            at = first + offset + 60
        else:
            return departs


def _first_arrival(w: World, rng: random.Random, origin: str, destination: str, ready: datetime,
                   causes: set[str]) -> tuple[Line, int, int, datetime]:
    """A container that missed its booked departure is re-booked onto the service (its own or another
    running the same stretch) whose next departure arrives first by the timetable."""
    best: tuple[datetime, Line, int, int, datetime, set[str]] | None = None
    for line in w.lines.values():
        if origin in line.stops and destination in line.stops[line.stops.index(origin) + 1:]:
            board, met = line.stops.index(origin), set()
            alight = line.stops.index(destination, board + 1)
            departs = _next_departure(w, rng, line, board, ready, met)
            arrives = departs + timedelta(seconds=line.offsets_s[alight] - line.offsets_s[board])
            if best is None or arrives < best[0]:
                best = (arrives, line, board, alight, departs, met)
    assert best is not None
    causes |= best[5]
    return best[1], best[2], best[3], best[4]


@dataclass
class Journey:
    """One replayed journey: the booked plan, what was reported, when it arrived, and what went wrong."""

    plan: Plan
    reports: list[tuple[str, str, datetime]]
    arrival: datetime
    causes: set[str] = field(default_factory=set)
    """'storm' (a sailing it waited for was cancelled), 'closure', 'late_train', 'missed' (a booked
    departure left without it); none of them: 'clean'"""

    @property
    def cause(self) -> str:
        """The one cause a breakdown files the journey under: the rarest and largest first."""
        return next((c for c in ("closure", "storm", "late_train", "missed") if c in self.causes), "clean")


def _dwell_hours(w: World, rng: random.Random, handling: Handling, loading: bool) -> float:
    """A truth dwell: the calm-month figure by direction (a storm season's wait for a sailing is
    the cancelled sailings themselves here, not added twice), drawn log-normal and capped at the
    longest wait reported on the corridor."""
    kind, place = handling.kind, handling.place.locode
    figure = dwell(w.network, place, kind, direction=Direction.LOAD if loading else Direction.DISCHARGE) \
        if kind is DwellKind.PORT_HANDLING else None
    p50, p90 = (figure.p50_hours, figure.p90_hours) if figure else (handling.p50_hours, handling.p90_hours)
    return min(_lognormal(rng, p50, p90), LONGEST_WAIT_HOURS)


def replay(w: World, itinerary: Itinerary, rng: random.Random) -> Journey:
    """The booked plan, the reported events and the actual arrival of one journey."""
    plan = Plan(tuple(PlannedLeg(leg.origin.locode, leg.destination.locode, leg.departure, leg.arrival,
                                 leg.service) for leg in itinerary.legs))
    journey = Journey(plan, [], itinerary.legs[0].departure)
    handlings = list(itinerary.handlings)
    events = journey.reports
    ready = itinerary.legs[0].departure
    for k, leg in enumerate(itinerary.legs):
        line = w.lines[leg.service]
        board = line.stops.index(leg.origin.locode)
        alight = line.stops.index(leg.destination.locode, board + 1)
        if k:
            while handlings and handlings[0].place.locode == leg.origin.locode:
                ready += timedelta(hours=_dwell_hours(w, rng, handlings.pop(0), line.mode in WATER))
        elif handlings and handlings[0].place.locode == leg.origin.locode:
            handlings.pop(0)  # the origin's handling is before the booked departure
        departs = leg.departure
        if ready > leg.departure:
            journey.causes.add("missed")
        elif w.closed_until(leg.origin.locode, departs):
            journey.causes.add("closure")
            ready = departs + timedelta(minutes=1)
        elif line.mode in WATER and w.cancelled(rng, line, departs):
            journey.causes.add("storm")
            ready = departs + timedelta(minutes=1)
        if ready > leg.departure:
            line, board, alight, departs = _first_arrival(w, rng, leg.origin.locode, leg.destination.locode,
                                                          ready, journey.causes)
        p50 = (line.offsets_s[alight] - line.offsets_s[board]) / 3600
        p90 = (line.offsets_p90_s[alight] - line.offsets_p90_s[board]) / 3600
        run = _lognormal(rng, p50, p90)
        if line.mode is Mode.RAIL and rng.random() < LATE_TRAIN_SHARE:
            run += rng.uniform(*LATE_HOURS)
            journey.causes.add("late_train")
        events.append(("DEPA", leg.origin.locode, departs))
        for stop in range(board + 1, alight + 1):
            share = (line.offsets_s[stop] - line.offsets_s[board]) / (p50 * 3600) if p50 else 1.0
            events.append(("ARRI", line.stops[stop], departs + timedelta(hours=run * share)))
        ready = events[-1][2]
    journey.arrival = ready + timedelta(hours=sum(_dwell_hours(w, rng, h, False) for h in handlings))
    return journey


# --- the method before this release, kept only to measure against ----------------------------------

_OLD_DEPARTED = {"DEPA", "LOAD", "XFLD", "GTOT"}
_OLD_ARRIVED = {"ARRI", "DISC", "XFDS", "GTIN", "XGCT", "XCNH", "INSP"}


def _old_run(leg: PlannedLeg, network: Network, p90: bool) -> float:
    service = network.services.get(leg.service or "")
    if service and leg.origin in service.stops and leg.destination in service.stops:
        a, b = service.stops.index(leg.origin), service.stops.index(leg.destination)
        if a < b:
            return sum((service.p90_hours if p90 else service.run_hours)[a:b])
    return leg.run_hours * (1.2 if p90 else 1.0)


def _old_dwell(place: str, network: Network, p90: bool) -> timedelta:
    return timedelta(hours=sum(d.p90_hours if p90 else d.p50_hours for d in network.dwells_at(place)))


def _old_walk(plan: Plan, last: ContainerEvent, network: Network, now: datetime, p90: bool) -> datetime:
    index, phase = 0, "waiting"
    for i in range(len(plan.legs) - 1, -1, -1):
        leg = plan.legs[i]
        if last.locode == leg.destination and last.code in _OLD_ARRIVED:
            index, phase = i + 1, "waiting"
            break
        if last.locode == leg.origin:
            index, phase = i, "running" if last.code in _OLD_DEPARTED else "waiting"
            break
    if index >= len(plan.legs):
        return last.event_time
    if phase == "running":
        ready = last.event_time + timedelta(hours=_old_run(plan.legs[index], network, p90))
        if index == len(plan.legs) - 1:
            return ready
        ready += _old_dwell(plan.legs[index].destination, network, p90)
        index += 1
    else:
        ready = last.event_time + _old_dwell(last.locode or "", network, p90)
    arrival = ready
    for position in range(index, len(plan.legs)):
        leg = plan.legs[position]
        departs = leg.departs_at
        if ready > departs:
            service = network.services.get(leg.service or "")
            per_week = (service.schedule.departures_per_week or len(service.schedule.weekdays or ()) or 1
                        ) if service else 1
            headway = timedelta(hours=168 / per_week)
            departs += headway * -(-(ready - departs) // headway)
        arrival = departs + timedelta(hours=_old_run(leg, network, p90))
        ready = arrival + (_old_dwell(leg.destination, network, p90) if position < len(plan.legs) - 1
                           else timedelta())
    return max(arrival, now) if last.locode != plan.destination else arrival


def old_estimate(events: Sequence[StoredEvent], plan: Plan, network: Network, now: datetime
                 ) -> tuple[datetime, datetime]:
    last = last_actual(events)
    assert last is not None
    p50, p90 = _old_walk(plan, last, network, now, False), _old_walk(plan, last, network, now, True)
    return p50, max(p50, p90)


# --- the replay ----------------------------------------------------------------------------------

def _bucket(days: int) -> str:
    return next(name for low, high, name in BUCKETS if low <= days <= high)


def readings(reports: list[tuple[str, str, datetime]]) -> list[tuple[int, datetime]]:
    """When the ETA is read: at each report but the last (the arrival), and once a day between reports,
    as a customer reading the Track page would; with how many reports are known then."""
    out = []
    for known, (_, _, moment) in enumerate(reports[:-1], start=1):
        at = moment
        while at < reports[known][2]:
            out.append((known, at))
            at += READING
    return out


Score = tuple[float, bool]
"""signed error of p50 in hours (p50 - actual arrival), and whether the arrival is in the band"""


def run(dates: int, seed: int = 14) -> None:
    network = load_network()
    w = world(network)
    rng = random.Random(seed)
    scores: dict[str, dict[str, list[Score]]] = {"before": {}, "after": {}}
    by_cause: dict[str, list[Score]] = {}
    timings: dict[str, list[float]] = {"before": [], "after": []}
    journeys = 0
    started = time.perf_counter()
    for origin, destination, via in PAIRS:
        for k in range(dates):
            depart = date(2026, 1, 1) + timedelta(days=round(k * 365 / dates))
            request = PlanRequest(origin=origin, destination=destination, depart=depart, via=via)
            itinerary = plan_itineraries(network, request).itineraries[0]
            journey = replay(w, itinerary, rng)
            journeys += 1
            stored = [StoredEvent(seq, ContainerEvent(
                event_id=f"{origin}{destination}{k}-{seq}", event_type=EventType.TRANSPORT, code=code,
                classifier=Classifier.ACT, event_time=moment, container=CONTAINER, locode=place), "")
                for seq, (code, place, moment) in enumerate(journey.reports, start=1)]
            for known, now in readings(journey.reports):
                t0 = time.perf_counter()
                eta = estimate(stored[:known], plan=journey.plan, network=network, now=now)
                t1 = time.perf_counter()
                before = old_estimate(stored[:known], journey.plan, network, now)
                t2 = time.perf_counter()
                timings["after"].append(t1 - t0)
                timings["before"].append(t2 - t1)
                assert eta is not None
                bucket = _bucket(int((journey.arrival - now) / timedelta(days=1)))
                for name, (p50, p90) in (("after", (eta.p50, eta.p90)), ("before", before)):
                    score = ((p50 - journey.arrival) / timedelta(hours=1),
                             p50 - (p90 - p50) <= journey.arrival <= p90)
                    scores[name].setdefault(bucket, []).append(score)
                    if name == "after":
                        by_cause.setdefault(journey.cause, []).append(score)
    print(f"{journeys} journeys, {len(timings['after'])} readings (at each report and daily between), "
          f"{time.perf_counter() - started:.0f} s")
    print(f"{'days to arrival':>15} {'readings':>9}  {'MAE p50 h before':>16} {'after':>6}"
          f"  {'in band before':>14} {'after':>6}  {'after: bias h':>13} {'sd h':>6}")
    everything: dict[str, list[Score]] = {"before": [], "after": []}
    for _, _, name in BUCKETS:
        rows = {m: scores[m].get(name, []) for m in scores}
        for m in rows:
            everything[m] += rows[m]
        _row(name, rows)
    _row("all", everything)
    print("after, by what happened to the journey (the rarest and largest cause it met):")
    for cause in ("clean", "missed", "late_train", "storm", "closure"):
        found = by_cause.get(cause, [])
        if found:
            errors = [e for e, _ in found]
            print(f"{cause:>15} {len(found):>9}  MAE {statistics.fmean(map(abs, errors)):6.1f} h  "
                  f"bias {statistics.fmean(errors):+7.1f} h  sd {statistics.pstdev(errors):6.1f} h  "
                  f"in band {100 * statistics.fmean(ok for _, ok in found):3.0f}%")
    for name, values in timings.items():
        ms = sorted(v * 1000 for v in values)
        target = "  (target p99 <= 20 ms)" if name == "after" else ""
        print(f"one ETA recomputation, {name}: p50 {ms[len(ms) // 2]:.2f} ms, "
              f"p99 {ms[int(len(ms) * 0.99)]:.2f} ms{target}")


def _row(name: str, rows: dict[str, list[Score]]) -> None:
    if not rows["after"]:
        return
    mae = {m: statistics.fmean(abs(e) for e, _ in found) for m, found in rows.items()}
    inside = {m: 100 * statistics.fmean(ok for _, ok in found) for m, found in rows.items()}
    errors = [e for e, _ in rows["after"]]
    print(f"{name:>15} {len(rows['after']):>9}  {mae['before']:>16.1f} {mae['after']:>6.1f}"
          f"  {inside['before']:>13.0f}% {inside['after']:>5.0f}%  {statistics.fmean(errors):>+13.1f}"
          f" {statistics.pstdev(errors):>6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dates", type=int, default=100, help="departure dates per origin-destination pair")
    run(parser.parse_args().dates)


if __name__ == "__main__":
    main()
