"""The bundled factor table against published figures, and each bundled service on the factor of its
kind of vehicle (feeders on feeder factors, rail ferries apart from Ro-Pax, deep sea on trade lanes)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from karvan.emissions import load_factors
from karvan.network import load_network
from karvan.network.model import Mode, ServiceKind, Traction
from karvan.network.network import Network
from karvan.planner import PlanRequest, plan

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "emission_factors.md"

KIND_PREFIX = {
    ServiceKind.FEEDER: "container_feeder_",
    ServiceKind.DEEP_SEA: "container_asia_",
    ServiceKind.RAIL_FERRY: "rail_ferry_",
    ServiceKind.CASPIAN_FERRY: "ferry_ropax_",
}


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(use_env=False)


def glec_lane_wtw(lane: str) -> float:
    """GLEC's published WTW figure (g CO2e/TEU-km) of a container trade lane, read from the reference."""
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| **Container ship, {lane}**") or line.startswith(f"| Container ship, {lane} "):
            match = re.search(r"\*\*([\d.]+) g/TEU-km\*\*|\| ([\d.]+) g/TEU-km", line)
            assert match, line
            return float(match.group(1) or match.group(2))
    raise AssertionError(f"lane {lane} not in {REFERENCE}")


def test_shanghai_rotterdam_by_sea_meets_glecs_asia_north_europe_lane_figure(network: Network) -> None:
    """Per TEU, the sea leg emits GLEC's lane factor times the route's distance (cargo at 10 t/TEU)."""
    if not REFERENCE.is_file():
        pytest.skip("the shared reference copies are not next to this checkout")
    itineraries = plan(network, PlanRequest(origin="CNSGH", destination="NLRTM", depart=date(2026, 12, 1),
                                            modes=(Mode.SEA,))).itineraries
    leg = next(leg for leg in itineraries[0].legs if leg.mode is Mode.SEA)
    teu = 2  # the default cargo is one 40HC
    expected_kg = glec_lane_wtw("Asia ↔ North Europe") * leg.distance_km * teu / 1000
    assert leg.co2e_kg == pytest.approx(expected_kg, rel=0.005)


def test_every_service_names_a_known_category_or_family(network: Network) -> None:
    table = load_factors()
    for service in network.services.values():
        for traction in (tuple(Traction) if service.mode is Mode.RAIL else (None,)):
            assert table.category_for(service.mode, traction, service.emission_category), service.id


@pytest.mark.parametrize("kind", sorted(KIND_PREFIX, key=str))
def test_services_ride_on_the_factor_of_their_kind_of_vessel(network: Network, kind: ServiceKind) -> None:
    services = [s for s in network.services.values() if s.kind is kind]
    assert services
    for service in services:
        assert (service.emission_category or "").startswith(KIND_PREFIX[kind]), service.id


def test_caspian_feeders_use_the_small_ship_factor(network: Network) -> None:
    caspian = {"KZ", "AZ", "TM"}
    feeders = [s for s in network.services.values() if s.kind is ServiceKind.FEEDER
               and {network.places[c].country for c in s.stops} <= caspian]
    assert feeders
    assert {s.emission_category for s in feeders} == {"container_feeder_under_1k_teu"}
