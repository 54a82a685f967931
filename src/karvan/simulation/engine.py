"""The discrete-event model of the corridor (SimPy), one run for one seed.

Containers arrive in daily consignments per origin-destination and follow their route (see
`routing`). Every scheduled departure is a vehicle process: it leaves its first stop at the timetable
time (unless a storm cancels a sailing or the place is closed), loads waiting consignments first
come first served up to its TEU capacity (splitting a consignment when only part fits), runs each leg
with a lognormal run time, and at each later stop unloads and loads (a through service's border stops
are inside its run times, as in the planner). Only services that some route rides are simulated
(the track other trains use is in the data file's `background_trains_per_day`), and the ferries that
carry non-container cargo (`ferry_cargo`): each sailing gives some of its wagon places to tank and
bulk wagons and trucks, and containers get the rest. Capacity that the
network records do not carry comes from the simulation data file:

- rail links: at most `trains_per_day` trains enter a link per day (a headway of 24 h / free trains);
- border crossings: at most `trains_per_day` trains pass a crossing station per day;
- gauge change: a place handles `capacity_teu_per_day`; a train or consignment is held for the
  longer of its sampled dwell and its queue wait plus its processing time (TEU / rate);
- ports: a ship or ferry needs a berth for `berth_hours_per_call` on departure and arrival; a
  container waiting for a sailing needs yard space, and waits on its wagon when the yard is full.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Generator, Iterable
from datetime import timedelta
from itertools import pairwise
from typing import Any

import networkx as nx
import simpy
from simpy.resources.resource import Request

from karvan.errors import InputError
from karvan.network.model import DwellKind, Mode, Service
from karvan.network.network import Network
from karvan.network.rules import WATER
from karvan.simulation.data import FerryCargo, SimulationData, StormSeason
from karvan.simulation.recorder import Level, Recorder, ResourceStat
from karvan.simulation.routing import DwellTime, Ride, Route, route_via, section_gauge
from karvan.simulation.sampling import poisson, sample_hours
from karvan.simulation.scenario import Demand, Scenario
from karvan.simulation.timetable import apply_capacity_changes, departure_hours

Proc = Generator[simpy.Event, Any, None]
NON_CONTAINER = "non-container cargo"
"""Corridor label of the tank wagons, bulk wagons and trucks that share the ferries (tonnes, no TEU)."""
Listener = Callable[[float, dict[str, Any]], None]
"""Receives (simulated hours, event fields) for the live feed; see `karvan.simulation.feed`."""


class Consignment:
    """Containers of one origin-destination travelling together (until a vehicle splits them)."""

    __slots__ = ("alight", "boarded_h", "containers", "corridor", "created_h", "done", "enqueued_h", "od",
                 "position", "route_index", "teu_per_container", "tonnes_per_container", "tracked")

    def __init__(self, demand: Demand, containers: float, created_h: float) -> None:
        self.od = demand.od
        self.corridor = demand.label
        self.teu_per_container = demand.teu_per_container
        self.tonnes_per_container = demand.cargo_tonnes_per_container
        self.containers = containers
        self.created_h = created_h
        self.enqueued_h = 0.0
        self.alight = 0
        self.boarded_h: float | None = None
        self.route_index = 0
        self.position = 0
        self.done: simpy.Event | None = None
        self.tracked: str | None = None

    @property
    def teu(self) -> float:
        return self.containers * self.teu_per_container

    def split(self, containers: float) -> Consignment:
        """Take `containers` off into a new consignment; this one keeps the rest."""
        part = object.__new__(Consignment)
        for name in self.__slots__:
            setattr(part, name, getattr(self, name))
        part.containers = containers
        self.containers -= containers
        part.tracked = None
        return part


class CorridorModel:
    """One simulation run: build resources from network, data and scenario, then `run()`."""

    def __init__(self, network: Network, scenario: Scenario, data: SimulationData, seed: int,
                 env: simpy.Environment | None = None) -> None:
        self.network = apply_capacity_changes(network, scenario)
        self.scenario = scenario
        self.rng = random.Random(seed)
        self.env = env or simpy.Environment()
        self.rec = Recorder(scenario.start, scenario.horizon_days, scenario.warmup_days)
        self._check_places(scenario)
        self.routes: list[Route] = [self._route(d) for d in scenario.demand]
        self.queues: dict[tuple[str, int], deque[Consignment]] = {}
        self.missed: dict[tuple[str, int], list[float]] = {}
        self.in_transit = 0.0
        self.listener: Listener | None = None
        self._tracked_serial = 0
        self._window_h = (scenario.horizon_days - scenario.warmup_days) * 24.0
        self.gauge_places = {code for code, place in self.network.places.items()
                             if place.facilities.gauge_change is not None}
        self._build_closures()
        self._build_storms(data.storms)
        self.ferry_cargo = self._build_ferry_cargo(data.ferry_cargo)
        self._build_gauge_change()
        self._build_lines(data)
        self._build_crossings(data)
        self._build_ports(data)
        self._gauge_stops = {
            service.id: frozenset(
                i for i in range(1, len(service.stops) - 1)
                if service.mode is Mode.RAIL and service.stops[i] in self.gauge_places
                and section_gauge(self.network, service, i - 1) != section_gauge(self.network, service, i))
            for service in self.network.services.values()}

    def _check_places(self, scenario: Scenario) -> None:
        """Every place the scenario names must be in the network (a typo would otherwise do nothing)."""
        named = [(f"demand.{i}.{key}", code) for i, d in enumerate(scenario.demand)
                 for key, code in (("origin", d.origin), ("destination", d.destination),
                                   *(("via", v) for v in d.via))]
        named += [(f"disruptions.{i}.place", d.place) for i, d in enumerate(scenario.disruptions)
                  if d.kind == "closure"]
        named += [(f"capacity.facilities.{i}.place", f.place)
                  for i, f in enumerate(scenario.capacity.facilities)]
        for field, code in named:
            if code not in self.network.places:
                raise InputError(f"{code!r} is not a place of the network", record=scenario.name, field=field,
                                 fix="use a network place code (see 'karvan places search')")

    def _route(self, demand: Demand) -> Route:
        if self.scenario.routing == "planner":
            from karvan.simulation.planned import planned_route  # the planner is only needed here

            return planned_route(self.network, demand.origin, demand.destination, self.scenario.start,
                                 demand.via, demand.modes)
        return route_via(self.network, demand.origin, demand.destination, demand.via, demand.modes)

    # --- resources -------------------------------------------------------------------------------

    def _build_closures(self) -> None:
        self.closures: dict[str, list[tuple[float, float]]] = {}
        for d in self.scenario.disruptions:
            if d.kind == "closure":
                start_h = d.start_day * 24.0
                self.closures.setdefault(d.place, []).append((start_h, start_h + d.days * 24.0))

    def _build_storms(self, seasons: Iterable[StormSeason]) -> None:
        storms: list[tuple[frozenset[Any], frozenset[str], frozenset[int], float]] = []
        if self.scenario.weather:
            storms += [(frozenset(s.service_kinds), frozenset(s.services), frozenset(s.months),
                        s.cancel_probability) for s in seasons]
        storms += [(frozenset(d.service_kinds), frozenset(d.services), frozenset(d.months),
                    d.cancel_probability) for d in self.scenario.disruptions if d.kind == "storm"]
        self.storms = storms

    def _build_ferry_cargo(self, cargoes: Iterable[FerryCargo]) -> dict[str, FerryCargo]:
        """The non-container cargo sharing each wagon-carrying ferry (the first entry that applies)."""
        shared: dict[str, FerryCargo] = {}
        for service in self.network.services.values():
            match = next((c for c in cargoes if c.applies(service.id, service.kind)), None)
            if service.capacity_wagons and match is not None:
                shared[service.id] = match
        return shared

    def _deck(self, service: Service) -> tuple[float, float]:
        """TEU left for containers on one sailing, and the non-container tonnes it carries."""
        cargo = self.ferry_cargo.get(service.id)
        if cargo is None or service.capacity_wagons is None:
            return float(service.capacity_teu), 0.0
        wagons = min(poisson(self.rng, cargo.wagons_per_sailing), service.capacity_wagons)
        room = min(float(service.capacity_teu), (service.capacity_wagons - wagons) * cargo.teu_per_wagon)
        return room, wagons * cargo.tonnes_per_wagon

    def _stat(self, key: str, kind: str, name: str, place: str | None, available: float) -> ResourceStat:
        stat = self.rec.resource(key, kind, name, place)
        stat.available = available
        return stat

    def _build_gauge_change(self) -> None:
        override = {f.place: f.gauge_change_teu_per_day for f in self.scenario.capacity.facilities
                    if f.gauge_change_teu_per_day}
        self.gauge: dict[str, tuple[simpy.Resource, float, ResourceStat]] = {}
        for code, place in self.network.places.items():
            facility = place.facilities.gauge_change
            rate = override.get(code, facility.capacity_teu_per_day if facility else None)
            if rate:
                stat = self._stat(f"gauge_change:{code}", "gauge_change", f"gauge change at {code}", code,
                                  rate / 24.0 * self._window_h)
                self.gauge[code] = (simpy.Resource(self.env, 1), rate, stat)

    def _build_lines(self, data: SimulationData) -> None:
        override = {line.link: line.trains_per_day for line in self.scenario.capacity.lines}
        self.lines: dict[str, tuple[simpy.Resource, float, ResourceStat]] = {}
        for line in data.lines:
            if line.link not in self.network.links:
                continue
            free = override.get(line.link, line.free_trains_per_day)
            stat = self._stat(f"line:{line.link}", "line", f"rail link {line.link}", None,
                              free / 24.0 * self._window_h)
            self.lines[line.link] = (simpy.Resource(self.env, 1), 24.0 / free, stat)
        rail = nx.Graph()
        for link in self.network.links.values():
            if link.mode is Mode.RAIL:
                rail.add_edge(link.a, link.b, weight=link.distance_km, id=link.id)
        self._rail = rail
        self._leg_links: dict[tuple[str, str], tuple[str, ...]] = {}

    def _links_of_leg(self, a: str, b: str) -> tuple[str, ...]:
        key = (a, b)
        if key not in self._leg_links:
            ids: tuple[str, ...] = ()
            if self.lines and a in self._rail and b in self._rail:
                try:
                    path = nx.shortest_path(self._rail, a, b, weight="weight")
                    ids = tuple(self._rail.edges[u, v]["id"] for u, v in pairwise(path))
                except nx.NetworkXNoPath:
                    ids = ()
            self._leg_links[key] = tuple(i for i in ids if i in self.lines)
        return self._leg_links[key]

    def _build_crossings(self, data: SimulationData) -> None:
        self.crossings: dict[str, tuple[simpy.Resource, float, ResourceStat]] = {}
        for crossing in data.crossings:
            if crossing.place in self.network.places:
                stat = self._stat(f"crossing:{crossing.place}", "crossing", f"crossing at {crossing.place}",
                                  crossing.place, crossing.trains_per_day / 24.0 * self._window_h)
                self.crossings[crossing.place] = (simpy.Resource(self.env, 1),
                                                  24.0 / crossing.trains_per_day, stat)

    def _build_ports(self, data: SimulationData) -> None:
        override = {f.place: f for f in self.scenario.capacity.facilities}
        self.berths: dict[str, tuple[simpy.Resource, float, ResourceStat]] = {}
        self.yards: dict[str, tuple[simpy.Container, ResourceStat]] = {}
        for port in data.ports:
            if port.place not in self.network.places:
                continue
            change = override.get(port.place)
            berths = change.berths if change and change.berths else port.berths
            yard_teu = change.yard_teu if change and change.yard_teu else port.yard_teu
            stat = self._stat(f"berths:{port.place}", "berths", f"berths at {port.place}", port.place,
                              berths * self._window_h)
            self.berths[port.place] = (simpy.Resource(self.env, berths), port.berth_hours_per_call, stat)
            if yard_teu:
                ystat = self._stat(f"yard:{port.place}", "yard", f"yard at {port.place}", port.place,
                                   yard_teu * self._window_h)
                ystat.level = Level(self.rec.warmup_h)
                self.yards[port.place] = (simpy.Container(self.env, capacity=yard_teu), ystat)

    # --- demand and journeys ---------------------------------------------------------------------

    def _demand(self, index: int, demand: Demand) -> Proc:
        per_day = demand.containers_per_week * self.scenario.demand_factor / 7.0
        day = 0
        while day < self.scenario.horizon_days:
            growth = (1 + demand.growth_pct_per_year / 100.0) ** (day / 365.0)
            containers = poisson(self.rng, per_day * growth)
            at_h = (day + self.rng.random()) * 24.0
            if containers:
                yield self.env.timeout(max(at_h - self.env.now, 0.0))
                consignment = Consignment(demand, containers, self.env.now)
                if self.rec.counting(self.env.now):
                    self.rec.created_containers += containers
                if self.listener:
                    self._tracked_serial += 1
                    consignment.tracked = f"{self._tracked_serial:06d}"
                    self._emit(consignment, "GTIN", demand.origin)
                self.env.process(self._journey(consignment, index, 0))
            day += 1

    def _journey(self, c: Consignment, route_index: int, first_step: int, queued: bool = False) -> Proc:
        route = self.routes[route_index]
        self.in_transit += c.containers
        for position in range(first_step, len(route)):
            step = route[position]
            if isinstance(step, Ride):
                if not (queued and position == first_step):
                    yield from self._enqueue(c, step, route_index, position)
                assert c.done is not None
                yield c.done
            else:
                yield from self._wait_open(step.place, c.teu)
                yield from self._dwell(step.place, step.dwells, c.teu)
                if self.listener and any(d.kind is DwellKind.GAUGE_CHANGE for d in step.dwells):
                    self._emit(c, "XGCT", step.place)
        self.in_transit -= c.containers
        if self.listener:
            last = route[-1]
            place = last.place if not isinstance(last, Ride) else self.network.services[last.service].stops[
                last.alight]
            self._emit(c, "GTOT", place)
        self.rec.journey_done(self.env.now, c.created_h, c.boarded_h, c.od, c.corridor, c.containers,
                              c.teu, c.containers * c.tonnes_per_container)

    def _enqueue(self, c: Consignment, ride: Ride, route_index: int, position: int) -> Proc:
        service = self.network.services[ride.service]
        place = service.stops[ride.board]
        self.rec.queue(place).change(self.env.now, c.containers)
        c.enqueued_h = self.env.now
        if service.mode in WATER and place in self.yards:
            yard, stat = self.yards[place]
            asked = self.env.now
            space_teu = min(c.teu, yard.capacity)  # a consignment bigger than the yard fills it
            yield yard.put(space_teu)
            assert stat.level is not None
            stat.level.change(self.env.now, space_teu)
            self.rec.delay(self.env.now, stat, self.env.now - asked, c.teu)
        c.alight = ride.alight
        c.done = self.env.event()
        self.queues.setdefault((ride.service, ride.board), deque()).append(c)
        c.route_index, c.position = route_index, position

    def _wait_open(self, place: str, teu: float) -> Proc:
        for start_h, end_h in self.closures.get(place, ()):
            if start_h <= self.env.now < end_h:
                stat = self.rec.resource(f"closure:{place}", "closure", f"closure of {place}", place)
                self.rec.delay(self.env.now, stat, end_h - self.env.now, teu)
                yield self.env.timeout(end_h - self.env.now)

    def _dwell(self, place: str, dwells: Iterable[DwellTime], teu: float) -> Proc:
        """Sampled dwell; at a gauge-change facility, at least the queue wait plus processing."""
        hours = 0.0
        gauge_change = False
        for dwell in dwells:
            hours += sample_hours(self.rng, dwell.p50_hours, dwell.p90_hours)
            gauge_change = gauge_change or dwell.kind is DwellKind.GAUGE_CHANGE
        started = self.env.now
        if gauge_change and place in self.gauge:
            facility, rate, stat = self.gauge[place]
            with facility.request() as request:
                yield request
                yield self.env.timeout(teu / rate * 24.0)
            self.rec.delay(self.env.now, stat, self.env.now - started - hours, teu)
            if self.rec.counting(self.env.now):
                stat.used += teu
                stat.count += 1
        remaining = hours - (self.env.now - started)
        if remaining > 0:
            yield self.env.timeout(remaining)

    def _through_gauge_change(self, place: str, teu: float) -> Proc:
        """A through train's gauge change is inside its run time; it only waits if the facility is busy."""
        facility, rate, stat = self.gauge[place]
        asked = self.env.now
        request = facility.request()
        yield request
        self.rec.delay(self.env.now, stat, self.env.now - asked, teu)
        if self.rec.counting(self.env.now):
            stat.used += teu
            stat.count += 1
        self.env.process(self._release_after(facility, request, teu / rate * 24.0))

    def _emit(self, c: Consignment | None, code: str, place: str, service: Service | None = None,
              departure: str | None = None) -> None:
        """Tell the listener about an event of the consignment's tracked container (or a vehicle)."""
        if self.listener is None or (c is not None and c.tracked is None):
            return
        self.listener(self.env.now, {
            "code": code, "place": place, "serial": c.tracked if c else None, "od": c.od if c else None,
            "service": service.id if service else None, "mode": service.mode.value if service else None,
            "operator": service.operator if service else None, "departure": departure})

    def _emit_vehicle(self, onboard: list[Consignment], code: str, place: str, service: Service,
                      departure: str) -> None:
        """A vehicle's departure or arrival, reported on its first tracked container."""
        tracked = next((c for c in onboard if c.tracked), None)
        if tracked is not None:
            self._emit(tracked, code, place, service, departure)

    # --- vehicles --------------------------------------------------------------------------------

    def _timetable(self, service: Service) -> Proc:
        for t in departure_hours(service, self.network, self.scenario):
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            self.env.process(self._vehicle(service))

    def _cancelled(self, service: Service) -> bool:
        month = (self.scenario.start + timedelta(hours=self.env.now)).month
        for kinds, ids, months, probability in self.storms:
            applies = month in months and (service.kind in kinds or service.id in ids)
            if applies and self.rng.random() < probability:
                return True
        return False

    def _token(self, gate: tuple[simpy.Resource, float, ResourceStat], teu: float) -> Proc:
        """Pass a rate-limited gate (line, crossing): wait for it, then block it for one headway."""
        resource, headway_h, stat = gate
        asked = self.env.now
        request = resource.request()
        yield request
        self.rec.delay(self.env.now, stat, self.env.now - asked, teu)
        if self.rec.counting(self.env.now):
            stat.used += 1
            stat.count += 1
        self.env.process(self._release_after(resource, request, headway_h))

    def _release_after(self, resource: simpy.Resource, request: Request, hours: float) -> Proc:
        yield self.env.timeout(hours)
        resource.release(request)

    def _berth(self, place: str, teu: float) -> Proc:
        """Wait for a berth, then hold it for one call while the ship goes on (loading is in its times)."""
        resource, call_h, stat = self.berths[place]
        asked = self.env.now
        request = resource.request()
        yield request
        self.rec.delay(self.env.now, stat, self.env.now - asked, teu)
        if self.rec.counting(self.env.now):
            stat.used += call_h
            stat.count += 1
        self.env.process(self._release_after(resource, request, call_h))

    def _vehicle(self, service: Service) -> Proc:
        stops = service.stops
        water = service.mode in WATER
        waiting_teu = sum(c.teu for c in self.queues.get((service.id, 0), ()))
        yield from self._wait_open(stops[0], waiting_teu)
        if water and self._cancelled(service):
            self.rec.cancelled_sailings += 1
            self._mark_missed(service.id, 0)
            return
        if water and stops[0] in self.berths:
            yield from self._berth(stops[0], waiting_teu)
        onboard: list[Consignment] = []
        stat = self.rec.resource(f"service:{service.id}", "service", service.name, None)
        departure = f"{service.id}-{self.scenario.start + timedelta(hours=self.env.now):%Y%m%dT%H%M}"
        room_teu, other_tonnes = self._deck(service)
        peak_teu = self._load(service, 0, onboard, 0.0, departure, room_teu)
        load_teu = peak_teu
        for i in range(1, len(stops)):
            a, b = stops[i - 1], stops[i]
            if service.mode is Mode.RAIL:
                for link in self._links_of_leg(a, b):
                    yield from self._token(self.lines[link], load_teu)
            if self.listener:
                self._emit_vehicle(onboard, "DEPA", a, service, departure)
            yield self.env.timeout(sample_hours(self.rng, service.run_hours[i - 1], service.p90_hours[i - 1]))
            if self.listener:
                self._emit_vehicle(onboard, "ARRI", b, service, departure)
            self._carried(f"{a}-{b}", onboard)
            if other_tonnes:
                self.rec.ride_done(self.env.now, NON_CONTAINER, f"{a}-{b}", 0.0, other_tonnes)
            yield from self._wait_open(b, load_teu)
            if service.mode is Mode.RAIL and b in self.crossings:
                yield from self._token(self.crossings[b], load_teu)
            if water and b in self.berths:
                yield from self._berth(b, load_teu)
            if i in self._gauge_stops[service.id]:
                yield from self._through_gauge_change(b, load_teu)
            load_teu -= self._unload(service, i, onboard, departure)
            if i < len(stops) - 1:
                load_teu = self._load(service, i, onboard, load_teu, departure, room_teu)
                peak_teu = max(peak_teu, load_teu)
        if self.rec.counting(self.env.now):
            stat.used += peak_teu
            stat.available += room_teu
            stat.count += 1

    def _mark_missed(self, service_id: str, stop: int) -> None:
        if self.queues.get((service_id, stop)):
            self.missed.setdefault((service_id, stop), []).append(self.env.now)

    def _load(self, service: Service, stop: int, onboard: list[Consignment], load_teu: float,
              departure: str, capacity_teu: float) -> float:
        """Board waiting consignments first come first served up to `capacity_teu` (the service's, less
        what other cargo takes on a ferry); the new load in TEU."""
        queue = self.queues.get((service.id, stop))
        place = service.stops[stop]
        now = self.env.now
        while queue:
            room_teu = capacity_teu - load_teu
            c = queue[0]
            if c.teu > room_teu:
                fits = float(int(room_teu / c.teu_per_container + 1e-9))
                if fits < 1:
                    break
                rest = c.split(c.containers - fits)
                rest.done = self.env.event()
                queue[0] = rest
                self.env.process(self._journey_from_queue(rest))
            else:
                queue.popleft()
            onboard.append(c)
            load_teu += c.teu
            self._boarded(c, service, stop, place, now)
            if self.listener:
                self._emit(c, "LOAD", place, service, departure)
        self._mark_missed(service.id, stop)
        return load_teu

    def _journey_from_queue(self, c: Consignment) -> Proc:
        self.in_transit -= c.containers  # `_journey` counts it again
        yield from self._journey(c, c.route_index, c.position, queued=True)

    def _boarded(self, c: Consignment, service: Service, stop: int, place: str, now: float) -> None:
        self.rec.queue(place).change(now, -c.containers)
        if c.boarded_h is None:
            c.boarded_h = now
        self.rec.waited(now, place, now - c.enqueued_h, c.containers)
        missed = self.missed.get((service.id, stop), ())
        first = bisect_right(missed, c.enqueued_h)
        if first < len(missed):
            stat = self.rec.resource(f"service:{service.id}", "service", service.name, None)
            self.rec.delay(now, stat, now - missed[first], c.teu)
        if service.mode in WATER and place in self.yards:
            yard, ystat = self.yards[place]
            freed_teu = min(c.teu, yard.level)
            if freed_teu > 0:
                yard.get(freed_teu)
                assert ystat.level is not None
                ystat.level.change(now, -freed_teu)

    def _carried(self, segment: str, onboard: list[Consignment]) -> None:
        for c in onboard:
            tonnes = c.containers * c.tonnes_per_container
            self.rec.ride_done(self.env.now, c.corridor, segment, c.teu, tonnes)

    def _unload(self, service: Service, stop: int, onboard: list[Consignment], departure: str) -> float:
        leaving = [c for c in onboard if c.alight == stop]
        if not leaving:
            return 0.0
        onboard[:] = [c for c in onboard if c.alight != stop]
        for c in leaving:
            assert c.done is not None
            c.done.succeed()
            if self.listener:
                self._emit(c, "DISC", service.stops[stop], service, departure)
        return sum(c.teu for c in leaving)

    # --- run -------------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        used = {step.service for route in self.routes for step in route if isinstance(step, Ride)}
        used |= set(self.ferry_cargo)  # ferries sail with their tank wagons and trucks, boxes or not
        for service in self.network.services.values():
            if service.id in used:
                self.env.process(self._timetable(service))
        for index, demand in enumerate(self.scenario.demand):
            self.env.process(self._demand(index, demand))
        self.env.run(until=self.scenario.horizon_days * 24.0)
        return self.rec.summary(self.in_transit)
