"""Live feed: post a simulation's journeys to a Karvan API as tracking events (`POST /events`).

One replication of the scenario is run with a listener; per consignment, its first container is
tracked (a valid ISO 6346 number with owner code KRVU), so the feed stays light. Events use
Karvan's JSON event form: GTIN at the origin, LOAD/DISC per ride (with service and departure),
DEPA/ARRI of the vehicle carrying it, XGCT after a gauge change, GTOT on delivery.

Pacing: with `history_days`, the first that many simulated days are history: they end now, keep
their real durations, and are posted at once (so analytics have real transit and dwell times). After
that, simulated time runs `speed` times faster than the wall clock, and each event is posted when its
simulated moment comes, stamped with that wall-clock moment (so no "actual" event is ever in the
future); the simulated time is kept in `details`. Places without
a UN/LOCODE (local codes such as KZ-ALTYN) go in `facility`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from karvan.errors import ConflictError, InputError
from karvan.iso6346 import check_digit
from karvan.network.model import UNLOCODE_RE
from karvan.simulation.engine import CorridorModel
from karvan.simulation.runner import replication_seed, scenario_inputs
from karvan.simulation.scenario import Scenario

OWNER = "KRVU"
BATCH = 200
TYPES = {"DEPA": "TRANSPORT", "ARRI": "TRANSPORT"}
MODES = {"rail": "RAIL", "ferry": "VESSEL", "sea": "VESSEL", "road": "TRUCK"}


def container_number(serial: str) -> str:
    first_ten = f"{OWNER}{int(serial) % 1_000_000:06d}"
    return f"{first_ten}{check_digit(first_ten)}"


def simulated_events(scenario: Scenario) -> list[tuple[float, dict[str, Any]]]:
    """(simulated hours, listener fields) of replication 0, in time order."""
    network, data = scenario_inputs(scenario)
    model = CorridorModel(network, scenario, data, replication_seed(scenario.seed, 0))
    events: list[tuple[float, dict[str, Any]]] = []
    model.listener = lambda hours, fields: events.append((hours, fields))
    model.run()
    return events


def to_karvan_event(fields: dict[str, Any], at: datetime, simulated: datetime, scenario: str,
                    index: int) -> dict[str, Any]:
    place = str(fields["place"])
    event: dict[str, Any] = {
        "eventId": f"sim-{scenario}-{index}"[:100],
        "type": TYPES.get(fields["code"], "EQUIPMENT"),
        "code": fields["code"],
        "classifier": "ACT",
        "time": at.isoformat(timespec="seconds"),
        "container": container_number(fields["serial"]),
        "details": {"simulation": scenario, "simulated_time": simulated.isoformat(timespec="seconds"),
                    "origin_destination": fields["od"]},
    }
    if UNLOCODE_RE.match(place):
        event["locode"] = place
    else:
        event["facility"] = place
    for key in ("service", "departure", "operator"):
        if fields.get(key):
            event[key] = str(fields[key])[:50]
    if fields.get("mode"):
        event["mode"] = MODES[fields["mode"]]
    return event


def _post(client: httpx.Client, url: str, batch: list[dict[str, Any]]) -> None:
    try:
        response = client.post(url, json={"events": batch})
    except httpx.HTTPError as error:
        raise InputError(f"cannot reach {url}: {error}", field="feed",
                         fix="give the base URL of a running Karvan API, e.g. http://127.0.0.1:8000"
                         ) from None
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail") or response.text
        except ValueError:
            detail = response.text
        if response.status_code in (401, 403):
            raise InputError(f"the API refused the key: {detail}", field="api_key",
                             fix="give a valid key with write scope")
        raise ConflictError(f"POST {url} answered {response.status_code}: {detail}")


def run_feed(scenario: Scenario, base_url: str, api_key: str, *, speed: float = 3600.0,
             history_days: float = 0.0, max_events: int | None = None,
             echo: Callable[[str], None] | None = None, sleep: Callable[[float], None] = time.sleep,
             client: httpx.Client | None = None) -> int:
    """Post the scenario's simulated events to `base_url`/events, paced; returns how many were sent."""
    events = simulated_events(scenario)
    if max_events is not None:
        events = events[:max_events]
    url = base_url.rstrip("/") + "/events"
    started = datetime.now(UTC).replace(microsecond=0)
    origin = datetime.combine(scenario.start, datetime.min.time(), UTC)
    own_client = client is None
    http = client or httpx.Client(headers={"Authorization": f"Bearer {api_key}"}, timeout=30.0)
    sent = 0
    try:
        batch: list[dict[str, Any]] = []
        history_h = history_days * 24.0
        for index, (hours, fields) in enumerate(events):
            if hours <= history_h:
                due = started - timedelta(hours=history_h - hours)
            else:
                due = started + timedelta(seconds=(hours - history_h) * 3600.0 / speed)
            wait_s = (due - datetime.now(UTC)).total_seconds()
            if wait_s > 0:
                if batch:
                    _post(http, url, batch)
                    sent, batch = sent + len(batch), []
                sleep(wait_s)
            batch.append(to_karvan_event(fields, due.replace(microsecond=0), origin + timedelta(hours=hours),
                                         scenario.name, index))
            if len(batch) >= BATCH:
                _post(http, url, batch)
                sent, batch = sent + len(batch), []
                if echo:
                    echo(f"{sent} events posted (simulated {origin + timedelta(hours=hours):%Y-%m-%d %H:%M})")
        if batch:
            _post(http, url, batch)
            sent += len(batch)
    finally:
        if own_client:
            http.close()
    return sent
