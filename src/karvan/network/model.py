"""The corridor network as plain, validated records.

Each record holds one fact of the network and the source of its figures: `source` is a citation, or
text starting with "estimate:" followed by the basis of the estimate. Field names carry their units.
Field-level checks (formats, ranges) live here; rules that need the whole network (connectivity,
gauges, distances against geography) live in `karvan.network.validate`.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UNLOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
LOCAL_CODE_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,8}$")
"""Facilities without a UN/LOCODE get a local code: country, a hyphen, 2-8 letters (e.g. KZ-ALTYN)."""


class Mode(StrEnum):
    RAIL = "rail"
    FERRY = "ferry"
    SEA = "sea"
    ROAD = "road"


class Gauge(StrEnum):
    STANDARD = "1435"
    BROAD = "1520"


class Traction(StrEnum):
    ELECTRIC = "electric"
    DIESEL = "diesel"


class PlaceKind(StrEnum):
    RAIL_TERMINAL = "rail_terminal"
    SEA_PORT = "sea_port"
    DRY_PORT = "dry_port"
    BORDER_CROSSING = "border_crossing"
    CITY = "city"


class DwellKind(StrEnum):
    TRANSSHIPMENT = "transshipment"
    GAUGE_CHANGE = "gauge_change"
    HANDOVER = "handover"
    """a train or its wagons pass from one railway to the next on the same gauge: no lift"""
    PORT_HANDLING = "port_handling"
    BORDER = "border"
    CUSTOMS = "customs"


class ServiceKind(StrEnum):
    BLOCK_TRAIN = "block_train"
    RAIL_FERRY = "rail_ferry"
    CASPIAN_FERRY = "caspian_ferry"
    FEEDER = "feeder"
    DEEP_SEA = "deep_sea"
    TRUCK = "truck"


class OperatorKind(StrEnum):
    RAILWAY = "railway"
    PORT = "port"
    FERRY_LINE = "ferry_line"
    SHIPPING_LINE = "shipping_line"
    TRUCKING = "trucking"
    MULTIMODAL = "multimodal"


class ContainerType(StrEnum):
    """Container types a tariff or booking names (ISO 6346 size/type groups, in trade shorthand)."""

    GP20 = "20GP"
    GP40 = "40GP"
    HC40 = "40HC"
    RF20 = "20RF"
    RF40 = "40RF"

    @property
    def teu(self) -> int:
        return 1 if self.value.startswith("20") else 2

    @property
    def is_reefer(self) -> bool:
        return self.value.endswith("RF")


Source = Annotated[str, Field(min_length=3, description="Citation, or 'estimate: <basis>'.")]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


def is_estimate(source: str) -> bool:
    """True when a figure's source says it is an estimate rather than a published value."""
    return source.strip().lower().startswith("estimate")


class GaugeChange(_Record):
    """A facility that moves containers between 1435 mm and 1520 mm wagons."""

    capacity_teu_per_day: float = Field(gt=0)
    method: Literal["transshipment", "bogie_exchange", "variable_gauge"] = "transshipment"
    source: Source


class Facilities(_Record):
    gauge_change: GaugeChange | None = None
    customs: bool = False
    container_yard: bool = False
    ferry_berth: bool = False
    reefer_plugs: int = Field(default=0, ge=0)


class Place(_Record):
    code: str = Field(description="UN/LOCODE (e.g. KZAAU) or a local code (e.g. KZ-ALTYN).")
    name: str = Field(min_length=1)
    alt_names: tuple[str, ...] = ()
    country: str = Field(description="ISO 3166-1 alpha-2")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    timezone: str = Field(description="IANA time zone of local timetables, e.g. Asia/Almaty")
    kinds: tuple[PlaceKind, ...] = Field(min_length=1)
    facilities: Facilities = Facilities()
    source: Source

    @field_validator("code")
    @classmethod
    def _code_format(cls, code: str) -> str:
        if not (UNLOCODE_RE.match(code) or LOCAL_CODE_RE.match(code)):
            raise ValueError(
                f"{code!r} is neither a UN/LOCODE (2-letter country + 3 letters/digits 2-9, e.g. KZAAU) "
                "nor a local code (country, hyphen, 2-8 letters, e.g. KZ-ALTYN)")
        return code

    @field_validator("country")
    @classmethod
    def _country_format(cls, country: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"{country!r} is not an ISO 3166-1 alpha-2 code such as KZ")
        return country

    @model_validator(mode="after")
    def _code_matches_country(self) -> Place:
        if self.code[:2] != self.country:
            raise ValueError(f"code {self.code} starts with {self.code[:2]} but country is {self.country}")
        return self

    @property
    def is_local_code(self) -> bool:
        return bool(LOCAL_CODE_RE.match(self.code))


class Link(_Record):
    """A physical connection between two places, usable in both directions."""

    id: str = Field(min_length=1)
    a: str = Field(description="code of one end")
    b: str = Field(description="code of the other end")
    mode: Mode
    distance_km: float = Field(gt=0)
    gauge: Gauge | None = Field(default=None, description="rail links only")
    traction: Traction | None = Field(default=None, description="rail links only")
    geometry: tuple[tuple[float, float], ...] = Field(
        default=(), description="(lon, lat) points from a to b; empty means a straight line")
    detour_reason: str | None = Field(
        default=None, description="why the link is longer than twice the great-circle distance")
    source: Source

    @model_validator(mode="after")
    def _rail_fields(self) -> Link:
        if self.mode is Mode.RAIL and (self.gauge is None or self.traction is None):
            raise ValueError("a rail link needs gauge (1435 or 1520) and traction (electric or diesel)")
        if self.mode is not Mode.RAIL and (self.gauge is not None or self.traction is not None):
            raise ValueError("gauge and traction apply to rail links only")
        if self.a == self.b:
            raise ValueError("a link joins two different places")
        return self

    def other_end(self, code: str) -> str:
        return self.b if code == self.a else self.a


class Schedule(_Record):
    """When a service departs from its first stop.

    Either a weekly timetable (`weekdays`, 0 = Monday, at `departure_time` local to the first stop)
    or a frequency (`departures_per_week`, evenly spaced from Monday `departure_time`).
    """

    weekdays: tuple[int, ...] | None = None
    departures_per_week: float | None = Field(default=None, gt=0)
    departure_time: time = time(0, 0)

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        if (self.weekdays is None) == (self.departures_per_week is None):
            raise ValueError("give either weekdays (a timetable) or departures_per_week (a frequency)")
        if self.weekdays is not None and (
                not self.weekdays or any(d not in range(7) for d in self.weekdays)):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday), at least one")
        return self


class Service(_Record):
    """An operator's scheduled service over a sequence of stops."""

    id: str = Field(min_length=1)
    name: str
    operator: str
    kind: ServiceKind
    mode: Mode
    stops: tuple[str, ...] = Field(min_length=2)
    run_hours: tuple[float, ...] = Field(description="p50 run time between consecutive stops")
    run_hours_p90: tuple[float, ...] | None = Field(
        default=None, description="p90 run time between consecutive stops; defaults to run_hours")
    schedule: Schedule
    capacity_teu: int = Field(gt=0, description="per departure")
    capacity_wagons: int | None = Field(
        default=None, gt=0, description="rail wagons per departure of a ferry that carries wagons; container "
        "wagons share them with tank wagons and trucks")
    reefer_plugs: int = Field(default=0, ge=0)
    dangerous_goods: bool = False
    max_gross_kg_per_teu: float = Field(default=24_000, gt=0)
    tariff_usd: dict[ContainerType, float] = Field(
        description="per container for the whole run; prorated by distance for part of it")
    emission_category: str | None = Field(
        default=None, description="key into the emission factor table; defaults by mode and traction")
    source: Source

    @model_validator(mode="after")
    def _shapes(self) -> Service:
        legs = len(self.stops) - 1
        if len(self.run_hours) != legs:
            raise ValueError(f"run_hours has {len(self.run_hours)} values for {legs} stop-to-stop legs")
        if self.run_hours_p90 is not None:
            if len(self.run_hours_p90) != legs:
                raise ValueError(f"run_hours_p90 has {len(self.run_hours_p90)} values for {legs} legs")
            if any(p90 < p50 for p50, p90 in zip(self.run_hours, self.run_hours_p90, strict=True)):
                raise ValueError("run_hours_p90 must not be below run_hours")
        if any(h <= 0 for h in self.run_hours):
            raise ValueError("run_hours must be positive")
        if not self.tariff_usd:
            raise ValueError("tariff_usd needs at least one container type")
        if self.capacity_wagons is not None and self.mode is not Mode.FERRY:
            raise ValueError("capacity_wagons applies to ferries (mode ferry) only")
        return self

    @property
    def p90_hours(self) -> tuple[float, ...]:
        return self.run_hours_p90 if self.run_hours_p90 is not None else self.run_hours


class Dwell(_Record):
    """Time a container spends at a place for one activity, as a distribution."""

    place: str
    kind: DwellKind
    p50_hours: float = Field(ge=0)
    p90_hours: float = Field(ge=0)
    source: Source

    @model_validator(mode="after")
    def _ordered(self) -> Dwell:
        if self.p90_hours < self.p50_hours:
            raise ValueError("p90_hours must not be below p50_hours")
        return self


class Operator(_Record):
    code: str = Field(min_length=2)
    name: str
    kind: OperatorKind
    country: str
    source: Source
