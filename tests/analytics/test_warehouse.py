"""KPIs over hand-made rows whose answers are worked out in the comments."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from karvan.analytics.rows import BookingFact, DepartureFact, EventFact
from karvan.analytics.warehouse import Warehouse

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _journey(container: str, booking: str, shift_h: float = 0.0, dwell_h: float = 30.0) -> list[EventFact]:
    """Xi'an -> Dostyk by train D1 (100 h), dwell, Dostyk -> Aktau by train D2 (80 h)."""
    s = shift_h
    return [
        EventFact(_h(s), "LOAD", container=container, shipment=booking, locode="CNXIA", departure="D1",
                  service="CR"),
        EventFact(_h(s + 2), "DEPA", container=container, shipment=booking, locode="CNXIA", departure="D1",
                  service="CR"),
        EventFact(_h(s + 100), "DISC", container=container, shipment=booking, locode="KZDOS", departure="D1",
                  service="CR"),
        EventFact(_h(s + 100 + dwell_h), "LOAD", container=container, shipment=booking, locode="KZDOS",
                  departure="D2", service="KTZ"),
        EventFact(_h(s + 180 + dwell_h), "DISC", container=container, shipment=booking, locode="KZAAU",
                  departure="D2", service="KTZ"),
    ]


@pytest.fixture
def warehouse() -> Warehouse:
    events = _journey("MSKU0000001", "B1") + _journey("MSKU0000002", "B2", 24, dwell_h=10)
    # B1 arrives at 210 h, B2 at 24 + 190 = 214 h. An estimate made 2 days ahead said 200 h for B1.
    events.append(EventFact(_h(200), "DISC", classifier="EST", container="MSKU0000001", shipment="B1",
                            locode="KZAAU", received_at=_h(162)))
    bookings = [
        BookingFact("B1", "confirmed", 2, "CNXIA", "KZAAU", T0, _h(200), corridor="Middle"),  # 10 h late
        BookingFact("B2", "confirmed", 2, "CNXIA", "KZAAU", _h(24), _h(170), corridor="Middle"),  # 44 h late
        BookingFact("B3", "confirmed", 4, "CNXIA", "KZAAU", T0 - timedelta(days=14), _h(0),  # February
                    corridor="Middle"),
        BookingFact("B4", "cancelled", 8, "CNXIA", "KZAAU", T0, _h(200), corridor="Middle"),
        BookingFact("B5", "confirmed", 6, "CNXIA", "KZAAU", T0 - timedelta(days=365), _h(0),
                    corridor="Middle"),
    ]
    departures = [DepartureFact("D1", "CR", "CNXIA", "KZDOS", T0, 100, 25),
                  DepartureFact("D2", "KTZ", "KZDOS", "KZAAU", _h(130), 80, 80)]
    return Warehouse(events, bookings, departures)


def test_volumes_and_growth(warehouse: Warehouse) -> None:
    rows = {r["month"]: r for r in warehouse.volumes()}
    assert rows["2026-03"]["teu"] == 4 and rows["2026-03"]["bookings"] == 2  # B4 is cancelled
    assert rows["2026-03"]["growth_vs_previous_month_pct"] == 0.0  # B3: 4 TEU in February
    assert rows["2025-03"]["teu"] == 6
    assert rows["2026-03"]["growth_vs_last_year_pct"] == pytest.approx(-33.3)


def test_transit_per_od_and_leg(warehouse: Warehouse) -> None:
    (od,) = warehouse.transit_by_od()
    assert (od["origin"], od["destination"], od["journeys"]) == ("CNXIA", "KZAAU", 2)
    assert od["p50_hours"] == pytest.approx((210 + 190) / 2)
    legs = {(r["service"], r["origin"], r["destination"]): r for r in warehouse.transit_by_leg()}
    assert legs[("CR", "CNXIA", "KZDOS")]["p50_hours"] == 100
    assert legs[("KTZ", "KZDOS", "KZAAU")]["p50_hours"] == 80


def test_dwell_per_node(warehouse: Warehouse) -> None:
    (dostyk,) = warehouse.dwell_by_node()
    assert dostyk["locode"] == "KZDOS" and dostyk["dwells"] == 2
    assert dostyk["p50_hours"] == pytest.approx(20)  # 30 h and 10 h


def test_on_time_with_tolerance(warehouse: Warehouse) -> None:
    (row,) = warehouse.on_time(tolerance_hours=24)
    assert (row["delivered"], row["on_time"]) == (2, 1)
    (strict,) = warehouse.on_time(tolerance_hours=0)
    assert strict["on_time"] == 0


def test_eta_accuracy(warehouse: Warehouse) -> None:
    (row,) = warehouse.eta_accuracy()
    assert row["horizon"] == "1-3 d" and row["estimates"] == 1
    assert row["mean_abs_error_hours"] == 10 and row["bias_hours"] == -10


def test_utilisation_per_departure(warehouse: Warehouse) -> None:
    rows = {r["departure_id"]: r for r in warehouse.utilisation()}
    assert rows["D1"]["utilisation_pct"] == 25.0 and rows["D2"]["utilisation_pct"] == 100.0


def test_offsets_are_normalised_to_utc() -> None:
    plus5 = timezone(timedelta(hours=5))
    events = [EventFact(datetime(2026, 1, 1, 13, 0, tzinfo=plus5), "LOAD", container="C1", locode="A"),
              EventFact(datetime(2026, 1, 1, 10, 0, tzinfo=UTC), "DISC", container="C1", locode="B")]
    (od,) = Warehouse(events).transit_by_od()
    assert od["p50_hours"] == 2


def test_empty_warehouse_gives_empty_reports() -> None:
    assert all(rows == [] for rows in Warehouse().report().values())


def test_a_gauge_change_inside_a_dwell_is_part_of_it() -> None:
    """XGCT is handling at the place (codes.MOVEMENT): the dwell runs from the arrival to the departure."""
    events = [EventFact(_h(0), "ARRI", container="MSKU0000003", locode="KZDOS"),
              EventFact(_h(8), "XGCT", container="MSKU0000003", locode="KZDOS"),
              EventFact(_h(20), "DEPA", container="MSKU0000003", locode="KZDOS")]
    (dostyk,) = Warehouse(events).dwell_by_node()
    assert (dostyk["dwells"], dostyk["p50_hours"]) == (1, 20)
