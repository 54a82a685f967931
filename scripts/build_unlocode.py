"""Build the compact UN/LOCODE copy that ships in the package (src/karvan/data/unlocode/).

Input: a folder of per-country CSV files as packaged by Geoapify from the UNECE code list (columns
country,location,name,nameWoDiacritics,subdivision,status,function,iata,lat,lon[,geocoded]).
Output: `unlocode.csv.gz`, one row per code sorted by code, and the input's LICENSE next to it.
The output is byte-for-byte deterministic (sorted rows, fixed gzip header), so rebuilding from the
same input changes nothing in git.

Two quirks of the input are repaired here rather than at run time:
- about a thousand names containing a comma were written with broken quoting (e.g. BABZJ "Blazuj, Sarajevo"),
  which splits the name into two fields and drops the status and IATA columns;
- a code can appear on several rows with alternative names (`Brussel (Bruxelles)` / `Bruxelles (Brussel)`):
  the first row is kept and the other names become alternative names;
- some names lost their accented letters to U+FFFD replacement characters (`Karst\ufffddt`): the name
  without diacritics (`Karstadt`) is used instead.

Usage: python scripts/build_unlocode.py [SOURCE_DIR] [OUTPUT_DIR]
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
import sys
from pathlib import Path

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "unlocode"
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src" / "karvan" / "data" / "unlocode"
OUTPUT_NAME = "unlocode.csv.gz"
COLUMNS = ("code", "name", "name_ascii", "subdivision", "status", "function", "lat", "lon", "geocoded",
           "alt_names")
"""`name_ascii` is empty when equal to `name`; `geocoded` is 1 when the coordinates were guessed by a
geocoder (not official); `alt_names` are separated by '|'."""

FUNCTION_RE = re.compile(r"^[0-9-]{7}[B-]$")
STATUS_RE = re.compile(r"^[A-Z]{2}$")
COORD_DECIMALS = 5
"""About one metre: far finer than the list itself, which gives minutes for official entries."""


def _join_split_name(fields: list[str], start: int) -> tuple[str, int]:
    """Rejoin a name broken by bad quoting; returns the name and the index after its last part."""
    if not fields[start].startswith('"'):
        return fields[start], start + 1
    end = start
    while not fields[end].endswith('"') and end + 1 < len(fields):
        end += 1
    return ",".join(fields[start:end + 1]).strip('"').strip(), end + 1


def parse_row(fields: list[str]) -> dict[str, str] | None:
    """One input row as a dict of the output columns (without alt_names), or None if unusable."""
    if len(fields) < 4:
        return None
    name, after_name = _join_split_name(fields, 2)
    name_ascii, rest_at = _join_split_name(fields, after_name)
    if "\ufffd" in name:
        name = name_ascii
    rest = fields[rest_at:]
    function_at = next((i for i, value in enumerate(rest) if FUNCTION_RE.match(value)), None)
    if function_at is None:
        return None
    before, after = rest[:function_at], rest[function_at + 1:]
    subdivision = before[0] if before else ""
    status = before[1] if len(before) > 1 and STATUS_RE.match(before[1]) else ""
    numbers = [value for value in after if _is_number(value)]
    lat, lon = (numbers[-2], numbers[-1]) if len(numbers) >= 2 else ("", "")
    return {
        "code": fields[0] + fields[1],
        "name": name,
        "name_ascii": "" if name_ascii == name else name_ascii,
        "subdivision": subdivision,
        "status": status,
        "function": rest[function_at],
        "lat": _round(lat),
        "lon": _round(lon),
        "geocoded": "1" if after and after[-1].strip().lower() == "true" else "",
    }


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _round(value: str) -> str:
    return "" if not value else f"{round(float(value), COORD_DECIMALS):.{COORD_DECIMALS}f}".rstrip(
        "0").rstrip(".")


def read_source(source: Path) -> list[dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    alt_names: dict[str, list[str]] = {}
    for path in sorted(source.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for fields in reader:
                row = parse_row(fields)
                if row is None:
                    print(f"skipped unusable row in {path.name}: {fields}", file=sys.stderr)
                    continue
                if row["code"] in entries:
                    names = alt_names.setdefault(row["code"], [])
                    if row["name"] not in names and row["name"] != entries[row["code"]]["name"]:
                        names.append(row["name"])
                    continue
                entries[row["code"]] = row
    for code, row in entries.items():
        row["alt_names"] = "|".join(alt_names.get(code, []))
    return [entries[code] for code in sorted(entries)]


def write_output(rows: list[dict[str, str]], output: Path) -> Path:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    output.mkdir(parents=True, exist_ok=True)
    target = output / OUTPUT_NAME
    with target.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                 compresslevel=9) as packed:
        packed.write(text.getvalue().encode("utf-8"))
    return target


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    rows = read_source(source)
    target = write_output(rows, output)
    shutil.copyfile(source / "LICENSE", output / "LICENSE")
    print(f"{len(rows)} codes -> {target} ({target.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
