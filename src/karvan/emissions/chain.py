"""ISO 14083 transport chain elements: emissions of one leg section and of one hub operation.

A leg's emissions are intensity (g CO2e per t-km) x transport activity (payload tonnes x distance km);
a hub's are a per-container figure for each handling between vehicles. Both are reported well-to-wheel
(WTW) and tank-to-wheel (TTW), per container.
"""

from __future__ import annotations

from dataclasses import dataclass

from karvan.emissions.factors import FactorTable


@dataclass(frozen=True)
class Emissions:
    """kg CO2e per container, WTW and TTW; they add up along a chain."""

    wtw_kg: float = 0.0
    ttw_kg: float = 0.0

    def __add__(self, other: Emissions) -> Emissions:
        return Emissions(self.wtw_kg + other.wtw_kg, self.ttw_kg + other.ttw_kg)

    @property
    def wtt_kg(self) -> float:
        return self.wtw_kg - self.ttw_kg


def leg_emissions(table: FactorTable, category: str, countries: tuple[str, ...], distance_km: float,
                  payload_t: float) -> Emissions:
    """One section of a leg, in `countries` (both ends' countries; a border section counts half each)."""
    tkm = payload_t * distance_km
    share = 1.0 / len(countries)
    wtw = ttw = 0.0
    for country in countries:
        intensity = table.intensity(category, country)
        wtw += intensity.wtw_g_per_tkm * share
        ttw += intensity.ttw_g_per_tkm * share
    return Emissions(wtw * tkm / 1000.0, ttw * tkm / 1000.0)


def hub_emissions(table: FactorTable, reefer: bool) -> Emissions:
    """One handling of one container at a terminal (HOC), e.g. a transshipment or gauge change."""
    wtw = table.hub_reefer_wtw_kg if reefer else table.hub_wtw_kg
    return Emissions(wtw, wtw * table.hub_ttw_share)
