"""`karvan demo` (what `make run` runs): the whole platform on the embedded default.

It checks the bundled network, migrates the SQLite database in ./var, creates demo organisations and
keys, serves the API and web application, and feeds simulated journeys through the public API so the
Track and Analyse pages have something to show.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import typer

from karvan.cli.common import one_line_errors
from karvan.errors import InputError
from karvan.network.loader import load_network
from karvan.network.validate import validate
from karvan.simulation.feed import run_feed
from karvan.simulation.scenario import load_scenario
from karvan.store.db import DATABASE_URL_ENV, Database, data_dir
from karvan.store.migrate import upgrade
from karvan.tenancy.demo import ensure_demo_tenants


def _wait_ready(base_url: str, server: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise InputError(f"the server exited with code {server.returncode}", field="--port",
                             fix="is the port already in use? try --port 8001")
        try:
            if httpx.get(f"{base_url}/ready", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise InputError(f"the server did not become ready within {timeout_s:.0f} s", field="--port")


def _feed_in_background(scenario_path: Path, base_url: str, key: str, speed: float,
                        history_days: float) -> threading.Thread:
    scenario = load_scenario(scenario_path)

    def feed() -> None:
        try:
            sent = run_feed(scenario, base_url, key, speed=speed, history_days=history_days)
            typer.echo(f"feed: finished, {sent} simulated events posted")
        except Exception as error:  # the feed is a demo aid: report it and keep serving
            typer.echo(f"feed stopped: {error}")

    thread = threading.Thread(target=feed, name="karvan-demo-feed", daemon=True)
    thread.start()
    return thread


@one_line_errors
def demo_command(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    feed: bool = typer.Option(True, "--feed/--no-feed", help="post simulated journeys as tracking events"),
    scenario: Path = typer.Option(Path("scenarios/baseline.yaml"), help="scenario the feed simulates"),
    speed: float = typer.Option(3600.0, min=1, help="feed pace: simulated seconds per real second"),
    history_days: float = typer.Option(90.0, "--history-days", min=0,
                                       help="simulated days posted at once as history ending now"),
    duration: float | None = typer.Option(None, min=1, help="stop after this many seconds (default: Ctrl-C)"),
) -> None:
    """Run the whole platform on the bundled network and an embedded SQLite database."""
    network = load_network()
    problems = validate(network)
    counts = network.summary()
    typer.echo(f"network: {counts['places']} places, {counts['links']} links, {counts['services']} "
               f"services in {counts['countries']} countries; "
               f"{'valid' if not problems else f'{len(problems)} problems'}")
    db = Database(os.environ.get(DATABASE_URL_ENV))
    upgrade(db.url)
    try:
        with db.write_session() as session:
            known = set(network.operators) | {s.operator for s in network.services.values()}
            tokens = ensure_demo_tenants(session, known)
            session.commit()
    finally:
        db.dispose()
    keys_file = data_dir() / "demo-keys.json"
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    keys_file.write_text(json.dumps(tokens, indent=2) + "\n", encoding="utf-8")
    keys_file.chmod(0o600)

    base_url = f"http://{host}:{port}"
    env = dict(os.environ, **{DATABASE_URL_ENV: db.url})
    server = subprocess.Popen([sys.executable, "-m", "karvan.cli.main", "serve", "--host", host,
                               "--port", str(port), "--no-migrate"], env=env)
    try:
        _wait_ready(base_url, server)
        typer.echo(f"\nKarvan is running: open {base_url}/ (API docs at {base_url}/docs)")
        typer.echo(f"Sign in with one of these keys (also in {keys_file}):")
        for name, token in tokens.items():
            typer.echo(f"  {name:<34} {token}")
        if feed:
            admin_key = tokens["Demo Corridor Administration"]
            _feed_in_background(scenario, base_url, admin_key, speed, history_days)
            typer.echo(f"feed: posting {history_days:g} days of simulated history from {scenario}, "
                       f"then live at {speed:g}x")
        typer.echo("Press Ctrl-C to stop.")
        deadline = time.monotonic() + duration if duration else None
        while server.poll() is None and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
