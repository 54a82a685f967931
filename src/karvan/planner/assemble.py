"""Turning a timed ride pattern into an `Itinerary` with legs, handlings, totals and reliability.

Reliability: transit p90 is approximated as the p50 transit plus the root-sum-square of the p90-p50
spreads of every leg's run time and every dwell, as if the delays were independent and roughly
normal. Missed connections after a delay (waiting for the next departure) are not modelled, so the
figure understates the tail where services are infrequent.
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from karvan.emissions.chain import Emissions
from karvan.planner.itinerary import Handling, Itinerary, Leg, PlaceRef
from karvan.planner.patterns import Timed, transfers
from karvan.planner.rules import Rules, Step, tariff_usd


def _at(rules: Rules, code: str, epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, ZoneInfo(rules.network.places[code].timezone))


def place_ref(rules: Rules, code: str) -> PlaceRef:
    return PlaceRef(locode=code, name=rules.network.places[code].name)


def _dedupe(items: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in items:
        if not out or out[-1] != item:
            out.append(item)
    return tuple(out)


def _handling(rules: Rules, step: Step) -> Handling:
    return Handling(place=place_ref(rules, step.place), kind=step.kind, p50_hours=step.p50_s / 3600,
                    p90_hours=step.p90_s / 3600, cost_usd=step.cost_cents / 100,
                    co2e_kg=step.emissions.wtw_kg, co2e_ttw_kg=step.emissions.ttw_kg,
                    estimate=step.estimate, source=step.source)


def assemble(rules: Rules, timed: Timed, corridor: str) -> Itinerary:
    dwell, finish = transfers(rules, timed.rides)
    legs: list[Leg] = []
    notes: list[str] = []
    spreads_s: list[int] = []
    container = rules.request.cargo.container_type
    for ride, departure in zip(timed.rides, timed.departures_s, strict=True):
        line = rules.lines[ride.line]
        sections = range(ride.board, ride.alight)
        stops = line.stops[ride.board:ride.alight + 1]
        run_s = line.offsets_s[ride.alight] - line.offsets_s[ride.board]
        run_p90_s = line.offsets_p90_s[ride.alight] - line.offsets_p90_s[ride.board]
        spreads_s.append(run_p90_s - run_s)
        emissions = sum((rules.section_emissions[line.index][i] for i in sections), Emissions())
        for i in sections:
            if line.sections[i].estimated:
                notes.append(f"distance {line.stops[i]}-{line.stops[i + 1]} estimated (no "
                             f"{line.mode.value} link in the network)")
        if container not in line.service.tariff_usd:
            notes.append(f"{line.service.id}: {container.value} tariff derived from "
                         f"{tariff_usd(line.service, container):.0f} USD for another container type")
        legs.append(Leg(
            origin=place_ref(rules, stops[0]), destination=place_ref(rules, stops[-1]), mode=line.mode,
            operator=line.service.operator, service=line.service.id, service_name=line.service.name,
            departure=_at(rules, stops[0], departure), arrival=_at(rules, stops[-1], departure + run_s),
            stops=stops, countries=_dedupe([rules.network.places[s].country for s in stops]),
            distance_km=round(sum(line.sections[i].distance_km for i in sections), 1),
            cost_usd=sum(rules.section_cost_cents[line.index][i] for i in sections) / 100,
            co2e_kg=round(emissions.wtw_kg, 1), co2e_ttw_kg=round(emissions.ttw_kg, 1),
            emission_category="+".join(dict.fromkeys(rules.category(line, i) for i in sections)),
            run_hours_p50=run_s / 3600,
            run_hours_p90=run_p90_s / 3600))
    steps = [step for transfer in (*dwell, finish) for step in transfer.steps]
    handlings = tuple(_handling(rules, step) for step in steps)
    for step in steps:
        spreads_s.append(step.p90_s - step.p50_s)
        if step.estimate:
            notes.append(f"{step.kind.value} dwell at {step.place}: default ({step.source})")
    start_s = timed.departures_s[0] - dwell[0].seconds
    transit_s = timed.arrival_s - start_s
    p90_s = transit_s + math.sqrt(sum(s * s for s in spreads_s))
    countries = _dedupe([rules.network.places[s].country for leg in legs for s in leg.stops])
    return Itinerary(
        legs=tuple(legs), handlings=handlings,
        departure=legs[0].departure, arrival=_at(rules, legs[-1].destination.locode, timed.arrival_s),
        transit_days=round(transit_s / 86_400, 2), transit_days_p90=round(p90_s / 86_400, 2),
        distance_km=round(sum(leg.distance_km for leg in legs), 1),
        cost_usd=timed.cost_cents / 100,
        co2e_kg=round(sum(leg.co2e_kg for leg in legs) + sum(h.co2e_kg for h in handlings), 1),
        co2e_ttw_kg=round(sum(leg.co2e_ttw_kg for leg in legs) + sum(h.co2e_ttw_kg for h in handlings), 1),
        countries=countries, corridor=corridor, transshipments=len(legs) - 1,
        modes=tuple(dict.fromkeys(leg.mode for leg in legs)), estimates=tuple(dict.fromkeys(notes)))
