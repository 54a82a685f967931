"""`karvan plan` and `karvan compare` on a small network file: the JSON contract and exit codes."""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karvan.cli.main import app

NETWORK = """
places:
  - {code: CNAAA, name: Alpha, country: CN, lat: 34.3, lon: 108.9, timezone: Asia/Shanghai,
     kinds: [rail_terminal], source: "estimate: test"}
  - {code: KZBBB, name: Bravo, country: KZ, lat: 45.2, lon: 82.5, timezone: Asia/Almaty,
     kinds: [rail_terminal], source: "estimate: test"}
  - {code: RUCCC, name: Charlie, country: RU, lat: 55.7, lon: 37.6, timezone: Europe/Moscow,
     kinds: [rail_terminal], source: "estimate: test"}
  - {code: AZDDD, name: Delta, country: AZ, lat: 40.1, lon: 49.4, timezone: Asia/Baku,
     kinds: [sea_port], source: "estimate: test"}
  - {code: GEEEE, name: Echo, country: GE, lat: 42.1, lon: 41.7, timezone: Asia/Tbilisi,
     kinds: [rail_terminal], source: "estimate: test"}
links:
  - {id: r1, a: CNAAA, b: KZBBB, mode: rail, distance_km: 2500, gauge: "1435", traction: electric,
     source: "estimate: t"}
  - {id: r2, a: KZBBB, b: RUCCC, mode: rail, distance_km: 3500, gauge: "1520", traction: diesel,
     source: "estimate: t"}
  - {id: r3, a: RUCCC, b: GEEEE, mode: rail, distance_km: 2200, gauge: "1520", traction: electric,
     source: "estimate: t"}
  - {id: f1, a: KZBBB, b: AZDDD, mode: ferry, distance_km: 3000,
     source: "estimate: t"}
  - {id: r4, a: AZDDD, b: GEEEE, mode: rail, distance_km: 900, gauge: "1520", traction: electric,
     source: "estimate: t"}
services:
  - {id: a-b, name: Alpha Bravo, operator: OP, kind: block_train, mode: rail, stops: [CNAAA, KZBBB],
     run_hours: [60], schedule: {weekdays: [0, 3], departure_time: "08:00"}, capacity_teu: 80,
     tariff_usd: {40GP: 1500}, source: "estimate: t"}
  - {id: b-c-e, name: Northern, operator: OP, kind: block_train, mode: rail, stops: [KZBBB, RUCCC, GEEEE],
     run_hours: [90, 60], schedule: {weekdays: [5], departure_time: "10:00"}, capacity_teu: 80,
     tariff_usd: {40GP: 3000}, source: "estimate: t"}
  - {id: b-d, name: Slow boat, operator: OP, kind: caspian_ferry, mode: ferry, stops: [KZBBB, AZDDD],
     run_hours: [100], schedule: {departures_per_week: 2}, capacity_teu: 40, dangerous_goods: true,
     tariff_usd: {40GP: 800}, source: "estimate: t"}
  - {id: d-e, name: Delta Echo, operator: OP, kind: block_train, mode: rail, stops: [AZDDD, GEEEE],
     run_hours: [24], schedule: {departures_per_week: 7}, capacity_teu: 80, dangerous_goods: true,
     tariff_usd: {40GP: 600}, source: "estimate: t"}
"""

runner = CliRunner()


@pytest.fixture
def network_file(tmp_path: Path) -> Path:
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK, encoding="utf-8")
    return path


def run(network_file: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--network", str(network_file), "--no-bundled"])
    return result.exit_code, result.stdout, result.stderr


def plan_json(network_file: Path, *args: str) -> dict[str, object]:
    code, out, err = run(network_file, "plan", "CNAAA", "GEEEE", "--depart", "2026-12-01", "--json", *args)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_json_contract_fields_and_leg_chain(network_file: Path) -> None:
    """Each itinerary carries the documented fields and its legs chain from origin to destination."""
    doc = plan_json(network_file)
    itineraries = doc["itineraries"]
    assert isinstance(itineraries, list) and itineraries
    for it in itineraries:
        for key in ("transit_days", "transit_days_p90", "distance_km", "cost_usd", "co2e_kg", "countries",
                    "corridor", "legs"):
            assert key in it
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in it["countries"])
        assert it["countries"][0] == "CN" and it["countries"][-1] == "GE"
        legs = it["legs"]
        assert legs[0]["origin"] == {"locode": "CNAAA", "name": "Alpha"}
        assert legs[-1]["destination"]["locode"] == "GEEEE"
        for before, after in itertools.pairwise(legs):
            assert before["destination"] == after["origin"]
            assert datetime.fromisoformat(before["arrival"]) <= datetime.fromisoformat(after["departure"])
        for leg in legs:
            for key in ("mode", "operator", "service", "distance_km", "cost_usd", "co2e_kg"):
                assert key in leg
            departure = datetime.fromisoformat(leg["departure"])
            assert departure.utcoffset() is not None
            assert datetime.fromisoformat(leg["arrival"]) > departure
        assert it["distance_km"] == pytest.approx(sum(leg["distance_km"] for leg in legs), abs=0.5)
        assert it["transit_days_p90"] >= it["transit_days"]


@pytest.mark.parametrize("objective,field", [("cost", "cost_usd"), ("co2", "co2e_kg")])
def test_itineraries_are_ordered_by_the_objective(network_file: Path, objective: str, field: str) -> None:
    values = [it[field] for it in plan_json(network_file, "--optimize", objective)["itineraries"]]
    assert len(values) == 2 and values == sorted(values)


def test_time_objective_orders_by_arrival(network_file: Path) -> None:
    arrivals = [datetime.fromisoformat(it["legs"][-1]["arrival"])
                for it in plan_json(network_file, "--optimize", "time")["itineraries"]]
    assert arrivals == sorted(arrivals)


def test_avoiding_a_country_removes_it_from_every_itinerary(network_file: Path) -> None:
    for it in plan_json(network_file, "--avoid-country", "RU")["itineraries"]:
        assert "RU" not in it["countries"]


def test_no_route_names_the_constraint_and_exits_1(network_file: Path) -> None:
    code, _, err = run(network_file, "plan", "CNAAA", "GEEEE", "--depart", "2026-12-01",
                       "--avoid-country", "RU", "--avoid-country", "AZ")
    assert code == 1
    assert "avoiding RU" in err and "avoiding AZ" in err and len(err.strip().splitlines()) == 1


def test_dangerous_goods_without_an_accepting_service_exits_1(network_file: Path) -> None:
    code, _, err = run(network_file, "plan", "Alpha", "Echo", "--dangerous-goods")
    assert code == 1 and "dangerous goods" in err


def test_unknown_place_is_bad_input(network_file: Path) -> None:
    code, _, err = run(network_file, "plan", "Nowhere-at-all", "GEEEE")
    assert code == 2 and "unknown place" in err


def test_table_output_lists_legs(network_file: Path) -> None:
    code, out, _ = run(network_file, "plan", "Alpha", "Echo", "--depart", "2026-12-01")
    assert code == 0 and "b-c-e" in out and "Northern route" in out


def test_compare_shows_each_corridor_and_draws_a_chart(network_file: Path, tmp_path: Path) -> None:
    chart = tmp_path / "c.png"
    code, out, err = run(network_file, "compare", "CNAAA", "GEEEE", "--depart", "2026-12-01", "--chart",
                         str(chart))
    assert code == 0, err
    assert "Northern route" in out and "Middle Corridor" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_html_chart(network_file: Path, tmp_path: Path) -> None:
    chart = tmp_path / "c.html"
    code, _, err = run(network_file, "compare", "CNAAA", "GEEEE", "--chart", str(chart))
    assert code == 0, err
    text = chart.read_text(encoding="utf-8")
    assert "<svg" in text and "Middle Corridor" in text
