"""`karvan simulate`: run a scenario's Monte Carlo replications and write JSON, charts and a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from karvan.cli.common import console, fail, one_line_errors
from karvan.simulation.runner import LOCAL_RAY, default_workers, simulate
from karvan.simulation.scenario import load_scenario


def _print_summary(result: dict[str, Any]) -> None:
    summary = result["summary"]
    table = Table(title="Bottlenecks (congestion delay caused, TEU-hours/week)")
    for column in ("rank", "resource", "delay", "utilisation %"):
        table.add_column(column)
    for row in summary["bottlenecks"][:10]:
        delay, util = row["delay_teu_hours_per_week"], row["utilisation"]
        table.add_row(str(row["rank"]), row["id"], f"{delay['mean']:,.0f}",
                      f"{(util['mean'] or 0) * 100:.0f}")
    console.print(table)
    transit = Table(title="Door transit time (days, p50 / p90)")
    for column in ("origin-destination", "p50", "p90", "TEU/year"):
        transit.add_column(column)
    for od, stats in summary["transit_hours"].items():
        corridor = next((d.get("corridor") or f"{d['origin']}-{d['destination']}" for d in result["demand"]
                         if f"{d['origin']}-{d['destination']}" == od), od)
        teu = summary["corridors"].get(corridor, {}).get("teu_per_year", {}).get("mean")
        p50_d, p90_d = (stats["p50"]["mean"] or 0) / 24, (stats["p90"]["mean"] or 0) / 24
        transit.add_row(od, f"{p50_d:.1f}", f"{p90_d:.1f}", f"{teu:,.0f}" if teu is not None else "-")
    console.print(transit)


@one_line_errors
def simulate_command(
    scenario: Path = typer.Argument(None, help="scenario YAML file (see scenarios/)"),
    address: str | None = typer.Argument(None, metavar="ADDRESS", show_default=False,
                                         help="with --ray: the Ray cluster's head, host:port or "
                                              "ray://host:10001; none: Ray on this machine"),
    output: Path = typer.Option(Path("simulation-output"), "--output", "-o", help="folder for the results"),
    replications: int | None = typer.Option(None, min=1, help="override the scenario's replications"),
    seed: int | None = typer.Option(None, help="override the scenario's random seed"),
    workers: int = typer.Option(0, min=0, help="processes to use; 0 = one per core"),
    ray: bool = typer.Option(False, "--ray", help="run the replications as Ray tasks (pip install "
                             "'karvan[ray]'): --ray alone on this machine, --ray ADDRESS on a cluster"),
    feed: str | None = typer.Option(None, help="also post simulated journeys as events to this API base URL"),
    api_key: str | None = typer.Option(None, "--api-key", help="API key for --feed"),
    speed: float = typer.Option(3600.0, min=1, help="--feed pace: simulated seconds per real second"),
    history_days: float = typer.Option(0.0, "--history-days", min=0,
                                       help="--feed: post the first N simulated days at once as history "
                                            "ending now, with real durations"),
    max_events: int | None = typer.Option(None, min=1, help="--feed: stop after this many events"),
) -> None:
    """Simulate a scenario: throughput, transit times, queues, utilisation and ranked bottlenecks."""
    if scenario is None:
        raise fail("give a scenario file, e.g. karvan simulate scenarios/baseline.yaml")
    if address is not None and not ray:
        raise fail(f"unexpected argument {address!r}; a Ray cluster address follows --ray")
    if address is not None and workers:
        raise fail("--workers is for this machine; a Ray cluster schedules on its own cores")
    spec = load_scenario(scenario)
    changes: dict[str, Any] = {}
    if replications is not None:
        changes["replications"] = replications
    if seed is not None:
        changes["seed"] = seed
    spec = spec.model_copy(update=changes)
    if feed is not None:
        from karvan.simulation.feed import run_feed

        if not api_key:
            raise fail("--feed needs --api-key")
        sent = run_feed(spec, feed, api_key, speed=speed, history_days=history_days,
                        max_events=max_events, echo=console.print)
        console.print(f"posted {sent} events to {feed}")
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(f"simulating {spec.name}", total=spec.replications)
        result = simulate(spec, workers=workers or default_workers(),
                          on_done=lambda _: progress.advance(task),
                          ray=(address or LOCAL_RAY) if ray else None)
    from karvan.simulation.charts import write_outputs

    paths = write_outputs(result, output)
    _print_summary(result)
    console.print("wrote " + ", ".join(str(p) for p in paths))
