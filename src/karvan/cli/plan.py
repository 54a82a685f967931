"""`karvan plan` and `karvan compare`: thin commands over `karvan.planner`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from karvan.cli.common import console, one_line_errors
from karvan.cli.network import Bundled, NetworkPaths, load
from karvan.errors import InputError
from karvan.network.model import Mode
from karvan.network.network import Network
from karvan.network.search import resolve_place
from karvan.planner import Cargo, Comparison, Itinerary, Objective, PlanRequest, compare, plan
from karvan.planner.chart import write_chart

Depart = Annotated[str | None, typer.Option(
    "--depart", help="Earliest departure, YYYY-MM-DD (local to the origin) or ISO 8601 time; default today.")]
CargoOpt = Annotated[str, typer.Option(
    "--cargo", help="COUNTxTYPE, e.g. 2x40HC; types 20GP 40GP 40HC 20RF 40RF.")]
Optimize = Annotated[Objective, typer.Option("--optimize", help="Rank itineraries by this criterion.")]
Avoid = Annotated[list[str] | None, typer.Option(
    "--avoid-country", help="ISO country code to avoid (repeatable).", show_default=False)]
Via = Annotated[list[str] | None, typer.Option(
    "--via", help="Place (code or name) the route must pass (repeatable).", show_default=False)]
Modes = Annotated[list[Mode] | None, typer.Option(
    "--mode", help="Allowed mode (repeatable); default all.", show_default=False)]
MaxChanges = Annotated[int | None, typer.Option(
    "--max-transshipments", min=0, help="Most changes of service.")]
ArriveBefore = Annotated[str | None, typer.Option(
    "--arrive-before", help="Latest arrival, YYYY-MM-DD (end of that day at the destination) or ISO time.")]
Dangerous = Annotated[bool, typer.Option(
    "--dangerous-goods", help="Only services accepting dangerous goods.")]
Weight = Annotated[float | None, typer.Option(
    "--weight-kg", min=1, help="Gross weight of one container (cargo plus tare), kg.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]
Limit = Annotated[int, typer.Option("--limit", min=1, max=50, help="Most itineraries shown.")]


def _when(text: str | None, field: str) -> date | datetime | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"cannot read {text!r} as a date or time", field=field,
                         fix="use YYYY-MM-DD or an ISO 8601 time such as 2026-12-01T08:00+06:00") from None


def _request(network: Network, origin: str, destination: str, depart: str | None, cargo: str,
             optimize: Objective, avoid: list[str] | None, via: list[str] | None, modes: list[Mode] | None,
             max_changes: int | None, arrive_before: str | None, dangerous: bool, weight: float | None,
             limit: int) -> PlanRequest:
    return PlanRequest(
        origin=resolve_place(network, origin).code, destination=resolve_place(network, destination).code,
        depart=_when(depart, "depart") or date.today(), cargo=Cargo.parse(cargo), optimize=optimize,
        avoid_countries=tuple(avoid or ()), via=tuple(resolve_place(network, v).code for v in via or ()),
        modes=tuple(modes or ()), max_transshipments=max_changes,
        arrive_before=_when(arrive_before, "arrive-before"), dangerous_goods=dangerous, weight_kg=weight,
        limit=limit)


def _stamp(moment: datetime) -> str:
    """Local time at the place with its UTC offset (legs cross time zones: Brest is UTC+3, the
    Polish side UTC+1), short; the JSON output carries full ISO 8601 times."""
    offset = moment.utcoffset()
    hours = (offset.total_seconds() / 3600) if offset is not None else 0.0
    return f"{moment:%b %d %H:%M} {hours:+g}"


def _itinerary_table(rank: int, it: Itinerary) -> Table:
    title = (f"{rank}. {it.corridor}: {it.transit_days:.1f} days (p90 {it.transit_days_p90:.1f}), "
             f"USD {it.cost_usd:,.0f}, {it.co2e_kg:,.0f} kg CO2e WTW per container; "
             f"{' > '.join(it.countries)}")
    table = Table(title=title, title_justify="left", title_style="bold")
    for column in ("Leg", "Mode", "Service", "Departs", "Arrives"):
        table.add_column(column)
    for column in ("km", "USD", "kg CO2e"):
        table.add_column(column, justify="right")
    for leg in it.legs:
        table.add_row(f"{leg.origin.locode}>{leg.destination.locode}", leg.mode.value, leg.service,
                      _stamp(leg.departure), _stamp(leg.arrival), f"{leg.distance_km:,.0f}",
                      f"{leg.cost_usd:,.0f}", f"{leg.co2e_kg:,.0f}")
    if it.handlings:
        dwell = ", ".join(f"{h.kind.value} {h.place.locode} {h.p50_hours:.0f} h{'*' if h.estimate else ''}"
                          for h in it.handlings)
        table.caption = f"handling: {dwell}" + ("  (* default, estimate)" if any(
            h.estimate for h in it.handlings) else "")
        table.caption_justify = "left"
    return table


@one_line_errors
def plan_command(
    origin: Annotated[str, typer.Argument(help="UN/LOCODE or name, e.g. CNXIA or Xi'an.")],
    destination: Annotated[str, typer.Argument(help="UN/LOCODE or name, e.g. DEDUI or Duisburg.")],
    depart: Depart = None, cargo: CargoOpt = "1x40HC", optimize: Optimize = Objective.TIME,
    avoid_country: Avoid = None, via: Via = None, mode: Modes = None, max_transshipments: MaxChanges = None,
    arrive_before: ArriveBefore = None, dangerous_goods: Dangerous = False, weight_kg: Weight = None,
    as_json: AsJson = False, limit: Limit = 5, network: NetworkPaths = None, bundled: Bundled = True,
) -> None:
    """Plan container itineraries: Pareto-optimal in arrival time, cost and CO2e, best first."""
    net = load(network, bundled)
    request = _request(net, origin, destination, depart, cargo, optimize, avoid_country, via, mode,
                       max_transshipments, arrive_before, dangerous_goods, weight_kg, limit)
    result = plan(net, request)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        return
    console.print(f"{len(result.itineraries)} of {result.pareto_count} Pareto-optimal itineraries "
                  f"{request.origin} -> {request.destination}, {request.cargo.count}x"
                  f"{request.cargo.container_type.value}, by {request.optimize.value}; figures per container")
    for rank, it in enumerate(result.itineraries, 1):
        console.print(_itinerary_table(rank, it))


def comparison_table(comparison: Comparison) -> Table:
    table = Table(title=f"Corridors {comparison.request.origin} -> {comparison.request.destination} "
                        f"(per {comparison.request.cargo.container_type.value}, departing from "
                        f"{comparison.request.depart})", title_justify="left")
    table.add_column("Corridor", no_wrap=True)
    for column in ("Days p50", "Days p90", "USD", "kg CO2e WTW", "Transshipments"):
        table.add_column(column, justify="right")
    table.add_column("Countries")
    for option in comparison.corridors:
        best = option.best
        table.add_row(option.corridor, f"{best.transit_days:.1f}", f"{best.transit_days_p90:.1f}",
                      f"{best.cost_usd:,.0f}", f"{best.co2e_kg:,.0f}", str(best.transshipments),
                      " > ".join(best.countries))
    return table


@one_line_errors
def compare_command(
    origin: Annotated[str, typer.Argument(help="UN/LOCODE or name.")],
    destination: Annotated[str, typer.Argument(help="UN/LOCODE or name.")],
    depart: Depart = None, cargo: CargoOpt = "1x40HC", optimize: Optimize = Objective.TIME,
    chart: Annotated[Path | None, typer.Option("--chart", help="Also draw the comparison to FILE.png or "
                                               "FILE.html.", show_default=False)] = None,
    as_json: AsJson = False, network: NetworkPaths = None, bundled: Bundled = True,
) -> None:
    """Compare corridors side by side: transit days p50/p90, cost, CO2e, countries, transshipments."""
    net = load(network, bundled)
    request = _request(net, origin, destination, depart, cargo, optimize, None, None, None, None, None,
                       False, None, 5)
    comparison = compare(net, request)
    if chart is not None:
        write_chart(comparison, chart)
    if as_json:
        typer.echo(json.dumps(comparison.model_dump(mode="json"), ensure_ascii=False))
        return
    console.print(comparison_table(comparison))
    if chart is not None:
        console.print(f"chart written to {chart}")
