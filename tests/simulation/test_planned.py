"""Consistency with the planner: routes come from its itinerary, and without congestion the simulated
transit times agree with its p50/p90.

Tolerance, stated: with services so frequent that waiting for a departure is negligible (hourly),
the simulated median transit (first departure to delivery) is within 10 % of the planner's p50 and
the simulated 90th percentile within 15 % of the planner's p90. The planner adds p50 times and puts
p90 at p50 plus the root-sum-square of the spreads; the simulation draws every run and dwell from a
lognormal, whose sum has a slightly higher median, hence the margins. With a daily timetable and a
ferry three times a week, the simulation also waits for departures the planner's itinerary times
exactly, so there the simulated median may only exceed the planner's, by at most the headways.
"""

from datetime import date

import pytest
from sim_corridor import corridor, scenario

from karvan.simulation.data import SimulationData
from karvan.simulation.engine import CorridorModel
from karvan.simulation.planned import planned_itineraries, planned_route
from karvan.simulation.routing import Ride, find_route

START = date(2026, 1, 5)


def _simulated(network_kwargs: dict[str, float], **overrides: object) -> dict[str, float]:
    network = corridor(gauge_teu_per_day=1e6, train_capacity=10_000, ferry_capacity=10_000, **network_kwargs)
    spec = scenario(routing="planner", weather=False, horizon_days=200, warmup_days=10, **overrides)
    result = CorridorModel(network, spec, SimulationData(), seed=11).run()
    stats = result["transit_hours_from_departure"]["CNXIA-GETBS"]
    return {"p50": stats["p50"], "p90": stats["p90"]}


def test_route_is_the_planners_itinerary() -> None:
    network = corridor()
    planned = planned_route(network, "CNXIA", "GETBS", START)
    assert [s.service for s in planned if isinstance(s, Ride)] == ["CN", "KZ", "FERRY", "AZ"]
    assert planned == find_route(network, "CNXIA", "GETBS")  # same rides, same dwells


def test_uncongested_transit_matches_the_planner_p50_p90() -> None:
    kwargs = {"trains_per_week": 168.0, "ferry_per_week": 168.0}
    network = corridor(**kwargs)
    best = planned_itineraries(network, "CNXIA", "GETBS", START)[0]
    simulated = _simulated(kwargs)
    assert simulated["p50"] == pytest.approx(best.transit_days * 24, rel=0.10)
    assert simulated["p90"] == pytest.approx(best.transit_days_p90 * 24, rel=0.15)


def test_timetable_waits_only_add_to_the_planner_p50() -> None:
    best = planned_itineraries(corridor(), "CNXIA", "GETBS", START)[0]
    simulated = _simulated({})
    headways_h = 24 + 24 + 168 / 3 + 24
    assert best.transit_days * 24 * 0.95 <= simulated["p50"] <= best.transit_days * 24 + headways_h
