"""Simulation scenarios: what demand, capacity changes and disruptions to play through the network.

A scenario is a YAML file checked by pydantic; any mistake is reported as an `InputError` naming the
field (for example `demand.2.containers_per_week`). A scenario may `extend` another file: the other
file is read first, then this one's keys replace its keys (lists are replaced, not merged), so the
example scenarios state only what differs from the baseline.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from karvan.errors import InputError, first_problem
from karvan.network.model import Mode, Service, ServiceKind


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Demand(_Spec):
    """Containers offered per week between two places, growing at a yearly rate."""

    origin: str
    destination: str
    containers_per_week: float = Field(gt=0)
    teu_per_container: float = Field(default=2.0, gt=0, le=2.25)
    tonnes_per_container: float = Field(
        default=14.0, gt=0, le=32,
        description="gross cargo mass; default estimate: typical FEU payload on China-Europe rail")
    growth_pct_per_year: float = Field(default=0.0, gt=-100, le=1000)
    empty: bool = Field(default=False, description="empty containers repositioned: TEU but no cargo tonnes")
    corridor: str | None = Field(default=None, description="label for reports; default origin-destination")
    via: tuple[str, ...] = Field(default=(), description="places the route must pass, in order")
    modes: tuple[Mode, ...] = Field(default=(Mode.RAIL, Mode.FERRY, Mode.SEA), min_length=1,
                                    description="modes the route may use (trucks only when listed)")

    @model_validator(mode="after")
    def _distinct(self) -> Demand:
        if self.origin == self.destination:
            raise ValueError("origin and destination must differ")
        return self

    @property
    def label(self) -> str:
        return self.corridor or f"{self.origin}-{self.destination}"

    @property
    def cargo_tonnes_per_container(self) -> float:
        return 0.0 if self.empty else self.tonnes_per_container

    @property
    def od(self) -> str:
        return f"{self.origin}-{self.destination}"


class ServiceChange(_Spec):
    """Change one service: its capacity per departure, its frequency, or remove it."""

    service: str
    capacity_teu: int | None = Field(default=None, gt=0)
    departures_per_week: float | None = Field(default=None, gt=0)
    remove: bool = False


class FacilityChange(_Spec):
    """Change a place's gauge-change capacity, berths or yard."""

    place: str
    gauge_change_teu_per_day: float | None = Field(default=None, gt=0)
    berths: int | None = Field(default=None, ge=1)
    yard_teu: int | None = Field(default=None, ge=1)


class LineChange(_Spec):
    link: str
    trains_per_day: float = Field(gt=0)


class CapacityChanges(_Spec):
    services: tuple[ServiceChange, ...] = ()
    add_services: tuple[Service, ...] = ()
    facilities: tuple[FacilityChange, ...] = ()
    lines: tuple[LineChange, ...] = ()


class Closure(_Spec):
    """A place (a border crossing, a port) admits nothing for `days` days from `start_day`."""

    kind: Literal["closure"] = "closure"
    place: str
    start_day: float = Field(ge=0)
    days: float = Field(gt=0)
    reason: str = ""


class Storm(_Spec):
    """Sailings of the named services (or kinds) are cancelled with a probability in a season.

    `months` are calendar months (1-12). Adds to the storm seasons in the simulation data file.
    """

    kind: Literal["storm"] = "storm"
    service_kinds: tuple[ServiceKind, ...] = (ServiceKind.CASPIAN_FERRY, ServiceKind.RAIL_FERRY)
    services: tuple[str, ...] = ()
    months: tuple[int, ...] = Field(min_length=1)
    cancel_probability: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _months(self) -> Storm:
        if any(m not in range(1, 13) for m in self.months):
            raise ValueError("months are 1 (January) to 12 (December)")
        return self


Disruption = Annotated[Closure | Storm, Field(discriminator="kind")]


class Scenario(_Spec):
    name: str = Field(min_length=1)
    description: str = ""
    seed: int = 1
    start: date = date(2026, 1, 5)
    horizon_days: float = Field(default=365, gt=0, le=3660)
    warmup_days: float = Field(default=28, ge=0,
                               description="containers created before this are simulated but not counted")
    replications: int = Field(default=4, ge=1, le=1000)
    network: tuple[str, ...] = Field(default=(),
                                     description="network overlay files, relative to the scenario")
    data: str | None = Field(default=None, description="simulation data file; default the bundled one")
    weather: bool = Field(default=True, description="apply the storm seasons of the data file")
    routing: Literal["fastest", "planner"] = Field(
        default="fastest", description="fastest: expected-time router here; planner: the planner's itinerary")
    demand: tuple[Demand, ...] = Field(min_length=1)
    demand_factor: float = Field(default=1.0, gt=0, description="multiplies every demand line")
    capacity: CapacityChanges = CapacityChanges()
    disruptions: tuple[Disruption, ...] = ()

    @model_validator(mode="after")
    def _warmup(self) -> Scenario:
        if self.warmup_days >= self.horizon_days:
            raise ValueError("warmup_days must be shorter than horizon_days")
        return self


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in seen:
        raise InputError("scenarios extend each other in a loop", record=str(path), field="extends")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(f"no such scenario file: {path}", field="scenario",
                         fix="give the path of a scenario YAML file") from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", record=str(path), fix="fix the YAML syntax") from None
    if not isinstance(raw, dict):
        raise InputError("the top level must be a mapping", record=str(path), fix="start with 'name:'")
    parent = raw.pop("extends", None)
    if parent is None:
        return _absolute_paths(raw, path.parent)
    base = _read_raw((path.parent / str(parent)).resolve(), (*seen, path))
    return _merge(base, _absolute_paths(raw, path.parent))


def _absolute_paths(raw: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Make file references relative to the file that names them, so `extends` keeps them valid."""
    out = dict(raw)
    if isinstance(out.get("network"), list):
        out["network"] = [str((folder / str(p)).resolve()) for p in out["network"]]
    if isinstance(out.get("data"), str):
        out["data"] = str((folder / out["data"]).resolve())
    return out


def parse_scenario(raw: dict[str, Any], record: str = "scenario") -> Scenario:
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        field, message = first_problem(exc)
        raise InputError(message, record=record, field=field,
                         fix=f"correct {field or 'the scenario'}; see docs/simulation.md") from None


def load_scenario(path: Path | str) -> Scenario:
    """Read and check a scenario file (following `extends`)."""
    path = Path(path).resolve()
    return parse_scenario(_read_raw(path), record=path.name)
