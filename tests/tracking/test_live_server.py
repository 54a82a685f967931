"""Against a real server (uvicorn in a subprocess on 127.0.0.1): events are durable before they are
acknowledged, and the SSE stream shows posted events."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dcsa_events import dcsa30_event

from karvan.store.db import Database
from karvan.store.models import OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

pytestmark = pytest.mark.slow


class LiveServer:
    def __init__(self, tmp_path: Path, template: Path) -> None:
        shutil.copyfile(template, tmp_path / "karvan.db")
        self.url_db = f"sqlite:///{tmp_path / 'karvan.db'}"
        db = Database(self.url_db)
        with db.write_session() as session:
            org = orgs.create_org(session, Principal.system(), kind=OrgKind.CORRIDOR_ADMIN, name="admin")
            self.key = orgs.create_key(session, Principal.system(), org.id, scope=Scope.ADMIN).token
            session.commit()
        db.dispose()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def start(self) -> None:
        env = {**os.environ, "KARVAN_DATABASE_URL": self.url_db}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "karvan.api.app:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning"], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """One server for the module (starting one takes seconds); the SIGKILL test restarts it."""
    live = LiveServer(tmp_path_factory.mktemp("live"), sqlite_template)
    live.start()
    yield live
    live.stop()


def _batch(n: int, size: int) -> dict[str, Any]:
    day = f"2026-11-{1 + n % 20:02d}"
    return {"events": [dcsa30_event(
        f"b{n}-e{i}", "EQUIPMENT", "GTIN", f"{day}T{i // 60 % 24:02d}:{i % 60:02d}:00+05:00",
        container="CSQU3054383", locode="KZAAU") for i in range(size)]}


def _all_event_ids(server: LiveServer) -> list[str]:
    ids: list[str] = []
    cursor = None
    with httpx.Client(base_url=server.base, headers=server.headers, timeout=30) as client:
        while True:
            params: dict[str, Any] = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
            page = client.get("/events", params=params).json()
            ids += [e["eventID"] for e in page["events"]]
            cursor = page["next_cursor"]
            if cursor is None:
                return ids


def test_posted_event_appears_on_the_organisation_stream(server: LiveServer) -> None:
    received: list[dict[str, Any]] = []
    opened = threading.Event()

    def listen() -> None:
        with httpx.stream("GET", f"{server.base}/stream/org", headers=server.headers, timeout=30) as response:
            for line in response.iter_lines():
                opened.set()
                if line.startswith("data: "):
                    received.append(json.loads(line[len("data: "):]))
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert opened.wait(10)
    posted = httpx.post(f"{server.base}/events", headers=server.headers, json=_batch(999, 1), timeout=30)
    assert posted.status_code == 200
    listener.join(timeout=15)
    assert [e["eventID"] for e in received] == ["b999-e0"]


def test_every_acknowledged_event_survives_sigkill_during_ingestion(server: LiveServer) -> None:
    size = 300
    acknowledged: list[int] = []
    attempted: list[int] = []
    stop = threading.Event()

    def post_until_killed() -> None:
        with httpx.Client(base_url=server.base, headers=server.headers, timeout=30) as client:
            for n in range(1000):
                if stop.is_set():
                    return
                attempted.append(n)
                try:
                    response = client.post("/events", json=_batch(n, size))
                except httpx.HTTPError:
                    return
                if response.status_code == 200 and response.json()["accepted"] == size:
                    acknowledged.append(n)

    poster = threading.Thread(target=post_until_killed)
    poster.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 3 and poster.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(acknowledged) >= 3, "the server acknowledged too few batches to test anything"
    time.sleep(0.05)  # into the next batch's ingestion
    server.kill()
    stop.set()
    poster.join(timeout=30)
    server.start()
    stored = _all_event_ids(server)
    for n in acknowledged:
        assert {f"b{n}-e{i}" for i in range(size)} <= set(stored), f"batch {n} was acknowledged but lost"
    for n in set(attempted) - set(acknowledged):  # a batch is stored whole or not at all
        assert sum(1 for e in stored if e.startswith(f"b{n}-")) in (0, size)
