"""`karvan events import` and `karvan track` on the local SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

from dcsa_events import official
from typer.testing import CliRunner

from karvan.cli.main import app
from karvan.tracking.formats import read
from karvan.tracking.ingest import check

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
    official_ok = official(FIXTURES / "dcsa-2.2.json")  # the schema allows it; the UN/LOCODE rule does not
    assert json.loads(official_ok)[3]["transportCall"]["UNLocationCode"] == "CNXIA"
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
    names = ("events.csv", "dcsa-3.0.json", "epcis-2.0.jsonld", "dcsa-2.2.json")  # not in time order
    for name in names:
        assert _run("events", "import", str(FIXTURES / name))[0] == 0
    about = [e for name in names for _, e in check(read(official(FIXTURES / name)))[0]
             if e.container == "CSQU3054383"]
    code, out, _ = _run("track", "CSQU3054383", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["last_event"]["type"] == "XCNH" and data["last_event"]["locode"] == "GEGAR"
    assert data["eta"]["p50"].startswith("2026-11-16T09:00") and data["eta"]["p90"] >= data["eta"]["p50"]
    assert len(data["events"]) == len(about)
    code, out, _ = _run("track", "CSQU3054383")
    assert code == 0 and "border_handover" in out


def test_unknown_container_exits_non_zero_with_one_line() -> None:
    code, out, err = _run("track", "KRVU0000014")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1


def test_standard_documents_reimport_nothing_new() -> None:
    for name in ("dcsa-3.0.json", "epcis-2.0.jsonld", "epcis-query.jsonld", "epcis-event.jsonld"):
        code, out, _ = _run("events", "import", str(FIXTURES / name))
        assert code == 0 and out.startswith("accepted ") and not out.startswith("accepted 0,")
        code, out, _ = _run("events", "import", str(FIXTURES / name))
        assert code == 0 and out.startswith("accepted 0, ")


def test_track_an_sscc_through_its_container_and_a_booking_reference() -> None:
    for name in ("epcis-2.0.jsonld", "epcis-query.jsonld", "dcsa-3.0.json"):
        official(FIXTURES / name)
        assert _run("events", "import", str(FIXTURES / name))[0] == 0
    code, out, _ = _run("track", "048700120000004510", "--json")  # packed, then unpacked in Warsaw
    unit = json.loads(out)
    assert code == 0 and unit["kind"] == "unit" and unit["in_container"] is None
    assert [c["container"] for c in unit["containers"]] == ["MSKU1234565"]
    code, out, _ = _run("track", "https://id.gs1.org/00/048700120000004794")
    assert code == 0 and out.splitlines()[0].endswith("unit in MSKU1234565, 1 events")
    code, out, _ = _run("track", "KRV-BKG-0002", "--json")  # only container-less events name it
    booking = json.loads(out)
    assert code == 0 and booking["containers"] == [] and len(booking["events"]) == 2
