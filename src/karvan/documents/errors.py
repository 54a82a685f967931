"""Why a document cannot be produced yet: every missing data item at once, not the first one."""

from __future__ import annotations

from dataclasses import dataclass

from karvan.errors import InputError


@dataclass(frozen=True)
class Missing:
    """One data item a document needs: where it belongs and how to supply it."""

    field: str
    message: str


class MissingDataError(InputError):
    """A document needs data the booking, shipment or declarations do not hold; `missing` lists all."""

    def __init__(self, document: str, missing: list[Missing]) -> None:
        self.missing = missing
        fields = ", ".join(m.field for m in missing)
        super().__init__(f"{document} lacks {len(missing)} data item(s): {fields}", record=document,
                         fix="supply each listed item (see `errors`) and try again")
