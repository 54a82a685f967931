"""The parties named on a shipment: who sends, who receives, who is told, who answers to customs."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from karvan.booking.cargo import NO_NUL


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    address: str = Field(default="", max_length=500, pattern=NO_NUL)
    country: str = Field(description="ISO 3166-1 alpha-2, e.g. KZ")
    tax_id: str | None = Field(default=None, max_length=40, pattern=NO_NUL,
                               description="EORI, BIN, VAT or other customs identifier")
    email: str | None = Field(default=None, max_length=200, pattern=NO_NUL)

    @field_validator("country")
    @classmethod
    def _country(cls, country: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"{country!r} is not an ISO 3166-1 alpha-2 code such as KZ or DE")
        return country


class Parties(BaseModel):
    """Shipper and consignee are required; the others are named when they differ from those two."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shipper: Party
    consignee: Party
    notify_party: Party | None = None
    importer_of_record: Party | None = Field(default=None)
    exporter_of_record: Party | None = Field(default=None)
