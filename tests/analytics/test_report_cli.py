"""`karvan report` prints the KPI tables and writes report.json and charts."""

import json
from pathlib import Path

import pytest
from test_source import _seed
from typer.testing import CliRunner

from karvan.cli.common import console
from karvan.cli.main import app
from karvan.store.db import Database


def test_report_prints_tables_and_writes_files(database_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # pytest-xdist workers start with COLUMNS=80, which Rich pins when the console is created.
    monkeypatch.setattr(console, "_width", 200)
    db = Database(database_url)
    with db.write_session() as session:
        _seed(session, "org-a", 0)
        session.commit()
    db.dispose()
    result = CliRunner().invoke(app, ["report", "--database-url", database_url, "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Volumes by month and corridor" in result.output and "Middle Corridor" in result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["transit_od"][0]["p50_hours"] == 100
    assert (tmp_path / "volumes.png").stat().st_size > 0


def test_empty_database_says_no_data(database_url: str) -> None:
    result = CliRunner().invoke(app, ["report", "--database-url", database_url])
    assert result.exit_code == 0 and "no data" in result.output
