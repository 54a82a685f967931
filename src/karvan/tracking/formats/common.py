"""What every input format shares: per-event errors that name the field, and small readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from karvan import iso6346
from karvan.errors import InputError
from karvan.tracking.model import parse_time


@dataclass(frozen=True)
class EventError:
    """Why the event at `index` of a document was not accepted; `field` is a path inside it."""

    index: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"event {self.index}" + (f" field {self.field}" if self.field else "")
        return f"{where}: {self.message}"


class FieldError(Exception):
    """Raised while mapping one event: `field` is the offending path inside the event."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def time_field(raw: dict[str, Any], key: str, path: str | None = None) -> datetime:
    try:
        return parse_time(str(raw[key]))
    except (KeyError, ValueError) as error:
        raise FieldError(path or key, f"not an ISO 8601 date-time with offset: {error}") from None


def optional_time(raw: dict[str, Any], key: str) -> datetime | None:
    return time_field(raw, key) if raw.get(key) not in (None, "") else None


def container_number(value: str, field: str) -> str:
    """Decision (docs/tracking.md): a container number with a wrong ISO 6346 check digit is refused."""
    checked = _checked_number(value)
    if isinstance(checked, InputError):
        raise FieldError(field, checked.detail + (f" ({checked.fix})" if checked.fix else ""))
    return checked


@lru_cache(maxsize=65_536)
def _checked_number(value: str) -> str | InputError:
    """Bulk imports name the same containers over and over: check each number once."""
    try:
        return iso6346.validate(value)
    except InputError as error:
        return error
