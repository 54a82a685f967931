"""Checking documents against the standards' JSON schemas Karvan ships (src/karvan/data/schemas).

A compiled Rust validator (jsonschema-rs, formats on) answers "valid?" fast for bulk imports; only
when it says no does the Python validator, with a FormatChecker, find each error and its path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs

FORMAT_CHECKER = jsonschema.FormatChecker()


def _date_time(value: object) -> bool:
    """RFC 3339 date-time: a full date and time with an offset (Z or +hh:mm)."""
    if not isinstance(value, str) or "T" not in value.upper():
        return not isinstance(value, str)
    return datetime.fromisoformat(value.replace("z", "Z")).tzinfo is not None


FORMAT_CHECKER.checks("date-time", raises=ValueError)(_date_time)


@cache
def load(name: str) -> dict[str, Any]:
    path = resources.files("karvan") / "data" / "schemas" / f"{name}.schema.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def _python_validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load(name), format_checker=FORMAT_CHECKER)


@cache
def _fast_validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(load(name), validate_formats=True)


def is_valid(name: str, instance: Any) -> bool:
    """The fast validator's answer alone: bulk imports ask `errors` only for the events it refuses."""
    return bool(_fast_validator(name).is_valid(instance))


def errors(name: str, instance: Any) -> Iterator[tuple[str, str]]:
    """(JSON path, message) for each way `instance` breaks schema `name`; nothing when it is valid."""
    if _fast_validator(name).is_valid(instance):
        return
    found = False
    for error in sorted(_python_validator(name).iter_errors(instance), key=lambda e: list(e.path)):
        found = True
        yield _path(error.absolute_path), error.message
    if not found:
        for fast_error in _fast_validator(name).iter_errors(instance):
            yield _path(fast_error.instance_path), fast_error.message


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
