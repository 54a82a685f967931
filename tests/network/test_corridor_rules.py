"""The corridor's rules: customs borders, which dwells a change of service meets, port seasons."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from karvan.network.loader import load_network
from karvan.network.model import DwellKind, Gauge, Mode
from karvan.network.rules import Direction, Side, change_kinds, corridor_rules, dwell
from karvan.planner.planner import plan
from karvan.planner.request import PlanRequest

RULES = corridor_rules()
COUNTRIES = st.sampled_from(["KZ", "RU", "BY", "KG", "AM", "CN", "AZ", "GE", "TR", "PL", "DE", "HU", "AT",
                             "RO"])


def rail(gauge: Gauge, operator: str, crosses: bool = False) -> Side:
    return Side(Mode.RAIL, gauge, operator, crosses)


def test_no_customs_border_inside_the_eaeu_or_the_eu() -> None:
    assert not RULES.customs_border("KZ", "RU")
    assert not RULES.customs_border("RU", "BY")
    assert not RULES.customs_border("HU", "AT")
    assert not RULES.customs_border("RO", "HU")


def test_customs_border_between_areas_and_outside_them() -> None:
    assert RULES.customs_border("CN", "KZ")
    assert RULES.customs_border("BY", "PL")
    assert RULES.customs_border("AZ", "GE")


@given(COUNTRIES, COUNTRIES)
def test_a_customs_border_is_symmetric_and_never_inside_one_country(a: str, b: str) -> None:
    assert RULES.customs_border(a, b) == RULES.customs_border(b, a)
    assert not RULES.customs_border(a, a)


def test_wagons_handed_over_on_one_gauge_at_a_border_meet_only_the_border() -> None:
    """Gardabani: Azerbaijani and Georgian railways, 1520 mm on both sides: no lift, no 12 h change."""
    came = rail(Gauge.BROAD, "ADY", crosses=True)
    assert change_kinds(came, rail(Gauge.BROAD, "GR")) == (DwellKind.BORDER,)


def test_a_change_of_gauge_is_a_gauge_change_plus_the_border() -> None:
    assert change_kinds(rail(Gauge.STANDARD, "CR", True), rail(Gauge.BROAD, "KTZ")) == (
        DwellKind.GAUGE_CHANGE, DwellKind.BORDER)


def test_trains_of_one_railway_on_one_gauge_pass_the_wagons_without_a_lift() -> None:
    same = rail(Gauge.STANDARD, "RCG")
    assert change_kinds(same, same) == (DwellKind.HANDOVER,)


def test_a_change_from_road_to_rail_is_a_transshipment() -> None:
    truck = Side(Mode.ROAD, None, "TRUCK", False)
    assert change_kinds(truck, rail(Gauge.STANDARD, "TCDD")) == (DwellKind.TRANSSHIPMENT,)


def test_a_ship_on_either_side_is_port_handling() -> None:
    ferry = Side(Mode.FERRY, None, "KMTF", True)
    assert change_kinds(rail(Gauge.BROAD, "KTZ"), ferry) == (DwellKind.PORT_HANDLING, DwellKind.BORDER)


def test_loading_at_a_caspian_port_waits_longer_in_the_storm_season() -> None:
    network = load_network()
    december = dwell(network, "KZAAU", DwellKind.PORT_HANDLING, direction=Direction.LOAD, month=12)
    july = dwell(network, "KZAAU", DwellKind.PORT_HANDLING, direction=Direction.LOAD, month=7)
    discharge = dwell(network, "KZAAU", DwellKind.PORT_HANDLING, direction=Direction.DISCHARGE, month=12)
    assert december.p50_hours > july.p50_hours and december.p90_hours > july.p90_hours
    assert discharge.p50_hours < july.p50_hours
    assert "storm season" in december.source and not december.default


def test_a_place_without_a_record_gets_the_default_labelled_as_such() -> None:
    figure = dwell(load_network(), "DEDUI", DwellKind.HANDOVER)
    assert figure.default and figure.source.startswith("estimate")


def _handlings(depart: date, via: tuple[str, ...]) -> list[tuple[str, DwellKind, float]]:
    request = PlanRequest(origin="CNXIA", destination="DEDUI", depart=depart, via=via)
    best = plan(load_network(), request).itineraries[0]
    return [(h.place.locode, h.kind, h.p50_hours) for h in best.handlings]


def test_the_middle_corridor_meets_no_eu_internal_border_and_no_change_at_gardabani() -> None:
    handlings = _handlings(date(2026, 12, 1), ("KZAAU", "GEGAR", "ROCND"))
    assert not [h for h in handlings if h[0] in ("HUBUD", "ATVIE") and h[1] is DwellKind.BORDER]
    assert [k for place, k, _ in handlings if place == "GEGAR"] == [DwellKind.BORDER]


def test_the_planner_uses_the_season_of_the_departure_asked() -> None:
    def aktau(depart: date) -> float:
        return sum(p50 for place, kind, p50 in _handlings(depart, ("KZAAU", "AZALA"))
                   if place == "KZAAU" and kind is DwellKind.PORT_HANDLING)
    assert aktau(date(2026, 12, 1)) > aktau(date(2026, 7, 1)) > 0
