"""The corridor's rules: which dwells a container meets where, and how often services leave.

One home for rules that the planner, the simulation and tracking must agree on. It lives in `network`
because every capability already imports the network and the rules are facts about it (places,
gauges, operators, customs areas), read from data/corridor_rules.yaml and data/handling.yaml. What
event codes mean lives next to the codes themselves, in `karvan.tracking.codes`.

At a change of service exactly one handling applies:
- `gauge_change` between rail services on 1435 and 1520 mm sections;
- else `port_handling` when either service is a ferry or ship (by port and direction: loading onto a
  ship in a port's storm season waits longer for a sailing);
- else `handover` when the wagons pass from one train to another on one gauge, between two railways
  or two trains of one railway (no lift: Gardabani, both sides 1520 mm; Köseköy, where the Kars train
  meets the Marmaray slot); at a customs border the border dwell covers the hand-over;
- else `transshipment`.
A `border` dwell (the place's border record, else its customs record, else the default) is added
when the arriving or departing section crosses a customs border: none between two members of one
customs area (EAEU, EU). Boarding a ship at the origin and leaving one at the destination meet port
handling; other loading and unloading at the ends is outside the terminal-to-terminal transit.
A missing record falls back to the defaults in data/handling.yaml, labelled as estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

import yaml

from karvan.network.model import DwellKind, Gauge, Mode, Schedule
from karvan.network.network import Network

WATER = frozenset({Mode.FERRY, Mode.SEA})


class Direction(StrEnum):
    LOAD = "load"
    DISCHARGE = "discharge"


@dataclass(frozen=True, slots=True)
class Figure:
    """A dwell distribution (hours) with where it comes from."""

    p50_hours: float
    p90_hours: float
    source: str
    default: bool = False
    """True when no record for the place exists and handling.yaml's default applies"""


@dataclass(frozen=True, slots=True)
class Season:
    months: frozenset[int]
    extra: Figure


@dataclass(frozen=True, slots=True)
class Port:
    load: Figure
    discharge: Figure
    storm: Season | None


@dataclass(frozen=True)
class CorridorRules:
    """The rule tables, loaded once from the bundled data."""

    area_of: dict[str, str]
    """country -> customs area name"""
    ports: dict[str, Port]
    defaults: dict[DwellKind, Figure]

    def customs_border(self, a: str, b: str) -> bool:
        """True when goods moving from country `a` to `b` pass customs formalities."""
        if a == b:
            return False
        area = self.area_of.get(a)
        return area is None or area != self.area_of.get(b)

    def crosses_customs(self, countries: tuple[str, ...]) -> bool:
        return any(self.customs_border(a, b) for a, b in pairwise(countries))


def _figure(raw: dict[str, Any], source: str) -> Figure:
    return Figure(float(raw["p50_hours"]), float(raw["p90_hours"]), source)


def _data(name: str) -> dict[str, Any]:
    text = (resources.files("karvan") / "data" / name).read_text(encoding="utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


@lru_cache(maxsize=1)
def corridor_rules() -> CorridorRules:
    doc, handling = _data("corridor_rules.yaml"), _data("handling.yaml")
    area_of = {country: area["name"] for area in doc["customs_areas"] for country in area["countries"]}
    ports = {}
    for code, raw in doc["ports"].items():
        storm = raw.get("storm")
        season = Season(frozenset(storm["months"]), _figure(storm, storm["source"])) if storm else None
        load, discharge = _figure(raw["load"], raw["source"]), _figure(raw["discharge"], raw["source"])
        ports[code] = Port(load, discharge, season)
    defaults = {DwellKind(k): Figure(float(v["p50_hours"]), float(v["p90_hours"]), v["source"], True)
                for k, v in handling["dwell_defaults"].items()}
    return CorridorRules(area_of, ports, defaults)


@dataclass(frozen=True, slots=True)
class Side:
    """How a container arrives at a place on one service section, or leaves it on another."""

    mode: Mode
    gauge: Gauge | None
    operator: str
    crosses_customs: bool


def change_kinds(came: Side, going: Side) -> tuple[DwellKind, ...]:
    """The dwells at a change from `came` to `going`, by the rules in the module docstring."""
    border = came.crosses_customs or going.crosses_customs
    rail = came.mode is Mode.RAIL and going.mode is Mode.RAIL
    if rail and None not in (came.gauge, going.gauge) and came.gauge != going.gauge:
        kind = DwellKind.GAUGE_CHANGE
    elif came.mode in WATER or going.mode in WATER:
        kind = DwellKind.PORT_HANDLING
    elif rail and came.gauge is not None and came.gauge == going.gauge:
        return (DwellKind.BORDER,) if border else (DwellKind.HANDOVER,)
    else:
        kind = DwellKind.TRANSSHIPMENT
    return (kind, DwellKind.BORDER) if border else (kind,)


def dwell(network: Network, place: str, kind: DwellKind, *, direction: Direction = Direction.LOAD,
          month: int | None = None) -> Figure:
    """The dwell distribution of `kind` at `place`, first found of: the network's record (an overlay
    can so replace any bundled figure); for a border, the place's customs record; for port handling, the
    port's figure by direction, with the storm season's added wait when loading in `month` (1-12) of
    the season; else the default (an estimate)."""
    record = network.dwell(place, kind)
    if record is None and kind is DwellKind.BORDER:
        record = network.dwell(place, DwellKind.CUSTOMS)
    if record is not None:
        return Figure(record.p50_hours, record.p90_hours, record.source)
    rules = corridor_rules()
    port = rules.ports.get(place) if kind is DwellKind.PORT_HANDLING else None
    if port is None:
        return rules.defaults[kind]
    base = port.load if direction is Direction.LOAD else port.discharge
    storm = port.storm
    if direction is Direction.LOAD and storm is not None and month in storm.months:
        return Figure(base.p50_hours + storm.extra.p50_hours, base.p90_hours + storm.extra.p90_hours,
                      f"{base.source}; storm season: {storm.extra.source}")
    return base


def departures_per_week(schedule: Schedule) -> float:
    """Average departures a week of a timetable (weekdays) or a frequency."""
    if schedule.weekdays is not None:
        return float(len(schedule.weekdays))
    return float(schedule.departures_per_week or 0.0)
