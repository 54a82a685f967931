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


if __name__ == "__main__":
    app()
