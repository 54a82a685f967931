"""The emission factor table: intensities per transport operation and hub operation category.

The table is data (src/karvan/data/emission_factors.yaml, or the file named by
$KARVAN_EMISSION_FACTORS), read once and validated here, so that a user can swap in their own factors
(for example a licensed GLEC table) without touching code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from karvan.errors import InputError
from karvan.network.model import ContainerType, Mode, Traction

FACTORS_ENV = "KARVAN_EMISSION_FACTORS"


@dataclass(frozen=True)
class Intensity:
    """g CO2e per tonne-km, well-to-wheel and tank-to-wheel."""

    wtw_g_per_tkm: float
    ttw_g_per_tkm: float


@dataclass(frozen=True)
class FactorTable:
    """Leg intensities by category, electric rail by country grid, hub factors and cargo defaults."""

    categories: dict[str, Intensity]
    electric_wh_per_tkm: dict[str, float]
    grid_g_per_kwh: dict[str, float]
    grid_default_g_per_kwh: float
    defaults: dict[str, str]
    hub_wtw_kg: float
    hub_reefer_wtw_kg: float
    hub_ttw_share: float
    default_payload_t_per_teu: float
    tare_kg: dict[ContainerType, float]

    def category_for(self, mode: Mode, traction: Traction | None, named: str | None) -> str:
        """The category of a leg: the one a service names, else the default for its mode and traction."""
        if named is not None:
            if named not in self.categories and named not in self.electric_wh_per_tkm:
                raise InputError(f"unknown emission category {named!r}", field="emission_category",
                                 fix="use one of " + ", ".join(sorted(self.known_categories)))
            return named
        key = f"rail_{traction.value}" if mode is Mode.RAIL and traction is not None else mode.value
        return self.defaults[key]

    @property
    def known_categories(self) -> set[str]:
        return set(self.categories) | set(self.electric_wh_per_tkm)

    def intensity(self, category: str, country: str) -> Intensity:
        """Intensity of `category` in `country` (the country matters for electric traction only)."""
        if category in self.electric_wh_per_tkm:
            grid = self.grid_g_per_kwh.get(country, self.grid_default_g_per_kwh)
            return Intensity(self.electric_wh_per_tkm[category] * grid / 1000.0, 0.0)
        return self.categories[category]

    def payload_t(self, container: ContainerType, gross_kg: float | None) -> float:
        """Cargo mass in one container: gross minus tare when the gross weight is known."""
        if gross_kg is None:
            return self.default_payload_t_per_teu * container.teu
        return max(gross_kg - self.tare_kg[container], 0.0) / 1000.0


def _leg_category(name: str, raw: dict[str, Any], wtt_ratio: dict[str, float]) -> Intensity:
    if "wtw_g_per_tkm" in raw:
        return Intensity(float(raw["wtw_g_per_tkm"]), float(raw["ttw_g_per_tkm"]))
    fuel = raw.get("fuel")
    if fuel not in wtt_ratio:
        raise InputError(f"category {name} gives TTW only but no known fuel", record=name, field="fuel",
                         fix="add wtw_g_per_tkm or a fuel listed under fuel_wtt_per_ttw")
    ttw = float(raw["ttw_g_per_tkm"])
    return Intensity(ttw * (1.0 + wtt_ratio[fuel]), ttw)


def parse_table(document: dict[str, Any]) -> FactorTable:
    """Validate a factor document (the YAML layout of the bundled table)."""
    try:
        wtt_ratio = {k: float(v["value"]) for k, v in document["fuel_wtt_per_ttw"].items()}
        categories: dict[str, Intensity] = {}
        electric: dict[str, float] = {}
        for name, raw in document["categories"].items():
            if not str(raw.get("source", "")).strip():
                raise InputError("every factor needs a source", record=name, field="source",
                                 fix="cite the publication or write 'estimate: <basis>'")
            if "energy_wh_per_tkm" in raw:
                electric[name] = float(raw["energy_wh_per_tkm"])
            else:
                categories[name] = _leg_category(name, raw, wtt_ratio)
        grid = document["grid_g_per_kwh"]
        hub = document["hubs"]["container_terminal"]
        cargo = document["cargo"]
        return FactorTable(
            categories=categories,
            electric_wh_per_tkm=electric,
            grid_g_per_kwh={c: float(v["value"]) for c, v in grid["countries"].items()},
            grid_default_g_per_kwh=float(grid["default"]["value"]),
            defaults={k: str(v) for k, v in document["defaults"].items()},
            hub_wtw_kg=float(hub["wtw_kg_per_container"]),
            hub_reefer_wtw_kg=float(hub["wtw_kg_per_reefer"]),
            hub_ttw_share=float(hub["ttw_share"]),
            default_payload_t_per_teu=float(cargo["default_payload_t_per_teu"]),
            tare_kg={ContainerType(k): float(v) for k, v in cargo["tare_kg"].items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"emission factor table is malformed: {exc!r}", field="emission_factors",
                         fix="follow the layout of src/karvan/data/emission_factors.yaml") from None


def bundled_factors_path() -> Path:
    return Path(str(resources.files("karvan") / "data" / "emission_factors.yaml"))


@lru_cache(maxsize=4)
def _load(path: Path) -> FactorTable:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read emission factors: {exc}", record=str(path),
                         fix="give a readable YAML factor table") from None
    return parse_table(document)


def load_factors(path: Path | str | None = None) -> FactorTable:
    """The factor table at `path`, else $KARVAN_EMISSION_FACTORS, else the bundled one."""
    chosen = path or os.environ.get(FACTORS_ENV) or bundled_factors_path()
    return _load(Path(chosen))
