"""The NCTS phase 5 transit declaration (message CC015C) for the consignment's entry into the EU.

Built from the issued consignment note and the declarant's transit details, and validated against
the official XSD set bundled under data/ncts/ before anyone sees it: a message that does not validate
is never returned, and a declaration lacking data items is answered with the list of those items.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from karvan.booking.cargo import NO_NUL
from karvan.documents.errors import Missing, MissingDataError
from karvan.documents.model import Consignment
from karvan.errors import KarvanError

NAMESPACE = "http://ncts.dgtaxud.ec"
SCHEMA_FILES = ("cc015c.xsd", "htypes.xsd", "ctypes.xsd", "stypes.xsd", "doc.xsd", "tcl.xsd",
                "ermis-types.xsd")
"""The CC015C schema and every file it includes (HMRC transit-movements-validator, conf/v2_1/xsd)."""

EU = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
                "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})
"""EU member states (ISO 3166-1 alpha-2): the declaration is lodged where the consignment enters them."""


class SchemaUnavailableError(KarvanError):
    """The bundled XSD set is incomplete, so no message can be validated (and none is produced)."""


class TransitDetails(BaseModel):
    """What the holder of the transit procedure adds for the declaration (not held by the note)."""

    model_config = ConfigDict(extra="forbid")

    lrn: str | None = Field(default=None, max_length=22, pattern=r"^[A-Z0-9]{1,22}$",
                            description="local reference number")
    office_of_departure: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{6}$",
                                            description="customs office reference number, e.g. PL301010")
    office_of_destination: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{6}$")
    holder_eori: str | None = Field(default=None, max_length=17, pattern=r"^[A-Z]{2}[A-Z0-9]{1,15}$")
    holder_city: str | None = Field(default=None, max_length=35, pattern=NO_NUL)
    guarantee_type: str | None = Field(default=None, pattern=r"^[0-9A-Z]$")
    guarantee_reference: str | None = Field(default=None, max_length=24, pattern=r"^[A-Z0-9]{1,24}$",
                                            description="GRN")
    access_code: str | None = Field(default=None, pattern=r"^[A-Z0-9]{4}$")


def missing_items(note: Consignment, details: TransitDetails) -> list[Missing]:
    """Every data item the declaration still needs before it can be lodged."""
    missing = [Missing(f"transit.{name}", f"CC015C needs {label}") for name, label in (
        ("lrn", "the local reference number (TransitOperation/LRN)"),
        ("office_of_departure", "the customs office of departure (an8)"),
        ("office_of_destination", "the customs office of destination (an8)"),
        ("holder_eori", "the holder of the transit procedure's EORI number"),
        ("holder_city", "the holder's city"),
        ("guarantee_type", "the guarantee type (CL251)"),
        ("guarantee_reference", "the guarantee reference number (GRN)"),
        ("access_code", "the guarantee's access code"),
    ) if getattr(details, name) is None]
    if entry_point(note) is None:
        missing.append(Missing("consignment.carrier_sections",
                               "the route never enters the EU: no EU transit declaration applies"))
    return missing


def entry_point(note: Consignment) -> str | None:
    """The first place in the EU that the consignment reaches, if any."""
    for section in note.carrier_sections:
        for place in (section.departure_location, section.arrival_location):
            if place.country_id in EU:
                return place.id
    return None


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _kg(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _build(note: Consignment, details: TransitDetails, prepared_at: datetime) -> bytes:
    root = ET.Element(f"{{{NAMESPACE}}}CC015C", {"PhaseID": "NCTS5.0"})
    for tag, text in (("messageSender", note.issuing_party_id[:35]), ("messageRecipient", "NTA.EU"),
                      ("preparationDateAndTime", prepared_at.strftime("%Y-%m-%dT%H:%M:%S")),
                      ("messageIdentification", f"{note.note_number[-20:]}{note.version}"[:35]),
                      ("messageType", "CC015C")):
        _sub(root, tag, text)
    operation = _sub(root, "TransitOperation")
    for tag, value in (("LRN", details.lrn), ("declarationType", "T1"), ("additionalDeclarationType", "A"),
                       ("security", "0"), ("reducedDatasetIndicator", "0"), ("bindingItinerary", "0")):
        _sub(operation, tag, value)
    _sub(_sub(root, "CustomsOfficeOfDeparture"), "referenceNumber", details.office_of_departure)
    _sub(_sub(root, "CustomsOfficeOfDestinationDeclared"), "referenceNumber", details.office_of_destination)
    holder = _sub(root, "HolderOfTheTransitProcedure")
    _sub(holder, "identificationNumber", details.holder_eori)
    _sub(holder, "name", note.consignee.name[:70])
    address = _sub(holder, "Address")
    _sub(address, "streetAndNumber", note.consignee.postal_address[:70])
    _sub(address, "city", details.holder_city)
    _sub(address, "country", note.consignee.country_id)
    guarantee = _sub(root, "Guarantee")
    _sub(guarantee, "sequenceNumber", "1")
    _sub(guarantee, "guaranteeType", details.guarantee_type)
    reference = _sub(guarantee, "GuaranteeReference")
    _sub(reference, "sequenceNumber", "1")
    _sub(reference, "GRN", details.guarantee_reference)
    _sub(reference, "accessCode", details.access_code)
    consignment = _sub(root, "Consignment")
    _sub(consignment, "countryOfDispatch", note.departure_location.country_id)
    _sub(consignment, "countryOfDestination", note.destination_location.country_id)
    _sub(consignment, "containerIndicator", "1")
    _sub(consignment, "inlandModeOfTransport", "2")
    _sub(consignment, "modeOfTransportAtTheBorder", "2")
    _sub(consignment, "grossMass", _kg(note.total_gross_weight_kg))
    for index, equipment in enumerate(note.transport_equipment, start=1):
        element = _sub(consignment, "TransportEquipment")
        _sub(element, "sequenceNumber", str(index))
        _sub(element, "containerIdentificationNumber", equipment.id)
        _sub(element, "numberOfSeals", str(len(equipment.seals)))
        for number, seal in enumerate(equipment.seals, start=1):
            seal_element = _sub(element, "Seal")
            _sub(seal_element, "sequenceNumber", str(number))
            _sub(seal_element, "identifier", seal.id)
    house = _sub(consignment, "HouseConsignment")
    _sub(house, "sequenceNumber", "1")
    _sub(house, "grossMass", _kg(note.total_gross_weight_kg))
    for item in note.items:
        goods = _sub(house, "ConsignmentItem")
        _sub(goods, "goodsItemNumber", str(item.sequence_numeric))
        _sub(goods, "declarationGoodsItemNumber", str(item.sequence_numeric))
        commodity = _sub(goods, "Commodity")
        _sub(commodity, "descriptionOfGoods", item.description[:512])
        _sub(_sub(commodity, "CommodityCode"), "harmonizedSystemSubHeadingCode", item.hs_code[:6])
        if item.dangerous_goods is not None:
            dangerous = _sub(commodity, "DangerousGoods")
            _sub(dangerous, "sequenceNumber", "1")
            _sub(dangerous, "UNNumber", item.dangerous_goods.un_dangerous_goods_id)
        _sub(_sub(commodity, "GoodsMeasure"), "grossMass", _kg(item.gross_weight_kg))
        packaging = _sub(goods, "Packaging")
        _sub(packaging, "sequenceNumber", "1")
        _sub(packaging, "typeOfPackages", item.package_type_code)
        _sub(packaging, "numberOfPackages", str(item.package_quantity))
    message: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return message


def schema_dir() -> Path:
    return Path(str(resources.files("karvan.data").joinpath("ncts")))


@cache
def _schema() -> object:
    import xmlschema

    absent = [name for name in SCHEMA_FILES if not (schema_dir() / name).is_file()]
    if absent:
        raise SchemaUnavailableError(
            f"the NCTS XSD set in data/ncts is incomplete ({', '.join(absent)} missing), so no CC015C can "
            "be validated; see data/ncts/README.md for where to get them")
    return xmlschema.XMLSchema11(str(schema_dir() / "cc015c.xsd"))


def validation_errors(message: bytes) -> list[str]:
    """The XSD's complaints about a message (empty if it validates)."""
    schema = _schema()
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(message.decode())]  # type: ignore[attr-defined]


def build_cc015c(note: Consignment, details: TransitDetails, *, prepared_at: datetime) -> bytes:
    """The CC015C message, validated; MissingDataError lists what is missing, and a message failing the
    XSD raises instead of being returned."""
    missing = missing_items(note, details)
    if missing:
        raise MissingDataError("transit declaration CC015C", missing)
    message = _build(note, details, prepared_at)
    errors = validation_errors(message)
    if errors:
        raise RuntimeError("generated CC015C fails the official XSD: " + "; ".join(errors[:5]))
    return message
