"""The few exceptions Karvan raises on purpose.

Every message names what is wrong, where (record and field) and how to fix it, so that the CLI can
print it on one line and the API can turn it into an RFC 9457 problem body without rewording.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError


class KarvanError(Exception):
    """Base of every error Karvan raises deliberately."""


class InputError(KarvanError, ValueError):
    """A value given by a user or a data file is wrong.

    `record` names the record (a place code, a link id, an event index), `field` the field, and `fix`
    says what would be accepted instead.
    """

    def __init__(self, message: str, *, record: str | None = None, field: str | None = None,
                 fix: str | None = None) -> None:
        self.record = record
        self.field = field
        self.fix = fix
        self.detail = message
        parts = []
        if record:
            parts.append(record)
        if field:
            parts.append(field)
        where = ": ".join(parts)
        text = f"{where}: {message}" if where else message
        if fix:
            text = f"{text} (fix: {fix})"
        super().__init__(text)


def first_problem(exc: ValidationError) -> tuple[str | None, str]:
    """The dotted field path and message of pydantic's first error, without its "Value error, "
    prefix: one line is what a user reads, and the first error is usually the cause of the rest."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or None
    return field, err["msg"].removeprefix("Value error, ")


class NetworkValidationError(InputError):
    """A network file breaks one of the rules of `karvan network validate`."""


class UnknownPlaceError(InputError):
    """No place matches a code or name; `suggestions` holds the closest matches."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        fix = ("did you mean " + ", ".join(self.suggestions) + "?") if self.suggestions else (
            "try 'karvan places search TEXT'")
        super().__init__(f"unknown place {query!r}", field="place", fix=fix)


class NotFoundError(KarvanError, LookupError):
    """A record that should exist does not (or is not visible to the caller)."""


class NoRouteError(KarvanError):
    """The planner found no itinerary; the message says which constraint or gap prevents one."""


class ConflictError(KarvanError):
    """The request cannot be applied to the current state (no capacity left, illegal transition)."""


class PermissionDeniedError(KarvanError):
    """The caller is authenticated but may not do this."""
