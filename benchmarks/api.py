"""Booking API under load: a real `karvan serve` (uvicorn) on 127.0.0.1, on SQLite and on PostgreSQL.

For each database it starts `karvan serve --workers 2` (one worker per core of the 2-core reference
machine; `--workers 1` to compare) and drives it with an open-loop aiohttp client (requests sent at a
fixed rate whatever the latency, for a bounded time), printing achieved requests/s, p50 and p99 latency:

- baseline: GET /health, the same server answering without touching the booking code
- shipment read: GET /shipments/{id} at 200 req/s (target p99 <= 20 ms)
- booking: POST /bookings of 1 x 20GP on one itinerary at 50 req/s (target p99 <= 50 ms); the
  departures fill up part-way, so later requests are rejected (409) - both count
- quote: POST /quotes at 10 req/s (the planner runs on every request)

Before those, each request is timed one at a time (100 health and shipment reads, 40 bookings, 20 quotes):
the service time without queueing, which is what a loaded machine still measures fairly.

The client shares the machine with the server, so it is kept light: aiohttp (about a fifth of httpx's
CPU per request, measured here) and its long-lived objects frozen out of the garbage collector, whose
full collections otherwise show up as 100 ms "server" latencies.

After each database it prints how often the workers' event loops were held over 100 ms (the server's
own watch, `karvan.api.looplag`, read from its log; warm-up included): stalls there hit every request
of that worker at once.

At the end it checks that no departure is overbooked and that each one's booked TEU equals the sum
over its confirmed bookings. PostgreSQL is a throwaway server started the way the test suite does
(tests/conftest.py's `_LocalPostgres`). Run: .venv/bin/python benchmarks/api.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import _LocalPostgres  # noqa: E402  (the test suite's throwaway PostgreSQL)

from karvan.network.loader import load_network  # noqa: E402
from karvan.store.booking_models import BookingLegRow, BookingRow  # noqa: E402
from karvan.store.db import Database  # noqa: E402
from karvan.store.migrate import upgrade  # noqa: E402
from karvan.store.models import Departure, OrgKind, Scope  # noqa: E402
from karvan.tenancy import orgs  # noqa: E402
from karvan.tenancy.principal import Principal  # noqa: E402

QUOTE = {"origin": "CNXIA", "destination": "KZAAU",
         "departure_date": (date.today() + timedelta(days=14)).isoformat(),
         "cargo": {"container_type": "20GP", "count": 1}}
SHIPMENT = {"reference": "bench", "parties": {"shipper": {"name": "Bench Shipper", "country": "CN"},
                                              "consignee": {"name": "Bench Consignee", "country": "KZ"}},
            "containers": [{"number": "CSQU3054383", "container_type": "20GP", "gross_kg": 15_000,
                            "cargo_description": "ceramic tiles", "hs_code": "690721"}]}


@dataclass
class Result:
    name: str
    rate: float
    sent: int
    seconds: float
    timings: list[tuple[int, float]]
    """(HTTP status, latency in ms) of every request; status 0 for a transport failure."""

    def line(self) -> str:
        p50, p99 = percentiles([ms for _status, ms in self.timings])
        by_status = sorted({status for status, _ms in self.timings})
        codes = ", ".join(self._status_summary(status) for status in by_status)
        target = f"{self.rate:5.0f}/s" if self.rate else "one by one"
        return (f"  {self.name:<14} target {target:>10}  achieved {self.sent / self.seconds:6.1f}/s  "
                f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  [{codes}]")

    def _status_summary(self, status: int) -> str:
        """Count of one status, and its own p99 when the run mixed statuses (booked 201s and full 409s)."""
        times = [ms for code, ms in self.timings if code == status]
        summary = f"{status or 'failed'} x{len(times)}"
        if len(times) < len(self.timings):
            summary += f" p99 {percentiles(times)[1]:.1f} ms"
        return summary


def percentiles(values: list[float]) -> tuple[float, float]:
    """p50 and p99 (nearest rank)."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def set_up(url: str) -> str:
    """Migrate, create a shipper with a write key and one railway organisation per network operator."""
    upgrade(url)
    db = Database(url)
    network = load_network(use_env=False)
    operators = sorted(set(network.operators) | {s.operator for s in network.services.values()})
    try:
        with db.write_session() as session:
            shipper = orgs.create_org(session, Principal.system(), name="bench shipper", kind=OrgKind.SHIPPER)
            for code in operators:
                orgs.create_org(session, Principal.system(), name=f"bench {code}", kind=OrgKind.RAILWAY,
                                operator_codes=[code])
            token = orgs.create_key(session, Principal.system(), shipper.id, scope=Scope.WRITE).token
            session.commit()
    finally:
        db.dispose()
    return token


def start_server(url: str, port: int, data_dir: str, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KARVAN_DATABASE_URL": url, "KARVAN_DATA_DIR": data_dir}
    env.pop("KARVAN_NETWORK", None)
    log = open(Path(data_dir) / f"server-{port}.log", "wb")  # noqa: SIM115  (closed with the process)
    command = [sys.executable, "-m", "karvan.cli.main", "serve", "--port", str(port),
               "--workers", str(workers), "--no-migrate"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)


async def wait_ready(base: str) -> None:
    async with aiohttp.ClientSession(base_url=base) as client:
        for _ in range(200):
            try:
                async with client.get("/health") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not answer /health within 20 s")


async def call(client: aiohttp.ClientSession, method: str, path: str, body: dict[str, Any] | None) -> int:
    """One request, its body read to the end; a transport failure counts as status 0."""
    try:
        async with client.request(method, path, json=body) as response:
            await response.read()
            return response.status
    except aiohttp.ClientError:  # e.g. a keep-alive connection closed by the server
        return 0


async def drive(client: aiohttp.ClientSession, name: str, rate: float, seconds: float, method: str, path: str,
                body: dict[str, Any] | None = None) -> Result:
    """Send `rate` requests per second for `seconds`, open loop; every request is awaited at the end."""
    timings: list[tuple[int, float]] = []

    async def one() -> None:
        start = time.perf_counter()
        status = await call(client, method, path, body)
        timings.append((status, (time.perf_counter() - start) * 1000))

    count = int(rate * seconds)
    began = time.perf_counter()
    tasks = []
    for i in range(count):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    return Result(name, rate, count, time.perf_counter() - began, timings)


async def sequential(client: aiohttp.ClientSession, name: str, count: int, method: str, path: str,
                     body: dict[str, Any] | None = None) -> Result:
    """One request at a time: the service time without queueing, whatever the machine's load."""
    timings: list[tuple[int, float]] = []
    began = time.perf_counter()
    for _ in range(count):
        start = time.perf_counter()
        status = await call(client, method, path, body)
        timings.append((status, (time.perf_counter() - start) * 1000))
    return Result(name, 0, count, time.perf_counter() - began, timings)


async def warm_up(client: aiohttp.ClientSession, paths: list[str]) -> None:
    """Bursts of concurrent requests, so that every worker has opened its database connections and
    filled its statement caches before anything is timed (one keep-alive connection reaches one worker)."""
    for path in paths:
        for _ in range(10):
            await asyncio.gather(*(call(client, "GET", path, None) for _ in range(20)))


async def scenarios(base: str, token: str, seconds: float, only: list[str]) -> list[Result]:
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=200)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base_url=base, headers=headers, connector=connector,
                                     timeout=timeout) as client:
        async with client.post("/quotes", json=QUOTE) as response:
            quote = await response.json()
        async with client.post("/shipments", json=SHIPMENT) as response:
            shipment = await response.json()
        booking = {"quote_id": quote["id"], "itinerary": 0}
        read = f"/shipments/{shipment['id']}"
        await warm_up(client, ["/health", read])
        plan = [
            ("baseline 1by1", lambda: sequential(client, "baseline 1by1", 100, "GET", "/health")),
            ("shipment 1by1", lambda: sequential(client, "shipment 1by1", 100, "GET", read)),
            ("booking 1by1", lambda: sequential(client, "booking 1by1", 40, "POST", "/bookings", booking)),
            ("quote 1by1", lambda: sequential(client, "quote 1by1", 20, "POST", "/quotes", QUOTE)),
            ("baseline", lambda: drive(client, "baseline", 200, seconds, "GET", "/health")),
            ("shipment read", lambda: drive(client, "shipment read", 200, seconds, "GET", read)),
            ("booking", lambda: drive(client, "booking", 50, seconds, "POST", "/bookings", booking)),
            ("quote", lambda: drive(client, "quote", 10, seconds, "POST", "/quotes", QUOTE)),
        ]
        return [await scenario() for name, scenario in plan if not only or any(o in name for o in only)]


def check_capacity(url: str) -> str:
    """No departure over capacity, and each one's booked TEU equals its confirmed bookings' TEU."""
    db = Database(url)
    try:
        with db.session() as session:
            departures = session.scalars(select(Departure)).all()
            held = dict(session.execute(
                select(BookingLegRow.departure_id, func.sum(BookingRow.teu))
                .join(BookingRow, BookingRow.id == BookingLegRow.booking_id)
                .where(BookingRow.status == "confirmed").group_by(BookingLegRow.departure_id)).all())
    finally:
        db.dispose()
    over = [d.id for d in departures if d.booked_teu > d.capacity_teu]
    mismatched = [d.id for d in departures if d.booked_teu != (held.get(d.id) or 0)]
    if over or mismatched:
        raise SystemExit(f"capacity check FAILED: overbooked {over}, mismatched {mismatched}")
    return ", ".join(f"{d.service_id} {d.booked_teu}/{d.capacity_teu} TEU" for d in departures)


def run(backend: str, url: str, data_dir: str, args: argparse.Namespace) -> None:
    token = set_up(url)
    port = free_port()
    server = start_server(url, port, data_dir, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(wait_ready(base))
        gc.collect()
        gc.freeze()
        results = asyncio.run(scenarios(base, token, args.seconds, args.only))
        gc.unfreeze()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # graceful shutdown stuck behind open connections
            server.kill()
            server.wait()
    print(f"{backend} ({args.workers} uvicorn worker(s), {args.seconds:.0f} s per scenario)")
    for result in results:
        print(result.line())
    print(f"  departures after the run: {check_capacity(url)} - none overbooked")
    print(f"  {loop_stalls(Path(data_dir) / f'server-{port}.log')}")


def loop_stalls(log: Path) -> str:
    """The workers' event-loop watch (karvan.api.looplag) over the whole run, warm-up included."""
    stalls = [float(line.split("blocked for ")[1].split(" ms")[0])
              for line in log.read_text().splitlines() if "event loop blocked for" in line]
    if not stalls:
        return "server event loops: never held over 100 ms"
    return (f"server event loops held over 100 ms {len(stalls)} times, longest {max(stalls):.0f} ms, "
            f"{sum(stalls) / 1000:.1f} s in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each scenario")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only scenarios whose name contains NAME (repeatable)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="karvan-bench-") as tmp:
        if args.backend in ("sqlite", "both"):
            run("SQLite", f"sqlite:///{tmp}/karvan.db", tmp, args)
        if args.backend == "sqlite":
            return
        postgres = _LocalPostgres()
        admin_url = postgres.start()
        try:
            url = admin_url.replace("postgresql://", "postgresql+psycopg://")
            run("PostgreSQL", url, tmp, args)
        finally:
            postgres.stop()


if __name__ == "__main__":
    main()
