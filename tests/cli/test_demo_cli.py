"""`karvan demo`, the job `make run` runs: a fresh data directory becomes a working platform."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(predicate, timeout_s: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not true within {timeout_s} s")


@pytest.mark.slow
def test_demo_serves_the_app_signs_in_with_its_keys_and_feeds_events(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "KARVAN_DATABASE_URL"}
    env["KARVAN_DATA_DIR"] = str(tmp_path)
    demo = subprocess.Popen(
        [sys.executable, "-m", "karvan.cli.main", "demo", "--port", str(port), "--duration", "240",
         "--speed", "200000", "--scenario", str(ROOT / "scenarios" / "baseline.yaml")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        keys_file = tmp_path / "demo-keys.json"

        def ready() -> bool:
            try:
                return keys_file.exists() and httpx.get(f"{base}/ready", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for(ready, 120)
        keys = json.loads(keys_file.read_text())
        forwarder = {"Authorization": f"Bearer {keys['Demo Silk Road Forwarding']}"}
        admin = {"Authorization": f"Bearer {keys['Demo Corridor Administration']}"}
        me = httpx.get(f"{base}/orgs/me", headers=forwarder, timeout=10).json()
        assert me["kind"] == "forwarder"
        assert httpx.get(f"{base}/", timeout=10).status_code == 200
        assert httpx.get(f"{base}/orgs/me", timeout=10).status_code == 401

        def events_arrived() -> bool:
            page = httpx.get(f"{base}/events", headers=admin, timeout=10).json()
            return bool(page["events"])

        _wait_for(events_arrived, 120)
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)
    assert (tmp_path / "karvan.db").exists()
