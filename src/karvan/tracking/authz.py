"""Who may report and who may read which events.

Reporting: the corridor administrator (and the local command line) may report anything. An operator
organisation may report only for its own operator codes: an event's service must be one of its
services, its place a stop of one of its services, its departure one of its departures. A batch with
any event outside those rights is refused whole (403), so a batch is never half-stored.
Shippers and forwarders do not report events.

Reading: the administrator reads everything; a customer reads the containers on its own shipments
(and bookings' shipments); an operator reads what it reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from karvan.errors import PermissionDeniedError
from karvan.network.network import Network
from karvan.tenancy.principal import Principal
from karvan.tracking.model import ContainerEvent


def _allowed_places(principal: Principal, network: Network) -> set[str]:
    return {stop for service in network.services.values() if principal.manages_operator(service.operator)
            for stop in service.stops}


NetworkSource = Network | Callable[[], Network]
"""The network, or how to load it: only operators' batches need it, so an administrator's import skips
loading it."""


def check_reporter(principal: Principal, events: Sequence[tuple[int, ContainerEvent]], network: NetworkSource,
                   departure_operator: Callable[[str], str | None] = lambda _d: None,
                   ) -> list[tuple[int, ContainerEvent]]:
    """The events with the reporting operator filled in, or PermissionDeniedError for the whole batch."""
    if principal.is_corridor_admin:
        return list(events)
    if not principal.org_kind.is_operator or not principal.operator_codes:
        raise PermissionDeniedError("only operator organisations (railways, ports, ferry lines) "
                                    "report events")
    if callable(network):
        network = network()
    places = _allowed_places(principal, network)
    only_code = next(iter(principal.operator_codes)) if len(principal.operator_codes) == 1 else None
    checked = []
    for index, event in events:
        def deny(what: str, index: int = index) -> PermissionDeniedError:
            return PermissionDeniedError(f"event {index}: {what} is not one of your organisation's "
                                         f"({', '.join(sorted(principal.operator_codes))}); "
                                         "nothing in this batch was stored")
        if event.operator and not principal.manages_operator(event.operator):
            raise deny(f"operator {event.operator}")
        service = network.services.get(event.service) if event.service else None
        if event.service and (service is None or not principal.manages_operator(service.operator)):
            raise deny(f"service {event.service}")
        for place in (event.locode, event.facility):
            if place and place not in places and not place.startswith(("urn:", "http")):
                raise deny(f"place {place}")
        if event.departure:
            operator = departure_operator(event.departure)
            if operator is not None and not principal.manages_operator(operator):
                raise deny(f"departure {event.departure}")
        operator = event.operator or only_code or (service.operator if service else None)
        checked.append((index, replace(event, operator=operator)))
    return checked
