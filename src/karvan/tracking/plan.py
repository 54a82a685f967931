"""The booked itinerary a container is expected to follow, as tracking needs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PlannedLeg:
    origin: str
    destination: str
    departs_at: datetime
    arrives_at: datetime
    service: str | None = None

    @property
    def run_hours(self) -> float:
        return (self.arrives_at - self.departs_at).total_seconds() / 3600


@dataclass(frozen=True)
class Plan:
    legs: tuple[PlannedLeg, ...]
    booking: str | None = None
    shipment: str | None = None

    @property
    def destination(self) -> str:
        return self.legs[-1].destination

    @property
    def places(self) -> list[str]:
        return [self.legs[0].origin, *(leg.destination for leg in self.legs)]
