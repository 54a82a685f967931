"""Tracking throughput: bulk import through the CLI, HTTP ingestion, container status reads.

    .venv/bin/python benchmarks/tracking.py [--backend sqlite|postgresql] [--events N]
                                            [--http-events 100000] [--batch 5000]

Figures printed (targets in brackets):
- `karvan events import` of a CSV file, events/s end to end, CLI start-up included [>= 20,000], and the
  peak resident memory of the largest process of the import (the CLI or one of its workers);
- ceiling measured in the same run on the same rows: on SQLite an `executemany` into a bare table
  [import >= 0.3x of it], on PostgreSQL a raw `COPY` of the CSV file into a bare table [>= 0.3x];
  neither has an index, parsing or validation;
- PostgreSQL only, the schema floor: a raw `COPY` of the rows the import stored into a second database
  with Karvan's own tables (key table, monthly partitions, every index), no check at all: what storing
  these rows costs this server whoever does it, so how far the import is from it;
- PostgreSQL only: size on disk of the events (partitions, key table, their indexes) and of the bare
  table; the events span two years, so they fill about 25 monthly partitions;
- `POST /events` to a uvicorn server on 127.0.0.1 in batches, events/s [>= 5,000];
- container status read (`karvan.tracking.service.track`) with all events stored: p50 and p99 [<= 10 ms];
- ETA accuracy: simulated journeys Xi'an - Dostyk - Aktau - Alat - Gardabani - Poti on the bundled
  network's services, run and dwell times drawn from log-normal distributions through each figure's
  p50 and p90, trains leaving on each service's own headway; the ETA is recomputed after every event
  and compared with the journey's actual arrival: mean absolute error of p50 and share of arrivals
  no later than p90, by whole days still to go.
The machine's load average is printed too: on a shared machine every figure moves with it.
PostgreSQL is the test suite's throwaway server (tests/conftest.py): fsync off, shared_buffers 16 MB.
Default sizes keep a run to a few minutes: 200,000 events and 20,000 over HTTP. The figures in
docs/scaling.md come from `--events 1000000` and `--events 5000000` (SQLite) and `--backend postgresql
--events 10000000 --http-events 0`.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import _LocalPostgres  # noqa: E402  (the test suite's throwaway PostgreSQL)

from karvan import iso6346  # noqa: E402
from karvan.network.loader import load_network  # noqa: E402
from karvan.store.db import Database, make_engine  # noqa: E402
from karvan.store.migrate import upgrade  # noqa: E402
from karvan.store.models import OrgKind, Scope  # noqa: E402
from karvan.store.partitions import create_months  # noqa: E402
from karvan.tenancy import orgs  # noqa: E402
from karvan.tenancy.principal import Principal  # noqa: E402
from karvan.tracking import service  # noqa: E402
from karvan.tracking.model import Classifier, ContainerEvent, EventType  # noqa: E402
from karvan.tracking.plan import Plan, PlannedLeg  # noqa: E402
from karvan.tracking.repository import StoredEvent  # noqa: E402
from karvan.tracking.state import derive  # noqa: E402

PLACES = ("CNXIA", "KZDOS", "KZAAU", "AZALA", "GEGAR", "GETBS", "GEPTI", "TRKSY")
MOVES = (("EQUIPMENT", "GTIN"), ("EQUIPMENT", "LOAD"), ("TRANSPORT", "DEPA"), ("TRANSPORT", "ARRI"),
         ("EQUIPMENT", "DISC"))
EVENTS_PER_CONTAINER = 20
KARVAN = [sys.executable, "-m", "karvan.cli.main"]


def containers(count: int, prefix: str = "KRVU") -> list[str]:
    return [f"{prefix}{i:06d}{iso6346.check_digit(f'{prefix}{i:06d}')}" for i in range(count)]


def journey_rows(count: int, prefix: str, start: int = 0, span_days: int = 0) -> Iterator[list[str]]:
    """`count` events: containers each moving along the corridor, an event every six hours; their
    journeys start over the `span_days` before 2026-01-01 (all at once when 0)."""
    numbers = containers(max(count // EVENTS_PER_CONTAINER, 1), prefix)
    t0 = datetime(2026, 1, 1, tzinfo=timezone_offset(5)) - timedelta(days=span_days)
    for i in range(start, start + count):
        index = i % len(numbers)
        step = i // len(numbers)
        kind, code = MOVES[step % len(MOVES)]
        moment = t0 + timedelta(hours=6 * step, seconds=index, days=span_days * index / len(numbers))
        yield [f"{prefix}-{i}", kind, code, "ACT", moment.isoformat(timespec="seconds"), numbers[index],
               PLACES[step // len(MOVES) % len(PLACES)]]


def timezone_offset(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_events(path: Path, count: int, span_days: int) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        writer.writerows(journey_rows(count, "KRVU", span_days=span_days))


CSV_HEADER = ("event_id", "type", "code", "classifier", "time", "container", "locode")


def _peak_rss_mib() -> float:
    """The largest peak resident size of any child process waited for so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cli_import(path: Path, count: int, env: dict[str, str]) -> float:
    """`karvan events import` of the file; prints its report, CPU and peak memory; the seconds taken."""
    subprocess.run([*KARVAN, "events", "--help"], env=env, check=True, capture_output=True)  # warm caches
    started, cpu_before = time.perf_counter(), _children_cpu_s()
    done = subprocess.run([*KARVAN, "events", "import", str(path)], env=env, check=True,
                          capture_output=True, text=True)
    import_s = time.perf_counter() - started
    cpu_s = _children_cpu_s() - cpu_before
    print(f"  {done.stdout.strip()}; the import process used {cpu_s:.1f} s of CPU "
          f"({count / cpu_s:,.0f} events per CPU-second, start-up included); "
          f"peak resident memory of its largest process {_peak_rss_mib():,.0f} MiB")
    return import_s


def sqlite_ceiling(path: Path, workdir: Path) -> float:
    started = time.perf_counter()
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        connection = sqlite3.connect(workdir / "bare.db")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"CREATE TABLE events ({', '.join(header)})")
        connection.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(header))})", reader)
        connection.commit()
        connection.close()
    return time.perf_counter() - started


def postgres_ceiling(path: Path, libpq_url: str) -> tuple[float, int]:
    """A raw COPY of the CSV file into a bare table: seconds, and the table's size on disk."""
    with psycopg.connect(libpq_url) as conn:
        conn.execute(f"CREATE TABLE bare_events ({', '.join(f'{c} text' for c in CSV_HEADER)})")
        started = time.perf_counter()
        with conn.cursor() as cursor, path.open("rb") as handle, \
                cursor.copy("COPY bare_events FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
        size = conn.execute("SELECT pg_total_relation_size('bare_events')").fetchone()
    return seconds, int(size[0]) if size else 0


def postgres_schema_floor(libpq_url: str, workdir: Path) -> float:
    """Seconds for a raw COPY of the rows the import stored into Karvan's own tables, in a second
    database: the key table and the monthly partitions (made first), every index in place, no check.

    What any importer that keeps Karvan's schema must pay on this server, whatever its own speed."""
    dump = {table: workdir / f"{table}.copy" for table in ("tracking_event_keys", "tracking_events")}
    with psycopg.connect(libpq_url) as conn, conn.cursor() as cursor:
        for table, path in dump.items():
            with path.open("wb") as out, cursor.copy(
                    f"COPY (SELECT * FROM {table} ORDER BY seq) TO STDOUT (FORMAT binary)") as copy:
                for block in copy:
                    out.write(block)
        months = [r[0] for r in cursor.execute(
            "SELECT DISTINCT left(event_time, 7) FROM tracking_events ORDER BY 1").fetchall()]
    admin = libpq_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE DATABASE karvan_floor")
    floor_url = libpq_url.rsplit("/", 1)[0] + "/karvan_floor"
    sqlalchemy_url = floor_url.replace("postgresql://", "postgresql+psycopg://")
    upgrade(sqlalchemy_url)
    engine = make_engine(sqlalchemy_url)
    with engine.begin() as conn:
        create_months(conn, "tracking_events", months)
    engine.dispose()
    with psycopg.connect(floor_url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        for table, path in dump.items():
            with path.open("rb") as source, cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                while block := source.read(1 << 20):
                    copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
    for path in dump.values():
        path.unlink()
    return seconds


def postgres_event_size(libpq_url: str) -> tuple[int, int]:
    """Bytes on disk of the stored events (every partition and the key table, with indexes); partitions."""
    with psycopg.connect(libpq_url) as conn:
        row = conn.execute(
            "SELECT sum(pg_total_relation_size(relid)), count(*) FILTER (WHERE isleaf) "
            "FROM pg_partition_tree('tracking_events')").fetchone()
        keys = conn.execute("SELECT pg_total_relation_size('tracking_event_keys')").fetchone()
    assert row is not None and keys is not None
    return int(row[0]) + int(keys[0]), int(row[1])


def bench_reads(url: str, count: int, samples: int = 2000) -> list[float]:
    db = Database(url)
    network = load_network()
    numbers = containers(max(count // EVENTS_PER_CONTAINER, 1), "KRVU")
    rng = random.Random(7)
    timings = []
    with db.session() as session:
        service.track(session, numbers[0], Principal.system(), network)
        for number in rng.sample(numbers, min(samples, len(numbers))):
            started = time.perf_counter()
            service.track(session, number, Principal.system(), network)
            timings.append((time.perf_counter() - started) * 1000)
    db.dispose()
    return timings


def bench_http(url: str, count: int, batch: int) -> float:
    db = Database(url)
    with db.write_session() as session:
        org = orgs.create_org(session, Principal.system(), kind=OrgKind.CORRIDOR_ADMIN,
                              name=f"bench-{time.time_ns()}")
        key = orgs.create_key(session, Principal.system(), org.id, scope=Scope.WRITE).token
        session.commit()
    db.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "karvan.api.app:create_app",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              env={**os.environ, "KARVAN_DATABASE_URL": url})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        fields = ("eventId", "type", "code", "classifier", "time", "container", "locode")

        def body(size: int, prefix: str, start: int) -> str:
            rows = journey_rows(size, prefix, start)
            return json.dumps({"events": [dict(zip(fields, row, strict=True)) for row in rows]})

        bodies = [body(min(batch, count - start), "HTPU", start) for start in range(0, count, batch)]
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            # warm-up, not timed, with events of its own: the server loads the network
            client.post("/events", content=body(100, "WRMU", 0)).raise_for_status()
            started = time.perf_counter()
            for content in bodies:
                client.post("/events", content=content).raise_for_status()
            return count / (time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)


ROUTE = (("CR-XIA-DOS", "CNXIA", "KZDOS"), ("KTZ-DOS-AAU", "KZDOS", "KZAAU"),
         ("KMTF-AAU-ALA", "KZAAU", "AZALA"), ("ADY-ALA-GAR", "AZALA", "GEGAR"),
         ("GR-GAR-PTI", "GEGAR", "GEPTI"))


LONG_RANGE_DAYS = 30
"""Estimates made this many days or more before arrival are reported together."""


def _draw_hours(rng: random.Random, p50: float, p90: float) -> float:
    """A log-normal draw with the given median and 90th percentile, cut at three times the p90.

    The cut is an assumption: without it the widest dwell figures (Aktau port handling, p90 five
    times the p50) would now and then keep a container in port for months."""
    sigma = math.log(p90 / p50) / 1.2816 if p90 > p50 > 0 else 0.0
    return min(p50 * math.exp(rng.gauss(0.0, 1.0) * sigma), 3 * p90) if p50 > 0 else 0.0


def _next_departure(grid_start: datetime, headway: timedelta, ready: datetime) -> datetime:
    steps = max(0, -(-(ready - grid_start) // headway))
    return grid_start + headway * steps


def eta_accuracy(journeys: int, seed: int = 11) -> dict[int, tuple[int, float, float]]:
    """{days to arrival: (estimates, mean absolute p50 error in days, share of arrivals <= p90)}."""
    network = load_network()
    rng = random.Random(seed)
    legs = []
    for service_id, origin, destination in ROUTE:
        svc = network.services[service_id]
        a, b = svc.stops.index(origin), svc.stops.index(destination)
        per_week = svc.schedule.departures_per_week or len(svc.schedule.weekdays or ()) or 1
        dwell = network.dwells_at(destination)
        legs.append((service_id, origin, destination, sum(svc.run_hours[a:b]), sum(svc.p90_hours[a:b]),
                     timedelta(hours=168 / per_week), sum(d.p50_hours for d in dwell),
                     sum(d.p90_hours for d in dwell)))
    errors: dict[int, list[tuple[float, bool]]] = {}
    grid = datetime(2026, 3, 2, tzinfo=UTC)
    """Every service's departures are spaced by its headway from this Monday."""
    for journey in range(journeys):
        start = grid + timedelta(hours=journey * 7)
        planned, ready = [], start
        for service_id, origin, destination, run, _p90, headway, dwell_p50, _dp90 in legs:
            departs = _next_departure(grid, headway, ready)
            arrives = departs + timedelta(hours=run)
            planned.append(PlannedLeg(origin, destination, departs, arrives, service_id))
            ready = arrives + timedelta(hours=dwell_p50)
        plan = Plan(tuple(planned))
        events, ready = [], start
        for index, (_sid, origin, destination, run, p90, headway, dwell_p50, dwell_p90) in enumerate(legs):
            departs = _next_departure(grid, headway, max(ready, planned[index].departs_at))
            arrives = departs + timedelta(hours=_draw_hours(rng, run, p90))
            events += [("DEPA", origin, departs), ("ARRI", destination, arrives)]
            ready = arrives + timedelta(hours=_draw_hours(rng, dwell_p50, dwell_p90))
        actual_arrival = events[-1][2]
        stored: list[StoredEvent] = []
        for seq, (code, place, moment) in enumerate(events[:-1], start=1):
            stored.append(StoredEvent(seq, ContainerEvent(
                event_id=f"j{journey}-{seq}", event_type=EventType.TRANSPORT, code=code,
                classifier=Classifier.ACT, event_time=moment, container="KRVU0000014", locode=place), ""))
            eta = derive("KRVU0000014", stored, plan=plan, network=network, now=moment).eta
            if eta is None:
                continue
            days_left = min(int((actual_arrival - moment) / timedelta(days=1)), LONG_RANGE_DAYS)
            errors.setdefault(days_left, []).append(
                (abs((eta.p50 - actual_arrival) / timedelta(days=1)), actual_arrival <= eta.p90))
    return {days: (len(found), statistics.fmean(e for e, _ in found), sum(ok for _, ok in found) / len(found))
            for days, found in sorted(errors.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--events", type=int, default=200_000, help="events to import")
    parser.add_argument("--http-events", type=int, default=20_000, help="0 to skip HTTP ingestion")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--journeys", type=int, default=300)
    parser.add_argument("--eta-only", action="store_true", help="only the ETA accuracy replay")
    args = parser.parse_args()
    print(f"ETA accuracy: {args.journeys} simulated journeys {ROUTE[0][1]}-{ROUTE[-1][2]}")
    print("  days to arrival  estimates  MAE p50 (days)  actual <= p90")
    for days, (count, mae, covered) in eta_accuracy(args.journeys).items():
        label = f"{days}+" if days == LONG_RANGE_DAYS else str(days)
        print(f"  {label:>15}  {count:>9}  {mae:>14.2f}  {covered:>13.0%}")
    if args.eta_only:
        return
    workdir = Path(tempfile.mkdtemp(prefix="karvan-bench-"))
    try:
        print(f"tracking benchmark on {args.backend}, {load()}")
        if args.backend == "postgresql":
            run_postgresql(args, workdir)
        else:
            run_sqlite(args, workdir)
        print(f"after: {load()}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report_import(count: int, import_s: float, ceiling_s: float, ceiling: str) -> None:
    import_rate, ceiling_rate = count / import_s, count / ceiling_s
    print(f"CLI import:   {count:,} events in {import_s:.1f} s = {import_rate:,.0f} events/s "
          "(target >= 20,000)")
    print(f"ceiling:      {ceiling} of the same rows: {ceiling_rate:,.0f} rows/s; "
          f"import / ceiling = {import_rate / ceiling_rate:.3f} (target >= 0.3)")


def report_reads(url: str, count: int) -> None:
    timings = bench_reads(url, count)
    p99 = statistics.quantiles(timings, n=100)[98]
    print(f"status read:  {len(timings)} containers with {count:,} events stored: "
          f"p50 {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms (target <= 10 ms)")


def report_http(url: str, args: argparse.Namespace) -> None:
    if args.http_events:
        rate = bench_http(url, args.http_events, args.batch)
        print(f"HTTP ingest:  {args.http_events:,} events in batches of {args.batch:,}: {rate:,.0f} events/s "
              "(target >= 5,000)")


def run_sqlite(args: argparse.Namespace, workdir: Path) -> None:
    count = args.events
    path = workdir / "events.csv"
    write_events(path, count, span_days=0)
    env = {**os.environ, "KARVAN_DATA_DIR": str(workdir / "data")}
    env.pop("KARVAN_DATABASE_URL", None)
    import_s = cli_import(path, count, env)
    report_import(count, import_s, sqlite_ceiling(path, workdir), "bare SQLite executemany")
    url = f"sqlite:///{workdir / 'data' / 'karvan.db'}"
    report_reads(url, count)
    report_http(url, args)


def run_postgresql(args: argparse.Namespace, workdir: Path) -> None:
    count = args.events
    path = workdir / "events.csv"
    write_events(path, count, span_days=730)
    server = _LocalPostgres()
    try:
        libpq = server.start()
        url = libpq.replace("postgresql://", "postgresql+psycopg://")
        upgrade(url)
        env = {**os.environ, "KARVAN_DATA_DIR": str(workdir / "data"), "KARVAN_DATABASE_URL": url}
        import_s = cli_import(path, count, env)
        ceiling_s, bare_bytes = postgres_ceiling(path, libpq)
        report_import(count, import_s, ceiling_s, "raw COPY into a bare table")
        floor_s = postgres_schema_floor(libpq, workdir)
        print(f"schema floor: raw COPY of the stored rows into Karvan's key table and partitions, indexes "
              f"in place, no checks: {count / floor_s:,.0f} rows/s = {floor_s / ceiling_s:.1f}x the bare "
              f"COPY's time; import / floor = {floor_s / import_s:.3f}")
        stored_bytes, partitions = postgres_event_size(libpq)
        print(f"size on disk: {stored_bytes / 2**20:,.0f} MiB in {partitions} partitions and the key table, "
              f"indexes included ({stored_bytes / count:,.0f} bytes per event); the bare table "
              f"{bare_bytes / 2**20:,.0f} MiB")
        report_reads(url, count)
        report_http(url, args)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
