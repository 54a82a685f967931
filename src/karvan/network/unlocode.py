"""The UN/LOCODE code list, bundled as a compact copy (built by scripts/build_unlocode.py).

Used to refuse places and tracking events at codes that do not exist, and to check a place's
country and coordinates against the official list. The file is read once, on first use: importing
this module costs nothing, and `exists()` is then a set lookup.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

DATA_FILE = "unlocode.csv.gz"

_FUNCTIONS = {0: "port", 1: "rail", 2: "road", 3: "airport", 4: "postal", 5: "multimodal",
              6: "fixed_transport", 7: "border_crossing"}
"""UN/LOCODE function classifier: position in the 8-character field -> meaning."""


@dataclass(frozen=True)
class Entry:
    """One UN/LOCODE entry. `geocoded` means the coordinates were guessed by a geocoder, not official."""

    code: str
    name: str
    name_ascii: str
    subdivision: str
    status: str
    function: str
    lat: float | None
    lon: float | None
    geocoded: bool
    alt_names: tuple[str, ...]

    @property
    def country(self) -> str:
        return self.code[:2]

    @property
    def functions(self) -> tuple[str, ...]:
        """Named functions, e.g. ("port", "rail")."""
        return tuple(label for pos, label in _FUNCTIONS.items()
                     if pos < len(self.function) and self.function[pos] not in "-0")

    @property
    def has_official_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None and not self.geocoded

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n in (self.name, self.name_ascii, *self.alt_names) if n))


@cache
def _rows() -> dict[str, tuple[str, ...]]:
    """Code -> raw row; entries are built on lookup so that loading stays quick (~0.3 s)."""
    packed = (resources.files("karvan") / "data" / "unlocode" / DATA_FILE).read_bytes()
    reader = csv.reader(io.StringIO(gzip.decompress(packed).decode("utf-8")))
    next(reader)
    return {row[0]: tuple(row[1:]) for row in reader}


@cache
def _countries() -> frozenset[str]:
    return frozenset(code[:2] for code in _rows())


def exists(code: str) -> bool:
    """True when `code` (five characters, e.g. KZAAU) is in the UN/LOCODE list."""
    return code in _rows()


def country_exists(country: str) -> bool:
    """True when the ISO 3166-1 alpha-2 code has entries in the list."""
    return country in _countries()


def lookup(code: str) -> Entry | None:
    row = _rows().get(code)
    if row is None:
        return None
    name, name_ascii, subdivision, status, function, lat, lon, geocoded, alt_names = row
    return Entry(code=code, name=name, name_ascii=name_ascii or name, subdivision=subdivision,
                 status=status, function=function, lat=float(lat) if lat else None,
                 lon=float(lon) if lon else None, geocoded=geocoded == "1",
                 alt_names=tuple(alt_names.split("|")) if alt_names else ())


@cache
def in_country(country: str) -> tuple[Entry, ...]:
    """Every entry of one country (ISO 3166-1 alpha-2), in code order."""
    return tuple(entry for code in sorted(_rows()) if code.startswith(country)
                 for entry in (lookup(code),) if entry is not None)


def count() -> int:
    return len(_rows())
