"""`karvan places search`, `karvan network show|validate|export`: the network from the command line.

Every command reads the bundled network plus the overlays given with `--network PATH` (repeatable)
and those in $KARVAN_NETWORK (`--no-bundled` leaves out the bundled data, to check a network of one's
own). Other command groups that need the network can reuse `NetworkPaths`, `Bundled` and `load`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.table import Table

from karvan.cli.common import EXIT_NO_RESULT, console, fail, one_line_errors
from karvan.errors import NetworkValidationError
from karvan.network.export import ALL_LAYERS, Layer, write_csv, write_geojson
from karvan.network.loader import load_network
from karvan.network.model import Place
from karvan.network.network import Network
from karvan.network.rules import departures_per_week
from karvan.network.search import resolve_place, search_places
from karvan.network.validate import RULES, problem_from_error, validate

network_app = typer.Typer(help="Inspect, check and export the corridor network.", no_args_is_help=True)
places_app = typer.Typer(help="Find places by code or name.", no_args_is_help=True)

NetworkPaths = Annotated[
    list[Path] | None,
    typer.Option("--network", "-n", help="Overlay network file or directory on top of the bundled data "
                 "(repeatable; $KARVAN_NETWORK adds more).", show_default=False),
]

Bundled = Annotated[bool, typer.Option(
    "--bundled/--no-bundled", help="Start from the bundled corridor data, or from the overlays only.")]


def load(paths: list[Path] | None, bundled: bool = True) -> Network:
    return load_network(paths or (), include_bundled=bundled)


def _counts(network: Network) -> str:
    return ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in network.summary().items())


@places_app.command("search")
@one_line_errors
def search_command(
    text: Annotated[str, typer.Argument(help="Code or name, e.g. 'xian' or 'Baku port'.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="Most results to show.")] = 10,
    network: NetworkPaths = None,
    bundled: Bundled = True,
) -> None:
    """Places matching TEXT, best first (case, accents, punctuation and small typos forgiven)."""
    matches = search_places(load(network, bundled), text, limit=limit)
    if not matches:
        raise fail(f"no place matches {text!r}", EXIT_NO_RESULT)
    table = Table("code", "name", "country", "kinds", "score")
    for match in matches:
        place = match.place
        name = place.name if match.matched in (place.name, place.code) else (
            f"{place.name}, alias {match.matched}")
        table.add_row(place.code, name, place.country, ", ".join(k.value for k in place.kinds),
                      f"{match.score:.0f}")
    console.print(table)


@network_app.command("show")
@one_line_errors
def show_command(
    place: Annotated[str | None, typer.Argument(help="A place code or name; omit for a summary.")] = None,
    network: NetworkPaths = None,
    bundled: Bundled = True,
) -> None:
    """Counts by country and mode, or one place with its links, services and dwell times."""
    loaded = load(network, bundled)
    if place is None:
        _show_summary(loaded)
    else:
        _show_place(loaded, resolve_place(loaded, place))


def _show_summary(network: Network) -> None:
    console.print(_counts(network), markup=False, soft_wrap=True)
    by_country: defaultdict[str, list[str]] = defaultdict(list)
    for place in network.places.values():
        by_country[place.country].append(place.code)
    countries = Table("country", "places", "codes", title="Places by country")
    for country in sorted(by_country):
        countries.add_row(country, str(len(by_country[country])), " ".join(sorted(by_country[country])))
    modes = Table("mode", "links", "km", "gauges", "services", "departures/week", title="Links and services")
    for mode in sorted({link.mode for link in network.links.values()}
                       | {service.mode for service in network.services.values()}):
        links = [link for link in network.links.values() if link.mode is mode]
        services = [s for s in network.services.values() if s.mode is mode]
        gauges = Counter(link.gauge.value for link in links if link.gauge)
        modes.add_row(mode.value, str(len(links)), f"{sum(link.distance_km for link in links):,.0f}",
                      ", ".join(f"{g} mm: {n}" for g, n in sorted(gauges.items())),
                      str(len(services)), f"{sum(departures_per_week(s.schedule) for s in services):g}")
    console.print(countries)
    console.print(modes)


def _facilities_text(place: Place) -> str:
    facilities, parts = place.facilities, []
    if facilities.gauge_change:
        change = facilities.gauge_change
        parts.append(f"gauge change {change.capacity_teu_per_day:g} TEU/day ({change.method})")
    parts += [label for label, present in (("customs", facilities.customs),
                                           ("container yard", facilities.container_yard),
                                           ("ferry berth", facilities.ferry_berth)) if present]
    if facilities.reefer_plugs:
        parts.append(f"{facilities.reefer_plugs} reefer plugs")
    return ", ".join(parts) or "none recorded"


def _show_place(network: Network, place: Place) -> None:
    lines = [f"{place.code}  {place.name} ({place.country})  {place.lat:.4f}, {place.lon:.4f}  "
             f"{place.timezone}"]
    if place.alt_names:
        lines.append(f"also: {', '.join(place.alt_names)}")
    lines += [f"kinds: {', '.join(k.value for k in place.kinds)}",
              f"facilities: {_facilities_text(place)}", f"source: {place.source}"]
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    links = Table("link", "to", "mode", "gauge", "km", title="Links")
    for link in sorted(network.links_at.get(place.code, ()), key=lambda x: x.id):
        other = network.places.get(link.other_end(place.code))
        links.add_row(link.id, f"{link.other_end(place.code)} {other.name if other else '(unknown)'}",
                      link.mode.value, link.gauge.value if link.gauge else "", f"{link.distance_km:g}")
    services = Table("service", "operator", "mode", "stops", "departures/week", "TEU", title="Services")
    for service in sorted(network.services_at.get(place.code, ()), key=lambda s: s.id):
        services.add_row(f"{service.id}\n{service.name}", service.operator, service.mode.value,
                         " > ".join(service.stops), f"{departures_per_week(service.schedule):g}",
                         str(service.capacity_teu))
    dwells = Table("dwell", "p50 h", "p90 h", "source", title="Dwell times")
    for dwell in network.dwells_at(place.code):
        dwells.add_row(dwell.kind.value, f"{dwell.p50_hours:g}", f"{dwell.p90_hours:g}", dwell.source)
    for table in (links, services, dwells):
        if table.row_count:
            console.print(table)


@network_app.command("validate")
def validate_command(network: NetworkPaths = None, bundled: Bundled = True) -> None:
    """Check the network against every rule; print each problem on one line; exit 1 if any."""
    try:
        loaded = load(network, bundled)
    except NetworkValidationError as error:
        typer.echo(str(problem_from_error(error)))
        raise typer.Exit(1) from None
    problems = validate(loaded)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        rules = Counter(problem.rule for problem in problems)
        typer.echo(f"{len(problems)} problem(s): " + ", ".join(f"{r} {n}" for r, n in sorted(rules.items())),
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"network OK: {len(RULES)} rule groups passed for {_counts(loaded)}")


class ExportFormat(StrEnum):
    GEOJSON = "geojson"
    CSV = "csv"


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or a file that appears only once completely written (no half-written exports)."""
    if path is None:
        yield sys.stdout
        return
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


@network_app.command("export")
@one_line_errors
def export_command(
    export_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="geojson or csv.")] = (
        ExportFormat.GEOJSON),
    layer: Annotated[Layer | None, typer.Option(
        help="places or links; CSV needs one (default places), GeoJSON has both unless told.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; default stdout.",
                                                dir_okay=False)] = None,
    network: NetworkPaths = None,
    bundled: Bundled = True,
) -> None:
    """Write the network as GeoJSON (RFC 7946, [lon, lat]) or as a CSV table of places or links."""
    loaded = load(network, bundled)
    if output is not None and not output.parent.is_dir():
        raise fail(f"output: no directory {output.parent} (fix: create it or give another --output)")
    with _output(output) as out:
        if export_format is ExportFormat.GEOJSON:
            count = write_geojson(loaded, out, [layer] if layer else ALL_LAYERS)
        else:
            count = write_csv(loaded, out, layer or Layer.PLACES)
    if output is not None:
        unit = "features" if export_format is ExportFormat.GEOJSON else "rows"
        typer.echo(f"wrote {count} {unit} to {output}", err=True)
