"""Fidelity: Karvan's planned transit times and distances next to published ones.

For each origin-destination pair of benchmarks/fidelity.yaml (published figures, each with its source),
plans the fastest itinerary on the pair's corridor for one departure each day of a week, and prints the
median of Karvan's p50 and p90 days, the distance, the published figure and the error. Departures over a
whole week average out the wait for a weekly ferry or train, as a published "typical" time does.

Run: PYTHONPATH=src .venv/bin/python benchmarks/fidelity.py [--depart 2026-06-01] [--days 7] [--markdown]
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from karvan.errors import InputError, NoRouteError
from karvan.network import load_network
from karvan.network.model import Mode
from karvan.network.network import Network
from karvan.planner import Itinerary, PlanRequest, compare, plan

PAIRS = Path(__file__).with_name("fidelity.yaml")


@dataclass(frozen=True)
class Row:
    pair: dict[str, Any]
    p50_days: float | None
    p90_days: float | None
    km: float | None

    @property
    def published_days(self) -> float:
        if "days" in self.pair:
            return float(self.pair["days"])
        return (float(self.pair["days_low"]) + float(self.pair["days_high"])) / 2

    @property
    def published_label(self) -> str:
        if "days" in self.pair:
            return f"{self.pair['days']:g}"
        return f"{self.pair['days_low']:g}-{self.pair['days_high']:g}"

    @property
    def error_pct(self) -> float | None:
        if self.p50_days is None:
            return None
        return 100.0 * (self.p50_days - self.published_days) / self.published_days


def fastest(network: Network, pair: dict[str, Any], depart: date) -> Itinerary | None:
    """The fastest itinerary of the pair's corridor (compare's row for it) departing on `depart`."""
    request = PlanRequest(origin=pair["origin"], destination=pair["destination"], depart=depart,
                          avoid_countries=tuple(pair.get("avoid", ())), via=tuple(pair.get("via", ())),
                          modes=tuple(Mode(m) for m in pair.get("modes", ())), limit=20)
    wanted = pair.get("corridor")
    try:
        if wanted is not None:
            return next((o.best for o in compare(network, request).corridors if o.corridor == wanted), None)
        return plan(network, request).itineraries[0]
    except (InputError, NoRouteError):  # a place not (yet) in the network, or no route
        return None


def days_of(itinerary: Itinerary, pair: dict[str, Any]) -> tuple[float, float]:
    """p50 and p90 days: door to door, or (scope: sailing) the run time of the legs alone, where the
    publisher gives a ship's time at sea without port time."""
    if pair.get("scope") != "sailing":
        return itinerary.transit_days, itinerary.transit_days_p90
    legs = [leg for leg in itinerary.legs if leg.mode in (Mode.SEA, Mode.FERRY)]
    return sum(leg.run_hours_p50 for leg in legs) / 24, sum(leg.run_hours_p90 for leg in legs) / 24


def measure(network: Network, pair: dict[str, Any], first: date, days: int) -> Row:
    found = [i for d in range(days) if (i := fastest(network, pair, first + timedelta(days=d))) is not None]
    if not found:
        return Row(pair, None, None, None)
    spans = [days_of(i, pair) for i in found]
    return Row(pair, statistics.median(p50 for p50, _ in spans), statistics.median(p90 for _, p90 in spans),
               statistics.median(i.distance_km for i in found))


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def table(rows: list[Row], markdown: bool) -> str:
    head = ("pair", "corridor", "published days", "Karvan p50", "Karvan p90", "error %", "published km",
            "Karvan km", "source")
    lines = []
    for r in rows:
        p = r.pair
        name = f"{p['origin']} > {p['destination']}" + (" *" if p.get("basis") else "")
        lines.append((name, p.get("corridor", "any"), r.published_label,
                      _fmt(r.p50_days, ".1f"), _fmt(r.p90_days, ".1f"), _fmt(r.error_pct, "+.0f"),
                      _fmt(p.get("km"), ",.0f"), _fmt(r.km, ",.0f"),
                      p["source"].split(" <")[0] if not markdown else p["source"]))
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join(out)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(head[:-1])]
    out = ["  ".join(h.ljust(w) for h, w in zip(head[:-1], widths, strict=True))]
    out += ["  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=True)) for cells in lines]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--depart", type=date.fromisoformat, default=date(2026, 6, 1),
                        help="first departure day (a week from it is planned)")
    parser.add_argument("--days", type=int, default=7, help="departure days planned per pair")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table with sources")
    args = parser.parse_args()
    network = load_network()
    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["pairs"]
    rows = [measure(network, pair, args.depart, args.days) for pair in pairs]
    print(f"Fidelity: {len(rows)} pairs, departures {args.depart} + {args.days} days, fastest itinerary "
          "on the published corridor, per 40HC")
    print(table(rows, args.markdown))
    independent = [r for r in rows if not r.pair.get("basis")]
    errors = [abs(r.error_pct) for r in independent if r.error_pct is not None]
    within = sum(e <= 15 for e in errors)
    print(f"\n* the network's run time was built from this published figure (a check of the input only)\n"
          f"{within} of {len(independent)} independent pairs within 15 % of the published time; median "
          f"absolute error {statistics.median(errors):.0f} %; {len(independent) - len(errors)} without route")


if __name__ == "__main__":
    main()
