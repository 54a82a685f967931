"""Checking events and documents against the standards bodies' own schemas, bundled unchanged in
`src/karvan/data/schemas` with their licences (see the README there), plus Karvan's own event schema.

DCSA publishes its event schemas inside OpenAPI 3.0 documents: a schema named `dcsa-tnt-3.0.0#Event`
is the OpenAPI document's `components` with a root `$ref` to `#/components/schemas/Event`, so every
`#/components/schemas/...` reference resolves inside the bundled file as published. OpenAPI 3.0 schema
objects are JSON Schema draft 4 plus a few keywords; the only one that changes validation, `nullable`,
appears in these documents only as `nullable: false` (JSON Schema's meaning anyway), so a draft 4
validator checks them as the standard means. GS1's EPCIS 2.0 schema is a draft 7 JSON Schema.

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
import yaml

FORMAT_CHECKER = jsonschema.FormatChecker()
DRAFT4 = "http://json-schema.org/draft-04/schema#"

KARVAN_EVENT = "karvan-event"
DCSA_30_EVENT = "dcsa-tnt-3.0.0#Event"
EPCIS_20 = "epcis-2.0-json-schema"
DCSA_22_EVENTS = {"TRANSPORT": "dcsa-tnt-2.2.0#transportEvent", "SHIPMENT": "dcsa-tnt-2.2.0#shipmentEvent",
                  "EQUIPMENT": "dcsa-tnt-2.2.0#equipmentEvent"}
DCSA_22_ANY = "dcsa-tnt-2.2.0#"
"""The 2.2 event as the OpenAPI document lists it: any of the three event schemas."""


def _date_time(value: object) -> bool:
    """RFC 3339 date-time: a full date and time with an offset (Z or +hh:mm)."""
    if not isinstance(value, str) or "T" not in value.upper():
        return not isinstance(value, str)
    return datetime.fromisoformat(value.replace("z", "Z")).tzinfo is not None


FORMAT_CHECKER.checks("date-time", raises=ValueError)(_date_time)


class _YamlLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: the documents' `example` date-times stay strings, as in JSON."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _data(name: str) -> Any:
    return resources.files("karvan") / "data" / "schemas" / name


@cache
def _openapi(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(_data(f"{name}.yaml").read_text(encoding="utf-8"),
                                         Loader=_YamlLoader)
    return document


@cache
def load(name: str) -> dict[str, Any]:
    """The schema called `name`: a bundled JSON Schema file, or `document#Component` of an OpenAPI file."""
    if "#" in name:
        document, component = name.split("#", 1)
        components = _openapi(document)["components"]
        if component:
            return {"$schema": DRAFT4, "$ref": f"#/components/schemas/{component}", "components": components}
        listed = [{"$ref": f"#/components/schemas/{c.split('#')[1]}"} for c in DCSA_22_EVENTS.values()]
        return {"$schema": DRAFT4, "components": components, "anyOf": listed}
    file = f"{name}.json" if name.startswith("epcis") else f"{name}.schema.json"
    schema: dict[str, Any] = json.loads(_data(file).read_text(encoding="utf-8"))
    return schema


@cache
def _python_validator(name: str) -> Any:
    schema = load(name)
    return jsonschema.validators.validator_for(schema)(schema, format_checker=FORMAT_CHECKER)


@cache
def _fast_validator(name: str) -> Any:
    return jsonschema_rs.validator_for(load(name), validate_formats=True)


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
        best = _deepest(error)
        yield _path(best.absolute_path), best.message
    if not found:
        for fast_error in _fast_validator(name).iter_errors(instance):
            yield _path(fast_error.instance_path), fast_error.message


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "not valid under any of the given schemas", the most specific reason jsonschema can name."""
    return jsonschema.exceptions.best_match([error, *error.context]) if error.context else error


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
