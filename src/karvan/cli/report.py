"""`karvan report`: KPIs over the database's bookings, tracking events and departures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from karvan.analytics.source import warehouse_from_database
from karvan.cli.common import console, one_line_errors
from karvan.cli.database import read_database

TITLES = {
    "volumes": "Volumes by month and corridor (growth % vs previous month / same month last year)",
    "transit_od": "Transit per origin-destination (hours)",
    "transit_legs": "Transit per leg (hours)",
    "dwell": "Dwell per node (hours)",
    "on_time": "On-time performance vs booked arrival",
    "eta_accuracy": "ETA accuracy by how early the estimate was made",
    "utilisation": "Utilisation per departure",
}


def _table(title: str, rows: list[dict[str, Any]], limit: int) -> Table:
    table = Table(title=title, title_justify="left")
    for column in rows[0]:
        table.add_column(column.replace("_", " "))
    for row in rows[:limit]:
        table.add_row(*("-" if v is None else f"{v:,}" if isinstance(v, int | float) else str(v)
                        for v in row.values()))
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more rows in report.json"
    return table


@one_line_errors
def report_command(
    database_url: str | None = typer.Option(None, "--database-url", envvar="KARVAN_DATABASE_URL",
                                            help="default: the SQLite file in $KARVAN_DATA_DIR (./var)"),
    org: str | None = typer.Option(None, help="one organisation's bookings and events; default all"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write report.json and PNG charts here"),
    tolerance_hours: float = typer.Option(24.0, min=0, help="lateness still counted as on time"),
    rows: int = typer.Option(20, min=1, help="rows shown per table"),
) -> None:
    """Volumes, transit times, dwell, on-time performance, ETA accuracy and utilisation."""
    with read_database(database_url) as db, db.session() as session:
        warehouse = warehouse_from_database(session, org)
    report = warehouse.report()
    report["on_time"] = warehouse.on_time(tolerance_hours)
    for key, title in TITLES.items():
        if report[key]:
            console.print(_table(title, report[key], rows))
        else:
            console.print(f"[dim]{title}: no data[/dim]")
    if output is not None:
        from karvan.analytics.charts import report_charts

        output.mkdir(parents=True, exist_ok=True)
        (output / "report.json").write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
        paths = report_charts(report, output)
        console.print("wrote " + ", ".join(str(p) for p in [output / "report.json", *paths]))
