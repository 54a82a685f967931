"""The `karvan` command. Each capability registers its commands in `COMMANDS`, one line each.

A command's module is imported only when that command runs (`karvan.cli.lazy`), so `karvan --help`
and light commands start without loading the web framework, the database layer or the simulator.
The help given here is what `karvan --help` lists; it must match the command's own docstring or help.
"""

from __future__ import annotations

import typer

from karvan.cli.lazy import LazyCommand, LazyGroup

COMMANDS = (  # one line per command, so each capability's line merges on its own
    LazyCommand("network", "karvan.cli.network:network_app", "Inspect, check and export the corridor network."),
    LazyCommand("places", "karvan.cli.network:places_app", "Find places by code or name."),
    LazyCommand("events", "karvan.cli.events:app", "Tracking events: import them from standard formats."),
    LazyCommand("track", "karvan.cli.track:track", "Status, last place and ETA band (p50-p90) of a container, or of the containers of a unit or booking."),
    LazyCommand("simulate", "karvan.cli.simulate:simulate_command", "Simulate a scenario: throughput, transit times, queues, utilisation and ranked bottlenecks."),
    LazyCommand("report", "karvan.cli.report:report_command", "Volumes, transit times, dwell, on-time performance, ETA accuracy and utilisation."),
    LazyCommand("plan", "karvan.cli.plan:plan_command", "Plan container itineraries: Pareto-optimal in arrival time, cost and CO2e, best first."),
    LazyCommand("compare", "karvan.cli.plan:compare_command", "Compare corridors side by side: transit days p50/p90, cost, CO2e, countries, transshipments."),
    LazyCommand("documents", "karvan.cli.documents:app", "CIM/SMGS consignment notes and transit declarations."),
    LazyCommand("db", "karvan.cli.db:db_app", "Database: migrations, backup and restore."),
    LazyCommand("admin", "karvan.cli.admin:admin_app", "Organisations and API keys (run on the server)."),
    LazyCommand("serve", "karvan.cli.serve:serve_command", "Serve the API: OpenAPI at /openapi.json, docs at /docs, JSON access logs on stderr."),
    LazyCommand("demo", "karvan.cli.demo:demo_command", "Run the whole platform on the bundled network and an embedded SQLite database."),
)


class KarvanGroup(LazyGroup):
    table = COMMANDS


app = typer.Typer(
    name="karvan",
    cls=KarvanGroup,
    help="Plan, book and track container freight on the Middle Corridor and linked Eurasian corridors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Karvan command-line interface."""


if __name__ == "__main__":
    app()
