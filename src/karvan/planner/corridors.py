"""Naming itineraries by corridor, from the rules in data/corridors.yaml.

Every condition of every rule is an "atom" (a country, mode, service kind, place or link pattern) with
its own bit; an itinerary's atoms are the bits of everything it passes. The first rule whose
conditions hold names it. The same bits let the search keep the best itinerary of each corridor.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from karvan.network.model import Mode, ServiceKind
from karvan.planner.patterns import Ride
from karvan.planner.rules import Rules
from karvan.planner.search import Signature

OTHER = "Other"


class CorridorRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    countries_all: tuple[str, ...] = ()
    countries_any: tuple[str, ...] = ()
    countries_none: tuple[str, ...] = ()
    modes_any: tuple[Mode, ...] = ()
    kinds_any: tuple[ServiceKind, ...] = ()
    places_any: tuple[str, ...] = ()
    links_any: tuple[str, ...] = ()


class Corridors:
    """Corridor rules with their atoms numbered as bits."""

    def __init__(self, rules: tuple[CorridorRule, ...]) -> None:
        self.rules = rules
        atoms: dict[tuple[str, str], int] = {}
        for rule in rules:
            for kind, values in (("country", rule.countries_all + rule.countries_any + rule.countries_none),
                                 ("mode", tuple(m.value for m in rule.modes_any)),
                                 ("kind", tuple(k.value for k in rule.kinds_any)),
                                 ("place", rule.places_any), ("link", rule.links_any)):
                for value in values:
                    atoms.setdefault((kind, value), 1 << len(atoms))
        self.atoms = atoms
        self._link_patterns = [(pattern, bit) for (kind, pattern), bit in atoms.items() if kind == "link"]

    @property
    def names(self) -> tuple[str, ...]:
        return (*(r.name for r in self.rules), OTHER)

    def _mask(self, kind: str, values: tuple[str, ...]) -> int:
        mask = 0
        for value in values:
            mask |= self.atoms.get((kind, value), 0)
        return mask

    def name(self, bits: int) -> str:
        for rule in self.rules:
            every = self._mask("country", rule.countries_all)
            if ((bits & every) == every
                    and _any(bits, self._mask("country", rule.countries_any))
                    and not bits & self._mask("country", rule.countries_none)
                    and _any(bits, self._mask("mode", tuple(m.value for m in rule.modes_any)))
                    and _any(bits, self._mask("kind", tuple(k.value for k in rule.kinds_any)))
                    and _any(bits, self._mask("place", rule.places_any))
                    and _any(bits, self._mask("link", rule.links_any))):
                return rule.name
        return OTHER

    def signature(self, rules: Rules) -> Signature:
        """Bits of each place and of each section of each service, for the search."""
        places = {code: self.atoms.get(("country", p.country), 0) | self.atoms.get(("place", code), 0)
                  for code, p in rules.network.places.items()}
        sections = []
        for line in rules.lines:
            line_bits = (self.atoms.get(("mode", line.mode.value), 0)
                         | self.atoms.get(("kind", line.service.kind.value), 0))
            sections.append(tuple(
                line_bits | places[line.stops[i + 1]] | self._link_bits(section.link_id)
                for i, section in enumerate(line.sections)))
        return Signature(places, tuple(sections))

    def _link_bits(self, link_id: str | None) -> int:
        if link_id is None:
            return 0
        bits = 0
        for pattern, bit in self._link_patterns:
            if fnmatchcase(link_id, pattern):
                bits |= bit
        return bits

    def bits_of(self, signature: Signature, origin: str, rides: tuple[Ride, ...]) -> int:
        bits = signature.place_bits.get(origin, 0)
        for ride in rides:
            for i in range(ride.board, ride.alight):
                bits |= signature.section_bits[ride.line][i]
        return bits


def _any(bits: int, mask: int) -> bool:
    """An empty condition holds; otherwise at least one of its atoms is present."""
    return mask == 0 or bool(bits & mask)


@lru_cache(maxsize=1)
def bundled_corridors() -> Corridors:
    path = Path(str(resources.files("karvan") / "data" / "corridors.yaml"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Corridors(tuple(CorridorRule.model_validate(raw) for raw in document["corridors"]))
