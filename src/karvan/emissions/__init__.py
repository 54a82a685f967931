"""ISO 14083 / GLEC emissions: factor tables, leg and hub emissions per container (WTW and TTW)."""

from karvan.emissions.chain import Emissions, hub_emissions, leg_emissions
from karvan.emissions.factors import FactorTable, Intensity, load_factors

__all__ = ["Emissions", "FactorTable", "Intensity", "hub_emissions", "leg_emissions", "load_factors"]
