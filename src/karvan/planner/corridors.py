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
from karvan.planner.lines import Line
from karvan.planner.patterns import Ride
from karvan.planner.rules import Rules
from karvan.planner.search import Marks

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

    def _place_atoms(self, rules: Rules, code: str) -> int:
        country = rules.network.places[code].country
        return self.atoms.get(("country", country), 0) | self.atoms.get(("place", code), 0)

    def _section_atoms(self, rules: Rules, line: Line, i: int) -> int:
        bits = (self.atoms.get(("mode", line.mode.value), 0)
                | self.atoms.get(("kind", line.service.kind.value), 0)
                | self._place_atoms(rules, line.stops[i + 1]))
        link_id = line.sections[i].link_id
        if link_id is not None:
            for pattern, bit in self._link_patterns:
                if fnmatchcase(link_id, pattern):
                    bits |= bit
        return bits

    def name_of(self, rules: Rules, rides: tuple[Ride, ...]) -> str:
        """The corridor of a ride pattern from the request's origin."""
        bits = self._place_atoms(rules, rules.request.origin)
        for ride in rides:
            line = rules.lines[ride.line]
            for i in range(ride.board, ride.alight):
                bits |= self._section_atoms(rules, line, i)
        return self.name(bits)

    def requirements(self, rule: CorridorRule, rules: Rules) -> Marks:
        """A rule's positive conditions as search marks: one bit per condition, all needed."""
        groups: list[int] = [self._mask("country", (c,)) for c in rule.countries_all]
        groups += [mask for mask in (
            self._mask("country", rule.countries_any),
            self._mask("mode", tuple(m.value for m in rule.modes_any)),
            self._mask("kind", tuple(k.value for k in rule.kinds_any)),
            self._mask("place", rule.places_any),
            self._mask("link", rule.links_any)) if mask]

        def marks(atoms: int) -> int:
            return sum(1 << g for g, group in enumerate(groups) if atoms & group)

        places = {code: m for code in rules.network.places if (m := marks(self._place_atoms(rules, code)))}
        sections = [[marks(self._section_atoms(rules, line, i)) for i in range(len(line.sections))]
                    for line in rules.lines]
        return Marks(places, sections, (1 << len(groups)) - 1)


def _any(bits: int, mask: int) -> bool:
    """An empty condition holds; otherwise at least one of its atoms is present."""
    return mask == 0 or bool(bits & mask)


@lru_cache(maxsize=1)
def bundled_corridors() -> Corridors:
    path = Path(str(resources.files("karvan") / "data" / "corridors.yaml"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Corridors(tuple(CorridorRule.model_validate(raw) for raw in document["corridors"]))
