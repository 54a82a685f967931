"""The bundled corridor network: it loads, passes every rule, covers the issue's places, cites its
figures, and its sea links are what searoute computes (not hand-typed numbers)."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from karvan.network import load_network
from karvan.network.loader import bundled_network_dir
from karvan.network.model import DwellKind, Mode, PlaceKind, ServiceKind, is_estimate
from karvan.network.network import Network
from karvan.network.rules import dwell
from karvan.network.search import search_places
from karvan.network.validate import validate

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_sea_links.py"

ISSUE_PLACES = (
    "CNXIA", "CNCQI", "CNCDU", "CNYIU", "CNURM", "CNLYG", "CNSGH", "CNAKL", "KZDOS", "CNHRS", "KZ-ALTYN",
    "KZHOR", "KZALA", "KZAAU", "KZKUR", "TMKRW", "AZBAK", "AZALA", "GETBS", "GEPTI", "GEBUS", "GEZAI",
    "TRKSY", "TRIST", "TRMER", "ROCND", "BGVAR", "HUBUD", "ATVIE", "PLMAA", "PLWAW", "DEDUI", "DEHAM",
    "NLRTM", "BYBQT", "BYMSQ", "AZAST", "IRASR",
)
"""Every place the data issue names (Vienna, Varna, Warsaw, Minsk and Astara by their UN/LOCODEs)."""

GAUGE_CHANGE_PLACES = ("CNAKL", "KZDOS", "CNHRS", "KZ-ALTYN", "BYBQT", "PLMAA", "GEZAI")

SEARCHES = {
    "xian": "CNXIA", "Xi'an": "CNXIA", "Baku port": "AZALA", "Alyat": "AZALA", "Khorgos": "KZHOR",
    "Horgos": "CNHRS", "Dostyk": "KZDOS", "Druzhba": "KZDOS", "Małaszewicze": "PLMAA",
    "Altynkol": "KZ-ALTYN", "Alashankou": "CNAKL", "Constanța": "ROCND",
}


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(use_env=False)


@pytest.fixture(scope="module")
def raw_documents() -> dict[str, dict[str, Any]]:
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted(bundled_network_dir().glob("*.yaml"))}


@pytest.fixture(scope="module")
def sea_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_sea_links", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module


def test_bundled_network_passes_every_validation_rule(network: Network) -> None:
    assert [str(p) for p in validate(network)] == []


def test_dataset_has_records_in_every_section(network: Network) -> None:
    summary = network.summary()
    assert all(summary[key] > 0 for key in ("places", "links", "services", "dwell_distributions",
                                             "operators"))


@pytest.mark.parametrize("code", ISSUE_PLACES)
def test_place_named_in_the_issue_is_present(network: Network, code: str) -> None:
    assert code in network.places


@pytest.mark.parametrize(("query", "code"), sorted(SEARCHES.items()))
def test_common_spellings_find_the_place(network: Network, query: str, code: str) -> None:
    assert search_places(network, query, limit=1)[0].place.code == code


def _sources(network: Network) -> list[tuple[str, str]]:
    found = [(f"place {p.code}", p.source) for p in network.places.values()]
    found += [(f"gauge change {p.code}", p.facilities.gauge_change.source)
              for p in network.places.values() if p.facilities.gauge_change is not None]
    found += [(f"link {k.id}", k.source) for k in network.links.values()]
    found += [(f"service {s.id}", s.source) for s in network.services.values()]
    found += [(f"dwell {d.place}/{d.kind.value}", d.source) for d in network.dwells]
    found += [(f"operator {o.code}", o.source) for o in network.operators.values()]
    return found


def test_every_estimate_states_its_basis(network: Network) -> None:
    """A source that is an estimate goes on to say what it rests on (at least a few words)."""
    def basis_words(source: str) -> int:
        return len(re.sub(r"^estimate\s*:?", "", source.strip(), flags=re.IGNORECASE).split())

    bare = [record for record, source in _sources(network) if is_estimate(source) and basis_words(source) < 3]
    assert bare == []


def test_cited_sources_name_a_year(network: Network) -> None:
    """A citation (not an estimate, not searoute) names when it was published: 'n.d.' is not used."""
    undated = [record for record, source in _sources(network)
               if not is_estimate(source) and not re.search(r"\b(19|20)\d{2}\b", source)]
    assert undated == []


def test_no_record_is_silently_replaced_within_the_bundle(
        raw_documents: dict[str, dict[str, Any]]) -> None:
    """The loader lets a later record replace one with the same key; in the bundle that would hide a
    figure, so every key appears once."""
    keys: Counter[tuple[str, str]] = Counter()
    for document in raw_documents.values():
        for section, field in (("places", "code"), ("links", "id"), ("services", "id"),
                               ("operators", "code")):
            keys.update((section, str(raw[field])) for raw in document.get(section) or [])
        keys.update(("dwell", f"{raw['place']}/{raw['kind']}") for raw in document.get("dwell") or [])
    assert [key for key, count in keys.items() if count > 1] == []


def test_no_two_links_give_the_same_connection(network: Network) -> None:
    """Two links between the same places need a difference (mode, gauge or routing variant)."""
    seen = Counter((frozenset((k.a, k.b)), k.mode, k.gauge, k.id.rsplit("-", 1)[-1])
                   for k in network.links.values())
    assert [key for key, count in seen.items() if count > 1] == []


@pytest.mark.parametrize("code", GAUGE_CHANGE_PLACES)
def test_gauge_change_points_have_capacity_and_dwell(network: Network, code: str) -> None:
    place = network.places[code]
    assert place.facilities.gauge_change is not None
    assert place.facilities.gauge_change.capacity_teu_per_day > 0
    assert network.dwell(code, DwellKind.GAUGE_CHANGE) is not None
    rail_gauges = {k.gauge for k in network.links_at[code] if k.mode is Mode.RAIL}
    assert len(rail_gauges) == 2


def test_places_have_a_valid_time_zone_and_ports_a_berth(network: Network) -> None:
    for place in network.places.values():
        ZoneInfo(place.timezone)
        if PlaceKind.SEA_PORT in place.kinds and network.links_at.get(place.code) and any(
                k.mode in (Mode.SEA, Mode.FERRY) for k in network.links_at[place.code]):
            assert place.facilities.ferry_berth, place.code


def test_ports_and_borders_have_dwell_distributions(network: Network) -> None:
    missing = []
    for place in network.places.values():
        calls_by_ship = any(k.mode in (Mode.SEA, Mode.FERRY) for k in network.links_at[place.code])
        if calls_by_ship and dwell(network, place.code, DwellKind.PORT_HANDLING).default:
            missing.append(f"{place.code} port_handling")
        if PlaceKind.BORDER_CROSSING in place.kinds and network.dwell(place.code, DwellKind.BORDER) is None:
            missing.append(f"{place.code} border")
    assert missing == []


def test_middle_corridor_and_northern_route_connect_by_services(network: Network) -> None:
    """Following services stop to stop (any mode), Duisburg and Xi'an reach each other both through
    the Caspian (Aktau or Kuryk to Alat) and through Russia and Belarus."""
    def reachable(origin: str, banned: set[str]) -> set[str]:
        seen, frontier = {origin}, [origin]
        while frontier:
            here = frontier.pop()
            for service in network.services_at.get(here, ()):
                stops = service.stops
                for later in stops[stops.index(here) + 1:]:
                    if later in banned:
                        break
                    if later not in seen:
                        seen.add(later)
                        frontier.append(later)
        return seen

    assert "DEDUI" in reachable("CNXIA", banned={"RUMOW", "BYBQT"})
    assert "DEDUI" in reachable("CNXIA", banned={"AZALA", "KZAAU", "KZKUR"})
    assert "CNXIA" in reachable("DEDUI", banned={"RUMOW", "BYBQT"})
    assert "CNXIA" in reachable("DEDUI", banned={"AZALA", "KZAAU", "KZKUR"})


def test_cape_routing_is_longer_than_suez_for_every_pair(network: Network) -> None:
    cape = {(k.a, k.b): k.distance_km for k in network.links.values() if k.id.endswith("-cape")}
    suez = {(k.a, k.b): k.distance_km for k in network.links.values() if k.id.endswith("-suez")}
    assert cape
    assert all(cape[pair] > suez[pair] for pair in cape)


def test_sea_links_file_is_what_the_script_writes(
        network: Network, sea_script: ModuleType, raw_documents: dict[str, dict[str, Any]]) -> None:
    """Every generated link matches a fresh computation (two pairs recomputed with searoute: a
    Caspian crossing and a Cape routing), and the script lists exactly the links in the file."""
    written = {raw["id"] for raw in raw_documents["links_sea.yaml"]["links"]}
    planned = {"-".join(filter(None, (mode, pair.a, pair.b, pair.variant)))
               for pair in sea_script.PAIRS for mode in pair.modes}
    assert written == planned
    places = {code: (p.lon, p.lat) for code, p in network.places.items()}
    for link_id, (a, b, variant, caspian) in {
            "ferry-KZAAU-AZALA": ("KZAAU", "AZALA", "", True),
            "sea-CNSGH-NLRTM-cape": ("CNSGH", "NLRTM", "cape", False)}.items():
        distance_km, geometry = sea_script.route(places[a], places[b], variant, caspian)
        link = network.links[link_id]
        assert link.distance_km == pytest.approx(distance_km, abs=0.1)
        assert len(link.geometry) == len(geometry)
        assert link.source.startswith("searoute ")


def test_wagon_ferries_count_their_wagons(network: Network) -> None:
    """Caspian Ro-Pax and Black Sea train ferries load about 50-60 wagons, shared by tank wagons, container
    flats and trucks (Sea-news.az 2021: 56 tank wagons or 50 trucks; Cuget Liber 2017: 50 wagons)."""
    ferries = [s for s in network.services.values()
               if s.kind in (ServiceKind.CASPIAN_FERRY, ServiceKind.RAIL_FERRY)]
    assert ferries
    for ferry in ferries:
        assert ferry.capacity_wagons is not None and 45 <= ferry.capacity_wagons <= 60, ferry.id


def test_deep_sea_loops_do_not_call_where_their_ships_cannot_berth(network: Network) -> None:
    """Poti and Batumi take feeders and ferries, not 8,000 TEU ships: no deep-sea service calls there."""
    for service in network.services.values():
        if service.kind is ServiceKind.DEEP_SEA:
            assert not {"GEPTI", "GEBUS"} & set(service.stops), service.id


def test_marmaray_freight_runs_in_night_slots_without_dangerous_goods(network: Network) -> None:
    """Freight crosses the Marmaray only between 00:00 and 05:00, about four trains each way, and not
    with dangerous goods (railturkey.org 2019)."""
    slots = [s for s in network.services.values() if {"TRIZT", "TRHAL"} == set(s.stops)]
    assert len(slots) == 8  # four each way
    for slot in slots:
        assert slot.schedule.weekdays is not None and slot.schedule.departure_time.hour < 5
        assert not slot.dangerous_goods


@pytest.mark.parametrize(("origin", "destination", "banned"), [
    ("CNKSS", "UZTAS", {"KZDOS", "KZ-ALTYN"}),  # China-Kyrgyzstan-Uzbekistan via Osh
    ("UZTAS", "TMKRW", set()),  # Turkmenbashi by rail from Uzbekistan
    ("KZAAU", "IRGBT", {"AZALA"}),  # the Kazakhstan-Turkmenistan-Iran line
    ("KZDOS", "KZAAU", {"KZALA"}),  # Zhezkazgan-Beyneu instead of the Almaty loop
    ("TRIZT", "HUBUD", {"TRIST"}),  # through the Marmaray and Kapikule
    ("CNZGZ", "DEHAM", set()),
])
def test_forwarder_routes_are_covered_by_services(network: Network, origin: str, destination: str,
                                                  banned: set[str]) -> None:
    seen, frontier = {origin}, [origin]
    while frontier:
        here = frontier.pop()
        for service in network.services_at.get(here, ()):
            for later in service.stops[service.stops.index(here) + 1:]:
                if later in banned:
                    break
                if later not in seen:
                    seen.add(later)
                    frontier.append(later)
    assert destination in seen
