"""`Network`: the records of one corridor network, indexed for lookup."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from karvan.errors import NotFoundError
from karvan.network.model import Dwell, DwellKind, Link, Operator, Place, Service


@dataclass(frozen=True)
class Network:
    """Places, links, services, dwell distributions and operators, keyed by their codes and ids."""

    places: Mapping[str, Place]
    links: Mapping[str, Link]
    services: Mapping[str, Service]
    dwells: tuple[Dwell, ...] = ()
    operators: Mapping[str, Operator] = field(default_factory=dict)

    @classmethod
    def from_records(cls, places: Iterable[Place], links: Iterable[Link], services: Iterable[Service],
                     dwells: Iterable[Dwell] = (), operators: Iterable[Operator] = ()) -> Network:
        return cls(
            places={p.code: p for p in places},
            links={link.id: link for link in links},
            services={s.id: s for s in services},
            dwells=tuple(dwells),
            operators={o.code: o for o in operators},
        )

    def place(self, code: str) -> Place:
        try:
            return self.places[code]
        except KeyError:
            raise NotFoundError(f"no place with code {code!r} in the network") from None

    @cached_property
    def links_at(self) -> Mapping[str, tuple[Link, ...]]:
        """Links touching each place code."""
        index: defaultdict[str, list[Link]] = defaultdict(list)
        for link in self.links.values():
            index[link.a].append(link)
            index[link.b].append(link)
        return {code: tuple(items) for code, items in index.items()}

    @cached_property
    def _links_between(self) -> Mapping[frozenset[str], tuple[Link, ...]]:
        index: defaultdict[frozenset[str], list[Link]] = defaultdict(list)
        for link in self.links.values():
            index[frozenset((link.a, link.b))].append(link)
        return {k: tuple(v) for k, v in index.items()}

    def links_between(self, a: str, b: str) -> tuple[Link, ...]:
        return self._links_between.get(frozenset((a, b)), ())

    @cached_property
    def services_at(self) -> Mapping[str, tuple[Service, ...]]:
        index: defaultdict[str, list[Service]] = defaultdict(list)
        for service in self.services.values():
            for stop in dict.fromkeys(service.stops):
                index[stop].append(service)
        return {code: tuple(items) for code, items in index.items()}

    @cached_property
    def dwell_index(self) -> Mapping[tuple[str, DwellKind], Dwell]:
        return {(d.place, d.kind): d for d in self.dwells}

    def dwell(self, place: str, kind: DwellKind) -> Dwell | None:
        return self.dwell_index.get((place, kind))

    def dwells_at(self, place: str) -> tuple[Dwell, ...]:
        return tuple(d for d in self.dwells if d.place == place)

    def summary(self) -> dict[str, int]:
        return {
            "places": len(self.places),
            "links": len(self.links),
            "services": len(self.services),
            "dwell_distributions": len(self.dwells),
            "operators": len(self.operators),
            "countries": len({p.country for p in self.places.values()}),
        }
