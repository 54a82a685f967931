"""Exceptions worth telling a customer about, found from the current events and the plan.

- `missed_connection`: on the p50 walk, the container will not be ready for a leg's planned departure;
- `dwell_over_p90`: it has been at a place longer than the network's p90 dwell there;
- `route_deviation`: an actual event at a place that is not on the booked itinerary;
- `silence`: no actual event for `SILENCE` before delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from karvan.network.network import Network
from karvan.tracking.eta import walk
from karvan.tracking.model import Classifier
from karvan.tracking.plan import Plan
from karvan.tracking.repository import StoredEvent, last_actual

SILENCE = timedelta(hours=72)
"""estimate: the corridor's longest regular gaps between reports (ferry crossings, border queues)
are under three days."""


@dataclass(frozen=True)
class TrackingException:
    kind: str
    message: str
    locode: str | None = None


def detect(events: Sequence[StoredEvent], *, plan: Plan | None, network: Network | None, now: datetime,
           delivered: bool) -> list[TrackingException]:
    found: list[TrackingException] = []
    last = last_actual(events)
    if plan is not None:
        _, missed = walk(plan, last, network, now, "p50")
        for index in missed:
            leg = plan.legs[index]
            found.append(TrackingException(
                "missed_connection", f"not ready for the {leg.departs_at.isoformat()} departure "
                f"{leg.origin}->{leg.destination} ({leg.service or 'no service'})", leg.origin))
        planned = set(plan.places)
        off_route = {s.event.locode for s in events if s.event.classifier is Classifier.ACT
                     and s.event.locode and s.event.locode not in planned}
        found += [TrackingException("route_deviation", f"actual event at {code}, not on the booked route",
                                    code) for code in sorted(off_route)]
    if last is not None and not delivered:
        if last.locode and network is not None and last.code not in ("DEPA", "LOAD", "XFLD", "GTOT"):
            p90 = timedelta(hours=sum(d.p90_hours for d in network.dwells_at(last.locode)))
            if p90 > timedelta() and now - last.event_time > p90:
                found.append(TrackingException("dwell_over_p90", f"at {last.locode} for "
                                               f"{(now - last.event_time).total_seconds() / 3600:.0f} h, "
                                               f"over the p90 dwell of {p90.total_seconds() / 3600:.0f} h",
                                               last.locode))
        if now - last.event_time > SILENCE:
            found.append(TrackingException("silence", f"no actual event since {last.event_time.isoformat()}",
                                           last.locode))
    return found
