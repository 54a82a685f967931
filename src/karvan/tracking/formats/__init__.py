"""Reading event documents in any supported format into `ContainerEvent`s.

`read(text, fmt)` parses and unwraps a document (detecting the format when not given); `parse` then
checks each event against its standard's schema and maps it, collecting per-event errors that name
the field, so the caller decides whether one bad event refuses the whole batch.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from karvan.errors import InputError
from karvan.tracking import schemas
from karvan.tracking.formats import csvrows, dcsa, epcis, karvan
from karvan.tracking.formats.common import EventError, FieldError
from karvan.tracking.model import ContainerEvent


class Format(StrEnum):
    KARVAN = "karvan"
    DCSA = "dcsa"
    EPCIS = "epcis"
    CSV = "csv"


_MAPPERS: dict[Format, Callable[[dict[str, Any], str], list[ContainerEvent]]] = {
    Format.KARVAN: karvan.to_events, Format.CSV: karvan.to_events, Format.DCSA: dcsa.to_events}
_SCHEMAS: dict[Format, Callable[[Any], str]] = {
    Format.KARVAN: karvan.schema, Format.CSV: karvan.schema, Format.DCSA: dcsa.schema}
_DCSA_KEYS = frozenset({"eventClassification", "eventClassifierCode", "eventDateTime", "eventType",
                        "eventLocation", "equipmentDetails", "shipmentDetails", "transportDetails",
                        "eventRouting", "isRetracted", "eventUpdatedDateTime"})


@dataclass
class Document:
    format: Format
    raw_events: list[Any]
    whole: Any = None
    """The parsed document, for formats whose schema covers the wrapper (EPCIS)."""


@dataclass
class Parsed:
    events: list[tuple[int, ContainerEvent]] = field(default_factory=list)
    errors: list[EventError] = field(default_factory=list)


def detect(document: Any) -> Format:
    """The format of a parsed JSON document."""
    if isinstance(document, list):
        return Format.DCSA
    if isinstance(document, dict):
        kind = str(document.get("type", ""))
        if "epcisBody" in document or kind.endswith("Document") or kind in epcis.EVENT_TYPES:
            return Format.EPCIS
        events = document.get("events")
        first = events[0] if isinstance(events, list) and events else document
        if isinstance(first, dict) and "classifier" in first:
            return Format.KARVAN
        if isinstance(first, dict) and _DCSA_KEYS.intersection(first):
            return Format.DCSA
    raise InputError("cannot tell the format of this document", field="format",
                     fix="give --format karvan|dcsa|epcis|csv")


def read(text: str, fmt: Format | None = None) -> Document:
    """Parse a document's text and list its events (not yet checked)."""
    if fmt is Format.CSV or (fmt is None and csvrows.looks_like_csv(text)):
        return Document(Format.CSV, csvrows.unwrap(text))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg} at line {error.lineno} column {error.colno}",
                         field="document", fix="send a JSON document or a CSV file") from None
    return from_json(data, fmt)


def from_json(data: Any, fmt: Format | None = None) -> Document:
    fmt = fmt or detect(data)
    if fmt is Format.EPCIS:
        return Document(fmt, epcis.unwrap(data), whole=data)
    if fmt is Format.DCSA:
        return Document(fmt, dcsa.unwrap(data))
    if fmt is Format.KARVAN:
        return Document(fmt, karvan.unwrap(data))
    raise InputError("CSV must be sent as text", field="format")


def _epcis_schema_errors(document: Any) -> tuple[list[EventError], set[int]]:
    errors: list[EventError] = []
    bad: set[int] = set()
    prefix = epcis.event_prefix(document)
    for path, message in schemas.errors(epcis.SCHEMA, document):
        if not prefix:  # a bare event: the document is event 0
            bad.add(0)
            errors.append(EventError(0, path, message))
        elif path.startswith(prefix + "["):
            index_text, _, rest = path[len(prefix) + 1:].partition("]")
            bad.add(int(index_text))
            errors.append(EventError(int(index_text), rest.lstrip("."), message))
        else:
            errors.append(EventError(-1, path or "document", message))
    return errors, bad


def parse(document: Document) -> Parsed:
    """Check each event against its schema and map the valid ones; index -1 means the document."""
    result = Parsed()
    bad: set[int] = set()
    if document.format is Format.EPCIS:
        result.errors, bad = _epcis_schema_errors(document.whole)
        if any(e.index < 0 for e in result.errors):
            return result
        known = epcis.document_prefixes(document.whole)
        mapper: Callable[[dict[str, Any], str], list[ContainerEvent]] = functools.partial(
            epcis.to_events, known=known)
    else:
        mapper = _MAPPERS[document.format]
    schema_of = _SCHEMAS.get(document.format)
    source = document.format.value
    for index, raw in enumerate(document.raw_events):
        if index in bad:
            continue
        if not isinstance(raw, dict):
            result.errors.append(EventError(index, "", "an event must be a JSON object"))
            continue
        schema = schema_of(raw) if schema_of else None
        if schema and not schemas.is_valid(schema, raw):
            found = [EventError(index, path, message) for path, message in schemas.errors(schema, raw)]
            if found:
                result.errors += found
                continue
        try:
            result.events += [(index, e) for e in mapper(raw, source)]
        except FieldError as error:
            result.errors.append(EventError(index, error.field, error.message))
    return result
