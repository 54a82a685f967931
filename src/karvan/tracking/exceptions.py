"""Exceptions worth telling a customer about, found from the current events, the plan and the ETA.

- `missed_connection`: the container will not make a booked departure; the message says which one
  and which departure the re-plan takes instead, with the booked and the new ETA;
- `dwell_over_p90`: it has been at a place longer than the p90 of the dwells the rules put there;
- `route_deviation`: an actual event at a place on none of the booked services' stops;
- `no_news`: no report for longer than its next expected event allowed (see `eta.NEWS_GRACE`).

Each exception is raised once per cause: `cause` names it (the missed departure, the place, the last
event), so a consumer that has seen a cause can ignore it when it comes again. Severity follows the
hours the ETA slips past the booked arrival (`severity`); for a container without a booking that is
overdue on its reported arrival, the hours past that arrival.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from karvan.network.model import DwellKind
from karvan.network.network import Network
from karvan.network.rules import corridor_rules, dwell
from karvan.tracking.codes import MOVEMENT, Movement
from karvan.tracking.eta import Eta, utc_text
from karvan.tracking.model import Classifier
from karvan.tracking.plan import Plan
from karvan.tracking.repository import StoredEvent, last_actual


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


WARNING_SLIP = timedelta(hours=24)
CRITICAL_SLIP = timedelta(hours=72)
"""estimate: a day late is what a consignee re-plans a delivery slot for; three days is what breaks a
production or sailing plan downstream (the corridor's weekly ferries make 3-7 days the usual slip)."""


def severity(slip: timedelta) -> Severity:
    """info under a day of ETA slip past the booked arrival, warning under three days, else critical."""
    if slip >= CRITICAL_SLIP:
        return Severity.CRITICAL
    return Severity.WARNING if slip >= WARNING_SLIP else Severity.INFO


@dataclass(frozen=True)
class TrackingException:
    kind: str
    message: str
    locode: str | None = None
    severity: Severity = Severity.INFO
    cause: str = ""


def _slip(eta: Eta | None) -> timedelta:
    return eta.p50 - eta.booked if eta is not None and eta.booked is not None else timedelta()


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.0f} h"


def detect(events: Sequence[StoredEvent], *, plan: Plan | None, network: Network | None, now: datetime,
           delivered: bool, eta: Eta | None = None) -> list[TrackingException]:
    found: list[TrackingException] = []
    last = last_actual(events)
    level = severity(_slip(eta))
    if eta is not None and eta.replan is not None:
        replan = eta.replan
        booked = f"booked ETA {utc_text(eta.booked)}, " if eta.booked else ""
        found.append(TrackingException(
            "missed_connection", f"{replan.message} ({booked}new ETA {utc_text(eta.p50)})", replan.place,
            level,
            f"missed:{replan.missed_service}:{replan.missed_departure.isoformat()}"))
    if plan is not None:
        stops = set(plan.places)
        for leg in plan.legs:
            service = network.services.get(leg.service) if network and leg.service else None
            stops.update(service.stops if service else ())
        off_route = sorted({s.event.locode for s in events if s.event.classifier is Classifier.ACT
                            and s.event.locode and s.event.locode not in stops})
        found += [TrackingException("route_deviation", f"actual event at {code}, not on the booked route",
                                    code, level, f"deviation:{code}") for code in off_route]
    if last is None or delivered:
        return found
    if last.locode and network is not None and MOVEMENT.get(last.code) is not Movement.DEPARTED \
            and last.locode in network.places:
        kinds = {d.kind for d in network.dwells_at(last.locode)}
        kinds |= {DwellKind.PORT_HANDLING} if last.locode in corridor_rules().ports else set()
        p90 = timedelta(hours=max((dwell(network, last.locode, kind, month=now.month).p90_hours
                                   for kind in kinds), default=0.0))
        stay = now - last.event_time
        if p90 > timedelta() and stay > p90:
            found.append(TrackingException(
                "dwell_over_p90", f"at {last.locode} for {_hours(stay)}, over the p90 dwell of {_hours(p90)}",
                last.locode, level, f"dwell:{last.event_id}"))
    if eta is not None and eta.no_news_since is not None:
        reported = eta.basis == "reported"  # unbooked: nothing to re-plan, the slip is past its p50
        reading = (f"the reported arrival (p90 {utc_text(eta.p90)}) has passed" if reported
                   else "taken not to have moved, ETA follows the clock")
        found.append(TrackingException(
            "no_news", f"no report since {utc_text(last.event_time)} at {last.locode or '?'}; {reading}",
            last.locode, severity(now - eta.p50) if reported else level, f"no_news:{last.event_id}"))
    return found
