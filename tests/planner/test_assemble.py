"""Assembled itineraries: totals are the sums of legs and handlings; times are local with offsets."""

from __future__ import annotations

from datetime import date

import pytest
from planner_networks import toy_corridor

from karvan.planner import Itinerary, PlanRequest, plan

RESULT = plan(toy_corridor(), PlanRequest(origin="CNAAA", destination="GEEEE", depart=date(2026, 12, 1)))


@pytest.mark.parametrize("it", RESULT.itineraries, ids=lambda it: it.corridor)
def test_totals_add_up(it: Itinerary) -> None:
    assert it.cost_usd == pytest.approx(sum(x.cost_usd for x in (*it.legs, *it.handlings)))
    assert it.co2e_kg == pytest.approx(sum(x.co2e_kg for x in (*it.legs, *it.handlings)), abs=0.2)
    assert it.co2e_ttw_kg <= it.co2e_kg
    assert it.distance_km == pytest.approx(sum(leg.distance_km for leg in it.legs))


@pytest.mark.parametrize("it", RESULT.itineraries, ids=lambda it: it.corridor)
def test_hub_emissions_for_each_handling_but_not_for_border_checks(it: Itinerary) -> None:
    for handling in it.handlings:
        assert (handling.co2e_kg > 0) == (handling.kind.value != "border")


def test_times_carry_the_local_offset_of_each_place() -> None:
    leg = RESULT.itineraries[0].legs[0]
    assert leg.departure.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert leg.arrival.utcoffset().total_seconds() == 5 * 3600  # type: ignore[union-attr]


def test_countries_in_travel_order() -> None:
    assert {it.countries for it in RESULT.itineraries} == {("CN", "KZ", "RU", "GE"), ("CN", "KZ", "AZ", "GE")}
