"""ETA over the bundled timetable: position on booked legs, re-plans after a missed connection, the
band, no news, and exceptions with severity raised once per cause."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.network.loader import load_network
from karvan.network.model import DwellKind
from karvan.network.network import Network
from karvan.network.rules import WATER, Direction, dwell
from karvan.planner.lines import lines_of
from karvan.planner.planner import plan
from karvan.planner.request import PlanRequest
from karvan.tracking.eta import estimate
from karvan.tracking.exceptions import CRITICAL_SLIP, WARNING_SLIP, Severity, severity
from karvan.tracking.model import Classifier, ContainerEvent, EventType
from karvan.tracking.plan import Plan, PlannedLeg
from karvan.tracking.repository import StoredEvent
from karvan.tracking.state import derive

CONTAINER = "CSQU3054383"
NETWORK = load_network()


def stored(*events: tuple[str, str, datetime]) -> list[StoredEvent]:
    return [StoredEvent(i + 1, ContainerEvent(
        event_id=f"e{i}", event_type=EventType.TRANSPORT if code in ("ARRI", "DEPA") else EventType.EQUIPMENT,
        code=code, classifier=Classifier.ACT, event_time=at, container=CONTAINER, locode=place), "")
        for i, (code, place, at) in enumerate(events)]


@cache
def middle_corridor() -> Plan:
    """Xi'an to Poti through Aktau, booked by the planner for 1 December 2026."""
    request = PlanRequest(origin="CNXIA", destination="GEPTI", depart=date(2026, 12, 1), via=("KZAAU",))
    best = plan(NETWORK, request).itineraries[0]
    return Plan(tuple(PlannedLeg(leg.origin.locode, leg.destination.locode, leg.departure, leg.arrival,
                                 leg.service) for leg in best.legs))


def aktau_arrival(late_hours: float) -> list[StoredEvent]:
    booked = middle_corridor()
    into = next(leg for leg in booked.legs if leg.destination == "KZAAU")
    return stored(("DEPA", booked.legs[0].origin, booked.legs[0].departs_at),
                  ("ARRI", "KZAAU", into.arrives_at + timedelta(hours=late_hours)))


def at_last_event(events: list[StoredEvent]) -> datetime:
    return events[-1].event.event_time


def through_services() -> list[tuple[str, int]]:
    return [(line.service.id, stop) for line in lines_of(NETWORK) for stop in range(1, len(line.stops) - 1)]


@pytest.mark.parametrize(("service", "stop"), through_services())
def test_an_arrival_at_an_intermediate_stop_is_on_board_the_booked_leg(service: str, stop: int) -> None:
    line = next(ln for ln in lines_of(NETWORK) if ln.service.id == service)
    first = line.calendar.next_at_or_after(int(datetime(2026, 6, 1, tzinfo=UTC).timestamp()), 2**40)
    assert first is not None
    departs = datetime.fromtimestamp(first, UTC)
    arrives = departs + timedelta(seconds=line.offsets_s[-1])
    booked = Plan((PlannedLeg(line.stops[0], line.stops[-1], departs, arrives, service),))
    at = departs + timedelta(seconds=line.offsets_s[stop])
    events = stored(("DEPA", line.stops[0], departs), ("ARRI", line.stops[stop], at))
    state = derive(CONTAINER, events, plan=booked, network=NETWORK, now=at)
    assert state.eta is not None and state.eta.replan is None
    assert {e.kind for e in state.exceptions}.isdisjoint({"missed_connection", "route_deviation"})
    unloading = dwell(NETWORK, line.stops[-1], DwellKind.PORT_HANDLING, direction=Direction.DISCHARGE
                      ).p90_hours if line.mode in WATER else 0.0
    spread = timedelta(seconds=line.offsets_p90_s[-1] - line.offsets_s[-1], hours=unloading)
    assert at <= state.eta.p50 <= arrives + spread


def test_an_on_time_container_keeps_its_booked_legs() -> None:
    events = aktau_arrival(0)
    eta = estimate(events, plan=middle_corridor(), network=NETWORK, now=at_last_event(events))
    assert eta is not None and eta.replan is None and eta.p90 >= eta.p50 >= eta.booked  # type: ignore[operator]


def test_a_missed_ferry_is_re_planned_and_said_so() -> None:
    events = aktau_arrival(24)
    state = derive(CONTAINER, events, plan=middle_corridor(), network=NETWORK, now=at_last_event(events))
    assert state.eta is not None and state.eta.replan is not None
    missed = [e for e in state.exceptions if e.kind == "missed_connection"]
    assert len(missed) == 1
    assert missed[0].message.startswith("missed KMTF-AAU-ALA ") and "re-planned via " in missed[0].message
    assert state.eta.replan.via_departure is not None
    assert state.eta.replan.via_departure > state.eta.replan.missed_departure


def test_a_later_arrival_never_gives_an_earlier_eta() -> None:
    etas = [estimate(events, plan=middle_corridor(), network=NETWORK, now=at_last_event(events))
            for events in (aktau_arrival(24), aktau_arrival(72), aktau_arrival(120))]
    p50s = [eta.p50 for eta in etas if eta is not None]
    assert p50s == sorted(p50s) and p50s[0] < p50s[-1]


def test_the_estimate_is_deterministic() -> None:
    events = aktau_arrival(30)
    now = at_last_event(events)
    assert estimate(events, plan=middle_corridor(), network=NETWORK, now=now) == estimate(
        events, plan=middle_corridor(), network=NETWORK, now=now)


def test_a_silent_container_moves_with_the_clock_and_raises_no_news_once() -> None:
    events = aktau_arrival(0)
    later = at_last_event(events) + timedelta(days=20)
    state = derive(CONTAINER, events, plan=middle_corridor(), network=NETWORK, now=later)
    assert state.eta is not None and state.eta.p50 > later
    assert [e.kind for e in state.exceptions].count("no_news") == 1


def test_exceptions_are_raised_once_per_cause() -> None:
    events = aktau_arrival(96)
    state = derive(CONTAINER, events, plan=middle_corridor(), network=NETWORK,
                   now=at_last_event(events) + timedelta(days=12))
    causes = [e.cause for e in state.exceptions]
    assert causes and len(causes) == len(set(causes))


@given(st.floats(min_value=-200, max_value=500))
def test_severity_grows_with_the_slip(hours: float) -> None:
    slip = timedelta(hours=hours)
    level = severity(slip)
    order = [Severity.INFO, Severity.WARNING, Severity.CRITICAL]
    assert level is order[(slip >= WARNING_SLIP) + (slip >= CRITICAL_SLIP)]
    assert order.index(severity(timedelta(hours=hours + 24))) >= order.index(level)


def test_a_network_is_needed_only_for_the_timetabled_estimate(network: Network | None = None) -> None:
    events = aktau_arrival(96)
    eta = estimate(events, plan=middle_corridor(), network=network, now=at_last_event(events))
    assert eta is not None and eta.replan is not None  # the booked times walked by headways


def test_the_longer_a_container_stands_silent_the_later_its_eta() -> None:
    """Silence at Aktau after the booked ferry has left: the dwell has lasted at least that long (the
    container missed every sailing since), so each day more gives an ETA no earlier, and never before now."""
    events = aktau_arrival(0)
    reads = [at_last_event(events) + timedelta(hours=h) for h in range(0, 24 * 12, 12)]
    etas = [estimate(events, plan=middle_corridor(), network=NETWORK, now=now) for now in reads]
    assert all(eta is not None and eta.p50 >= now and eta.p90 >= eta.p50
               for eta, now in zip(etas, reads, strict=True))
    p50s = [eta.p50 for eta in etas if eta is not None]
    assert p50s == sorted(p50s) and p50s[-1] > p50s[0]


def test_a_silent_container_is_re_planned_onto_a_dated_departure() -> None:
    events = aktau_arrival(0)
    now = at_last_event(events) + timedelta(days=9)
    eta = estimate(events, plan=middle_corridor(), network=NETWORK, now=now)
    assert eta is not None and eta.replan is not None and eta.replan.via_departure is not None
    via = next(line for line in lines_of(NETWORK) if line.service.id == eta.replan.via_service)
    leaves = int(eta.replan.via_departure.timestamp()) - via.offsets_s[via.stops.index("KZAAU")]
    assert via.calendar.next_at_or_after(leaves, leaves) == leaves
    assert eta.replan.via_departure >= now - timedelta(hours=6)
