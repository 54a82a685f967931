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
    families: dict[str, dict[Traction, str]]

    def category_for(self, mode: Mode, traction: Traction | None, named: str | None) -> str:
        """The category of a leg section: the one a service names (a family names one per traction, so a
        train under wires in one country and behind diesel in the next gets both right), else the
        default for its mode and traction."""
        if named is not None:
            if named in self.families and traction is not None:
                return self.families[named][traction]
            if named not in self.known_categories:
                known = sorted(self.known_categories | set(self.families))
                raise InputError(f"unknown emission category {named!r}", field="emission_category",
                                 fix="use one of " + ", ".join(known))
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


def _leg_category(name: str, raw: dict[str, Any], wtt_ratio: dict[str, float], payload_t_per_teu: float
                  ) -> Intensity:
    """g/t-km of one category. Figures published per TEU-km (container ship trade lanes) are divided by
    the payload convention; `distance_factor` carries an adjustment the publisher leaves to the user
    (GLEC's +15 % on non-container sea values); a fuel derives WTW from TTW or TTW from WTW."""
    unit = "tkm"
    if "wtw_g_per_teu_km" in raw or "ttw_g_per_teu_km" in raw:
        unit, per = "teu_km", payload_t_per_teu
    else:
        per = 1.0
    scale = float(raw.get("distance_factor", 1.0)) / per
    wtw, ttw = raw.get(f"wtw_g_per_{unit}"), raw.get(f"ttw_g_per_{unit}")
    if wtw is not None and ttw is not None:
        return Intensity(float(wtw) * scale, float(ttw) * scale)
    fuel = raw.get("fuel")
    if fuel not in wtt_ratio or (wtw is None and ttw is None):
        raise InputError(f"category {name} gives only one of WTW and TTW and no known fuel", record=name,
                         field="fuel", fix="give both wtw and ttw, or one and a fuel under fuel_wtt_per_ttw")
    ratio = 1.0 + wtt_ratio[fuel]
    if wtw is not None:
        return Intensity(float(wtw) * scale, float(wtw) * scale / ratio)
    ttw_g = float(raw[f"ttw_g_per_{unit}"]) * scale
    return Intensity(ttw_g * ratio, ttw_g)


def parse_table(document: dict[str, Any]) -> FactorTable:
    """Validate a factor document (the YAML layout of the bundled table)."""
    try:
        wtt_ratio = {k: float(v["value"]) for k, v in document["fuel_wtt_per_ttw"].items()}
        payload = float(document["cargo"]["default_payload_t_per_teu"])
        categories: dict[str, Intensity] = {}
        electric: dict[str, float] = {}
        for name, raw in document["categories"].items():
            if not str(raw.get("source", "")).strip():
                raise InputError("every factor needs a source", record=name, field="source",
                                 fix="cite the publication or write 'estimate: <basis>'")
            if "energy_wh_per_tkm" in raw:
                electric[name] = float(raw["energy_wh_per_tkm"])
            else:
                categories[name] = _leg_category(name, raw, wtt_ratio, payload)
        families = {name: {Traction(t): str(c) for t, c in raw.items() if t != "source"}
                    for name, raw in (document.get("families") or {}).items()}
        for name, members in families.items():
            unknown = set(members.values()) - set(categories) - set(electric)
            if unknown or set(members) != set(Traction):
                raise InputError(f"family {name} must name a known category for each traction",
                                 record=name, field="families",
                                 fix="give electric and diesel, each a key under categories")
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
            default_payload_t_per_teu=payload,
            tare_kg={ContainerType(k): float(v) for k, v in cargo["tare_kg"].items()},
            families=families,
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
