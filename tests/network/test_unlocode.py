"""The bundled UN/LOCODE copy: lookups, the repaired quirks of the source, and the build's determinism."""

from __future__ import annotations

import gzip
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from karvan.network import unlocode

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "reference" / "unlocode"


@pytest.mark.parametrize(("code", "name"), [("CNXIA", "Xian"), ("KZAAU", "Aktau"), ("AZALA", "Alat"),
                                            ("GEPTI", "Poti"), ("GEZAI", "Akhalkalaki")])
def test_corridor_codes_exist(code: str, name: str) -> None:
    assert unlocode.exists(code)
    entry = unlocode.lookup(code)
    assert entry is not None and entry.name == name and entry.country == code[:2]


def test_unknown_codes() -> None:
    assert not unlocode.exists("KZZZZ")
    assert unlocode.lookup("KZZZZ") is None
    assert not unlocode.exists("kzaau")  # codes are upper case, as in the list


def test_official_and_geocoded_coordinates_are_told_apart() -> None:
    aktau, poti = unlocode.lookup("KZAAU"), unlocode.lookup("GEPTI")
    assert aktau is not None and aktau.has_official_coordinates
    assert aktau.lat == pytest.approx(43.65) and aktau.lon == pytest.approx(51.15)
    assert poti is not None and poti.geocoded and not poti.has_official_coordinates


def test_functions_are_named() -> None:
    aktau = unlocode.lookup("KZAAU")
    assert aktau is not None and aktau.function == "12-4----"
    assert aktau.functions == ("port", "rail", "airport")


def test_names_broken_by_bad_quoting_are_rejoined() -> None:
    entry = unlocode.lookup("BABZJ")
    assert entry is not None and entry.name == "Blazuj, Sarajevo" and entry.subdivision == "BIH"
    assert entry.function == "--3-----"


def test_repeated_codes_keep_the_other_names() -> None:
    entry = unlocode.lookup("BEBRU")
    assert entry is not None and "Bruxelles (Brussel)" in entry.names


def test_countries() -> None:
    assert unlocode.country_exists("KZ") and not unlocode.country_exists("QQ")
    assert unlocode.count() > 100_000


def test_licence_ships_with_the_data() -> None:
    data = ROOT / "src" / "karvan" / "data" / "unlocode"
    assert "MIT License" in (data / "LICENSE").read_text(encoding="utf-8")


def _build_module() -> object:
    spec = importlib.util.spec_from_file_location("build_unlocode", ROOT / "scripts" / "build_unlocode.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_unlocode"] = module
    spec.loader.exec_module(module)
    return module


def test_parse_row_repairs_quoting_and_diacritics() -> None:
    build = _build_module()
    broken = ["BA", "BZJ", '"Blazuj', ' Sarajevo"', '"Blazuj', ' Sarajevo"', "BIH", "--3-----",
              "43.7317374", "17.2203809", "true"]
    row = build.parse_row(broken)  # type: ignore[attr-defined]
    assert row["name"] == "Blazuj, Sarajevo" and row["lat"] == "43.73174" and row["geocoded"] == "1"
    replaced = ["DE", "KSI", "Karst\ufffddt", "Karstadt", "BB", "RL", "-----6--", "", "53.15", "11.75", ""]
    assert build.parse_row(replaced)["name"] == "Karstadt"  # type: ignore[attr-defined]
    border = ["UZ", "TER", "Termez", "Termez", "SU", "RL", "-23----B", "", "37.2", "67.3", ""]
    assert build.parse_row(border)["function"] == "-23----B"  # type: ignore[attr-defined]


SAMPLE = ("AX", "AZ", "BA", "BE", "GE", "KZ")
"""Countries with each quirk of the source (repeated codes, broken quoting) and the corridor's own."""


@pytest.mark.skipif(not SOURCE.is_dir(), reason="needs the reference UN/LOCODE folder")
def test_build_is_deterministic_and_matches_the_bundled_copy(tmp_path: Path) -> None:
    build = _build_module()
    source = tmp_path / "source"
    source.mkdir()
    for country in SAMPLE:
        shutil.copyfile(SOURCE / f"{country}.csv", source / f"{country}.csv")
    rows = build.read_source(source)  # type: ignore[attr-defined]
    first = build.write_output(rows, tmp_path / "a")  # type: ignore[attr-defined]
    second = build.write_output(rows, tmp_path / "b")  # type: ignore[attr-defined]
    assert first.read_bytes() == second.read_bytes()
    built = gzip.decompress(first.read_bytes()).decode("utf-8").splitlines()
    packed = (ROOT / "src" / "karvan" / "data" / "unlocode" / "unlocode.csv.gz").read_bytes()
    bundled = gzip.decompress(packed).decode("utf-8")
    sample = [line for line in bundled.splitlines()[1:] if line[:2] in SAMPLE]
    assert built[1:] == sample and len(sample) > 1500
