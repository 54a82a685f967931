"""The CIM/SMGS common consignment note as structured data.

Class and field names follow the UN/CEFACT Multimodal Transport Reference Data Model (MMT RDM):
a `Consignment` between `TradeParty`s, moved by `LogisticsTransportMovement`s (here: the carriers'
sections) from one `LogisticsLocation` to another in `LogisticsTransportEquipment`, holding
`SupplyChainConsignmentItem`s and accompanied by `ReferencedDocument`s. `box` on a field is the box
number of the paper CIM/SMGS form that prints it (see `karvan.documents.pdf`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from karvan.booking.cargo import NO_NUL


class RailLaw(StrEnum):
    """The legal regime of a carrier's section: COTIF's CIM uniform rules or the OSJD's SMGS agreement."""

    CIM = "CIM"
    SMGS = "SMGS"


class NoteStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    HANDED_OVER = "handed_over"
    DELIVERED = "delivered"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TradeParty(_Record):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    postal_address: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    country_id: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    tax_registration_id: str | None = Field(default=None, max_length=40, pattern=NO_NUL,
                                            description="EORI, BIN or VAT number")


class LogisticsLocation(_Record):
    """A station or port: its UN/LOCODE (or Karvan's local code) and, where known, its railway code."""

    id: str = Field(description="UN/LOCODE, e.g. KZAAU, or a local code such as KZ-ALTYN")
    name: str
    country_id: str
    railway_station_code: str | None = Field(
        default=None, description="the station's code on its railway network (e.g. a 6-digit ESR code)")


class LogisticsTransportMovement(_Record):
    """A carrier's section: one railway (or line) carrying the consignment from one place to another."""

    sequence_numeric: int = Field(ge=1)
    carrier_id: str = Field(description="the operator's code, e.g. KTZ")
    carrier_name: str
    mode_code: str = Field(description="rail, sea or road")
    departure_location: LogisticsLocation
    arrival_location: LogisticsLocation
    law: RailLaw | None = Field(description="CIM or SMGS for rail sections; none for sea and road sections, "
                                            "which travel under the line's own transport document")
    departs_at: datetime
    arrives_at: datetime
    payer_code: str | None = Field(default=None, description="who pays this railway's charges (box 20/22)")


class LogisticsSeal(_Record):
    id: str = Field(min_length=1, max_length=35, pattern=NO_NUL)
    issuing_party: str = Field(default="consignor", max_length=80, pattern=NO_NUL)


class TransportDangerousGoods(_Record):
    un_dangerous_goods_id: str = Field(pattern=r"^\d{4}$", description="UN number, 4 digits")
    hazard_class_code: str


class SupplyChainConsignmentItem(_Record):
    sequence_numeric: int = Field(ge=1)
    hs_code: str
    description: str
    package_quantity: int = Field(ge=1)
    package_type_code: str = Field(description="UN/ECE Recommendation 21 code, e.g. PK or CT")
    gross_weight_kg: float = Field(gt=0, description="goods only, container excluded")
    transport_equipment_id: str
    dangerous_goods: TransportDangerousGoods | None = None


class LogisticsTransportEquipment(_Record):
    id: str = Field(description="ISO 6346 container number")
    size_type_code: str
    tare_weight_kg: float = Field(gt=0)
    gross_weight_kg: float = Field(gt=0, description="container and goods")
    seals: tuple[LogisticsSeal, ...] = Field(min_length=1)


class ReferencedDocument(_Record):
    type_code: str = Field(min_length=1, max_length=20, pattern=NO_NUL,
                           description="e.g. N380 commercial invoice, N325 proforma, N864 certificate")
    id: str = Field(min_length=1, max_length=70, pattern=NO_NUL)
    name: str = Field(default="", max_length=200, pattern=NO_NUL)


class TradeDeliveryTerms(_Record):
    incoterms_code: str = Field(pattern=r"^(EXW|FCA|FAS|FOB|CFR|CIF|CPT|CIP|DAP|DPU|DDP)$")
    relevant_location: str = Field(min_length=1, max_length=100, pattern=NO_NUL)


class Consignment(_Record):
    """The consignment note's content: what is signed and hashed when it is issued."""

    note_number: str = Field(description="Karvan's number of the note, the same in every version")
    version: int = Field(ge=1)
    booking_id: str
    issuing_party_id: str = Field(description="the organisation that issues and signs the note")
    consignor: TradeParty
    consignee: TradeParty
    consignor_declarations: tuple[str, ...] = ()
    departure_location: LogisticsLocation
    destination_location: LogisticsLocation
    carrier_sections: tuple[LogisticsTransportMovement, ...]
    law_changes_at: tuple[str, ...] = Field(
        default=(), description="places where the legal regime changes between CIM and SMGS")
    transport_equipment: tuple[LogisticsTransportEquipment, ...]
    items: tuple[SupplyChainConsignmentItem, ...]
    attached_documents: tuple[ReferencedDocument, ...] = ()
    delivery_terms: TradeDeliveryTerms
    total_gross_weight_kg: float

    @property
    def railways(self) -> list[str]:
        """The carriers of the rail sections, in order, each once."""
        seen: list[str] = []
        for section in self.carrier_sections:
            if section.law is not None and section.carrier_id not in seen:
                seen.append(section.carrier_id)
        return seen

    @property
    def place_ids(self) -> frozenset[str]:
        """Every place the consignment passes: the sections' ends."""
        return frozenset(p for s in self.carrier_sections
                         for p in (s.departure_location.id, s.arrival_location.id))
