"""The pinned identity rule: one instant with two offsets is one event; ids and senders do not count."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from karvan.tracking.identity import content_key
from karvan.tracking.model import Classifier, ContainerEvent, EventType, Routing

BASE = ContainerEvent(event_id="a", event_type=EventType.EQUIPMENT, code="LOAD", classifier=Classifier.ACT,
                      event_time=datetime(2026, 11, 3, 6, tzinfo=UTC), container="CSQU3054383",
                      locode="CNXIA")

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                        timezones=st.just(UTC))
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(instants, offsets, offsets)
def test_same_instant_in_any_two_offsets_has_one_content_key(moment: datetime, a: timezone,
                                                             b: timezone) -> None:
    one = replace(BASE, event_time=moment.astimezone(a))
    other = replace(BASE, event_time=moment.astimezone(b), event_id="b", routing=Routing("KTZ"))
    assert content_key(one) == content_key(other)


@given(instants, st.integers(min_value=1, max_value=10**9))
def test_different_instants_have_different_keys(moment: datetime, shift_us: int) -> None:
    later = replace(BASE, event_time=moment + timedelta(microseconds=shift_us))
    assert content_key(replace(BASE, event_time=moment)) != content_key(later)


def test_what_happened_changes_the_key() -> None:
    keys = {content_key(BASE), content_key(replace(BASE, code="DISC")),
            content_key(replace(BASE, locode="KZDOS")),
            content_key(replace(BASE, classifier=Classifier.EST)), content_key(replace(BASE, retracted=True)),
            content_key(replace(BASE, updated_at=datetime(2026, 11, 4, tzinfo=UTC)))}
    assert len(keys) == 6
