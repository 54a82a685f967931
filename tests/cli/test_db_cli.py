"""`karvan db`: upgrade, current, backup and restore from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from karvan.cli.main import app

runner = CliRunner()


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_current_reports_pending_then_upgrade_applies_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path))
    code, out, _ = _run("db", "current")
    assert code == 1 and "pending" in out
    assert _run("db", "upgrade")[0] == 0
    code, out, _ = _run("db", "current")
    assert code == 0 and "up to date" in out


def test_backup_and_restore_round_trip(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KARVAN_DATABASE_URL", database_url)
    _run("admin", "create-org", "Before", "--kind", "shipper")
    archive = tmp_path / "k.zip"
    code, out, _ = _run("db", "backup", str(archive))
    assert code == 0 and "wrote" in out and archive.is_file()
    _run("admin", "create-org", "After", "--kind", "shipper")
    code, _, _ = _run("db", "restore", str(archive), input="n\n")
    assert code != 0  # declined: nothing replaced
    assert "After" in _run("admin", "list-orgs")[1]
    code, out, _ = _run("db", "restore", str(archive), "--yes")
    assert code == 0 and "restored" in out
    listed = _run("admin", "list-orgs")[1]
    assert "Before" in listed and "After" not in listed


def test_restore_of_a_missing_file_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path))
    code, _, err = _run("db", "restore", str(tmp_path / "nope.zip"), "--yes")
    assert code == 2 and "no such file" in err
