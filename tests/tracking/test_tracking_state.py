"""State comes from event time, not arrival order; PLN/EST feed the ETA, never the status."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from karvan.tracking.model import Classifier, ContainerEvent, EventType
from karvan.tracking.plan import Plan, PlannedLeg
from karvan.tracking.repository import StoredEvent
from karvan.tracking.state import derive

T0 = datetime(2026, 11, 3, 6, tzinfo=UTC)
NOW = datetime(2026, 11, 5, tzinfo=UTC)


def _event(i: int, code: str, locode: str, hours: float, classifier: Classifier = Classifier.ACT,
           event_type: EventType = EventType.EQUIPMENT) -> ContainerEvent:
    return ContainerEvent(event_id=f"e{i}", event_type=event_type, code=code, classifier=classifier,
                          event_time=T0 + timedelta(hours=hours), container="CSQU3054383", locode=locode)


JOURNEY = [
    _event(0, "GTIN", "CNXIA", 0), _event(1, "LOAD", "CNXIA", 2),
    _event(2, "DEPA", "CNXIA", 4, event_type=EventType.TRANSPORT),
    _event(3, "ARRI", "KZDOS", 30, event_type=EventType.TRANSPORT), _event(4, "XGCT", "KZDOS", 40),
]
PLAN = Plan((PlannedLeg("CNXIA", "KZDOS", T0 + timedelta(hours=4), T0 + timedelta(hours=30), "S1"),
             PlannedLeg("KZDOS", "KZAAU", T0 + timedelta(hours=48), T0 + timedelta(hours=96), "S2")))


@settings(max_examples=60)
@given(st.permutations(range(len(JOURNEY))))
def test_arrival_order_does_not_change_state(order: list[int]) -> None:
    stored = [StoredEvent(seq, JOURNEY[i], "") for seq, i in enumerate(order, start=1)]
    state = derive("CSQU3054383", stored, plan=PLAN, now=NOW)
    assert state.last_event == JOURNEY[-1]
    assert state.status == "gauge_change"
    assert state.eta is not None and state.eta.p50 == derive(
        "CSQU3054383", [StoredEvent(i + 1, e, "") for i, e in enumerate(JOURNEY)], plan=PLAN, now=NOW).eta.p50


def test_estimates_do_not_set_status_but_feed_eta() -> None:
    estimate = _event(9, "ARRI", "KZAAU", 120, Classifier.EST, EventType.TRANSPORT)
    stored = [StoredEvent(i + 1, e, "") for i, e in enumerate([*JOURNEY, estimate])]
    state = derive("CSQU3054383", stored, plan=PLAN, now=NOW)
    assert state.status == "gauge_change" and state.last_event == JOURNEY[-1]
    assert state.eta is not None and state.eta.p50 == estimate.event_time


def test_late_arrival_misses_connection_and_pushes_eta_by_a_headway() -> None:
    late = [*JOURNEY[:3], _event(3, "ARRI", "KZDOS", 60, event_type=EventType.TRANSPORT)]
    on_time = derive("CSQU3054383", [StoredEvent(i + 1, e, "") for i, e in enumerate(JOURNEY[:4])],
                     plan=PLAN, now=NOW)
    delayed = derive("CSQU3054383", [StoredEvent(i + 1, e, "") for i, e in enumerate(late)], plan=PLAN,
                     now=NOW)
    assert on_time.eta is not None and delayed.eta is not None
    assert delayed.eta.p50 - on_time.eta.p50 == timedelta(days=7)  # weekly default headway
    assert [e.kind for e in delayed.exceptions if e.kind == "missed_connection"] == ["missed_connection"]
    assert delayed.eta.p90 >= delayed.eta.p50


def test_retracted_event_no_longer_counts() -> None:
    retraction = replace(JOURNEY[-1], retracted=True, updated_at=T0 + timedelta(hours=41))
    stored = [StoredEvent(i + 1, e, "") for i, e in enumerate([*JOURNEY, retraction])]
    state = derive("CSQU3054383", stored, plan=PLAN, now=NOW)
    assert state.last_event == JOURNEY[3]
    assert len(state.events) == 4


def test_off_route_and_no_news_are_exceptions() -> None:
    stray = _event(5, "GTIN", "KZALA", 45)
    stored = [StoredEvent(i + 1, e, "") for i, e in enumerate([*JOURNEY, stray])]
    state = derive("CSQU3054383", stored, plan=PLAN, now=T0 + timedelta(days=10))
    kinds = {e.kind for e in state.exceptions}
    assert {"route_deviation", "no_news"} <= kinds


def test_without_a_plan_an_estimate_older_than_the_last_actual_event_gives_no_eta() -> None:
    stale = _event(9, "ARRI", "KZAAU", 20, Classifier.EST, EventType.TRANSPORT)
    fresh = _event(10, "ARRI", "KZAAU", 80, Classifier.EST, EventType.TRANSPORT)
    stored = [StoredEvent(i + 1, e, "") for i, e in enumerate([*JOURNEY, stale])]
    assert derive("CSQU3054383", stored, now=NOW).eta is None
    state = derive("CSQU3054383", [*stored, StoredEvent(99, fresh, "")], now=NOW)
    assert state.eta is not None and state.eta.p50 == fresh.event_time and state.eta.basis == "reported"


def test_without_a_plan_a_container_silent_past_its_reported_arrival_has_no_news() -> None:
    expected = _event(10, "ARRI", "KZAAU", 80, Classifier.EST, EventType.TRANSPORT)
    stored = [StoredEvent(i + 1, e, "") for i, e in enumerate([*JOURNEY, expected])]
    in_time = derive("CSQU3054383", stored, now=NOW)
    assert in_time.eta is not None and not in_time.exceptions
    overdue = derive("CSQU3054383", stored, now=in_time.eta.p90 + timedelta(days=5))
    [silent] = [e for e in overdue.exceptions if e.kind == "no_news"]
    assert silent.severity == "critical" and "reported arrival" in silent.message
    assert overdue.eta is not None and overdue.eta.no_news_since == JOURNEY[-1].event_time
