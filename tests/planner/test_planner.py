"""`plan` on a toy corridor: constraints, Pareto optimality, determinism and no-route explanations."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from planner_networks import toy_corridor

from karvan.errors import InputError
from karvan.network.model import DwellKind, Mode
from karvan.planner import Itinerary, PlanRequest, plan

NETWORK = toy_corridor()


def request(**changes: object) -> PlanRequest:
    base: dict[str, object] = {"origin": "CNAAA", "destination": "GEEEE", "depart": date(2026, 12, 1)}
    return PlanRequest.model_validate(base | changes)


def dominates(a: Itinerary, b: Itinerary) -> bool:
    return a.arrival <= b.arrival and a.cost_usd <= b.cost_usd and a.co2e_kg <= b.co2e_kg and (
        a.arrival, a.cost_usd, a.co2e_kg) != (b.arrival, b.cost_usd, b.co2e_kg)


def test_same_query_twice_gives_identical_results() -> None:
    assert plan(NETWORK, request()).model_dump() == plan(NETWORK, request()).model_dump()


def test_no_itinerary_dominates_another() -> None:
    found = plan(NETWORK, request()).itineraries
    assert len(found) == 2
    assert not any(dominates(a, b) for a, b in itertools.permutations(found, 2))


def test_both_corridors_are_named() -> None:
    names = {it.corridor for it in plan(NETWORK, request()).itineraries}
    assert names == {"Northern route", "Middle Corridor"}


def test_legs_chain_and_nothing_departs_before_the_requested_date() -> None:
    ready = datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    for it in plan(NETWORK, request()).itineraries:
        assert it.legs[0].origin.locode == "CNAAA" and it.legs[-1].destination.locode == "GEEEE"
        for before, after in itertools.pairwise(it.legs):
            assert before.destination == after.origin and before.arrival <= after.departure
        assert it.departure >= ready
        assert it.transshipments == len(it.legs) - 1


def test_gauge_change_and_port_handling_where_the_rules_say() -> None:
    middle = next(it for it in plan(NETWORK, request()).itineraries if it.corridor == "Middle Corridor")
    kinds = {(h.place.locode, h.kind) for h in middle.handlings}
    assert ("KZBBB", DwellKind.GAUGE_CHANGE) in kinds
    assert ("KZCCC", DwellKind.PORT_HANDLING) in kinds and ("AZDDD", DwellKind.PORT_HANDLING) in kinds
    gauge = next(h for h in middle.handlings if h.kind is DwellKind.GAUGE_CHANGE)
    assert not gauge.estimate and gauge.p50_hours == 30
    assert all(h.estimate for h in middle.handlings if h.kind is DwellKind.PORT_HANDLING)


def test_waiting_counts_towards_transit() -> None:
    """Transit runs from the first departure to arrival, so it is at least the legs' run time plus dwell."""
    for it in plan(NETWORK, request()).itineraries:
        riding_h = sum(leg.run_hours_p50 for leg in it.legs) + sum(h.p50_hours for h in it.handlings)
        assert it.transit_days * 24 >= riding_h - 0.5
        assert it.transit_days_p90 >= it.transit_days


def test_avoiding_russia_leaves_the_middle_corridor() -> None:
    found = plan(NETWORK, request(avoid_countries=("RU",))).itineraries
    assert found and all("RU" not in it.countries for it in found)


def test_via_forces_the_port() -> None:
    found = plan(NETWORK, request(via=("KZCCC",))).itineraries
    assert found and all("KZCCC" in it.places for it in found)


def test_rail_only_excludes_the_ferry() -> None:
    found = plan(NETWORK, request(modes=(Mode.RAIL,))).itineraries
    assert found and all(leg.mode is Mode.RAIL for it in found for leg in it.legs)


def test_max_transshipments() -> None:
    found = plan(NETWORK, request(max_transshipments=1)).itineraries
    assert found and all(it.transshipments <= 1 for it in found)


def test_cost_objective_orders_by_cost() -> None:
    costs = [it.cost_usd for it in plan(NETWORK, request(optimize="cost")).itineraries]
    assert costs == sorted(costs)


def test_unknown_place_and_contradictions_are_input_errors() -> None:
    with pytest.raises(InputError, match="no place"):
        plan(NETWORK, request(origin="XXNOP"))
    with pytest.raises(InputError, match="same place"):
        plan(NETWORK, request(destination="CNAAA"))
    with pytest.raises(InputError, match="avoids"):
        plan(NETWORK, request(avoid_countries=("GE",)))
