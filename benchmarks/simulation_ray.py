"""Simulation over Ray: 32 replications as Ray tasks against the process pool and one after another.

Runs the bundled baseline scenario (the real corridor, one simulated year per replication) with 32
replications, four ways, in the same run: one after another in this process (the baseline), over a
process pool of one worker per core (the default of `karvan simulate`), as Ray tasks on a Ray started
for the run (what `karvan simulate --ray` does, start-up and shutdown included), and as Ray tasks on a
Ray already running (what a standing cluster costs per run). Prints wall times and speed-ups over the
baseline, and checks that all four give the same result.

Every Ray here listens on 127.0.0.1 only, sends no usage statistics and uses a token made for the run.
On a machine of two cores neither the pool nor Ray can do better than about 2x; Ray's gain is the
cluster, where its tasks spread over the cores of many machines.

    .venv/bin/python benchmarks/simulation_ray.py [--replications 32] [--scenario scenarios/baseline.yaml]
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from karvan.simulation.cluster import LOOPBACK_ONLY
from karvan.simulation.runner import LOCAL_RAY, default_workers, run_replications, scenario_inputs
from karvan.simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def timed(run: Callable[[], list[dict[str, Any]]]) -> tuple[float, list[dict[str, Any]]]:
    started = time.perf_counter()
    runs = run()
    return time.perf_counter() - started, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=32)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    args = parser.parse_args()
    os.environ.update(LOOPBACK_ONLY)  # before Ray is imported: it reads them then
    os.environ.setdefault("RAY_AUTH_MODE", "token")
    os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
    with tempfile.TemporaryDirectory(prefix="kray") as session_files:
        os.environ["RAY_TMPDIR"] = session_files
        measure(args.scenario, args.replications)


def measure(scenario_path: Path, replications: int) -> None:
    import ray

    scenario = load_scenario(scenario_path).model_copy(update={"replications": replications})
    network, data = scenario_inputs(scenario)
    cores = default_workers()
    print(f"{scenario.name}: {replications} replications of {scenario.horizon_days:g} simulated days; "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f} at start")

    def run(**where: Any) -> list[dict[str, Any]]:
        return run_replications(scenario, network, data, **where)

    serial_s, expected = timed(lambda: run(workers=1))
    rows = [("one after another (baseline)", serial_s, expected)]
    rows.append((f"process pool, {cores} workers", *timed(lambda: run(workers=cores))))
    rows.append((f"Ray started for the run, {cores} CPUs", *timed(lambda: run(workers=cores, ray=LOCAL_RAY))))
    started = time.perf_counter()
    ray.init(address="local", num_cpus=cores, include_dashboard=False, logging_level="ERROR")
    start_s = time.perf_counter() - started
    try:
        rows.append((f"Ray already running, {cores} CPUs", *timed(lambda: run(ray=LOCAL_RAY))))
    finally:
        ray.shutdown()
    for label, seconds, runs in rows:
        same = "same result" if runs == expected else "DIFFERENT RESULT"
        print(f"  {label:<38} {seconds:7.1f} s  speed-up {serial_s / seconds:4.2f}x  {same}")
    print(f"  (starting Ray on this machine took {start_s:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} at end)")


if __name__ == "__main__":
    main()
