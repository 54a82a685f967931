"""Rules a whole network must satisfy, beyond the field checks of the records themselves.

Each rule returns `Problem`s naming the record, the field and the fix, so that a data author can
correct the file without reading this code. `validate()` runs them all; `check()` raises the first
as a NetworkValidationError for callers that must refuse a broken network.

Rules, by the name a Problem carries: code-format, code-country, country-unknown, code-unknown,
code-local, code-name, coordinates-far, coordinates-range (places); link-unknown-place, link-port,
link-too-short, link-detour, link-geometry, gauge-break (links); service-operator,
service-unknown-stop, service-link, service-gauge, service-speed (services); dwell-unknown-place,
dwell-gauge-change; source (every record); unreachable (connectivity over links); and record, for
a file that does not load (`problem_from_error`).

The modelling rule behind `service-link`: a service runs only over links, and consecutive stops of
a service are joined by a direct link of the service's mode (for rail, all of one gauge). Services
therefore never hide a gauge change or a mode change inside one leg.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from karvan.errors import NetworkValidationError
from karvan.network import unlocode
from karvan.network.model import (
    LOCAL_CODE_RE,
    UNLOCODE_RE,
    DwellKind,
    Gauge,
    Link,
    Mode,
    Place,
    PlaceKind,
)
from karvan.network.network import Network
from karvan.network.search import normalize

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG)."""
UNLOCODE_DISTANCE_KM = 50.0
"""A place may lie this far from the official UN/LOCODE coordinates (which locate a town, to a minute)."""
GEOMETRY_END_KM = 50.0
"""A link's drawn geometry must start and end this close to its places."""
SHORT_TOLERANCE_RATIO = 0.05
SHORT_TOLERANCE_KM = 10.0
"""A link may be this much shorter than the great-circle distance between its ends (5 % and 10 km),
because place coordinates are town centroids, not the exact ends of a track or a berth."""
DETOUR_FACTOR = 2.0
DETOUR_SLACK_KM = 20.0
"""A link longer than DETOUR_FACTOR times the great-circle distance plus DETOUR_SLACK_KM (which spares
short links around a city) needs a `detour_reason`."""
NAME_SIMILARITY = 70.0
"""Minimum rapidfuzz token-set ratio between a place's names and its UN/LOCODE entry's names."""
LOCAL_TWIN_SIMILARITY = 75.0
"""A local-coded place whose name is this similar (rapidfuzz ratio, which tolerates transliterations
such as Aktogay/Aqtoghay) to a UN/LOCODE entry within UNLOCODE_DISTANCE_KM probably has that code."""
MAX_SPEED_KMH = {Mode.RAIL: 120.0, Mode.FERRY: 45.0, Mode.SEA: 50.0, Mode.ROAD: 90.0}
"""Upper bounds of a leg's average speed (shortest direct link over p50 run hours), to catch days
typed as hours or a stop left out. Basis: container trains run at 120 km/h at most; 45 km/h (24 kn)
and 50 km/h (27 kn) are above the service speeds of ro-ro ferries and container ships; trucks in the
EU are limited to 90 km/h (Directive 92/6/EEC)."""
MAX_TEU_PER_WAGON = 4
"""A flat wagon carries at most two 40' boxes (an 80 ft platform), so a ferry's TEU capacity cannot exceed
four TEU per wagon place."""
MIN_ESTIMATE_BASIS = 8
"""An estimate must give a basis of at least this many characters after the word "estimate"."""
_NO_SOURCE = re.compile(r"^(tbd|todo|n/?a|none|unknown|\?+|-+|source|see above)$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One broken rule: which rule, which record and field, what is wrong and how to fix it."""

    rule: str
    record: str
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.record}: {self.field}: {self.message} (fix: {self.fix})"

    def to_error(self) -> NetworkValidationError:
        return NetworkValidationError(f"{self.message} [{self.rule}]", record=self.record,
                                      field=self.field, fix=self.fix)


def problem_from_error(error: NetworkValidationError) -> Problem:
    """A load-time error (bad YAML, a malformed record) reported like the other problems."""
    return Problem("record", error.record or "network", error.field or "-", error.detail,
                   error.fix or "correct the record")


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def place_distance_km(a: Place, b: Place) -> float:
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


def _place(code: str) -> str:
    return f"place {code}"


def _link(link: Link) -> str:
    return f"link {link.id}"


def _in_range(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


# --- places -------------------------------------------------------------------------------------


def check_codes(network: Network) -> Iterator[Problem]:
    for place in network.places.values():
        record = _place(place.code)
        if not (UNLOCODE_RE.match(place.code) or LOCAL_CODE_RE.match(place.code)):
            yield Problem("code-format", record, "code", f"{place.code!r} is not a UN/LOCODE or local code",
                          "use a UN/LOCODE (e.g. KZAAU) or a local code (country, hyphen, 2-8 letters)")
            continue
        if place.code[:2] != place.country:
            yield Problem("code-country", record, "country",
                          f"code starts with {place.code[:2]} but country is {place.country}",
                          "make country the first two letters of the code, or correct the code")
        if not unlocode.country_exists(place.country):
            yield Problem("country-unknown", record, "country",
                          f"{place.country!r} is not an ISO 3166-1 country in the UN/LOCODE list",
                          "use the ISO 3166-1 alpha-2 code of the country, e.g. KZ")
        if place.is_local_code:
            yield from _local_twin(place)
            continue
        entry = unlocode.lookup(place.code)
        if entry is None:
            local = f"{place.country}-{normalize(place.name).replace(' ', '').upper()[:6] or 'XX'}"
            yield Problem("code-unknown", record, "code", f"{place.code} is not in the UN/LOCODE list",
                          "use the place's UN/LOCODE ('karvan places search' lists candidates) or a "
                          f"local code such as {local}")
            continue
        ours = [normalize(n) for n in (place.name, *place.alt_names)]
        theirs = [normalize(n) for n in entry.names]
        if max(fuzz.token_set_ratio(a, b) for a in ours for b in theirs) < NAME_SIMILARITY:
            yield Problem("code-name", record, "code",
                          f"{place.code} is {entry.name!r} in UN/LOCODE, not {place.name!r}",
                          f"correct the code, or add {entry.name!r} to alt_names if it is the same place")
        if entry.has_official_coordinates:
            assert entry.lat is not None and entry.lon is not None
            far_km = great_circle_km(place.lat, place.lon, entry.lat, entry.lon)
            if far_km > UNLOCODE_DISTANCE_KM:
                yield Problem("coordinates-far", record, "lat/lon",
                              f"({place.lat}, {place.lon}) is {far_km:.0f} km from the official UN/LOCODE "
                              f"coordinates ({entry.lat}, {entry.lon}); the limit is "
                              f"{UNLOCODE_DISTANCE_KM:.0f} km",
                              "correct lat/lon (lat is north-south, lon east-west) or the code")


def _local_twin(place: Place) -> Iterator[Problem]:
    """A local code given to a place that the UN/LOCODE list already has."""
    ours = [normalize(n) for n in (place.name, *place.alt_names)]
    for entry in unlocode.in_country(place.country):
        if entry.lat is None or entry.lon is None:
            continue
        if great_circle_km(place.lat, place.lon, entry.lat, entry.lon) > UNLOCODE_DISTANCE_KM:
            continue
        if max(fuzz.ratio(a, normalize(b)) for a in ours for b in entry.names) >= LOCAL_TWIN_SIMILARITY:
            yield Problem("code-local", _place(place.code), "code",
                          f"local code, but UN/LOCODE {entry.code} {entry.name!r} is the same place",
                          f"use the code {entry.code} (keep {place.name!r} as the name)")
            return


def check_coordinates(network: Network) -> Iterator[Problem]:
    for place in network.places.values():
        if not _in_range(place.lat, place.lon):
            yield Problem("coordinates-range", _place(place.code), "lat/lon",
                          f"({place.lat}, {place.lon}) is off the globe",
                          "lat must be within -90..90 and lon within -180..180")
    for link in network.links.values():
        for index, (lon, lat) in enumerate(link.geometry):
            if not _in_range(lat, lon):
                yield Problem("coordinates-range", _link(link), f"geometry[{index}]",
                              f"({lon}, {lat}) is off the globe",
                              "geometry points are (lon, lat) with lon -180..180 and lat -90..90")
                break


# --- links --------------------------------------------------------------------------------------


def check_link_ends(network: Network) -> Iterator[Problem]:
    for link in network.links.values():
        for end in ("a", "b"):
            code = getattr(link, end)
            place = network.places.get(code)
            if place is None:
                yield Problem("link-unknown-place", _link(link), end, f"no place {code!r}",
                              "add the place to the network or correct the code")
            elif link.mode in (Mode.FERRY, Mode.SEA) and PlaceKind.SEA_PORT not in place.kinds:
                yield Problem("link-port", _link(link), end,
                              f"a {link.mode.value} link ends at {code}, which is not a sea port",
                              f"add sea_port to the kinds of {code}, or end the link at a port")


def _known_ends(network: Network) -> Iterator[tuple[Link, Place, Place]]:
    for link in network.links.values():
        a, b = network.places.get(link.a), network.places.get(link.b)
        if a is not None and b is not None:
            yield link, a, b


def check_link_lengths(network: Network) -> Iterator[Problem]:
    for link, a, b in _known_ends(network):
        direct_km = place_distance_km(a, b)
        shortest_km = direct_km * (1 - SHORT_TOLERANCE_RATIO) - SHORT_TOLERANCE_KM
        if link.distance_km < shortest_km:
            yield Problem("link-too-short", _link(link), "distance_km",
                          f"{link.distance_km:g} km is shorter than the {direct_km:.0f} km great-circle "
                          f"distance between {a.code} and {b.code}",
                          "correct distance_km, or the coordinates of the places")
        elif link.distance_km > DETOUR_FACTOR * direct_km + DETOUR_SLACK_KM and not link.detour_reason:
            yield Problem("link-detour", _link(link), "distance_km",
                          f"{link.distance_km:g} km is over {DETOUR_FACTOR:g} times the {direct_km:.0f} km "
                          f"great-circle distance between {a.code} and {b.code}",
                          "correct distance_km, or say why in detour_reason")


def check_link_geometry(network: Network) -> Iterator[Problem]:
    for link, a, b in _known_ends(network):
        if not link.geometry or not all(_in_range(lat, lon) for lon, lat in link.geometry):
            continue
        (lon0, lat0), (lon1, lat1) = link.geometry[0], link.geometry[-1]
        start_km = great_circle_km(lat0, lon0, a.lat, a.lon)
        end_km = great_circle_km(lat1, lon1, b.lat, b.lon)
        if max(start_km, end_km) > GEOMETRY_END_KM:
            yield Problem("link-geometry", _link(link), "geometry",
                          f"starts {start_km:.0f} km from {a.code} and ends {end_km:.0f} km from {b.code}",
                          "list (lon, lat) points from a to b (not lat, lon; not b to a)")


def check_gauge_breaks(network: Network) -> Iterator[Problem]:
    for code, links in network.links_at.items():
        place = network.places.get(code)
        gauges = {link.gauge for link in links if link.mode is Mode.RAIL and link.gauge is not None}
        if place is not None and len(gauges) > 1 and place.facilities.gauge_change is None:
            yield Problem("gauge-break", _place(code), "facilities.gauge_change",
                          "rail links of gauges " + " and ".join(sorted(g.value for g in gauges))
                          + " meet here but the place has no gauge-change facility",
                          "add facilities.gauge_change (capacity, method, source) or correct a link gauge")


# --- services, dwell, operators -----------------------------------------------------------------


def _leg_gauges(network: Network, a: str, b: str, mode: Mode) -> set[Gauge | None]:
    return {link.gauge for link in network.links_between(a, b) if link.mode is mode}


def check_services(network: Network) -> Iterator[Problem]:
    for service in network.services.values():
        record = f"service {service.id}"
        if service.operator not in network.operators:
            yield Problem("service-operator", record, "operator", f"no operator {service.operator!r}",
                          "add the operator to the network's operators or correct the code")
        unknown = [s for s in dict.fromkeys(service.stops) if s not in network.places]
        for stop in unknown:
            yield Problem("service-unknown-stop", record, "stops", f"no place {stop!r}",
                          "add the place or correct the stop code")
        if unknown:
            continue
        legs = list(zip(service.stops, service.stops[1:], strict=False))
        leg_gauges = [_leg_gauges(network, a, b, service.mode) for a, b in legs]
        for index, ((a, b), gauges) in enumerate(zip(legs, leg_gauges, strict=True)):
            if not gauges:
                yield Problem("service-link", record, f"stops[{index}:{index + 2}]",
                              f"no direct {service.mode.value} link joins {a} and {b}",
                              f"add a {service.mode.value} link {a}-{b}, or add the intermediate "
                              "places the service passes as stops")
        if service.mode is Mode.RAIL and all(leg_gauges) and not set.intersection(*leg_gauges):
            yield Problem("service-gauge", record, "stops",
                          "its legs have no gauge in common: a train cannot change gauge en route",
                          "split the service at the gauge-change place into one service per gauge")


def check_service_speeds(network: Network) -> Iterator[Problem]:
    for service in network.services.values():
        limit_kmh = MAX_SPEED_KMH[service.mode]
        legs = zip(service.stops, service.stops[1:], service.run_hours, strict=False)
        for index, (a, b, hours) in enumerate(legs):
            lengths_km = [x.distance_km for x in network.links_between(a, b) if x.mode is service.mode]
            if lengths_km and min(lengths_km) / hours > limit_kmh:
                yield Problem("service-speed", f"service {service.id}", f"run_hours[{index}]",
                              f"{hours:g} h for {min(lengths_km):g} km from {a} to {b} is "
                              f"{min(lengths_km) / hours:.0f} km/h, over the {limit_kmh:g} km/h "
                              f"a {service.mode.value} service can average",
                              "give run_hours in hours, or check the stops and the link distance")


def check_ferry_wagons(network: Network) -> Iterator[Problem]:
    """Caspian and Black Sea ferries carry wagons (tank wagons and container flats) and trucks on one deck:
    where a ferry gives its capacity in wagons too, its TEU must fit on them."""
    for service in network.services.values():
        wagons = service.capacity_wagons
        if wagons is not None and service.capacity_teu > wagons * MAX_TEU_PER_WAGON:
            yield Problem("ferry-wagons", f"service {service.id}", "capacity_teu",
                          f"{service.capacity_teu} TEU do not fit on {wagons} wagons "
                          f"(at most {MAX_TEU_PER_WAGON} TEU a wagon)",
                          "lower capacity_teu or correct capacity_wagons")


def check_dwells(network: Network) -> Iterator[Problem]:
    for dwell in network.dwells:
        record = f"dwell {dwell.place}/{dwell.kind.value}"
        place = network.places.get(dwell.place)
        if place is None:
            yield Problem("dwell-unknown-place", record, "place", f"no place {dwell.place!r}",
                          "add the place or correct the code")
        elif dwell.kind is DwellKind.GAUGE_CHANGE and place.facilities.gauge_change is None:
            yield Problem("dwell-gauge-change", record, "kind",
                          f"a gauge-change dwell at {dwell.place}, which has no gauge-change facility",
                          f"add facilities.gauge_change to {dwell.place}, or remove this dwell")


def source_problem(source: str) -> str | None:
    """Why a source is no source at all, or None when it is acceptable."""
    text = source.strip()
    if _NO_SOURCE.match(text):
        return f"{source!r} is not a source"
    if text.lower().startswith("estimate"):
        basis = re.sub(r"^estimated?\s*[:\-]?\s*", "", text, flags=re.IGNORECASE)
        if len(basis) < MIN_ESTIMATE_BASIS:
            return f"{source!r} is an estimate without its basis"
    return None


def _sourced_records(network: Network) -> Iterator[tuple[str, str, str]]:
    """(record, field, source) for every figure-bearing record."""
    for place in network.places.values():
        yield _place(place.code), "source", place.source
        if place.facilities.gauge_change is not None:
            yield _place(place.code), "facilities.gauge_change.source", place.facilities.gauge_change.source
    for link in network.links.values():
        yield _link(link), "source", link.source
    for service in network.services.values():
        yield f"service {service.id}", "source", service.source
    for dwell in network.dwells:
        yield f"dwell {dwell.place}/{dwell.kind.value}", "source", dwell.source
    for operator in network.operators.values():
        yield f"operator {operator.code}", "source", operator.source


def check_sources(network: Network) -> Iterator[Problem]:
    for record, field, source in _sourced_records(network):
        why = source_problem(source)
        if why:
            yield Problem("source", record, field, why,
                          "cite the publication, or write 'estimate: <basis of the estimate>'")


def components(network: Network) -> list[set[str]]:
    """Groups of places joined by links (in either direction), largest first."""
    unseen = set(network.places)
    groups: list[set[str]] = []
    while unseen:
        start = min(unseen)
        group, frontier = {start}, [start]
        while frontier:
            code = frontier.pop()
            for link in network.links_at.get(code, ()):
                other = link.other_end(code)
                if other in unseen and other not in group:
                    group.add(other)
                    frontier.append(other)
        unseen -= group
        groups.append(group)
    groups.sort(key=lambda g: (-len(g), min(g)))
    return groups


def check_connected(network: Network) -> Iterator[Problem]:
    groups = components(network)
    for group in groups[1:]:
        members = ", ".join(sorted(group))
        for code in sorted(group):
            yield Problem("unreachable", _place(code), "links",
                          f"not connected to the main network of {len(groups[0])} places "
                          f"(its group: {members})",
                          "add a link from this group to the rest of the network, or remove the place")


RULES: tuple[Callable[[Network], Iterable[Problem]], ...] = (
    check_codes, check_coordinates, check_link_ends, check_link_lengths, check_link_geometry,
    check_gauge_breaks, check_services, check_service_speeds, check_ferry_wagons, check_dwells, check_sources,
    check_connected,
)


def validate(network: Network) -> list[Problem]:
    """Every problem of the network, rule by rule, in a stable order."""
    return [problem for rule in RULES for problem in rule(network)]


def check(network: Network) -> None:
    """Raise the first problem as NetworkValidationError; return quietly when the network is sound."""
    problems = validate(network)
    if problems:
        raise problems[0].to_error()
