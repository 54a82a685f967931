"""Building the consignment note from a booking, its shipment and the consignor's instructions.

The booking gives the route and the carriers, the shipment the parties, containers and goods; what
neither holds (seals, tare, packages, UN numbers, payer codes, Incoterm) the consignor declares in
`ConsignorInstructions`. Every missing item is collected before anything is built, so one answer lists
them all (`MissingDataError`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from itertools import pairwise

import yaml
from pydantic import BaseModel, ConfigDict, Field

from karvan.booking.bookings import Booking
from karvan.booking.cargo import NO_NUL
from karvan.booking.parties import Party
from karvan.booking.shipments import Shipment
from karvan.booking.states import BookingStatus
from karvan.documents import rail_law
from karvan.documents.errors import Missing, MissingDataError
from karvan.documents.model import (
    Consignment,
    LogisticsLocation,
    LogisticsSeal,
    LogisticsTransportEquipment,
    LogisticsTransportMovement,
    ReferencedDocument,
    SupplyChainConsignmentItem,
    TradeDeliveryTerms,
    TradeParty,
    TransportDangerousGoods,
)
from karvan.errors import ConflictError
from karvan.network.network import Network

NOTE = "consignment note"


class ContainerInstructions(BaseModel):
    """What the consignor declares for one container of the shipment."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(description="ISO 6346 number of a container of the shipment")
    tare_kg: float | None = Field(default=None, gt=0, le=6000, description="tare mass of the empty container")
    seals: list[str] = Field(default_factory=list, max_length=9)
    package_quantity: int | None = Field(default=None, ge=1, le=99_999)
    package_type_code: str = Field(default="PK", pattern=r"^[A-Z0-9]{2}$",
                                   description="UN/ECE Recommendation 21 package code")
    un_number: str | None = Field(default=None, pattern=r"^\d{4}$",
                                  description="UN number of dangerous goods (needed when the container "
                                              "declares a hazard class)")


class ConsignorInstructions(BaseModel):
    """The consignor's declarations for the note, beyond what the booking and the shipment say."""

    model_config = ConfigDict(extra="forbid")

    containers: list[ContainerInstructions] = Field(default_factory=list, max_length=200)
    incoterm: str | None = Field(default=None, pattern=r"^(EXW|FCA|FAS|FOB|CFR|CIF|CPT|CIP|DAP|DPU|DDP)$")
    incoterm_place: str | None = Field(default=None, max_length=100, pattern=NO_NUL)
    payer_codes: dict[str, str] = Field(default_factory=dict,
                                        description="railway operator code -> payer code for its charges")
    declarations: list[str] = Field(default_factory=list, max_length=20)
    attached_documents: list[ReferencedDocument] = Field(default_factory=list, max_length=50)


@cache
def station_codes() -> dict[str, str]:
    """Place code -> railway station code, from data/documents/stations.yaml (only sourced entries)."""
    text = resources.files("karvan.data").joinpath("documents/stations.yaml").read_text(encoding="utf-8")
    return {place: entry["code"] for place, entry in (yaml.safe_load(text)["stations"] or {}).items()}


def _location(network: Network, code: str) -> LogisticsLocation:
    place = network.places.get(code)
    return LogisticsLocation(id=code, name=place.name if place else code,
                             country_id=place.country if place else code[:2],
                             railway_station_code=station_codes().get(code))


def _party(party: Party, field: str, missing: list[Missing]) -> TradeParty | None:
    if not party.address:
        missing.append(Missing(f"shipment.parties.{field}.address",
                               f"the {field}'s postal address is printed on the note"))
        return None
    return TradeParty(name=party.name, postal_address=party.address, country_id=party.country,
                      tax_registration_id=party.tax_id)


def _check(booking: Booking, shipment: Shipment | None, network: Network,
           instructions: ConsignorInstructions) -> list[Missing]:
    missing: list[Missing] = []
    if shipment is None:
        missing.append(Missing("booking.shipment_id", "the booking names no shipment: attach one"))
    else:
        declared = {c.number: c for c in instructions.containers}
        for container in shipment.containers:
            given = declared.get(container.number)
            where = f"instructions.containers[{container.number}]"
            if given is None:
                missing.append(Missing(where, "declare tare, seals and packages of this container"))
                continue
            if given.tare_kg is None:
                missing.append(Missing(f"{where}.tare_kg", "tare mass of the container"))
            if not given.seals:
                missing.append(Missing(f"{where}.seals", "at least one seal number"))
            if given.package_quantity is None:
                missing.append(Missing(f"{where}.package_quantity", "number of packages"))
            if container.dangerous_goods_class and given.un_number is None:
                missing.append(Missing(f"{where}.un_number",
                                       f"UN number of the class {container.dangerous_goods_class} goods"))
        for number in sorted(set(declared) - {c.number for c in shipment.containers}):
            missing.append(Missing(f"instructions.containers[{number}]",
                                   "not a container of the shipment: remove it"))
    if instructions.incoterm is None:
        missing.append(Missing("instructions.incoterm", "Incoterm of the sale, e.g. FCA"))
    if instructions.incoterm_place is None:
        missing.append(Missing("instructions.incoterm_place", "named place of the Incoterm"))
    railways = {leg.operator for leg in booking.legs if _mode(network, leg.service_id) == "rail"}
    for operator in sorted(railways):
        if operator not in instructions.payer_codes:
            missing.append(Missing(f"instructions.payer_codes.{operator}",
                                   f"payer code for {operator}'s charges"))
    return missing


def _mode(network: Network, service_id: str) -> str:
    service = network.services.get(service_id)
    return service.mode.value if service else "rail"


def _sections(booking: Booking, network: Network,
              instructions: ConsignorInstructions) -> list[LogisticsTransportMovement]:
    modes = [_mode(network, leg.service_id) for leg in booking.legs]
    countries = []
    for leg in booking.legs:
        operator = network.operators.get(leg.operator)
        countries.append(operator.country if operator else _location(network, leg.origin).country_id)
    rail = [c for c, m in zip(countries, modes, strict=True) if m == "rail"]
    laws = iter(rail_law.assign(rail))
    sections = []
    for index, (leg, mode) in enumerate(zip(booking.legs, modes, strict=True)):
        operator = network.operators.get(leg.operator)
        sections.append(LogisticsTransportMovement(
            sequence_numeric=index + 1, carrier_id=leg.operator,
            carrier_name=operator.name if operator else leg.operator, mode_code=mode,
            departure_location=_location(network, leg.origin),
            arrival_location=_location(network, leg.destination),
            law=next(laws) if mode == "rail" else None, departs_at=leg.departs_at, arrives_at=leg.arrives_at,
            payer_code=instructions.payer_codes.get(leg.operator)))
    return sections


def _law_changes(sections: list[LogisticsTransportMovement]) -> tuple[str, ...]:
    rail = [s for s in sections if s.law is not None]
    return tuple(f"{b.departure_location.id}: {a.law} -> {b.law}"
                 for a, b in pairwise(rail) if a.law != b.law)


def build_note(booking: Booking, shipment: Shipment | None, network: Network,
               instructions: ConsignorInstructions, *, issuer_org_id: str, note_number: str,
               version: int = 1) -> Consignment:
    """The note's content; ConflictError unless the booking is confirmed, MissingDataError listing every
    data item still missing."""
    if booking.status is not BookingStatus.CONFIRMED:
        raise ConflictError(f"booking {booking.id} is {booking.status.value}; a consignment note is issued "
                            "from a confirmed booking")
    missing = _check(booking, shipment, network, instructions)
    parties = []
    if shipment is not None:
        parties = [_party(shipment.parties.shipper, "shipper", missing),
                   _party(shipment.parties.consignee, "consignee", missing)]
    if missing or shipment is None:
        raise MissingDataError(NOTE, missing)
    consignor, consignee = parties
    assert consignor is not None and consignee is not None and instructions.incoterm is not None
    declared = {c.number: c for c in instructions.containers}
    equipment, items = [], []
    for index, container in enumerate(shipment.containers):
        given = declared[container.number]
        assert given.tare_kg is not None and given.package_quantity is not None
        equipment.append(LogisticsTransportEquipment(
            id=container.number, size_type_code=container.container_type.value, tare_weight_kg=given.tare_kg,
            gross_weight_kg=container.gross_kg, seals=tuple(LogisticsSeal(id=s) for s in given.seals)))
        dangerous = (TransportDangerousGoods(un_dangerous_goods_id=given.un_number,
                                             hazard_class_code=container.dangerous_goods_class)
                     if container.dangerous_goods_class and given.un_number else None)
        items.append(SupplyChainConsignmentItem(
            sequence_numeric=index + 1, hs_code=container.hs_code, description=container.cargo_description,
            package_quantity=given.package_quantity, package_type_code=given.package_type_code,
            gross_weight_kg=round(container.gross_kg - given.tare_kg, 3),
            transport_equipment_id=container.number, dangerous_goods=dangerous))
    sections = _sections(booking, network, instructions)
    return Consignment(
        note_number=note_number, version=version, booking_id=booking.id, issuing_party_id=issuer_org_id,
        consignor=consignor, consignee=consignee, consignor_declarations=tuple(instructions.declarations),
        departure_location=sections[0].departure_location,
        destination_location=sections[-1].arrival_location, carrier_sections=tuple(sections),
        law_changes_at=_law_changes(sections), transport_equipment=tuple(equipment), items=tuple(items),
        attached_documents=tuple(instructions.attached_documents),
        delivery_terms=TradeDeliveryTerms(incoterms_code=instructions.incoterm,
                                          relevant_location=instructions.incoterm_place or ""),
        total_gross_weight_kg=shipment.gross_kg)
