"""Which law (CIM or SMGS) governs each railway's section, and where the regime changes.

A railway of a country applying both regimes keeps the regime the consignment already travels under;
the first section takes the regime of the first single-regime country ahead of it, so the note changes
law once, where it must.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import yaml

from karvan.documents.model import RailLaw
from karvan.errors import InputError


@cache
def regimes() -> dict[str, tuple[RailLaw, ...]]:
    """Country (ISO alpha-2) -> the regimes its railways apply, from data/documents/rail_law.yaml."""
    text = resources.files("karvan.data").joinpath("documents/rail_law.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {country: tuple(RailLaw(r) for r in laws) for country, laws in data["countries"].items()}


def assign(countries: Sequence[str]) -> list[RailLaw]:
    """The regime of each rail section, given the country of each section in order.

    Raises InputError naming a country for which no regime is known.
    """
    table = regimes()
    unknown = sorted({c for c in countries if c not in table})
    if unknown:
        raise InputError(f"no CIM/SMGS regime is known for {', '.join(unknown)}", field="country",
                         fix="add the country to data/documents/rail_law.yaml with a source")
    laws: list[RailLaw] = []
    for index, country in enumerate(countries):
        allowed = table[country]
        if laws and laws[-1] in allowed:
            laws.append(laws[-1])
            continue
        ahead = [table[c][0] for c in countries[index:] if len(table[c]) == 1]
        laws.append(ahead[0] if ahead and ahead[0] in allowed else allowed[0])
    return laws
