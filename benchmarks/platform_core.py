"""Platform core speed on SQLite (and PostgreSQL with --postgres): key checks, keyset pagination,
backup and restore. Each figure is printed next to a baseline measured in the same run:

- authenticate(): one key lookup by prefix + SHA-256 compare, vs one SELECT of an organisation by id
- walking N departures with paginate() 500 at a time, vs one SELECT of all N rows
- backup / restore of N departures (rows/s), vs that same single SELECT of all N rows

Run: .venv/bin/python benchmarks/platform_core.py [--rows 20000] [--postgres]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import _LocalPostgres  # noqa: E402  (the test suite's throwaway PostgreSQL)

from karvan.store.backup import backup, restore  # noqa: E402
from karvan.store.db import Database  # noqa: E402
from karvan.store.migrate import upgrade  # noqa: E402
from karvan.store.models import Departure, Organisation, OrgKind, Scope, new_id  # noqa: E402
from karvan.store.pagination import paginate  # noqa: E402
from karvan.tenancy import orgs  # noqa: E402
from karvan.tenancy.auth import authenticate  # noqa: E402
from karvan.tenancy.principal import Principal  # noqa: E402


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Seconds per call, best of three rounds of `repeat` calls."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            action()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def run(url: str, rows: int, workdir: Path) -> None:
    upgrade(url)
    db = Database(url)
    with db.write_session() as session:
        org = orgs.create_org(session, Principal.system(), name="Bench Rail", kind=OrgKind.RAILWAY,
                              operator_codes=["KTZ"])
        token = orgs.create_key(session, Principal.system(), org.id, scope=Scope.WRITE).token
        start = datetime(2026, 1, 1, tzinfo=UTC)
        session.execute(insert(Departure), [
            {"id": new_id("dep"), "org_id": org.id, "operator_code": "KTZ", "service_id": f"S{i % 50}",
             "origin": "KZ-ALTYN", "destination": "KZAAU", "departs_at": start + timedelta(hours=i),
             "capacity_teu": 100, "booked_teu": i % 100, "reefer_plugs": 10, "booked_reefer_plugs": 0,
             "dangerous_goods": False, "status": "scheduled", "created_at": start} for i in range(rows)])
        session.commit()
        org_id = org.id

    with db.session() as session:
        auth_s = timed(lambda: authenticate(session, token), repeat=200)
        get_s = timed(lambda: session.get(Organisation, org_id, populate_existing=True), repeat=200)

        def walk() -> int:
            cursor, seen = None, 0
            while True:
                page = paginate(session, select(Departure), order_by=[Departure.departs_at, Departure.id],
                                cursor=cursor, limit=500)
                seen += len(page.items)
                session.expunge_all()
                if page.next_cursor is None:
                    return seen
                cursor = page.next_cursor

        walk_s = timed(walk)
        select_s = timed(lambda: session.execute(select(Departure.__table__)).all())
    db.dispose()

    archive = workdir / "bench.zip"
    backup_s = timed(lambda: backup(url, archive))
    restore_s = timed(lambda: restore(url, archive))
    total = rows + 3  # departures + organisation, operator code, key (+ audit rows, negligible)
    size_mb = archive.stat().st_size / 1e6
    print(f"  authenticate():            {auth_s * 1e3:7.3f} ms/call "
          f"(baseline SELECT by id: {get_s * 1e3:.3f} ms)")
    print(f"  paginate {rows} rows by 500: {walk_s * 1e3:7.0f} ms "
          f"(baseline one SELECT: {select_s * 1e3:.0f} ms)")
    print(f"  backup:                    {total / backup_s:9,.0f} rows/s "
          f"({backup_s:.2f} s, zip {size_mb:.1f} MB)")
    print(f"  restore:                   {total / restore_s:9,.0f} rows/s ({restore_s:.2f} s)")
    print(f"  baseline SELECT all rows:  {rows / select_s:9,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite ({args.rows} departures)")
        run(f"sqlite:///{tmp}/bench.db", args.rows, Path(tmp))
        if args.postgres:
            server = _LocalPostgres()
            try:
                url = server.start().replace("postgresql://", "postgresql+psycopg://")
                print(f"PostgreSQL ({args.rows} departures)")
                run(url, args.rows, Path(tmp))
            finally:
                server.stop()


if __name__ == "__main__":
    main()
