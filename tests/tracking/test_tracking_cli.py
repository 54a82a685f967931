"""`karvan events import` and `karvan track` on the local SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from karvan.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_counts_then_reimport_stores_nothing_new() -> None:
    code, out, _ = _run("events", "import", str(FIXTURES / "dcsa-2.2.json"))
    assert code == 0 and out.strip() == "accepted 6, duplicates 0, rejected 0"
    code, out, _ = _run("events", "import", str(FIXTURES / "dcsa-2.2.json"), "--format", "dcsa")
    assert code == 0 and out.strip() == "accepted 0, duplicates 6, rejected 0"


def test_invalid_document_exits_non_zero_with_one_line_and_stores_nothing(tmp_path: Path) -> None:
    events = json.loads((FIXTURES / "dcsa-2.2.json").read_text())
    events[3]["transportCall"]["UNLocationCode"] = "KZQQQ"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(events))
    code, out, err = _run("events", "import", str(bad))
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "event 3" in err and "locode" in err
    code, _, err = _run("track", "CSQU3054383")
    assert code != 0  # nothing of the batch was stored
    code, out, _ = _run("events", "import", str(bad), "--skip-invalid")
    assert code == 0 and out.startswith("accepted 5, duplicates 0, rejected 1")


def test_track_json_gives_latest_actual_event_by_event_time_and_eta() -> None:
    for name in ("events.csv", "dcsa-3.0.json", "epcis-2.0.jsonld", "dcsa-2.2.json"):  # not in time order
        assert _run("events", "import", str(FIXTURES / name))[0] == 0
    code, out, _ = _run("track", "CSQU3054383", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["last_event"]["type"] == "XCNH" and data["last_event"]["locode"] == "GEGAR"
    assert data["eta"]["p50"].startswith("2026-11-16T09:00") and data["eta"]["p90"] >= data["eta"]["p50"]
    assert len(data["events"]) == 11
    code, out, _ = _run("track", "CSQU3054383")
    assert code == 0 and "border_handover" in out


def test_unknown_container_exits_non_zero_with_one_line() -> None:
    code, out, err = _run("track", "KRVU0000014")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1
