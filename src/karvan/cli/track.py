"""`karvan track CONTAINER`: where a container is, its status and arrival estimate."""

from __future__ import annotations

import json

import typer

from karvan import iso6346
from karvan.cli.common import console, one_line_errors
from karvan.cli.database import read_database
from karvan.network.loader import load_network
from karvan.tenancy.principal import Principal
from karvan.tracking import service


@one_line_errors
def track(container: str = typer.Argument(..., help="ISO 6346 container number, e.g. CSQU3054383."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text.")) -> None:
    """Status, last place and ETA band (p50-p90) of a container."""
    number = iso6346.validate(container, field="CONTAINER")
    with read_database() as db, db.session() as session:
        state = service.track(session, number, Principal.system(), load_network())
    data = service.state_json(state)
    if as_json:
        console.print_json(json.dumps(data))
        return
    last = data["last_event"]
    lines = [f"{number}  {data['status']}"]
    if last:
        lines.append(f"last: {last['type']} at {last['locode'] or last['facility'] or '?'} {last['time']}")
    eta = data["eta"]
    lines.append(f"eta: {eta['p50']} .. {eta['p90']} (p50..p90) at {eta['destination'] or '?'}" if eta
                 else "eta: unknown (no plan and no estimated arrival)")
    lines += [f"exception: {e['kind']}: {e['message']}" for e in data["exceptions"]]
    lines.append(f"{len(data['events'])} events")
    console.print("\n".join(lines), markup=False, highlight=False)
