"""Fixtures shared by every test package. Read this before writing database or API tests.

Databases
    `database_url`   parametrized over "sqlite" and "postgresql": the URL of an empty database migrated
                     to every head (all capabilities' migrations). SQLite: a fresh copy of a migrated
                     file per test. PostgreSQL: one migrated database per test process, emptied
                     (DELETE from every table, sequences restarted) before each test — creating a
                     database per test costs ~1 s on a loaded machine, emptying it ~10 ms. So do not
                     leave connections open after a test (dispose your engines), and do not create
                     tables outside migrations.
                     Tests using it run twice: `test_x[sqlite]` and `test_x[postgresql]` (marked
                     `postgres`; `-m "not postgres"` skips them).
    `db`             a `karvan.store.db.Database` on `database_url` (disposed after the test).

PostgreSQL is a throwaway server started once per test process (so once per pytest-xdist worker) on
127.0.0.1 with a free port, its socket and data in a temporary directory, trust authentication,
fsync off; it stops at the end of the session. Binaries come from /usr/lib/postgresql/*/bin
(`scripts/system-deps.sh` installs them); as root it runs as the `postgres` user. Its cluster is a
copy of one initdb made once and cached in the system temporary directory. Benchmarks start the same
server with `_LocalPostgres().start()` / `.stop()`. Set
$KARVAN_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres, a superuser) to use an
existing server instead. It is started only if a test asks for PostgreSQL.

API
    `api_network`    the `Network` the test app serves: the bundled network. Override this fixture in a
                     test module or package conftest to serve a small network of your own.
    `api_app`        `create_app(database_url, network=api_network)`.
    `tenant`         factory: `tenant(kind="shipper", operators=(), scope="admin", name=None)` creates an
                     organisation and an API key directly in the database and returns a `Tenant` with
                     `org_id`, `kind`, `key` (the bearer token) and `client` (a TestClient sending it).
    `api_client`     factory: `api_client(key=None)`, a TestClient on `api_app` with that bearer key
                     (or none, to test authentication itself).

Environment
    Every test runs with $KARVAN_DATA_DIR set to its own temporary directory and
    $KARVAN_DATABASE_URL unset, so nothing touches ./var or a real database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

from karvan.api.app import create_app
from karvan.network.loader import load_network
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.migrate import upgrade
from karvan.store.models import OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

POSTGRES_URL_ENV = "KARVAN_TEST_POSTGRES_URL"


# --------------------------------------------------------------------------------------------- PostgreSQL

def _pg_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not candidates:
        pytest.fail("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin; run scripts/system-deps.sh "
                    f"or set {POSTGRES_URL_ENV}, or deselect with -m 'not postgres'")
    return candidates[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A PostgreSQL server the tests may create and drop databases in (as a superuser)."""

    admin_url: str  # libpq URL of the `postgres` database
    database: str  # the migrated database of this test process

    def url(self, database: str | None = None) -> str:
        url = make_url(self.admin_url).set(drivername="postgresql+psycopg",
                                           database=database or self.database)
        return url.render_as_string(hide_password=False)

    def execute(self, sql: str, database: str | None = None) -> None:
        libpq = make_url(self.admin_url).set(database=database or "postgres")
        libpq = libpq.render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]  # only ever our own literal identifiers

    def empty(self) -> None:
        """Delete every row (children first) and restart the sequences, in one round trip."""
        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            if not hasattr(self, "_reset_sql"):
                self._reset_sql = _reset_statements(self.url())
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(self._reset_sql)  # type: ignore[arg-type]


def _reset_statements(url: str) -> str:
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            sequences = conn.execute(
                text("SELECT schemaname || '.' || sequencename FROM pg_sequences")).scalars()
            restarts = [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
    finally:
        engine.dispose()
    deletes = [f'DELETE FROM "{t.name}"' for t in reversed(metadata.sorted_tables)
               if t.name != "alembic_version"]
    return "; ".join(deletes + restarts)


class _LocalPostgres:
    """initdb + pg_ctl in a temporary directory owned by the `postgres` user when running as root."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.as_root = os.geteuid() == 0
        self.dir = Path(tempfile.mkdtemp(prefix="karvan-pg-"))
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = 0

    def _run(self, *args: str) -> None:
        prefix: Sequence[str] = ("runuser", "-u", "postgres", "--") if self.as_root else ()
        result = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            output = result.stderr.strip() or result.stdout.strip()
            raise RuntimeError(f"{' '.join(args[:2])} failed: {output}")

    def _initdb(self) -> None:
        """Copy a cached fresh cluster (about 1 s) rather than run initdb (about 3 s) in every worker.

        The cache lives in the system temporary directory, keyed by PostgreSQL version and user, and is
        built once under a file lock; a cache that fails to copy is simply bypassed.
        """
        cache = Path(tempfile.gettempdir()) / f"karvan-pg-initdb-{self.bin.parent.name}-{os.geteuid()}"
        with open(f"{cache}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (cache / "ready").exists():
                shutil.rmtree(cache, ignore_errors=True)
                cache.mkdir(mode=0o755)
                if self.as_root:
                    shutil.chown(cache, "postgres", "postgres")
                self._run(str(self.bin / "initdb"), "-D", str(cache / "data"), "-U", "postgres",
                          "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions")
                (cache / "ready").touch()
        try:
            self._run("cp", "-a", str(cache / "data"), str(self.data))
        except RuntimeError:
            shutil.rmtree(self.data, ignore_errors=True)
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--no-sync", "--no-instructions")

    def start(self) -> str:
        self._initdb()
        for _attempt in range(3):
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB "
                       "-c max_connections=40")
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                          "-w", "-t", "60", "-o", options, "start")
                return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
            except RuntimeError:
                continue
        log = (self.dir / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"PostgreSQL did not start; log tail:\n{log}")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped: nothing to do
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server(worker_id: str) -> Iterator[PostgresServer]:
    """One server per test process with a migrated database (see the module docstring).

    `worker_id` is pytest-xdist's ("gw0", ..., or "master" without -n)."""
    database = f"karvan_test_{worker_id}"
    external = os.environ.get(POSTGRES_URL_ENV)
    local = None if external else _LocalPostgres()
    admin_url = external or local.start()  # type: ignore[union-attr]
    server = PostgresServer(admin_url=admin_url, database=database)
    try:
        server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{database}"')
        upgrade(server.url())
        yield server
    finally:
        if local is not None:
            local.stop()
        else:
            server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# ------------------------------------------------------------------------------------------------ SQLite

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "karvan.db"
    upgrade(f"sqlite:///{path}")
    return path


# ------------------------------------------------------------------------------------------- databases

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database migrated to all heads, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "karvan.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    server.empty()
    yield server.url()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("KARVAN_DATABASE_URL", raising=False)


# ------------------------------------------------------------------------------------------------- API

@dataclass
class Tenant:
    """An organisation with one API key, and a client that sends it."""

    org_id: str
    kind: OrgKind
    key: str
    client: TestClient


@pytest.fixture
def api_network() -> Network:
    return load_network(use_env=False)


@pytest.fixture
def api_app(database_url: str, api_network: Network) -> Iterator[FastAPI]:
    app = create_app(database_url, network=api_network)
    try:
        yield app
    finally:
        app.state.db.dispose()


@pytest.fixture
def api_client(api_app: FastAPI) -> Callable[..., TestClient]:
    def make(key: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return TestClient(api_app, headers=headers)

    return make


@pytest.fixture
def tenant(api_app: FastAPI, api_client: Callable[..., TestClient]) -> Callable[..., Tenant]:
    def make(kind: str | OrgKind = OrgKind.SHIPPER, *, operators: Sequence[str] = (),
             scope: str | Scope = Scope.ADMIN, name: str | None = None) -> Tenant:
        org_kind = OrgKind(kind)
        with api_app.state.db.write_session() as session:
            org = orgs.create_org(session, Principal.system(), kind=org_kind, operator_codes=operators,
                                  name=name or f"{org_kind.value}-{uuid.uuid4().hex[:8]}")
            issued = orgs.create_key(session, Principal.system(), org.id, scope=Scope(scope))
            session.commit()
        return Tenant(org_id=org.id, kind=org_kind, key=issued.token, client=api_client(issued.token))

    return make
