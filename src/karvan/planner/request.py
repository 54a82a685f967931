"""What a shipper asks the planner: origin, destination, when, what cargo, and which routes are acceptable."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from karvan.errors import InputError
from karvan.network.model import ContainerType, Mode

HORIZON_DAYS = 90
"""How far after the requested departure the planner looks for departures."""


class Objective(StrEnum):
    TIME = "time"
    COST = "cost"
    CO2 = "co2"


class Cargo(BaseModel):
    """`count` containers of one type, e.g. 2 x 40HC."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    container_type: ContainerType = ContainerType.HC40
    count: int = Field(default=1, ge=1, le=500)

    @property
    def teu(self) -> int:
        return self.container_type.teu * self.count

    @classmethod
    def parse(cls, text: str) -> Cargo:
        """Read trade shorthand: "2x40HC", "40HC", "3 x 20GP"."""
        match = re.fullmatch(r"\s*(?:(\d+)\s*[xX*]\s*)?(\w+)\s*", text)
        types = ", ".join(t.value for t in ContainerType)
        if not match or match.group(2).upper() not in {t.value for t in ContainerType}:
            raise InputError(f"cannot read cargo {text!r}", field="cargo",
                             fix=f"write COUNTxTYPE such as 2x40HC; types: {types}")
        count = int(match.group(1) or 1)
        if count < 1:
            raise InputError("cargo needs at least one container", field="cargo", fix="e.g. 1x40HC")
        return cls(container_type=ContainerType(match.group(2).upper()), count=count)


class PlanRequest(BaseModel):
    """A planning query. Places are network codes (resolve names with `karvan.network.search`).

    `depart` is the earliest time the cargo is ready at the origin: a date means midnight local to the
    origin. `weight_kg` is the gross weight of one container (cargo plus tare).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    origin: str
    destination: str
    depart: date | datetime
    cargo: Cargo = Cargo()
    optimize: Objective = Objective.TIME
    avoid_countries: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    modes: tuple[Mode, ...] = ()
    max_transshipments: int | None = Field(default=None, ge=0)
    arrive_before: date | datetime | None = None
    dangerous_goods: bool = False
    weight_kg: float | None = Field(default=None, gt=0)
    horizon_days: int = Field(default=HORIZON_DAYS, ge=1, le=366)
    limit: int = Field(default=5, ge=1, le=50, description="itineraries returned")

    @field_validator("avoid_countries")
    @classmethod
    def _countries(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        upper = tuple(dict.fromkeys(c.strip().upper() for c in codes))
        for code in upper:
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code such as RU")
        return upper
