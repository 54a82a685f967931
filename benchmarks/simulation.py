"""Simulation speed: one simulated year with 100 block trains a week and daily ferries.

Prints the wall and CPU time of one replication (target: at most 10 s on one core), the SimPy
events processed per CPU second, and the speed-up of 8 replications spread over the machine's
cores against the same 8 run one after another (the baseline, measured in the same run).

The network is synthetic and built here: 100 block-train departures a week on five rail lines (one
with a gauge change), a daily Caspian-style ferry and a daily Black Sea-style ferry, with demand to
fill them at about two thirds of capacity.

    .venv/bin/python benchmarks/simulation.py
"""

from __future__ import annotations

import os
import time
from typing import Any

import simpy

from karvan.network.model import Dwell, Link, Place, Service
from karvan.network.network import Network
from karvan.simulation.data import PortFacts, SimulationData
from karvan.simulation.engine import CorridorModel
from karvan.simulation.runner import default_workers, run_replications
from karvan.simulation.scenario import parse_scenario

SRC = "estimate: synthetic benchmark network"


def _place(code: str, lon: float, **facilities: Any) -> Place:
    return Place.model_validate({"code": code, "name": code, "country": code[:2], "lat": 42.0, "lon": lon,
                                 "timezone": "UTC", "kinds": ["rail_terminal"], "facilities": facilities,
                                 "source": SRC})


def _service(sid: str, kind: str, mode: str, stops: list[str], hours: list[float], per_week: float,
             capacity: int) -> Service:
    return Service.model_validate({
        "id": sid, "name": sid, "operator": "BENCH", "kind": kind, "mode": mode, "stops": stops,
        "run_hours": hours, "run_hours_p90": [h * 1.3 for h in hours],
        "schedule": {"departures_per_week": per_week}, "capacity_teu": capacity,
        "tariff_usd": {"40HC": 1000}, "source": SRC})


def network() -> Network:
    places = [_place("CNAAA", 100), _place("CNBBB", 95),
              _place("KZDDD", 82, gauge_change={"capacity_teu_per_day": 3000, "source": SRC}),
              _place("KZEEE", 51), _place("AZFFF", 49), _place("GEGGG", 42), _place("ROHHH", 29)]
    rail = (("CNAAA", "KZDDD", "1435"), ("CNBBB", "KZDDD", "1435"), ("KZDDD", "KZEEE", "1520"),
            ("AZFFF", "GEGGG", "1520"))
    links = [Link(id=f"L{a}{b}", a=a, b=b, mode="rail", distance_km=1000, gauge=g, traction="electric",
                  source=SRC) for a, b, g in rail]
    links += [Link(id="LSEA1", a="KZEEE", b="AZFFF", mode="ferry", distance_km=420, source=SRC),
              Link(id="LSEA2", a="GEGGG", b="ROHHH", mode="ferry", distance_km=1100, source=SRC)]
    services = [
        _service("T1", "block_train", "rail", ["CNAAA", "KZDDD"], [90], 30, 100),
        _service("T2", "block_train", "rail", ["CNBBB", "KZDDD"], [80], 20, 100),
        _service("T3", "block_train", "rail", ["KZDDD", "KZEEE"], [70], 25, 100),
        _service("T4", "block_train", "rail", ["AZFFF", "GEGGG"], [30], 15, 100),
        _service("T5", "block_train", "rail", ["CNAAA", "KZDDD", "KZEEE"], [90, 70], 10, 100),
        _service("F1", "caspian_ferry", "ferry", ["KZEEE", "AZFFF"], [22], 7, 400),
        _service("F2", "rail_ferry", "ferry", ["GEGGG", "ROHHH"], [45], 7, 300),
    ]
    dwells = [Dwell(place="KZDDD", kind="gauge_change", p50_hours=12, p90_hours=36, source=SRC),
              Dwell(place="KZEEE", kind="port_handling", p50_hours=24, p90_hours=72, source=SRC),
              Dwell(place="AZFFF", kind="port_handling", p50_hours=12, p90_hours=36, source=SRC),
              Dwell(place="GEGGG", kind="port_handling", p50_hours=12, p90_hours=36, source=SRC)]
    return Network.from_records(places, links, services, dwells)


DATA = SimulationData(ports=[PortFacts(place=p, berths=2, berth_hours_per_call=10, yard_teu=3000, source=SRC)
                             for p in ("KZEEE", "AZFFF", "GEGGG")])
SCENARIO = parse_scenario({
    "name": "benchmark", "seed": 1, "horizon_days": 365, "warmup_days": 28, "replications": 8,
    "demand": [
        {"origin": "CNAAA", "destination": "KZDDD", "containers_per_week": 900},
        {"origin": "CNBBB", "destination": "KZDDD", "containers_per_week": 600},
        {"origin": "CNAAA", "destination": "ROHHH", "containers_per_week": 70},
        {"origin": "CNBBB", "destination": "GEGGG", "containers_per_week": 60},
    ]})


class CountingEnvironment(simpy.Environment):
    """Counts processed events (the figure SimPy's own `step` does not keep)."""

    processed = 0

    def step(self) -> None:
        CountingEnvironment.processed += 1
        super().step()


def one_year() -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of this process and events processed for one replication."""
    model = CorridorModel(network(), SCENARIO, DATA, seed=1, env=CountingEnvironment())
    CountingEnvironment.processed = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    model.run()
    return time.perf_counter() - started, time.process_time() - cpu_started, CountingEnvironment.processed


def main() -> None:
    trains = sum(s.schedule.departures_per_week or 0 for s in network().services.values()
                 if s.mode.value == "rail")
    print(f"network: {trains:.0f} block trains/week, 2 daily ferries; horizon 365 days; "
          f"cores: {os.cpu_count()}")
    wall_s, cpu_s, events = one_year()
    print(f"one replication (one core): {wall_s:.2f} s wall, {cpu_s:.2f} s CPU (target <= 10 s); "
          f"{events:,} events, {events / cpu_s:,.0f} events per CPU second")
    print(f"load average now {os.getloadavg()[0]:.1f}: on a shared machine wall time exceeds CPU time")
    workers = default_workers()
    started = time.perf_counter()
    run_replications(SCENARIO, network(), DATA, workers=1)
    serial_s = time.perf_counter() - started
    started = time.perf_counter()
    run_replications(SCENARIO, network(), DATA, workers=workers)
    parallel_s = time.perf_counter() - started
    print(f"8 replications: {serial_s:.1f} s one after another (baseline), {parallel_s:.1f} s over {workers} "
          f"processes -> speed-up {serial_s / parallel_s:.2f}x")


if __name__ == "__main__":
    main()
