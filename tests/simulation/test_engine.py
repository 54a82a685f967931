"""Behaviour of one run on the synthetic corridor of conftest.py."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sim_corridor import corridor, scenario

from karvan.errors import InputError
from karvan.network.model import ServiceKind
from karvan.network.network import Network
from karvan.simulation.data import CrossingCapacity, FerryCargo, PortFacts, SimulationData
from karvan.simulation.engine import NON_CONTAINER, CorridorModel


def _run(network: Network, data: SimulationData | None = None, seed: int = 7,
         **overrides: Any) -> dict[str, Any]:
    return CorridorModel(network, scenario(**overrides), data or SimulationData(), seed).run()


def _delay(result: dict[str, Any], resource: str) -> float:
    return next(r["delay_teu_hours_per_week"] for r in result["resources"] if r["id"] == resource)


def test_same_seed_same_output_other_seed_differs(network: Network) -> None:
    assert _run(network) == _run(network)
    assert _run(network) != _run(network, seed=8)


def test_containers_are_conserved(network: Network) -> None:
    result = _run(network, warmup_days=0)
    delivered = result["delivered_containers"]
    in_transit = result["in_transit_at_end"]
    sent = sum(row["teu"] for row in result["delivered_monthly"]) / 2
    assert delivered == sent
    assert delivered > 0 and in_transit >= 0


def test_scarce_gauge_change_creates_the_top_bottleneck() -> None:
    result = _run(corridor(gauge_teu_per_day=60), demand=[
        {"origin": "CNXIA", "destination": "GETBS", "containers_per_week": 200}])
    assert result["bottlenecks"][0]["id"] == "gauge_change:KZDOS"
    roomy = _run(corridor(gauge_teu_per_day=6000), demand=[
        {"origin": "CNXIA", "destination": "GETBS", "containers_per_week": 200}])
    assert roomy["transit_hours"]["CNXIA-GETBS"]["p50"] < result["transit_hours"]["CNXIA-GETBS"]["p50"]


def test_small_ferry_holds_containers_back_at_the_port() -> None:
    demand = [{"origin": "CNXIA", "destination": "GETBS", "containers_per_week": 150}]
    tight = _run(corridor(ferry_capacity=60), demand=demand)
    assert _delay(tight, "service:FERRY") > 0
    assert tight["nodes"]["KZAAU"]["wait_hours_mean"] > _run(corridor(), demand=demand)["nodes"]["KZAAU"][
        "wait_hours_mean"]


def test_closure_delays_transit(network: Network) -> None:
    base = _run(network)
    closed = _run(network, disruptions=[{"kind": "closure", "place": "KZDOS", "start_day": 40, "days": 14}])
    longest = closed["transit_hours"]["CNXIA-GETBS"]["max"]
    assert longest > base["transit_hours"]["CNXIA-GETBS"]["max"] + 24 * 7
    assert any(r["id"] == "closure:KZDOS" for r in closed["bottlenecks"])


def test_storm_cancels_sailings(network: Network) -> None:
    calm = _run(network)
    stormy = _run(network, disruptions=[{"kind": "storm", "months": [2, 3], "cancel_probability": 0.5}])
    assert calm["cancelled_sailings"] == 0
    assert stormy["cancelled_sailings"] > 0


def test_berths_yard_and_crossing_are_used_when_configured(network: Network) -> None:
    data = SimulationData(
        ports=[PortFacts(place="KZAAU", berths=1, berth_hours_per_call=12, yard_teu=500,
                         source="estimate: t")],
        crossings=[CrossingCapacity(place="KZDOS", trains_per_day=4, source="estimate: t")])
    result = _run(network, data)
    ids = {r["id"]: r for r in result["resources"]}
    assert ids["berths:KZAAU"]["count"] > 0 and 0 < ids["berths:KZAAU"]["utilisation"] <= 1
    assert 0 < ids["yard:KZAAU"]["utilisation"] <= 1
    assert ids["crossing:KZDOS"]["count"] > 0


def test_added_capacity_lowers_ferry_use(network: Network) -> None:
    base = _run(network)
    more = _run(network, capacity={"services": [{"service": "FERRY", "departures_per_week": 6}]})
    util = {r["id"]: r["utilisation"] for r in more["resources"]}
    base_util = {r["id"]: r["utilisation"] for r in base["resources"]}
    assert util["service:FERRY"] < base_util["service:FERRY"]


@given(seed=st.integers(0, 10_000), ferry=st.integers(20, 400), gauge=st.floats(30, 2000),
       per_week=st.floats(5, 200))
@settings(max_examples=15, deadline=None)
def test_containers_are_never_lost_and_utilisation_is_a_share(seed: int, ferry: int, gauge: float,
                                                              per_week: float) -> None:
    result = _run(corridor(gauge_teu_per_day=gauge, ferry_capacity=ferry), seed=seed, warmup_days=0,
                  horizon_days=60, demand=[{"origin": "CNXIA", "destination": "GETBS",
                                            "containers_per_week": per_week}])
    assert result["created_containers"] == pytest.approx(
        result["delivered_containers"] + result["in_transit_at_end"])
    assert all(0 <= r["utilisation"] <= 1.0001 for r in result["resources"])
    assert all(r["delay_teu_hours_per_week"] >= 0 for r in result["resources"])


def test_a_yard_smaller_than_a_consignment_slows_but_does_not_stop_the_flow(network: Network) -> None:
    data = SimulationData(ports=[PortFacts(place="KZAAU", berths=1, berth_hours_per_call=6, yard_teu=4,
                                           source="estimate: t")])
    result = _run(network, data, warmup_days=0)
    assert result["delivered_containers"] > 0
    assert result["created_containers"] == pytest.approx(
        result["delivered_containers"] + result["in_transit_at_end"])


def test_unknown_places_are_refused_naming_the_field(network: Network) -> None:
    with pytest.raises(InputError) as info:
        _run(network, disruptions=[{"kind": "closure", "place": "KZXXX", "start_day": 1, "days": 2}])
    assert info.value.field == "disruptions.0.place"
    with pytest.raises(InputError) as info:
        _run(network, demand=[{"origin": "CNXIA", "destination": "DEDUI", "containers_per_week": 1}])
    assert info.value.field == "demand.0.destination"


def _ferry_with_wagons(network: Network, wagons: int) -> Network:
    services = [s.model_copy(update={"capacity_wagons": wagons}) if s.id == "FERRY" else s
                for s in network.services.values()]
    return Network.from_records(network.places.values(), network.links.values(), services, network.dwells,
                                network.operators.values())


def test_tank_wagons_on_the_ferry_leave_less_room_for_containers() -> None:
    """Each sailing gives wagon places to non-container cargo first; containers queue for the rest, and
    the tank wagons' tonnes are counted on the crossing."""
    network = _ferry_with_wagons(corridor(ferry_capacity=200), wagons=50)
    demand = [{"origin": "CNXIA", "destination": "GETBS", "containers_per_week": 60}]
    cargo = FerryCargo(service_kinds=(ServiceKind.CASPIAN_FERRY,), wagons_per_sailing=40, tonnes_per_wagon=60,
                       teu_per_wagon=2, source="estimate: test")
    shared = _run(network, SimulationData(ferry_cargo=(cargo,)), demand=demand)
    alone = _run(network, demand=demand)
    assert _delay(shared, "service:FERRY") > _delay(alone, "service:FERRY")
    other = [r for r in shared["throughput_monthly"] if r["corridor"] == NON_CONTAINER]
    assert other and all(r["teu"] == 0 and r["segment"] == "KZAAU-AZALA" for r in other)
    sailings = next(r["count"] for r in shared["resources"] if r["id"] == "service:FERRY")
    assert sum(r["tonnes"] for r in other) == pytest.approx(sailings * 40 * 60, rel=0.25)
    assert not [r for r in alone["throughput_monthly"] if r["corridor"] == NON_CONTAINER]


def test_empty_containers_take_room_but_carry_no_cargo(network: Network) -> None:
    result = _run(network, demand=[
        {"origin": "CNXIA", "destination": "GETBS", "containers_per_week": 30, "empty": True}])
    delivered = result["delivered_monthly"]
    assert sum(r["teu"] for r in delivered) > 0
    assert sum(r["tonnes"] for r in delivered) == 0
