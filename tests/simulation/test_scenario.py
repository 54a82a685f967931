from pathlib import Path

import pytest

from karvan.errors import InputError
from karvan.simulation.scenario import load_scenario, parse_scenario

REPO = Path(__file__).resolve().parents[2]


def _raw(**extra: object) -> dict[str, object]:
    raw: dict[str, object] = {"name": "x", "demand": [{"origin": "CNXIA", "destination": "DEDUI",
                                                       "containers_per_week": 10}]}
    raw.update(extra)
    return raw


def test_error_names_the_field() -> None:
    raw = _raw(demand=[{"origin": "CNXIA", "destination": "DEDUI", "containers_per_week": -3}])
    with pytest.raises(InputError) as info:
        parse_scenario(raw)
    assert info.value.field == "demand.0.containers_per_week"


def test_unknown_key_is_refused() -> None:
    with pytest.raises(InputError) as info:
        parse_scenario(_raw(horizon=3))
    assert info.value.field == "horizon"


def test_storm_months_are_checked() -> None:
    with pytest.raises(InputError) as info:
        parse_scenario(_raw(disruptions=[{"kind": "storm", "months": [13], "cancel_probability": 0.2}]))
    assert "months" in str(info.value)


def test_warmup_must_be_shorter_than_horizon() -> None:
    with pytest.raises(InputError):
        parse_scenario(_raw(horizon_days=10, warmup_days=10))


def test_extends_reads_the_parent_and_replaces_keys(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "name: base\nseed: 3\ndemand:\n  - {origin: CNXIA, destination: DEDUI, containers_per_week: 5}\n")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nname: child\ndemand_factor: 1.5\n")
    child = load_scenario(tmp_path / "child.yaml")
    assert (child.name, child.seed, child.demand_factor) == ("child", 3, 1.5)
    assert child.demand[0].containers_per_week == 5


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_scenario(tmp_path / "none.yaml")


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_are_valid(path: Path) -> None:
    assert load_scenario(path).demand
