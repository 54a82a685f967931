"""Monte Carlo: run a scenario's replications (in parallel over processes, or as Ray tasks on this machine
or a cluster) and summarise them.

Replication `i` of a scenario with seed `s` uses its own seed derived from (s, i), so a run is
reproducible whatever the number of workers or wherever it runs, and results come back in replication
order. The summary gives each key figure as the mean over replications with a 95 % confidence interval
(Student t).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from karvan.network.loader import load_network
from karvan.network.network import Network
from karvan.simulation.data import SimulationData, load_simulation_data
from karvan.simulation.engine import CorridorModel
from karvan.simulation.recorder import HIGH_UTILISATION
from karvan.simulation.scenario import Scenario

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
        10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 30: 2.042}
"""Student t 0.975 quantiles by degrees of freedom (lower key used between entries; 1.96 above 30)."""


def replication_seed(seed: int, replication: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}/{replication}".encode()).digest()[:8], "big")


def run_replication(network: Network, scenario: Scenario, data: SimulationData,
                    replication: int) -> dict[str, Any]:
    return CorridorModel(network, scenario, data, replication_seed(scenario.seed, replication)).run()


def _job(args: tuple[Network, Scenario, SimulationData, int]) -> dict[str, Any]:
    return run_replication(*args)


def scenario_inputs(scenario: Scenario, network: Network | None = None,
                    data: SimulationData | None = None) -> tuple[Network, SimulationData]:
    """The network (bundled plus the scenario's overlays) and the simulation data file it names."""
    if network is None:
        network = load_network([Path(p) for p in scenario.network])
    if data is None:
        data = load_simulation_data(scenario.data)
    return network, data


LOCAL_RAY = "local"
"""The `ray` argument that starts Ray on this machine for the run (Ray's own word for it)."""


def run_replications(scenario: Scenario, network: Network, data: SimulationData, workers: int = 1,
                     on_done: Callable[[int], None] | None = None,
                     ray: str | None = None) -> list[dict[str, Any]]:
    """Every replication's summary, in replication order; `on_done` is called as each one ends.

    By default `workers` processes of this machine run them (one: in this process). `ray` runs them as
    Ray tasks instead: `LOCAL_RAY` on this machine (at most `workers` at once), or a cluster's address.
    """
    if ray is not None:
        from karvan.simulation.cluster import run_on_ray

        return run_on_ray(scenario, network, data, address=None if ray == LOCAL_RAY else ray,
                          num_cpus=workers if ray == LOCAL_RAY else None, on_done=on_done)
    jobs = [(network, scenario, data, i) for i in range(scenario.replications)]
    if workers <= 1 or len(jobs) == 1:
        runs = []
        for job in jobs:
            runs.append(_job(job))
            if on_done:
                on_done(job[3])
        return runs
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_job, job) for job in jobs]
        for index, future in enumerate(futures):
            future.result()
            if on_done:
                on_done(index)
        return [f.result() for f in futures]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def simulate(scenario: Scenario, network: Network | None = None, data: SimulationData | None = None,
             workers: int = 1, on_done: Callable[[int], None] | None = None,
             ray: str | None = None) -> dict[str, Any]:
    """Run the scenario and return its JSON-ready result (summary with intervals, plus every run);
    `workers` and `ray` choose where the replications run, as for `run_replications`."""
    network, data = scenario_inputs(scenario, network, data)
    runs = run_replications(scenario, network, data, workers, on_done, ray)
    return {
        "scenario": scenario.model_dump(mode="json", exclude={"capacity", "disruptions", "demand"}),
        "capacity": scenario.capacity.model_dump(mode="json", exclude={"add_services"}),
        "added_services": [s.id for s in scenario.capacity.add_services],
        "disruptions": [d.model_dump(mode="json") for d in scenario.disruptions],
        "demand": [d.model_dump(mode="json") for d in scenario.demand],
        "replication_seeds": [replication_seed(scenario.seed, i) for i in range(scenario.replications)],
        "summary": summarise(runs, scenario),
        "runs": runs,
    }


def interval(values: Iterable[float | None]) -> dict[str, float | None]:
    """Mean and 95 % confidence interval of the replication values (NaN/None left out)."""
    xs = [v for v in values if v is not None and not math.isnan(v)]
    if not xs:
        return {"mean": None, "ci95_low": None, "ci95_high": None}
    mean = sum(xs) / len(xs)
    if len(xs) == 1:
        return {"mean": round(mean, 3), "ci95_low": None, "ci95_high": None}
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1))
    df = len(xs) - 1
    t = 1.96 if df > 30 else T975[max(k for k in T975 if k <= df)]
    half = t * sd / math.sqrt(len(xs))
    return {"mean": round(mean, 3), "ci95_low": round(mean - half, 3), "ci95_high": round(mean + half, 3)}


def summarise(runs: list[dict[str, Any]], scenario: Scenario) -> dict[str, Any]:
    window_days = scenario.horizon_days - scenario.warmup_days
    per_year = 365.0 / window_days
    n = len(runs)

    corridor_teu: defaultdict[str, list[float]] = defaultdict(lambda: [0.0] * n)
    corridor_t: defaultdict[str, list[float]] = defaultdict(lambda: [0.0] * n)
    monthly: defaultdict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    delivered: defaultdict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for i, run in enumerate(runs):
        for row in run["delivered_monthly"]:
            corridor_teu[row["corridor"]][i] += row["teu"] * per_year
            corridor_t[row["corridor"]][i] += row["tonnes"] * per_year
            cell = delivered[(row["month"], row["corridor"])]
            cell[0] += row["teu"] / n
            cell[1] += row["tonnes"] / n
        for row in run["throughput_monthly"]:
            cell = monthly[(row["month"], row["corridor"], row["segment"])]
            cell[0] += row["teu"] / n
            cell[1] += row["tonnes"] / n

    transit: dict[str, dict[str, Any]] = {}
    for od in sorted({od for run in runs for od in run["transit_hours"]}):
        stats = [run["transit_hours"].get(od, {}) for run in runs]
        histogram: defaultdict[str, float] = defaultdict(float)
        for s in stats:
            for day, count in s.get("histogram_days", {}).items():
                histogram[day] += count / n
        transit[od] = {q: interval(s.get(q) for s in stats) for q in ("mean", "p10", "p50", "p90")}
        transit[od]["histogram_days"] = {
            k: round(v, 2) for k, v in sorted(histogram.items(), key=lambda kv: int(kv[0]))}

    resources: dict[str, dict[str, Any]] = {}
    for run in runs:
        for r in run["resources"]:
            resources.setdefault(r["id"], {"id": r["id"], "kind": r["kind"], "name": r["name"],
                                           "place": r["place"], "_u": [], "_d": []})
            resources[r["id"]]["_u"].append(r["utilisation"])
            resources[r["id"]]["_d"].append(r["delay_teu_hours_per_week"])
    resource_rows = []
    for r in resources.values():
        u, d = r.pop("_u"), r.pop("_d")
        d += [0.0] * (n - len(d))
        resource_rows.append({**r, "utilisation": interval(u), "delay_teu_hours_per_week": interval(d)})
    ranked = [r for r in resource_rows
              if (r["delay_teu_hours_per_week"]["mean"] or 0) > 0
              or (r["utilisation"]["mean"] or 0) >= HIGH_UTILISATION]
    ranked.sort(key=lambda r: (-(r["delay_teu_hours_per_week"]["mean"] or 0),
                               -(r["utilisation"]["mean"] or 0), r["id"]))

    nodes: dict[str, dict[str, Any]] = {}
    for place in sorted({p for run in runs for p in run["nodes"]}):
        rows = [run["nodes"].get(place, {}) for run in runs]
        nodes[place] = {k: interval(row.get(k) for row in rows)
                        for k in ("wait_hours_mean", "wait_hours_p90", "queue_containers_mean",
                                  "queue_containers_max")}

    return {
        "replications": n,
        "measured_days": window_days,
        "corridors": {c: {"teu_per_year": interval(corridor_teu[c]),
                          "tonnes_per_year": interval(corridor_t[c])} for c in sorted(corridor_teu)},
        "delivered_monthly": [{"month": m, "corridor": c, "teu": round(v[0], 2), "tonnes": round(v[1], 1)}
                              for (m, c), v in sorted(delivered.items())],
        "throughput_monthly": [{"month": m, "corridor": c, "segment": s, "teu": round(v[0], 2),
                                "tonnes": round(v[1], 1)} for (m, c, s), v in sorted(monthly.items())],
        "transit_hours": transit,
        "nodes": nodes,
        "resources": sorted(resource_rows, key=lambda r: r["id"]),
        "bottlenecks": [{"rank": i + 1, **r} for i, r in enumerate(ranked)],
        "cancelled_sailings": interval(run["cancelled_sailings"] for run in runs),
        "in_transit_at_end": interval(run["in_transit_at_end"] for run in runs),
    }
