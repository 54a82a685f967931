"""`karvan track QUERY`: where a container is, its status and arrival estimate; QUERY may also be a
logistic unit (SSCC) or a booking / transport document reference (`karvan.tracking.lookup`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import typer

from karvan.cli.common import console, one_line_errors
from karvan.cli.database import read_database
from karvan.network.loader import load_network
from karvan.tenancy.principal import Principal
from karvan.tracking import lookup, service


def _state_lines(data: dict[str, Any]) -> list[str]:
    last = data["last_event"]
    lines = [f"{data['container']}  {data['status']}"]
    if last:
        lines.append(f"last: {last['type']} at {last['locode'] or last['facility'] or '?'} {last['time']}")
    eta = data["eta"]
    lines.append(f"eta: {eta['p50']} .. {eta['p90']} (p50..p90) at {eta['destination'] or '?'}" if eta
                 else "eta: unknown (no plan and no estimated arrival)")
    lines += [f"exception [{e['severity']}] {e['kind']}: {e['message']}"
              + (f" (raised {e['raised_at']})" if e.get("raised_at") else "") for e in data["exceptions"]]
    lines.append(f"{len(data['events'])} events")
    return lines


def _found_lines(data: dict[str, Any]) -> list[str]:
    if data["kind"] == "unit":
        where = f"in {data['in_container']}" if data["in_container"] else "in no container now"
        lines = [f"{data['unit']}  unit {where}, {len(data['events'])} events"]
    else:
        linked = f", Karvan shipment {data['shipment']}" if data["shipment"] else ""
        lines = [f"{data['query']}  reference{linked}, {len(data['events'])} events"]
    for event in data["events"]:
        step = f" ({event['biz_step']})" if event.get("biz_step") else ""
        lines.append(f"  {event['time']} {event['type']}{step} at {event['locode'] or '?'}")
    for container in data["containers"]:
        lines += _state_lines(container)
    return lines


@one_line_errors
def track(query: str = typer.Argument(..., metavar="QUERY",
                                      help="Container number (CSQU3054383), SSCC or booking reference."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text.")) -> None:
    """Status, last place and ETA band (p50-p90) of a container, or of the containers of a unit or booking."""
    with read_database() as db, db.session() as session:
        found = lookup.find(session, query, Principal.system(), load_network(), datetime.now(UTC),
                            field_name="QUERY")
    data = service.state_json(found.containers[0]) if found.kind == "container" else lookup.found_json(found)
    if as_json:
        console.print_json(json.dumps(data))
        return
    lines = _state_lines(data) if found.kind == "container" else _found_lines(data)
    console.print("\n".join(lines), markup=False, highlight=False)
