"""Karvan: container freight on the Middle Corridor and the Eurasian corridors it links to."""

from karvan.errors import (
    ConflictError,
    InputError,
    KarvanError,
    NetworkValidationError,
    NoRouteError,
    NotFoundError,
    PermissionDeniedError,
    UnknownPlaceError,
)

__version__ = "0.1.0"

__all__ = [
    "ConflictError",
    "InputError",
    "KarvanError",
    "NetworkValidationError",
    "NoRouteError",
    "NotFoundError",
    "PermissionDeniedError",
    "UnknownPlaceError",
    "__version__",
]
