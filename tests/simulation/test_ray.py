"""Replications as Ray tasks give the same result as the process pool, seed for seed.

Each test runs `karvan simulate` as a user would, in a fresh process (Ray reads its settings when it is
imported): once with `--ray`, where the runner starts Ray itself, once with `--ray ADDRESS` against a
head started with `ray start`. Every Ray here listens on 127.0.0.1 only, sends no usage statistics,
uses a token of the test's own, and is stopped before the test ends.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sim_corridor import corridor, scenario
from typer.testing import CliRunner

import karvan
from karvan.cli.main import app
from karvan.errors import InputError
from karvan.simulation.cluster import LOOPBACK_ONLY, run_on_ray
from karvan.simulation.data import SimulationData

needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="pip install 'karvan[ray]'")

SCENARIO = """
name: tiny
seed: 11
horizon_days: 40
warmup_days: 5
replications: 3
weather: false
demand:
  - {origin: CNXIA, destination: AZALA, containers_per_week: 30, via: [KZ-ALTYN]}
"""


@pytest.fixture
def ray_dir() -> Iterator[str]:
    """Ray's session files for one test, removed after it; short, as Ray's socket paths must fit in
    107 bytes (pytest's tmp_path may not)."""
    path = tempfile.mkdtemp(prefix="kray")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _environment(ray_dir: str) -> dict[str, str]:
    """This checkout's karvan, and a Ray on loopback with its own token (as a cluster's nodes and
    drivers share one) and its own session directory: nothing read from or left in ~/.ray or /tmp/ray."""
    return {**os.environ, **LOOPBACK_ONLY, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32),
            "RAY_TMPDIR": ray_dir, "PYTHONPATH": str(Path(karvan.__file__).parents[1])}


def _simulate(tmp_path: Path, output: str, *args: str, env: dict[str, str]) -> object:
    """`karvan simulate` of the tiny scenario with ARGS; its result.json."""
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO)
    done = subprocess.run([sys.executable, "-m", "karvan.cli.main", "simulate", str(path), *args,
                           "-o", str(tmp_path / output)], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((tmp_path / output / "result.json").read_text())


@needs_ray
@pytest.mark.slow
def test_ray_on_this_machine_gives_the_process_pool_result(tmp_path: Path, ray_dir: str) -> None:
    env = _environment(ray_dir)
    on_ray = _simulate(tmp_path, "ray", "--ray", "--workers", "2", env=env)
    pool = _simulate(tmp_path, "pool", "--workers", "2", env=env)
    assert on_ray == pool
    assert isinstance(pool, dict) and len({json.dumps(run, sort_keys=True) for run in pool["runs"]}) == 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@needs_ray
@pytest.mark.slow
def test_a_ray_head_joined_by_address_gives_the_process_pool_result(tmp_path: Path, ray_dir: str) -> None:
    env, port = _environment(ray_dir), _free_port()
    log_path = tmp_path / "head.log"
    with log_path.open("w") as log:
        head = subprocess.Popen(
            [str(Path(sys.executable).with_name("ray")), "start", "--head", "--node-ip-address=127.0.0.1",
             f"--port={port}", "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats",
             f"--temp-dir={ray_dir}", "--block"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while "Ray runtime started" not in log_path.read_text():
                assert head.poll() is None and time.monotonic() < deadline, log_path.read_text()[-2000:]
                time.sleep(0.5)
            on_ray = _simulate(tmp_path, "ray", f"127.0.0.1:{port}", "--ray", env=env)
            pool = _simulate(tmp_path, "pool", "--workers", "2", env=env)
            assert on_ray == pool
        finally:
            head.terminate()  # `ray start --block` stops the head's processes when it is told to stop
            try:
                head.wait(timeout=60)
            finally:
                with contextlib.suppress(ProcessLookupError):  # whatever of its session might be left
                    os.killpg(head.pid, signal.SIGKILL)


def test_without_ray_installed_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when it is not installed
    for name in LOOPBACK_ONLY:
        monkeypatch.delenv(name, raising=False)  # the runner sets them; put back as they were after
    with pytest.raises(InputError, match=r"karvan\[ray\]"):
        run_on_ray(scenario(replications=1, horizon_days=45), corridor(), SimulationData())


def test_an_address_without_ray_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO)
    result = CliRunner().invoke(app, ["simulate", str(path), "127.0.0.1:6379"])
    assert result.exit_code == 2 and "--ray" in result.stderr and len(result.stderr.strip().splitlines()) == 1
