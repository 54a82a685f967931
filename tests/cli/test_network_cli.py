"""`karvan places search` and `karvan network show|validate|export` on small fixture networks."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from karvan.cli.main import app
from karvan.network.loader import NETWORK_ENV

ROOT = Path(__file__).resolve().parents[2]


def _fixture_module() -> ModuleType:
    if "network_fixture" in sys.modules:
        return sys.modules["network_fixture"]
    path = ROOT / "tests" / "network" / "network_fixture.py"
    spec = importlib.util.spec_from_file_location("network_fixture", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["network_fixture"] = module
    spec.loader.exec_module(module)
    return module


fixture = _fixture_module()
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_env_overlays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NETWORK_ENV, raising=False)


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def net(tmp_path: Path) -> Path:
    return write(tmp_path / "corridor.yaml", fixture.doc())


def run(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def test_places_search_shows_a_ranked_table(net: Path) -> None:
    result = run("places", "search", "Xi'an", "--network", net, "--no-bundled")
    assert result.exit_code == 0, result.output
    assert "CNXIA" in result.output and "CN" in result.output and "100" in result.output
    ports = run("places", "search", "Baku port", "--network", net, "--no-bundled")
    assert ports.output.index("AZALA") < ports.output.index("KZAAU")


def test_places_search_without_a_match_exits_1(net: Path) -> None:
    result = run("places", "search", "qqqqqq", "--network", net, "--no-bundled")
    assert result.exit_code == 1
    assert "no place matches" in result.output


def test_network_show_summary_counts_by_country_and_mode(net: Path) -> None:
    result = run("network", "show", "--network", net, "--no-bundled")
    assert result.exit_code == 0, result.output
    assert "5 places, 4 links, 4 services" in result.output
    rail_row = next(line for line in result.output.splitlines() if "rail" in line and "1435" in line)
    assert "3" in rail_row  # three rail links, three rail services
    assert "KZ-ALTYN KZAAU" in result.output


def test_network_show_place_by_name(net: Path) -> None:
    result = run("network", "show", "baku port", "--network", net, "--no-bundled")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("AZALA  Alat (AZ)")
    assert "aktau-alat" in out and "alat-tbilisi" in out  # links
    assert "ferry" in out and "train-az" in out  # services


def test_network_show_place_with_dwell_and_gauge_change(net: Path) -> None:
    result = run("network", "show", "KZ-ALTYN", "--network", net, "--no-bundled")
    assert result.exit_code == 0, result.output
    assert "gauge change 600 TEU/day" in result.output and "gauge_change" in result.output


def test_unknown_place_is_one_line_with_suggestions_and_exit_2(net: Path) -> None:
    result = run("network", "show", "Alta", "--network", net, "--no-bundled")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "did you mean" in lines[0] and "AZALA (Alat)" in lines[0]


def test_validate_clean_network_prints_a_summary(net: Path) -> None:
    result = run("network", "validate", "--network", net, "--no-bundled")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("network OK") and "5 places" in result.output


def test_validate_prints_one_line_per_problem_and_exits_1(tmp_path: Path) -> None:
    d = fixture.doc()
    fixture.record(d, "links", "aktau-alat")["distance_km"] = 100
    fixture.record(d, "services", "ferry")["operator"] = "NOPE"
    result = run("network", "validate", "--network", write(tmp_path / "bad.yaml", d), "--no-bundled")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("[")]
    assert len(problems) == 2
    assert any(line.startswith("[link-too-short] link aktau-alat: distance_km:") for line in problems)
    assert any(line.startswith("[service-operator] service ferry: operator:") for line in problems)
    assert all("(fix: " in line for line in problems)


def test_validate_reports_a_malformed_record_as_a_problem(tmp_path: Path) -> None:
    d = fixture.doc()
    fixture.record(d, "places", "GETBS")["code"] = "Tbilisi"
    result = run("network", "validate", "--network", write(tmp_path / "bad.yaml", d), "--no-bundled")
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith("[record] bad.yaml: places Tbilisi: code:") and "fix:" in line


def test_overlays_are_repeatable_and_later_ones_win(net: Path, tmp_path: Path) -> None:
    longer = dict(fixture.record(fixture.doc(), "links", "aktau-alat"), distance_km=490)
    overlay = write(tmp_path / "overlay.yaml", {"links": [longer]})
    out = io.StringIO(run("network", "export", "-f", "csv", "--layer", "links", "-n", net, "-n", overlay,
                          "--no-bundled").output)
    rows = {r["id"]: r for r in csv.DictReader(out)}
    assert float(rows["aktau-alat"]["distance_km"]) == 490


def test_environment_overlay(net: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NETWORK_ENV, str(net))
    result = run("places", "search", "tbilisi", "--no-bundled")
    assert result.exit_code == 0 and "GETBS" in result.output


def test_export_geojson_to_a_file(net: Path, tmp_path: Path) -> None:
    target = tmp_path / "network.geojson"
    result = run("network", "export", "--format", "geojson", "--output", target, "-n", net, "--no-bundled")
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection" and len(document["features"]) == 9
    assert "wrote 9 features" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corridor.yaml", "network.geojson"]  # no temp file


def test_export_csv_places_to_stdout(net: Path) -> None:
    result = run("network", "export", "--format", "csv", "-n", net, "--no-bundled")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert sorted(r["code"] for r in rows) == sorted(p["code"] for p in fixture.BASE["places"])


def test_export_to_a_missing_directory_fails_cleanly(net: Path, tmp_path: Path) -> None:
    result = run("network", "export", "-o", tmp_path / "nope" / "x.geojson", "-n", net, "--no-bundled")
    assert result.exit_code == 2 and result.output.startswith("error: output:")


def test_the_installed_entry_point(net: Path) -> None:
    karvan = ROOT / ".venv" / "bin" / "karvan"
    if not karvan.exists():
        pytest.skip("no installed karvan entry point")
    unknown = subprocess.run([karvan, "network", "show", "Nowhereville", "--network", net, "--no-bundled"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.startswith("error: ") and len(unknown.stderr.strip().splitlines()) == 1
