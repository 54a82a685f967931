"""A container's state, derived from its events by *event time*, never by arrival order.

Only the current version of each event counts (see `repository.current_versions`); retracted events
are ignored. The last event is the latest actual (ACT) movement event; planned and estimated events
feed the ETA, never the status. IoT and reefer readings do not move a container, so they do not set
the status either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from karvan.network.network import Network
from karvan.tracking.eta import Eta, estimate
from karvan.tracking.exceptions import TrackingException, detect
from karvan.tracking.model import Classifier, ContainerEvent
from karvan.tracking.plan import Plan
from karvan.tracking.repository import StoredEvent, current_versions, last_actual

STATUS_BY_CODE = {  # the customer-facing word; what a code means for position is codes.MOVEMENT
    "RECE": "booked", "CONF": "booked", "PICK": "picked_up", "GTIN": "gated_in", "STUF": "stuffed",
    "LOAD": "loaded", "DEPA": "in_transit", "ARRI": "arrived", "DISC": "discharged", "GTOT": "gated_out",
    "STRP": "stripped", "DROP": "delivered", "INSP": "inspected", "HOLD": "on_hold", "RELS": "released",
    "XGCT": "gauge_change", "XFLD": "on_ferry", "XFDS": "discharged", "XCNH": "border_handover",
}


@dataclass(frozen=True)
class Progress:
    leg_index: int | None
    legs_total: int
    places_done: int
    places_total: int


@dataclass
class ContainerState:
    container: str
    status: str
    last_event: ContainerEvent | None
    eta: Eta | None
    events: list[StoredEvent]
    progress: Progress | None = None
    exceptions: list[TrackingException] = field(default_factory=list)
    raised_at: dict[str, datetime] = field(default_factory=dict)
    """when each exception's cause was first raised (`karvan.tracking.raised`); absent: not yet"""


def _progress(plan: Plan | None, events: Sequence[StoredEvent]) -> Progress | None:
    if plan is None:
        return None
    places = plan.places
    seen = {s.event.locode for s in events if s.event.classifier is Classifier.ACT}
    done = max((i + 1 for i, p in enumerate(places) if p in seen), default=0)
    leg = min(max(done - 1, 0), len(plan.legs) - 1) if done else None
    return Progress(leg, len(plan.legs), done, len(places))


def derive(container: str, stored: Sequence[StoredEvent], *, plan: Plan | None = None,
           network: Network | None = None, now: datetime | None = None) -> ContainerState:
    now = now or datetime.now(UTC)
    current = current_versions(stored)
    last = last_actual(current)
    status = STATUS_BY_CODE.get(last.code, last.code.lower()) if last else "no_actual_events"
    if last and plan and last.locode == plan.destination and last.code in ("ARRI", "DISC", "GTOT", "DROP"):
        status = "delivered" if last.code in ("GTOT", "DROP") else "arrived_at_destination"
    eta = None if status == "delivered" else estimate(current, plan=plan, network=network, now=now)
    exceptions = detect(current, plan=plan, network=network, now=now, delivered=status == "delivered",
                        eta=eta)
    return ContainerState(container, status, last, eta, current, _progress(plan, current), exceptions)

