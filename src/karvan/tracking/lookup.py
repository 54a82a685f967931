"""Tracking by whatever number a person has: a container number, a logistic unit (SSCC) or other EPC, or
a booking / transport document reference. The CLI, the API and the Track page all ask `find`.

- Four letters and seven digits are a container number (ISO 6346, check digit enforced).
- A unit is found through the events that name it (`repository.unit_events`): the containers that an
  EPCIS Aggregation or Transaction event put it in are tracked with it (the last `ADD` not undone by a
  `DELETE` is the container it is in now).
- Anything else is a reference: a Karvan booking id (`bkg_...`) or shipment id (`shp_...`) stands for
  that shipment, its containers and every event naming either id; any other text is matched against
  the references events were reported with (a carrier's booking, an SMGS consignment note...), so an
  event that names no container stays searchable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from karvan import iso6346
from karvan.errors import NotFoundError
from karvan.network.network import Network
from karvan.store.booking_models import BookingRow, ShipmentRow
from karvan.tenancy.principal import Principal
from karvan.tracking import links, service
from karvan.tracking.formats.epc import lookup_key
from karvan.tracking.repository import StoredEvent, current_versions, shipment_events, unit_events
from karvan.tracking.state import ContainerState

_CONTAINER = re.compile(r"^[A-Z]{4}\d{7}$")


@dataclass
class Found:
    query: str
    kind: str
    """"container", "unit" or "reference"."""
    containers: list[ContainerState] = field(default_factory=list)
    events: list[StoredEvent] = field(default_factory=list)
    """The unit's or the reference's own events (current versions), by event time."""
    unit: str | None = None
    in_container: str | None = None
    shipment: str | None = None


def find(session: Session, query: str, principal: Principal, network: Network | None,
         now: datetime, field_name: str = "query") -> Found:
    """What `query` names and its tracking state; NotFoundError when nothing visible to the caller.
    `field_name` is how the caller calls the query in errors (the CLI's argument, the API's path)."""
    text = query.strip()
    compact = text.replace(" ", "").upper()
    if _CONTAINER.match(compact):
        number = iso6346.validate(compact, field=field_name)
        return Found(text, "container", [service.track(session, number, principal, network, now)])
    found = (_unit(session, text, principal, network, now)
             or _reference(session, text, principal, network, now))
    if found is None:
        raise NotFoundError(f"no container, unit or booking reference {text!r} with events you may see")
    return found


def _visible(session: Session, principal: Principal, events: list[StoredEvent],
             owned: bool = False) -> list[StoredEvent]:
    if principal.is_corridor_admin or owned:
        return events
    containers = set(links.visible_containers(session, principal) or ())
    return [s for s in events if s.org_id == principal.org_id or s.event.container in containers]


def _states(session: Session, numbers: list[str], principal: Principal, network: Network | None,
            now: datetime) -> list[ContainerState]:
    states = []
    for number in dict.fromkeys(numbers):
        try:
            states.append(service.track(session, number, principal, network, now))
        except NotFoundError:
            continue
    return states


def _unit(session: Session, text: str, principal: Principal, network: Network | None,
          now: datetime) -> Found | None:
    key = lookup_key(text)
    events = current_versions(_visible(session, principal, unit_events(session, key)))
    if not events:
        return None
    inside: str | None = None
    containers: list[str] = []
    for stored in events:
        event = stored.event
        if event.container and event.details.get("aggregation"):
            containers.append(event.container)
            if event.details["aggregation"] == "DELETE":
                inside = None if inside == event.container else inside
            else:
                inside = event.container
    return Found(text, "unit", _states(session, containers, principal, network, now), events, unit=key,
                 in_container=inside)


def _reference(session: Session, text: str, principal: Principal, network: Network | None,
               now: datetime) -> Found | None:
    references = [text]
    shipment_id: str | None = None
    booking = session.get(BookingRow, text)
    shipment = session.get(ShipmentRow, booking.shipment_id if booking and booking.shipment_id else text)
    owned = False
    if shipment is not None and (principal.is_corridor_admin or shipment.org_id == principal.org_id):
        shipment_id, owned = shipment.id, True
        references.append(shipment.id)
    by_seq = {s.seq: s for ref in references for s in shipment_events(session, ref)}
    events = current_versions(_visible(session, principal, list(by_seq.values()), owned))
    numbers = (links.containers_of_shipment(session, shipment_id) if shipment_id else []) + [
        s.event.container for s in events if s.event.container]
    if not events and not shipment_id:
        return None
    return Found(text, "reference", _states(session, numbers, principal, network, now), events,
                 shipment=shipment_id)


def found_json(found: Found) -> dict[str, Any]:
    """The API's and the CLI's `--json` answer for a unit or a reference."""
    return {"query": found.query, "kind": found.kind, "unit": found.unit, "in_container": found.in_container,
            "shipment": found.shipment, "containers": [service.state_json(s) for s in found.containers],
            "events": [service.event_json(s) for s in found.events]}
