"""The simulation's own figures refer to records of the bundled network that really exist."""

from pathlib import Path

import pytest

from karvan.errors import InputError
from karvan.network import load_network
from karvan.simulation.data import load_simulation_data


def test_bundled_simulation_data_names_only_bundled_records() -> None:
    network = load_network(use_env=False)
    assert load_simulation_data().unknown_references(network) == []


def test_a_renamed_link_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text("lines:\n  - link: rail-NOWHERE\n    trains_per_day: 10\n    source: 'estimate: test'\n")
    data = load_simulation_data(path)
    assert data.unknown_references(load_network(use_env=False)) == ["lines: link rail-NOWHERE"]


def test_a_bad_field_names_it(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text("lines:\n  - link: x\n    trains_per_day: -1\n    source: 'estimate: test'\n")
    with pytest.raises(InputError, match="trains_per_day"):
        load_simulation_data(path)
