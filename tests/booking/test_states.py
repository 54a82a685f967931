"""The booking state machine: only the listed moves, each by its one actor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.booking.states import HOLDS_SLOTS, TRANSITIONS, Actor, BookingStatus, check_transition
from karvan.errors import ConflictError, PermissionDeniedError

S = BookingStatus


def test_the_happy_path() -> None:
    check_transition(S.REQUESTED, S.CONFIRMED, Actor.SYSTEM)
    check_transition(S.CONFIRMED, S.IN_TRANSIT, Actor.OPERATOR)
    check_transition(S.IN_TRANSIT, S.DELIVERED, Actor.OPERATOR)


def test_shippers_cancel_but_do_not_deliver() -> None:
    check_transition(S.CONFIRMED, S.CANCELLED, Actor.SHIPPER)
    with pytest.raises(PermissionDeniedError, match="operator"):
        check_transition(S.IN_TRANSIT, S.DELIVERED, Actor.SHIPPER)


def test_final_states_go_nowhere() -> None:
    for final in (S.DELIVERED, S.CANCELLED, S.REJECTED):
        with pytest.raises(ConflictError, match="final"):
            check_transition(final, S.CONFIRMED, Actor.SYSTEM)


def test_cargo_on_the_move_cannot_be_cancelled() -> None:
    with pytest.raises(ConflictError, match="can become delivered"):
        check_transition(S.IN_TRANSIT, S.CANCELLED, Actor.SHIPPER)


@given(st.sampled_from(list(S)), st.sampled_from(list(S)), st.sampled_from(list(Actor)))
def test_a_move_is_allowed_exactly_when_listed_for_that_actor(current: S, target: S, actor: Actor) -> None:
    listed = TRANSITIONS.get((current, target))
    try:
        check_transition(current, target, actor)
        allowed = True
    except (ConflictError, PermissionDeniedError):
        allowed = False
    assert allowed == (listed is actor)


def test_only_confirmed_and_later_states_hold_slots() -> None:
    """Slots are taken on confirmation and given back on the one way out of a holding state."""
    leaving = {target for (source, target) in TRANSITIONS if source in HOLDS_SLOTS} - HOLDS_SLOTS
    assert leaving == {S.CANCELLED}
    assert S.REQUESTED not in HOLDS_SLOTS and S.REJECTED not in HOLDS_SLOTS
