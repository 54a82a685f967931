"""The emission factor table: sources, derivations, defaults, and swapping in a user's table."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from karvan.emissions.factors import FACTORS_ENV, bundled_factors_path, load_factors, parse_table
from karvan.errors import InputError
from karvan.network.model import ContainerType, Mode, Traction


def document() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(bundled_factors_path().read_text(encoding="utf-8"))
    return loaded


def test_every_figure_names_a_source() -> None:
    doc = document()
    for section in ("categories", "fuel_wtt_per_ttw"):
        for name, entry in doc[section].items():  # type: ignore[attr-defined]
            assert len(str(entry.get("source", "")).strip()) > 10, name
    for country, entry in doc["grid_g_per_kwh"]["countries"].items():  # type: ignore[index]
        assert entry["source"].strip(), country


def test_electric_rail_is_energy_times_the_country_grid() -> None:
    table = load_factors()
    doc = document()
    energy = doc["categories"]["rail_electric_2000t"]["energy_wh_per_tkm"]  # type: ignore[index]
    for country in ("KZ", "GE", "CN"):
        grid = doc["grid_g_per_kwh"]["countries"][country]["value"]  # type: ignore[index]
        intensity = table.intensity("rail_electric_2000t", country)
        assert intensity.wtw_g_per_tkm == pytest.approx(energy * grid / 1000)
        assert intensity.ttw_g_per_tkm == 0
    georgia = table.intensity("rail_electric_2000t", "GE")
    kazakhstan = table.intensity("rail_electric_2000t", "KZ")
    assert georgia.wtw_g_per_tkm < kazakhstan.wtw_g_per_tkm


def test_ttw_only_factors_get_their_fuels_well_to_tank_share() -> None:
    table = load_factors()
    ratio = document()["fuel_wtt_per_ttw"]["diesel"]["value"]  # type: ignore[index]
    diesel = table.intensity("rail_diesel", "KZ")
    assert diesel.wtw_g_per_tkm == pytest.approx(diesel.ttw_g_per_tkm * (1 + ratio))


def test_every_intensity_is_at_least_its_tank_to_wheel_part() -> None:
    table = load_factors()
    for category in table.known_categories:
        intensity = table.intensity(category, "AZ")
        assert intensity.wtw_g_per_tkm >= intensity.ttw_g_per_tkm >= 0


def test_default_categories_by_mode_and_traction() -> None:
    table = load_factors()
    assert table.category_for(Mode.RAIL, Traction.ELECTRIC, None) == "rail_electric_2000t"
    assert table.category_for(Mode.RAIL, Traction.DIESEL, None) == "rail_diesel"
    assert table.category_for(Mode.RAIL, None, None) == "rail_mixed"
    assert table.category_for(Mode.FERRY, None, None) == "ferry_ropax_10k_20k"
    feeder = "container_feeder_under_1k_teu"
    assert table.category_for(Mode.SEA, None, feeder) == feeder
    with pytest.raises(InputError, match="unknown emission category"):
        table.category_for(Mode.SEA, None, "warp_drive")


def test_payload_is_gross_minus_tare_or_ten_tonnes_per_teu() -> None:
    table = load_factors()
    assert table.payload_t(ContainerType.HC40, None) == 20.0
    assert table.payload_t(ContainerType.GP20, 12_200) == pytest.approx(10.0)


def test_a_users_table_replaces_the_bundled_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = document()
    doc["categories"]["rail_mixed"]["wtw_g_per_tkm"] = 1.0  # type: ignore[index]
    path = tmp_path / "factors.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    monkeypatch.setenv(FACTORS_ENV, str(path))
    assert load_factors().intensity("rail_mixed", "AZ").wtw_g_per_tkm == 1.0


def test_a_factor_without_source_is_refused() -> None:
    doc = document()
    del doc["categories"]["road_truck_40t"]["source"]  # type: ignore[index]
    with pytest.raises(InputError, match="source"):
        parse_table(doc)


def test_a_family_gives_each_section_the_category_of_its_traction() -> None:
    table = load_factors()
    family = document()["families"]["rail_1520"]  # type: ignore[index]
    for traction in Traction:
        assert table.category_for(Mode.RAIL, traction, "rail_1520") == family[traction.value]


def test_a_family_missing_a_traction_is_refused() -> None:
    doc = document()
    del doc["families"]["rail_1520"]["diesel"]  # type: ignore[index]
    with pytest.raises(InputError, match="family rail_1520"):
        parse_table(doc)


def test_trade_lane_factors_per_teu_km_meet_the_figure_at_the_payload_convention() -> None:
    """A GLEC lane factor in g/TEU-km gives exactly that figure for one TEU at 10 t of cargo."""
    doc, table = document(), load_factors()
    payload = doc["cargo"]["default_payload_t_per_teu"]  # type: ignore[index]
    lanes = {n: c for n, c in doc["categories"].items() if "wtw_g_per_teu_km" in c}  # type: ignore[attr-defined]
    assert lanes
    for name, entry in lanes.items():
        intensity = table.intensity(name, "CN")
        assert intensity.wtw_g_per_tkm * payload == pytest.approx(entry["wtw_g_per_teu_km"])
        assert intensity.ttw_g_per_tkm * payload == pytest.approx(entry["ttw_g_per_teu_km"])


def test_non_container_sea_factors_carry_the_distance_adjustment() -> None:
    doc, table = document(), load_factors()
    entry = doc["categories"]["ferry_ropax_10k_20k"]  # type: ignore[index]
    assert table.intensity("ferry_ropax_10k_20k", "AZ").wtw_g_per_tkm == pytest.approx(
        entry["wtw_g_per_tkm"] * entry["distance_factor"])


def test_a_wtw_only_factor_gets_its_tank_to_wheel_part_from_the_fuel() -> None:
    doc, table = document(), load_factors()
    ratio = doc["fuel_wtt_per_ttw"]["diesel"]["value"]  # type: ignore[index]
    truck = table.intensity("road_truck_40t", "DE")
    assert truck.wtw_g_per_tkm == doc["categories"]["road_truck_40t"]["wtw_g_per_tkm"]  # type: ignore[index]
    assert truck.ttw_g_per_tkm == pytest.approx(truck.wtw_g_per_tkm / (1 + ratio))
