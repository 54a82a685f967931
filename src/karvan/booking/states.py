"""The life of a booking and who may move it.

    requested --(all slots reserved)--> confirmed --(operator)--> in_transit --(operator)--> delivered
    requested --(a leg has no room)--> rejected
    requested | confirmed --(shipper)--> cancelled

Confirmation and rejection are decided by the system in the same transaction that tries to reserve
the slots, so a booking never waits on a person while holding or lacking capacity. Shippers cancel
(which releases the slots); operators of a leg's service report the cargo moving and arriving.
"""

from __future__ import annotations

from enum import StrEnum

from karvan.errors import ConflictError, PermissionDeniedError


class BookingStatus(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class Actor(StrEnum):
    """Who asks for a transition, which decides whether it is allowed."""

    SYSTEM = "system"
    SHIPPER = "shipper"
    OPERATOR = "operator"


_S = BookingStatus
TRANSITIONS: dict[tuple[BookingStatus, BookingStatus], Actor] = {
    (_S.REQUESTED, _S.CONFIRMED): Actor.SYSTEM,
    (_S.REQUESTED, _S.REJECTED): Actor.SYSTEM,
    (_S.REQUESTED, _S.CANCELLED): Actor.SHIPPER,
    (_S.CONFIRMED, _S.CANCELLED): Actor.SHIPPER,
    (_S.CONFIRMED, _S.IN_TRANSIT): Actor.OPERATOR,
    (_S.IN_TRANSIT, _S.DELIVERED): Actor.OPERATOR,
}
"""Every allowed (from, to) pair and the one actor who may make it."""

HOLDS_SLOTS = frozenset({_S.CONFIRMED, _S.IN_TRANSIT, _S.DELIVERED})
"""States in which the booking's slots stay reserved on its departures."""


def check_transition(current: BookingStatus, target: BookingStatus, actor: Actor) -> None:
    """Raise ConflictError for a move the state machine does not have, PermissionDeniedError for a
    move it has but reserves for another actor."""
    allowed_actor = TRANSITIONS.get((current, target))
    if allowed_actor is None:
        nexts = sorted(t.value for (f, t) in TRANSITIONS if f is current)
        raise ConflictError(
            f"a {current.value} booking cannot become {target.value}; "
            + (f"it can become {', '.join(nexts)}" if nexts else "it is final"))
    if allowed_actor is not actor:
        raise PermissionDeniedError(
            f"only the {allowed_actor.value} may move a booking from {current.value} to {target.value}")
