"""Dwell, tariff and eligibility rules of one query, on the toy corridor."""

from __future__ import annotations

from datetime import date

import pytest
from planner_networks import toy_corridor

from karvan.network.model import ContainerType, DwellKind, Gauge, Mode
from karvan.planner.request import Cargo, PlanRequest
from karvan.planner.rules import Arrival, Rules, tariff_usd

NETWORK = toy_corridor()


@pytest.fixture
def rules() -> Rules:
    return Rules(NETWORK, PlanRequest(origin="CNAAA", destination="GEEEE", depart=date(2026, 12, 1)))


def line(rules: Rules, service_id: str) -> int:
    return next(ln.index for ln in rules.lines if ln.service.id == service_id)


def kinds(rules: Rules, place: str, came: Arrival | None, service_id: str) -> list[DwellKind]:
    ln = rules.lines[line(rules, service_id)]
    return [s.kind for s in rules.boarding(place, came, ln, ln.stops.index(place)).steps]


def test_nothing_to_handle_when_boarding_a_train_at_the_origin(rules: Rules) -> None:
    assert kinds(rules, "CNAAA", None, "cn-kz") == []


def test_port_handling_when_boarding_a_ferry_at_the_origin(rules: Rules) -> None:
    assert kinds(rules, "KZCCC", None, "ferry") == [DwellKind.PORT_HANDLING]


def test_gauge_change_between_1435_and_1520_with_border_after_crossing(rules: Rules) -> None:
    came = Arrival(Mode.RAIL, Gauge.STANDARD, "OPS", True)
    assert kinds(rules, "KZBBB", came, "kz-port") == [DwellKind.GAUGE_CHANGE, DwellKind.BORDER]


def test_wagons_passed_between_trains_of_one_gauge_are_not_lifted(rules: Rules) -> None:
    for operator in (NETWORK.services["kz-port"].operator, "another railway"):
        came = Arrival(Mode.RAIL, Gauge.BROAD, operator, False)
        assert kinds(rules, "KZBBB", came, "kz-port") == [DwellKind.HANDOVER]


def test_a_truck_to_a_train_is_a_transshipment(rules: Rules) -> None:
    came = Arrival(Mode.ROAD, None, "TRUCK", False)
    assert kinds(rules, "KZBBB", came, "kz-port") == [DwellKind.TRANSSHIPMENT]


def test_port_handling_and_border_from_train_to_international_ferry(rules: Rules) -> None:
    came = Arrival(Mode.RAIL, Gauge.BROAD, "OPS", False)
    assert kinds(rules, "KZCCC", came, "ferry") == [DwellKind.PORT_HANDLING, DwellKind.BORDER]


def test_port_handling_at_the_destination_only_after_a_ferry(rules: Rules) -> None:
    assert [s.kind for s in rules.finishing("AZDDD", Arrival(Mode.FERRY, None, "OPS", True)).steps] == [
        DwellKind.PORT_HANDLING]
    assert rules.finishing("GEEEE", Arrival(Mode.RAIL, Gauge.BROAD, "OPS", False)).steps == ()


def test_recorded_dwell_is_used_and_missing_ones_are_labelled_estimates(rules: Rules) -> None:
    came = Arrival(Mode.RAIL, Gauge.STANDARD, "OPS", True)
    ln = rules.lines[line(rules, "kz-port")]
    gauge, border = rules.boarding("KZBBB", came, ln, 0).steps
    assert (gauge.p50_s, gauge.estimate) == (30 * 3600, False)
    assert border.estimate and border.source.startswith("estimate")


def test_section_costs_add_up_to_the_tariff(rules: Rules) -> None:
    ln = line(rules, "kz-ru-ge")
    assert sum(rules.section_cost_cents[ln]) == 250_000
    assert rules.section_cost_cents[ln][0] > rules.section_cost_cents[ln][1]  # 3500 km vs 2200 km


def test_tariff_falls_back_by_size_and_never_turns_dry_into_reefer() -> None:
    service = NETWORK.services["cn-kz"]  # 40GP 1000 USD only
    assert tariff_usd(service, ContainerType.HC40) == 1000
    assert tariff_usd(service, ContainerType.GP20) == 500
    assert tariff_usd(service, ContainerType.RF40) is None


@pytest.mark.parametrize("changes,reason", [
    ({"modes": (Mode.FERRY,)}, "mode rail not allowed"),
    ({"dangerous_goods": True}, "no dangerous goods"),
    ({"cargo": Cargo(container_type=ContainerType.HC40, count=51)}, "capacity 100 TEU"),
    ({"weight_kg": 50_000}, "max 24000 kg per TEU"),
])
def test_refusals_say_why(changes: dict[str, object], reason: str) -> None:
    request = PlanRequest.model_validate(
        {"origin": "CNAAA", "destination": "GEEEE", "depart": date(2026, 12, 1)} | changes)
    assert Rules(NETWORK, request).refusal(NETWORK.services["cn-kz"]) == reason
