"""`karvan serve --workers 2`: an event POSTed to one worker process reaches a stream held by another.

Each worker has its own hub (`karvan.tracking.hub`), so the stream's worker learns of the other's events
only through the database. On PostgreSQL that is LISTEN/NOTIFY; to prove it is that path and not the
hub's one-second poll (which also finds other processes' events), the server runs with the poll
interval raised to an hour, so a stream can only hear of an event through a notice. SQLite has no
notices: there the poll is the cross-process path (docs/tracking.md), tested at its default interval.

Both changes reach the spawned workers through a `sitecustomize` module on $PYTHONPATH, which also
adds each worker's pid to its JSON access log lines: the test posts on fresh connections until both
workers have taken POSTs (a few at a time, so that neither worker can take them all), so at least one
event crossed from a worker without the stream. Last, it
stops the server with the stream still open, as a deployment would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from dcsa_events import dcsa30_event
from sqlalchemy import text

from karvan.store.db import Database
from karvan.store.models import OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal
from karvan.tracking.hub import CHANNEL

pytestmark = pytest.mark.slow

WORKERS = 2
MIN_EVENTS = 12  # posted at least; more only until both workers have taken one
MAX_EVENTS = 60
CONCURRENT_POSTS = 4
HUB_POLL_ENV = "KARVAN_TEST_HUB_POLL_SECONDS"
WAIT_S = 40.0  # upper bound on any single wait (start-up, delivery); the test ends well before on success

SITECUSTOMIZE = f'''\
"""Test-only (tests/tracking/test_multiworker_stream.py): imported by every worker at start-up."""
import logging
import os

if os.environ.get("{HUB_POLL_ENV}"):
    import karvan.tracking.hub

    karvan.tracking.hub.POLL_SECONDS = float(os.environ["{HUB_POLL_ENV}"])


class _Pid(logging.Filter):
    def filter(self, record):
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            http["pid"] = record.process
        return True


logging.getLogger("karvan.access").addFilter(_Pid())
'''


@dataclass
class Server:
    base: str
    key: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for raw in self.log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(raw)
            except json.JSONDecodeError:
                continue  # the start-up banner and anything else not in JSON
            if isinstance(entry, dict):
                lines.append(entry)
        return lines


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _admin_key(database_url: str) -> str:
    db = Database(database_url)
    try:
        with db.write_session() as session:
            org = orgs.create_org(session, Principal.system(), kind=OrgKind.CORRIDOR_ADMIN, name="admin")
            key = orgs.create_key(session, Principal.system(), org.id, scope=Scope.ADMIN).token
            session.commit()
        return key
    finally:
        db.dispose()


def _wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {**os.environ, "KARVAN_DATABASE_URL": database_url,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    if database_url.startswith("postgresql"):
        env[HUB_POLL_ENV] = "3600"
    port = _free_port()
    log = tmp_path / "server.log"
    karvan = str(Path(sys.executable).parent / "karvan")
    with log.open("wb") as sink:
        command = [karvan, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    live = Server(f"http://127.0.0.1:{port}", _admin_key(database_url), process, log)
    try:
        def all_workers_up() -> bool:
            assert process.poll() is None, f"server exited:\n{log.read_text(errors='replace')[-3000:]}"
            started = [e for e in live.log_lines() if e.get("message") == "Application startup complete."]
            return len(started) >= WORKERS
        _wait_until(all_workers_up, f"{WORKERS} workers to start")
        yield live
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the session holds uvicorn's parent and its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _event(i: int) -> dict[str, Any]:
    return dcsa30_event(f"mw-{i}", "EQUIPMENT", "GTIN", f"2026-11-07T{i // 60:02d}:{i % 60:02d}:00+05:00",
                        container="CSQU3054383", locode="KZAAU")


def _hub_listening(database_url: str) -> bool:
    db = Database(database_url)
    try:
        with db.session() as session:
            count = session.execute(text("SELECT count(*) FROM pg_stat_activity "
                                         "WHERE datname = current_database() AND query = :q"),
                                    {"q": f"LISTEN {CHANNEL}"}).scalar_one()
        return bool(count)
    finally:
        db.dispose()


def _post_pids(server: Server) -> set[int]:
    return {e["pid"] for e in server.log_lines() if e.get("method") == "POST" and e.get("path") == "/events"}


def test_every_event_posted_to_either_worker_reaches_the_stream(server: Server, database_url: str) -> None:
    received: list[str] = []
    opened, stop = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def listen() -> None:
        try:
            with httpx.stream("GET", f"{server.base}/stream/org", headers=server.headers,
                              timeout=httpx.Timeout(WAIT_S, connect=10)) as response:
                for line in response.iter_lines():
                    opened.set()
                    if line.startswith("data: "):
                        received.append(json.loads(line[len("data: "):])["eventID"])
                    if stop.is_set():
                        return
        except BaseException as error:  # reported by the main thread
            if not stop.is_set():
                failure.append(error)
            opened.set()

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert opened.wait(WAIT_S) and not failure, failure
    if database_url.startswith("postgresql"):
        _wait_until(lambda: _hub_listening(database_url), "the stream's hub to LISTEN")

    def post(event: dict[str, Any]) -> httpx.Response:
        # A new connection each time, so that either worker may accept it.
        with httpx.Client(base_url=server.base, headers=server.headers, timeout=30) as client:
            return client.post("/events", json={"events": [event]})

    posted: list[str] = []
    with ThreadPoolExecutor(max_workers=CONCURRENT_POSTS) as pool:
        while len(posted) < MIN_EVENTS or (len(_post_pids(server)) < WORKERS and len(posted) < MAX_EVENTS):
            # Several at once: a worker that answers fast would otherwise win every accept().
            events = [_event(len(posted) + i) for i in range(CONCURRENT_POSTS)]
            for event, response in zip(events, pool.map(post, events), strict=True):
                assert response.status_code == 200, response.text
                posted.append(event["eventID"])

    pids = _post_pids(server)
    assert len(pids) == WORKERS and server.process.pid not in pids, \
        f"POSTs were handled by {pids}, not by {WORKERS} distinct workers"
    _wait_until(lambda: set(received) >= set(posted) or bool(failure), "every posted event on the stream")
    stop.set()
    assert not failure, failure
    assert sorted(received) == sorted(posted)  # each once, nothing else

    # A stream never ends by itself: the server must still stop when asked while one is open.
    server.process.terminate()
    _wait_until(lambda: server.process.poll() is not None, "the server to stop with a stream open")
    listener.join(timeout=10)  # the stream ended with the server
    assert not listener.is_alive()
