"""What goes into a shipment: containers and what they hold, checked field by field.

The limits below are published figures, so a container the API accepts is one a terminal would accept.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from karvan import iso6346
from karvan.errors import InputError
from karvan.network.model import ContainerType

MAX_GROSS_KG = 30_480
"""ISO 668:2020 maximum gross mass (rating R) of 1A and 1C series (40 ft and 20 ft) containers."""

REEFER_SET_POINT_C = (-35.0, 30.0)
"""estimate: operating range of common reefer machinery (Carrier ThinLINE, Daikin LXE: -35..+30 °C)."""

UN_HAZARD_CLASSES = frozenset({
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6",
    "2.1", "2.2", "2.3",
    "3",
    "4.1", "4.2", "4.3",
    "5.1", "5.2",
    "6.1", "6.2",
    "7", "8", "9",
})
"""UN Model Regulations (Orange Book) Part 2: classes 1-9 and their divisions."""

HS_CODE_RE = re.compile(r"^\d{6,10}$")
"""Harmonized System: 6 digits worldwide, up to 10 with national subheadings."""

NO_NUL = r"^[^\x00]*$"
"""Text fields refuse NUL characters, which PostgreSQL cannot store."""

CargoDescription = Annotated[str, Field(min_length=3, max_length=500, pattern=NO_NUL)]


class Container(BaseModel):
    """One container of a shipment, as the shipper declares it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str = Field(description="ISO 6346 container number with a valid check digit, e.g. CSQU3054383")
    container_type: ContainerType
    gross_kg: float = Field(gt=0, le=MAX_GROSS_KG,
                            description=f"gross mass, container included; at most {MAX_GROSS_KG} (ISO 668)")
    cargo_description: CargoDescription
    hs_code: str = Field(description="Harmonized System code, 6 to 10 digits")
    dangerous_goods_class: str | None = Field(
        default=None, description="UN hazard class or division, e.g. 3 or 2.1; omit for non-dangerous cargo")
    reefer_set_point_c: float | None = Field(
        default=None, description="reefer types only: set point in °C, -35 to +30")

    @field_validator("number")
    @classmethod
    def _iso6346(cls, number: str) -> str:
        try:
            return iso6346.validate(number)
        except InputError as error:  # re-raised plainly: the API names the field itself
            raise ValueError(f"{error.detail} ({error.fix})") from None

    @field_validator("hs_code")
    @classmethod
    def _hs_code(cls, hs_code: str) -> str:
        code = hs_code.replace(".", "").replace(" ", "")
        if not HS_CODE_RE.match(code):
            raise ValueError(f"{hs_code!r} is not an HS code: give 6 to 10 digits, e.g. 847130")
        return code

    @field_validator("dangerous_goods_class")
    @classmethod
    def _un_class(cls, value: str | None) -> str | None:
        if value is not None and value not in UN_HAZARD_CLASSES:
            raise ValueError(f"{value!r} is not a UN hazard class or division: use one of "
                             + ", ".join(sorted(UN_HAZARD_CLASSES)))
        return value

    @model_validator(mode="after")
    def _reefer(self) -> Container:
        low, high = REEFER_SET_POINT_C
        if self.reefer_set_point_c is None:
            return self
        if not self.container_type.is_reefer:
            raise ValueError(f"reefer_set_point_c applies to reefer types (20RF, 40RF), not "
                             f"{self.container_type.value}: omit it")
        if not low <= self.reefer_set_point_c <= high:
            raise ValueError(f"reefer_set_point_c {self.reefer_set_point_c} is outside {low}..{high} °C")
        return self


class CargoLine(BaseModel):
    """A number of containers of one type, as a quote asks for them (numbers come with the shipment)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    container_type: ContainerType
    count: int = Field(ge=1, le=200, description="containers of this type (1-200)")
    gross_kg_per_container: float | None = Field(default=None, gt=0, le=MAX_GROSS_KG)
    dangerous_goods: bool = False

    @property
    def teu(self) -> int:
        return self.container_type.teu * self.count

    @property
    def reefer_plugs(self) -> int:
        """Each reefer container takes one plug on every departure it rides."""
        return self.count if self.container_type.is_reefer else 0
