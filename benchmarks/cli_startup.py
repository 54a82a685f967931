"""Command-line start-up: how long `karvan --help` and `karvan track` take, as a user waits for them.

Each command runs in a fresh interpreter, several times, interleaved with the baseline measured in
the same run: a bare `python -c "import typer"`, the least any Typer command can cost. Prints the median
wall time of each and the difference to the baseline (target for `karvan --help`: within 0.25 s).
For scale, it also times importing every command module, which is what any command cost before
commands were loaded lazily.
`karvan track` reads a container from a throwaway SQLite database filled once before timing starts.

    .venv/bin/python benchmarks/cli_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from karvan.cli.main import COMMANDS as TABLE

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "tracking" / "fixtures" / "dcsa-2.2.json"
KARVAN = [sys.executable, "-m", "karvan.cli.main"]
TARGET_S = 0.25

EVERY_MODULE = ", ".join(sorted({entry.target.partition(":")[0] for entry in TABLE}))

COMMANDS = {
    "python -c 'import typer' (baseline)": [sys.executable, "-c", "import typer"],
    "karvan --help": [*KARVAN, "--help"],
    "karvan track CSQU3054383": [*KARVAN, "track", "CSQU3054383"],
    "import of every command module": [sys.executable, "-c", f"import {EVERY_MODULE}"],
}


def wall_s(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (median reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="karvan-startup-") as data:
        env = {**os.environ, "KARVAN_DATA_DIR": data, "COLUMNS": "100"}
        env.pop("KARVAN_DATABASE_URL", None)
        subprocess.run([*KARVAN, "events", "import", str(FIXTURE)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(args.runs):  # interleaved, so a burst of load on the shared machine hits all alike
            for name, command in COMMANDS.items():
                times[name].append(wall_s(command, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = next(iter(medians.values()))
    print(f"median wall time of {args.runs} runs each, load average {os.getloadavg()[0]:.1f}")
    for name, median in medians.items():
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        extra = "" if median == baseline else f"  baseline +{median - baseline:.3f} s"
        print(f"  {name:<38} {median:6.3f} s  (range {spread}){extra}")
    help_over = medians["karvan --help"] - baseline
    print(f"karvan --help is {help_over:.3f} s over the baseline "
          f"({'within' if help_over <= TARGET_S else 'NOT within'} the {TARGET_S} s target)")


if __name__ == "__main__":
    main()
