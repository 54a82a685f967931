"""The `karvan` command. Each capability registers its commands here, one line each."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="karvan",
    help="Plan, book and track container freight on the Middle Corridor and linked Eurasian corridors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Karvan command-line interface."""


from karvan.cli.network import network_app, places_app  # noqa: E402

app.add_typer(network_app, name="network")
app.add_typer(places_app, name="places")

from karvan.cli.events import app as events_app  # noqa: E402
from karvan.cli.track import track  # noqa: E402

app.add_typer(events_app, name="events")
app.command("track")(track)

from karvan.cli.report import report_command  # noqa: E402
from karvan.cli.simulate import simulate_command  # noqa: E402

app.command("simulate")(simulate_command)
app.command("report")(report_command)

from karvan.cli.plan import compare_command, plan_command  # noqa: E402

app.command("plan")(plan_command)
app.command("compare")(compare_command)

from karvan.cli.admin import admin_app  # noqa: E402
from karvan.cli.db import db_app  # noqa: E402
from karvan.cli.serve import serve_command  # noqa: E402

app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.command("serve")(serve_command)

from karvan.cli.demo import demo_command  # noqa: E402

app.command("demo")(demo_command)

from karvan.cli.documents import app as documents_app  # noqa: E402

app.add_typer(documents_app, name="documents")


if __name__ == "__main__":
    app()
