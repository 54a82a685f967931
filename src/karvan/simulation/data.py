"""Figures the simulation needs that the network records do not hold.

Line capacity of rail sections, train throughput of border crossings, berths and yards of ports and
storm seasons live in a YAML file next to this module (`corridor.yaml`), each with a source or
"estimate: <basis>", the same rule as the network files. A scenario can point to another file.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from karvan.errors import InputError, first_problem
from karvan.network.model import ServiceKind, Source
from karvan.network.network import Network

DEFAULT_DATA = Path(__file__).with_name("corridor.yaml")


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LineCapacity(_Fact):
    """Trains per day a rail link can take, less the trains of other traffic using it."""

    link: str
    trains_per_day: float = Field(gt=0)
    background_trains_per_day: float = Field(default=0, ge=0)
    source: Source

    @property
    def free_trains_per_day(self) -> float:
        return max(self.trains_per_day - self.background_trains_per_day, 0.1)


class CrossingCapacity(_Fact):
    """Trains per day a border station can hand over (e.g. Dostyk-Alashankou exchange)."""

    place: str
    trains_per_day: float = Field(gt=0)
    source: Source


class PortFacts(_Fact):
    """Berths that ferries and ships call at, how long a call holds one, and the container yard."""

    place: str
    berths: int = Field(ge=1)
    berth_hours_per_call: float = Field(gt=0)
    yard_teu: int | None = Field(default=None, ge=1)
    source: Source


class StormSeason(_Fact):
    service_kinds: tuple[ServiceKind, ...] = ()
    services: tuple[str, ...] = ()
    months: tuple[int, ...] = Field(min_length=1)
    cancel_probability: float = Field(ge=0, le=1)
    source: Source


class FerryCargo(_Fact):
    """Non-container cargo that shares the deck of wagon-carrying ferries (tank wagons, bulk wagons,
    trucks): each sailing takes a Poisson number of wagon places with this mean, and containers get
    the wagon places left, `teu_per_wagon` each (never more than the service's TEU capacity)."""

    service_kinds: tuple[ServiceKind, ...] = ()
    services: tuple[str, ...] = ()
    wagons_per_sailing: float = Field(ge=0)
    tonnes_per_wagon: float = Field(gt=0)
    teu_per_wagon: float = Field(gt=0, le=4)
    source: Source

    def applies(self, service_id: str, kind: ServiceKind) -> bool:
        return service_id in self.services or kind in self.service_kinds


class SimulationData(_Fact):
    lines: tuple[LineCapacity, ...] = ()
    crossings: tuple[CrossingCapacity, ...] = ()
    ports: tuple[PortFacts, ...] = ()
    storms: tuple[StormSeason, ...] = ()
    ferry_cargo: tuple[FerryCargo, ...] = ()

    def unknown_references(self, network: Network) -> list[str]:
        """Links, places and services named here that `network` lacks.

        The engine ignores such facts (so one data file serves cut-down test networks too); this says
        which, so that a renamed network record cannot silently drop a capacity limit.
        """
        missing = [f"lines: link {line.link}" for line in self.lines if line.link not in network.links]
        missing += [f"crossings: place {c.place}" for c in self.crossings if c.place not in network.places]
        missing += [f"ports: place {p.place}" for p in self.ports if p.place not in network.places]
        missing += [f"storms: service {s}" for storm in self.storms for s in storm.services
                    if s not in network.services]
        missing += [f"ferry_cargo: service {s}" for cargo in self.ferry_cargo for s in cargo.services
                    if s not in network.services]
        return missing


def load_simulation_data(path: Path | str | None = None) -> SimulationData:
    path = Path(path) if path else DEFAULT_DATA
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(f"no such simulation data file: {path}", field="data") from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", record=str(path)) from None
    raw.pop("meta", None)
    try:
        return SimulationData.model_validate(raw)
    except ValidationError as exc:
        field, message = first_problem(exc)
        raise InputError(message, record=path.name, field=field, fix=f"correct {field} in {path}") from None
