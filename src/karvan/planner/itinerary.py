"""The planner's answer: legs (one ride on one service) compose into itineraries."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from karvan.network.model import DwellKind, Mode
from karvan.planner.request import PlanRequest


class PlaceRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    locode: str
    name: str


class Leg(BaseModel):
    """One ride on one service from boarding to alighting, per container."""

    model_config = ConfigDict(frozen=True)

    origin: PlaceRef
    destination: PlaceRef
    mode: Mode
    operator: str
    service: str
    service_name: str
    departure: datetime
    arrival: datetime
    stops: tuple[str, ...]
    countries: tuple[str, ...]
    distance_km: float
    cost_usd: float
    co2e_kg: float
    co2e_ttw_kg: float
    emission_category: str
    """categories of the factor table used on the leg, joined by '+' when sections differ"""
    run_hours_p50: float
    run_hours_p90: float


class Handling(BaseModel):
    """A dwell at a place between (or at the ends of) legs: transshipment, gauge change, port, border."""

    model_config = ConfigDict(frozen=True)

    place: PlaceRef
    kind: DwellKind
    p50_hours: float
    p90_hours: float
    cost_usd: float
    co2e_kg: float
    co2e_ttw_kg: float
    estimate: bool
    source: str


class Itinerary(BaseModel):
    """Legs and the handlings between them, with totals per container."""

    model_config = ConfigDict(frozen=True)

    legs: tuple[Leg, ...]
    handlings: tuple[Handling, ...]
    departure: datetime
    arrival: datetime
    transit_days: float
    transit_days_p90: float
    distance_km: float
    cost_usd: float
    co2e_kg: float
    co2e_ttw_kg: float
    countries: tuple[str, ...]
    corridor: str
    transshipments: int
    modes: tuple[Mode, ...]
    estimates: tuple[str, ...]

    @property
    def places(self) -> tuple[str, ...]:
        """Every place passed, in travel order."""
        codes = [self.legs[0].stops[0]]
        for leg in self.legs:
            codes.extend(leg.stops[1:])
        return tuple(codes)


class PlanResult(BaseModel):
    """Itineraries ordered by the request's objective, and how many were Pareto-optimal in all."""

    model_config = ConfigDict(frozen=True)

    request: PlanRequest
    itineraries: tuple[Itinerary, ...]
    pareto_count: int
    notes: tuple[str, ...] = ()
