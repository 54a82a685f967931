"""`karvan` starts without loading what a command does not use, and read commands never migrate.

The command table of `karvan.cli.main` lists every command with its help; a command's module is
imported only when it runs. Timing lives in benchmarks/cli_startup.py; these tests check behaviour:
which modules a fresh process has loaded, and what a read command does with an old schema.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karvan
from karvan.cli.lazy import LazyCommand
from karvan.cli.main import COMMANDS, app
from karvan.store.migrate import current_revisions, head_revisions, upgrade

FIXTURES = Path(__file__).parents[1] / "tracking" / "fixtures"
HEAVY = ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "simpy", "matplotlib", "duckdb")
runner = CliRunner()


def _loaded_after(*args: str) -> tuple[int, str, set[str]]:
    """Run `karvan ARGS` in a fresh interpreter; its exit code, output and top-level modules loaded."""
    script = (
        "import json, sys\n"
        "from karvan.cli.main import app\n"
        "try:\n"
        f"    app({list(args)!r})\n"
        "except SystemExit as end:\n"
        "    code = end.code or 0\n"
        "sys.stderr.write(json.dumps([code, sorted({m.split('.')[0] for m in sys.modules})]))\n")
    env = {**os.environ, "PYTHONPATH": str(Path(karvan.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    code, modules = json.loads(done.stderr.strip().splitlines()[-1])
    return code, done.stdout, set(modules)


def test_help_lists_every_command_without_loading_any_command_module() -> None:
    code, out, modules = _loaded_after("--help")
    assert code == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    listed = " ".join(out.split())
    for entry in COMMANDS:
        assert entry.name in listed
        assert " ".join(entry.help.split()[:4]) in listed


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda entry: entry.name)
def test_the_listed_help_is_the_command_own(entry: LazyCommand) -> None:
    """The table's line is the first paragraph of the help the command itself shows."""
    command = entry.load()
    assert command.help is not None
    assert entry.help == " ".join(command.help.split("\n\n")[0].split())
    result = runner.invoke(app, [entry.name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_a_mistyped_command_is_refused_with_a_suggestion() -> None:
    result = runner.invoke(app, ["trak", "CSQU3054383"])
    assert result.exit_code == 2 and "track" in result.output


def test_track_on_a_current_database_loads_neither_the_web_framework_nor_alembic() -> None:
    assert runner.invoke(app, ["events", "import", str(FIXTURES / "dcsa-2.2.json")]).exit_code == 0
    code, out, modules = _loaded_after("track", "CSQU3054383")
    assert code == 0 and out.startswith("CSQU3054383  in_transit")
    assert "sqlalchemy" in modules  # it reads the database ...
    assert not modules & {"fastapi", "starlette", "alembic", "uvicorn", "simpy"}  # ... and nothing more


def test_track_without_a_database_names_the_command_that_creates_it_and_creates_nothing() -> None:
    result = runner.invoke(app, ["track", "CSQU3054383"])
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "karvan db upgrade" in result.stderr
    assert not (Path(os.environ["KARVAN_DATA_DIR"]) / "karvan.db").exists()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at the platform's first revision only: no booking or tracking tables yet."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        upgrade(url, "0001_platform")
        yield url
        return
    server = request.getfixturevalue("postgres_server")
    name = f"old_{uuid.uuid4().hex[:12]}"
    server.execute(f"CREATE DATABASE {name}")
    try:
        upgrade(server.url(name), "0001_platform")
        yield server.url(name)
    finally:
        server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.parametrize("command", [["track", "CSQU3054383"], ["report"]], ids=["track", "report"])
def test_a_read_command_on_an_old_schema_says_how_to_upgrade_and_does_not(
        old_database_url: str, command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARVAN_DATABASE_URL", old_database_url)
    result = runner.invoke(app, command)
    assert result.exit_code == 1 and result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "0001_platform" in message and "karvan db upgrade" in message
    assert all(head in message for head in head_revisions())
    assert current_revisions(old_database_url) == {"0001_platform"}


def test_a_read_command_on_an_unreachable_database_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("KARVAN_DATABASE_URL", f"postgresql+psycopg://karvan:secret@127.0.0.1:{port}/karvan")
    result = runner.invoke(app, ["track", "CSQU3054383"])
    assert result.exit_code == 1 and result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and message.startswith("error: cannot read the database")
    assert "secret" not in message
