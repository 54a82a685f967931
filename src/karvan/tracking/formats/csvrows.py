"""CSV for bulk import: one event per row, columns named after Karvan's JSON fields in snake case.

Required columns: type, code, classifier, time. Optional: event_id, container, shipment, locode,
facility, service, departure, mode, operator, updated_at, retracted (true/false). Empty cells are
absent values.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from karvan.errors import InputError

COLUMNS = {
    "event_id": "eventId", "type": "type", "code": "code", "classifier": "classifier", "time": "time",
    "container": "container", "shipment": "shipment", "locode": "locode", "facility": "facility",
    "service": "service", "departure": "departure", "mode": "mode", "operator": "operator",
    "updated_at": "updatedAt", "retracted": "retracted",
}
REQUIRED = ("type", "code", "classifier", "time")


def looks_like_csv(text: str) -> bool:
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return all(column in header.split(",") for column in REQUIRED)


def unwrap(text: str) -> list[dict[str, Any]]:
    """Rows as Karvan event dicts, ready for the Karvan schema."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None) or []
    unknown = [c for c in header if c not in COLUMNS]
    if unknown or any(c not in header for c in REQUIRED):
        raise InputError(f"CSV header has unknown columns {unknown}" if unknown else
                         "CSV header lacks a required column", field="header",
                         fix="columns: " + ",".join(COLUMNS))
    keys = [COLUMNS[c] for c in header]
    return [event(keys, values) for values in reader if values]


def event(keys: list[str], values: list[str]) -> dict[str, Any]:
    """One record as a Karvan event dict, `keys` the header's JSON names (cells past them are cut)."""
    row: dict[str, Any] = dict(zip(keys, values, strict=False))
    if "" in values:  # empty cells are absent values
        row = {k: v for k, v in row.items() if v != ""}
    if "retracted" in row:
        row["retracted"] = row["retracted"].strip().lower() in ("true", "1", "yes")
    return row
