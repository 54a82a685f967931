"""The rules of one query: which services may carry the cargo, what each section costs and emits,
and which dwells apply when a container changes service.

Which dwells apply where is the corridor's rule (`karvan.network.rules`, documented in the README's
planner section); here they are priced and timed for the query: port handling in the storm season of
the month the cargo is ready. Costs and emissions are integer cents and grams so that sums are exact
and comparisons deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from karvan.emissions import FactorTable, hub_emissions, leg_emissions, load_factors
from karvan.emissions.chain import Emissions
from karvan.network.model import ContainerType, DwellKind, Service
from karvan.network.network import Network
from karvan.network.rules import WATER, Direction, Side, change_kinds, corridor_rules, dwell
from karvan.planner.lines import Line, lines_of, scratch_of
from karvan.planner.request import PlanRequest

Arrival = Side
"""How a container reached a place: what decides the dwell at its next change of service."""


@dataclass(frozen=True)
class Step:
    """One dwell activity at a place, per container."""

    place: str
    kind: DwellKind
    p50_s: int
    p90_s: int
    cost_cents: int
    emissions: Emissions
    estimate: bool
    source: str


@dataclass(frozen=True)
class Transfer:
    steps: tuple[Step, ...]
    seconds: int
    cost_cents: int
    co2_g: int


@lru_cache(maxsize=1)
def handling_cost_usd() -> dict[DwellKind, float]:
    """Charge per container for one handling of each kind (data/handling.yaml)."""
    path = Path(str(resources.files("karvan") / "data" / "handling.yaml"))
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {DwellKind(k): float(v["value"]) for k, v in doc["handling_usd_per_container"].items()}


def tariff_usd(service: Service, container: ContainerType) -> float | None:
    """Per-container tariff for the whole run: the type's own, else a same-size type's (40HC = 40GP),
    else a same-kind type of the other size scaled by TEU. Reefers need a reefer tariff."""
    tariffs = service.tariff_usd
    if container in tariffs:
        return tariffs[container]
    same_kind = [t for t in tariffs if t.is_reefer == container.is_reefer]
    for other in sorted(same_kind, key=lambda t: (t.teu != container.teu, t.value)):
        return tariffs[other] * container.teu / other.teu
    return None


def local_epoch(value: date | datetime, timezone: str, end_of_day: bool = False) -> int:
    """Seconds since the epoch; a date or naive time is read in `timezone`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end_of_day else time.min)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return int(value.timestamp())


class Rules:
    """Everything a search, a brute-force enumeration and itinerary assembly must agree on."""

    def __init__(self, network: Network, request: PlanRequest, factors: FactorTable | None = None) -> None:
        self.network = network
        self.request = request
        self.factors = factors or load_factors()
        self.handling_cost_usd = handling_cost_usd()
        self.lines = lines_of(network)
        self.scratch = scratch_of(network)
        origin = network.place(request.origin)
        network.place(request.destination)
        self.start_s = local_epoch(request.depart, origin.timezone)
        self.month = request.depart.month
        """the month the cargo is ready: it decides the ports' storm season for the whole query"""
        self.horizon_s = self.start_s + request.horizon_days * 86_400
        self.arrive_before_s = (
            local_epoch(request.arrive_before, network.place(request.destination).timezone, True)
            if request.arrive_before is not None else None)
        self.payload_t = self.factors.payload_t(request.cargo.container_type, request.weight_kg)
        self.reefer = request.cargo.container_type.is_reefer
        avoid = set(request.avoid_countries)
        self.blocked_places = frozenset(c for c, p in network.places.items() if p.country in avoid)
        self.usable_key = ("usable", request.modes, request.dangerous_goods, request.cargo, request.weight_kg)
        usable = self.scratch.get(self.usable_key)
        if usable is None:
            usable = self.scratch[self.usable_key] = tuple(
                self.refusal(line.service) is None for line in self.lines)
        self.usable: tuple[bool, ...] = usable
        self.section_cost_cents, self.section_emissions, self.section_co2_g = self._sections()
        arrivals = self.scratch.get("arrivals")
        if arrivals is None:
            customs = corridor_rules().crosses_customs
            arrivals = self.scratch["arrivals"] = [
                (None, *(Arrival(line.mode, s.gauge, line.service.operator, customs(s.countries))
                         for s in line.sections))
                for line in self.lines]
        self._arrivals: list[tuple[Arrival, ...]] = arrivals
        self._transfers: dict[tuple[str, Arrival | None, int, int], Transfer] = {}

    def _sections(self) -> tuple[list[tuple[int, ...]], list[tuple[Emissions, ...]], list[tuple[int, ...]]]:
        """Cost (cents) and emissions of every section of every service for this cargo (cached)."""
        container = self.request.cargo.container_type
        key = ("sections", container, self.payload_t, id(self.factors))
        cached = self.scratch.get(key)
        if cached is not None and cached[0] is self.factors:
            return cached[1]  # type: ignore[no-any-return]
        costs, emissions = [], []
        for line in self.lines:
            tariff = tariff_usd(line.service, container) or 0.0
            shares = [s.distance_km / line.total_km if line.total_km else 1 / len(line.sections)
                      for s in line.sections]
            costs.append(tuple(round(tariff * 100 * share) for share in shares))
            emissions.append(tuple(
                leg_emissions(self.factors, self.category(line, i), section.countries, section.distance_km,
                              self.payload_t)
                for i, section in enumerate(line.sections)))
        co2_g = [tuple(round(e.wtw_kg * 1000) for e in line_e) for line_e in emissions]
        self.scratch[key] = (self.factors, (costs, emissions, co2_g))
        return costs, emissions, co2_g

    def category(self, line: Line, section: int) -> str:
        """Emission category of one section: the service's own, else by mode and the link's traction, so
        a train running under wires in one country and behind diesel in the next gets both right."""
        traction = line.sections[section].traction
        return self.factors.category_for(line.mode, traction, line.service.emission_category)

    def refusal(self, service: Service) -> str | None:
        """Why `service` cannot carry this cargo, or None if it can."""
        req, cargo = self.request, self.request.cargo
        if req.modes and service.mode not in req.modes:
            return f"mode {service.mode.value} not allowed"
        if req.dangerous_goods and not service.dangerous_goods:
            return "no dangerous goods"
        if cargo.container_type.is_reefer and service.reefer_plugs < cargo.count:
            return f"{service.reefer_plugs} reefer plugs"
        if service.capacity_teu < cargo.teu:
            return f"capacity {service.capacity_teu} TEU"
        max_kg = service.max_gross_kg_per_teu * cargo.container_type.teu
        if req.weight_kg is not None and req.weight_kg > max_kg:
            return f"max {service.max_gross_kg_per_teu:.0f} kg per TEU"
        if tariff_usd(service, cargo.container_type) is None:
            return f"no tariff for {cargo.container_type.value}"
        return None

    def ridable(self, line: Line, section: int) -> bool:
        return line.stops[section + 1] not in self.blocked_places

    def arrival(self, line: Line, stop_index: int) -> Arrival:
        return self._arrivals[line.index][stop_index]

    def _step(self, place: str, kind: DwellKind, direction: Direction = Direction.LOAD) -> Step:
        key = ("step", place, kind, direction, self.month, self.reefer, id(self.factors))
        cached = self.scratch.get(key)
        if cached is not None and cached[0] is self.factors:
            return cached[1]  # type: ignore[no-any-return]
        figure = dwell(self.network, place, kind, direction=direction, month=self.month)
        hub = Emissions() if kind in (DwellKind.BORDER, DwellKind.CUSTOMS, DwellKind.HANDOVER) else \
            hub_emissions(self.factors, self.reefer)
        step = Step(place, kind, round(figure.p50_hours * 3600), round(figure.p90_hours * 3600),
                    round(self.handling_cost_usd.get(kind, 0.0) * 100), hub, figure.default, figure.source)
        self.scratch[key] = (self.factors, step)
        return step

    def _transfer(self, steps: list[Step]) -> Transfer:
        return Transfer(tuple(steps), sum(s.p50_s for s in steps), sum(s.cost_cents for s in steps),
                        sum(round(s.emissions.wtw_kg * 1000) for s in steps))

    def boarding(self, place: str, came: Arrival | None, line: Line, stop_index: int) -> Transfer:
        """Dwell before boarding `line` at `stop_index`, having arrived as `came` (None at the origin)."""
        key = (place, came, line.index, stop_index)
        cached = self._transfers.get(key)
        if cached is not None:
            return cached
        steps: list[Step] = []
        if came is None:
            if line.mode in WATER:
                steps.append(self._step(place, DwellKind.PORT_HANDLING))
        else:
            going = self._arrivals[line.index][stop_index + 1]
            direction = Direction.LOAD if line.mode in WATER else Direction.DISCHARGE
            steps += [self._step(place, kind, direction) for kind in change_kinds(came, going)]
        transfer = self._transfers[key] = self._transfer(steps)
        return transfer

    def finishing(self, place: str, came: Arrival) -> Transfer:
        """Dwell at the destination after the last leg."""
        key = (place, came, -1, -1)
        cached = self._transfers.get(key)
        if cached is None:
            steps = [self._step(place, DwellKind.PORT_HANDLING, Direction.DISCHARGE)] \
                if came.mode in WATER else []
            cached = self._transfers[key] = self._transfer(steps)
        return cached

    def departure(self, line: Line, stop_index: int, ready_s: int) -> int | None:
        """Earliest departure of `line` from `stop_index` at or after `ready_s`, within the horizon."""
        offset = line.offsets_s[stop_index]
        first = line.calendar.next_at_or_after(ready_s - offset, self.horizon_s - offset)
        return None if first is None else first + offset
