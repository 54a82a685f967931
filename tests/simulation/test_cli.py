"""`karvan simulate` writes JSON, PNG charts and an HTML page, and fails in one line on bad input."""

import json
from pathlib import Path

from typer.testing import CliRunner

from karvan.cli.main import app

SCENARIO = """
name: tiny
seed: 5
horizon_days: 40
warmup_days: 5
replications: 2
weather: false
demand:
  - {origin: CNXIA, destination: AZALA, containers_per_week: 30, via: [KZ-ALTYN]}
"""


def test_simulate_writes_outputs(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["simulate", str(path), "--output", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "result.json").read_text())
    assert data["summary"]["replications"] == 2 and len(data["runs"]) == 2
    assert "CNXIA-AZALA" in data["summary"]["transit_hours"]
    for name in ("throughput.png", "transit.png", "bottlenecks.png", "utilisation.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    page = (out / "report.html").read_text()
    assert "<h1>Simulation: tiny</h1>" in page and "data:image/png;base64," in page


def test_bad_scenario_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("containers_per_week: 30", "containers_per_week: -1"))
    result = CliRunner().invoke(app, ["simulate", str(path)])
    assert result.exit_code == 2
    assert "demand.0.containers_per_week" in result.output and result.output.count("\n") == 1
