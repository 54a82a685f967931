"""A container's state, derived from its events by *event time*, never by arrival order.

Only the current version of each event counts (see `repository.current_versions`); retracted events
are ignored. The last event is the latest actual (ACT) movement event; planned and estimated events
feed the ETA, never the status. IoT and reefer readings do not move a container, so they do not set
the status either, and neither do codes that `codes.MEANING` says leave it as it was (customs
decisions, document steps): the status is then the previous status-setting event's, while `last_event`
stays the latest actual event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from karvan.network.network import Network
from karvan.tracking.codes import status_of
from karvan.tracking.eta import Eta, estimate
from karvan.tracking.exceptions import TrackingException, detect
from karvan.tracking.model import Classifier, ContainerEvent
from karvan.tracking.plan import Plan
from karvan.tracking.repository import StoredEvent, current_versions, last_actual


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


def _status(said: ContainerEvent, plan: Plan | None) -> str:
    """The word for the latest event that sets a status, at the destination said as such."""
    if plan and said.locode == plan.destination and said.code in ("ARRI", "DISC", "GTOT", "DROP"):
        return "delivered" if said.code in ("GTOT", "DROP") else "arrived_at_destination"
    return status_of(said.code) or said.code


def derive(container: str, stored: Sequence[StoredEvent], *, plan: Plan | None = None,
           network: Network | None = None, now: datetime | None = None) -> ContainerState:
    now = now or datetime.now(UTC)
    current = current_versions(stored)
    last = last_actual(current)
    said = last_actual(s for s in current if status_of(s.event.code))
    status = _status(said, plan) if said else "no_status_event" if last else "no_actual_events"
    eta = None if status == "delivered" else estimate(current, plan=plan, network=network, now=now)
    exceptions = detect(current, plan=plan, network=network, now=now, delivered=status == "delivered",
                        eta=eta)
    return ContainerState(container, status, last, eta, current, _progress(plan, current), exceptions)

