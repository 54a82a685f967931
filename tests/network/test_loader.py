"""Network files: sections, overlays that replace by key, and errors that name file, record and field."""

import os
from pathlib import Path

import pytest
import yaml

from karvan.errors import NetworkValidationError
from karvan.network.loader import NETWORK_ENV, load_network

BASE = {
    "places": [
        {"code": "KZAAU", "name": "Aktau", "country": "KZ", "lat": 43.65, "lon": 51.15,
         "timezone": "Asia/Aqtau", "kinds": ["sea_port"], "source": "UN/LOCODE"},
        {"code": "AZALA", "name": "Alat", "country": "AZ", "lat": 39.95, "lon": 49.40,
         "timezone": "Asia/Baku", "kinds": ["sea_port"], "source": "UN/LOCODE"},
    ],
    "links": [
        {"id": "caspian-aktau-alat", "a": "KZAAU", "b": "AZALA", "mode": "ferry", "distance_km": 470,
         "source": "estimate: great-circle x 1.1"},
    ],
}


def write(path: Path, document: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_a_directory_is_all_its_yaml_files(tmp_path: Path) -> None:
    write(tmp_path / "a_places.yaml", {"places": BASE["places"]})
    write(tmp_path / "b_links.yaml", {"links": BASE["links"]})
    network = load_network([tmp_path], use_env=False, include_bundled=False)
    assert set(network.places) == {"KZAAU", "AZALA"}
    assert network.links_between("AZALA", "KZAAU")[0].distance_km == 470


def test_an_overlay_replaces_by_key_and_adds_new_records(tmp_path: Path) -> None:
    base = write(tmp_path / "base.yaml", BASE)
    overlay = write(tmp_path / "overlay.yaml", {
        "links": [dict(BASE["links"][0], distance_km=480)],
        "places": [{"code": "KZKUR", "name": "Kuryk", "country": "KZ", "lat": 43.2, "lon": 51.65,
                    "timezone": "Asia/Aqtau", "kinds": ["sea_port"], "source": "UN/LOCODE"}],
    })
    network = load_network([base, overlay], use_env=False, include_bundled=False)
    assert network.links["caspian-aktau-alat"].distance_km == 480
    assert len(network.links) == 1
    assert set(network.places) == {"KZAAU", "AZALA", "KZKUR"}


def test_overlays_come_from_the_environment_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = write(tmp_path / "base.yaml", BASE)
    overlay = write(tmp_path / "env.yaml", {"links": [dict(BASE["links"][0], distance_km=490)]})
    monkeypatch.setenv(NETWORK_ENV, str(overlay))
    network = load_network([base], include_bundled=False)
    assert network.links["caspian-aktau-alat"].distance_km == 490


def test_a_bad_field_names_file_record_and_field(tmp_path: Path) -> None:
    broken = {"places": [dict(BASE["places"][0], lat=95)]}
    path = write(tmp_path / "broken.yaml", broken)
    with pytest.raises(NetworkValidationError) as info:
        load_network([path], use_env=False, include_bundled=False)
    message = str(info.value)
    assert "broken.yaml" in message and "KZAAU" in message and "lat" in message


def test_an_unknown_section_is_refused_with_the_allowed_ones(tmp_path: Path) -> None:
    path = write(tmp_path / "typo.yaml", {"place": BASE["places"]})
    with pytest.raises(NetworkValidationError, match="unknown section"):
        load_network([path], use_env=False, include_bundled=False)


def test_a_missing_overlay_path_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(NetworkValidationError, match="no such network file"):
        load_network([tmp_path / "nope.yaml"], use_env=False, include_bundled=False)


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path / "base.yaml", BASE)
    first = load_network([path], use_env=False, include_bundled=False)
    edited = {"places": BASE["places"], "links": [dict(BASE["links"][0], distance_km=500)]}
    write(path, edited)

    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    second = load_network([path], use_env=False, include_bundled=False)
    assert first.links["caspian-aktau-alat"].distance_km == 470
    assert second.links["caspian-aktau-alat"].distance_km == 500
