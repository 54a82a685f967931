"""Services prepared for search: stops, time offsets, section distances, gauges and countries.

Built once per network and cached, because every query reads the same static facts. A section is the
stretch between two consecutive stops of a service; its distance and gauge come from the network link
of the service's mode between those stops (the shortest, if several). A section without such a link
gets the great-circle distance times a detour factor and is reported as an estimate.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from karvan.network.model import Gauge, Mode, Service, Traction
from karvan.network.network import Network
from karvan.planner.timetable import Calendar

DETOUR_FACTOR = {Mode.RAIL: 1.25, Mode.ROAD: 1.25, Mode.FERRY: 1.15, Mode.SEA: 1.15}
"""estimate: typical ratio of track, road or sailed distance to great-circle distance, used only when
the network lacks a link between two consecutive stops of a service."""


@dataclass(frozen=True)
class Section:
    link_id: str | None
    distance_km: float
    gauge: Gauge | None
    traction: Traction | None
    countries: tuple[str, ...]
    estimated: bool


@dataclass(frozen=True)
class Line:
    """One service with what the search needs, positions aligned with `stops`."""

    index: int
    service: Service
    stops: tuple[str, ...]
    offsets_s: tuple[int, ...]
    """seconds from departure at the first stop to arrival at each stop (p50 run times)."""
    offsets_p90_s: tuple[int, ...]
    sections: tuple[Section, ...]
    total_km: float
    calendar: Calendar

    @property
    def mode(self) -> Mode:
        return self.service.mode


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _named_in(link_id: str, service: Service) -> bool:
    """True if the link id's last word (e.g. 'cape' in sea-CNSGH-NLRTM-cape) appears in the service's id
    or name: how a service picks one of several links between the same two stops."""
    word = link_id.rsplit("-", 1)[-1].lower()
    return word.isalpha() and len(word) > 2 and (word in service.id.lower() or word in service.name.lower())


def _section(network: Network, service: Service, a: str, b: str) -> Section:
    """The link a service uses between two stops: one its id or name points to, else the shortest."""
    countries = tuple(dict.fromkeys((network.places[a].country, network.places[b].country)))
    links = sorted((lk for lk in network.links_between(a, b) if lk.mode is service.mode),
                   key=lambda lk: (not _named_in(lk.id, service), lk.distance_km, lk.id))
    if links:
        link = links[0]
        return Section(link.id, link.distance_km, link.gauge, link.traction, countries, False)
    pa, pb = network.places[a], network.places[b]
    km = great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon) * DETOUR_FACTOR[service.mode]
    return Section(None, km, None, None, countries, True)


def _cumulative_s(hours: tuple[float, ...]) -> tuple[int, ...]:
    total, out = 0.0, [0]
    for h in hours:
        total += h
        out.append(round(total * 3600))
    return tuple(out)


def build_lines(network: Network) -> tuple[Line, ...]:
    lines: list[Line] = []
    for service in sorted(network.services.values(), key=lambda s: s.id):
        if any(stop not in network.places for stop in service.stops):
            continue  # the network validator reports it; the planner just cannot ride it
        sections = tuple(_section(network, service, a, b)
                         for a, b in zip(service.stops, service.stops[1:], strict=False))
        lines.append(Line(
            index=len(lines), service=service, stops=service.stops,
            offsets_s=_cumulative_s(service.run_hours), offsets_p90_s=_cumulative_s(service.p90_hours),
            sections=sections, total_km=sum(s.distance_km for s in sections),
            calendar=Calendar(service.schedule, network.places[service.stops[0]].timezone)))
    return tuple(lines)


_CACHE: dict[int, tuple[weakref.ref[Network], tuple[Line, ...], dict[Hashable, Any]]] = {}


def _entry(network: Network) -> tuple[weakref.ref[Network], tuple[Line, ...], dict[Hashable, Any]]:
    entry = _CACHE.get(id(network))
    if entry is not None and entry[0]() is network:
        return entry
    key = id(network)
    entry = _CACHE[key] = (weakref.ref(network, lambda _: _CACHE.pop(key, None)), build_lines(network), {})
    return entry


def lines_of(network: Network) -> tuple[Line, ...]:
    """The prepared services of `network`, cached while the network object lives."""
    return _entry(network)[1]


def scratch_of(network: Network) -> dict[Hashable, Any]:
    """A cache of derived figures (dwell steps, section costs) that lives as long as `network`."""
    return _entry(network)[2]
