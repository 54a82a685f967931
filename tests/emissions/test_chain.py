"""Leg and hub emissions: intensity times activity, WTW and TTW."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.emissions import hub_emissions, leg_emissions, load_factors

TABLE = load_factors()
categories = st.sampled_from(sorted(TABLE.known_categories))
countries = st.sampled_from(("CN", "KZ", "AZ", "GE", "TR", "DE", "XX"))


@given(categories, countries, st.floats(1, 20_000), st.floats(0.5, 30), st.floats(1.1, 5))
def test_emissions_scale_with_distance_and_payload(category: str, country: str, km: float, t: float,
                                                   factor: float) -> None:
    base = leg_emissions(TABLE, category, (country,), km, t)
    longer = leg_emissions(TABLE, category, (country,), km * factor, t)
    heavier = leg_emissions(TABLE, category, (country,), km, t * factor)
    assert longer.wtw_kg == pytest.approx(base.wtw_kg * factor)
    assert heavier.wtw_kg == pytest.approx(base.wtw_kg * factor)
    assert base.wtw_kg >= base.ttw_kg >= 0 and base.wtt_kg >= 0


def test_a_border_section_counts_half_in_each_country() -> None:
    both = leg_emissions(TABLE, "rail_electric_2000t", ("KZ", "GE"), 100, 10)
    kz = leg_emissions(TABLE, "rail_electric_2000t", ("KZ",), 100, 10)
    ge = leg_emissions(TABLE, "rail_electric_2000t", ("GE",), 100, 10)
    assert both.wtw_kg == pytest.approx((kz.wtw_kg + ge.wtw_kg) / 2)


def test_one_tonne_one_kilometre_is_the_intensity() -> None:
    assert leg_emissions(TABLE, "road_truck_40t", ("DE",), 1000, 1).wtw_kg == pytest.approx(
        TABLE.intensity("road_truck_40t", "DE").wtw_g_per_tkm)


def test_reefers_cost_more_to_handle_than_dry_boxes() -> None:
    assert hub_emissions(TABLE, reefer=True).wtw_kg > hub_emissions(TABLE, reefer=False).wtw_kg > 0
