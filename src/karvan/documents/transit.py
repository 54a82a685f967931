"""The CC015C transit declaration (IE015, declaration data) for the consignment's entry into the EU.

Built from the issued consignment note and the declarant's transit details, then validated against
the official CTC schemas bundled under data/ncts/ (DG TAXUD's XSD set, version 60.4.16, as HMRC
publishes it) before anyone sees it. A declaration that lacks data items, or holds values the message
cannot carry, is answered with the list of all of them (`MissingDataError`); a built message that still
fails the XSD raises `InvalidMessageError` and is never returned.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from karvan.booking.cargo import NO_NUL
from karvan.documents.errors import Missing, MissingDataError
from karvan.documents.model import Consignment
from karvan.errors import KarvanError
from karvan.network.rules import corridor_rules

if TYPE_CHECKING:
    from xmlschema import XMLSchema11

NAMESPACE = "http://ncts.dgtaxud.ec"
SCHEMA_VERSION = "60.4.16"
SCHEMA_FILES = ("cc015c.xsd", "ctypes.xsd", "htypes.xsd", "stypes.xsd", "tcl.xsd", "doc.xsd",
                "ermis-types.xsd")
"""The CC015C schema and every file it includes (HMRC transit-movements-validator, conf/v3_0/xsd)."""

TRANSPORT_MODES = {"sea": "1", "ferry": "1", "rail": "2", "road": "3"}
"""CL218 mode of transport per network mode: a ferry (train ferry or ro-ro) crosses as maritime transport."""
CIM_CONSIGNMENT_NOTE = "N720"
"""CL754 transport document type of the rail consignment note the declaration refers to."""
UN_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
EORI = re.compile(r"[A-Z]{2}[A-Z0-9]{1,15}")
CONTAINER_NUMBER = re.compile(r"[!-~]([ -~]{0,15}[!-~])?")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class SchemaUnavailableError(KarvanError):
    """The bundled XSD set is incomplete, so no message can be validated (and none is produced)."""


class InvalidMessageError(KarvanError):
    """A built CC015C failed the official XSD: a defect in the builder, so nothing is returned."""


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
    guarantee_reference: str | None = Field(default=None, pattern=r"^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[0-9]"
                                            r"([A-Z][0-9]{6})?$", description="GRN")
    access_code: str | None = Field(default=None, pattern=r"^[A-Z0-9]{4}$")


def missing_items(note: Consignment, details: TransitDetails) -> list[Missing]:
    """Every data item the declaration still needs, and every value too long or malformed for it."""
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
    missing += [Missing(f"carrier_sections[{i}].mode_code",
                        f"CC015C knows the modes {', '.join(TRANSPORT_MODES)}, not {section.mode_code!r}")
                for i, section in enumerate(note.carrier_sections)
                if section.mode_code not in TRANSPORT_MODES]
    missing.extend(_misfits(note, details))
    return missing


def _misfits(note: Consignment, details: TransitDetails) -> Iterator[Missing]:
    """Values that CC015C's formats cannot carry: listed rather than cut short or sent invalid."""
    texts = [("transit.holder_city", details.holder_city, 35), ("consignee.name", note.consignee.name, 70),
             ("consignee.postal_address", note.consignee.postal_address, 70)]
    texts += [(f"items[{i}].description", item.description, 512) for i, item in enumerate(note.items)]
    texts += [(f"transport_equipment[{i}].seals[{j}].id", seal.id, 20)
              for i, equipment in enumerate(note.transport_equipment)
              for j, seal in enumerate(equipment.seals)]
    texts += [(f"attached_documents[{i}].id", document.id, 70)
              for i, document in enumerate(note.attached_documents)]
    for field, value, limit in texts:
        problem = _text_misfit(value, limit)
        if problem:
            yield Missing(field, f"CC015C cannot carry this value: {problem}")
    counts = [("items", len(note.items), 999), ("attached_documents", len(note.attached_documents), 99)]
    counts += [(f"transport_equipment[{i}].seals", len(equipment.seals), 99)
               for i, equipment in enumerate(note.transport_equipment)]
    for field, count, limit in counts:
        if count > limit:
            yield Missing(field, f"CC015C carries at most {limit} of these, not {count}; "
                                 "split the consignment")
    for i, equipment in enumerate(note.transport_equipment):
        if not CONTAINER_NUMBER.fullmatch(equipment.id):
            yield Missing(f"transport_equipment[{i}].id",
                          "CC015C needs a container number of 1 to 17 printable ASCII characters")
    for i, item in enumerate(note.items):
        if not re.fullmatch(r"[0-9]{6,}", item.hs_code):
            yield Missing(f"items[{i}].hs_code", "CC015C needs the 6-digit HS subheading (an6)")
        if not re.fullmatch(r"[A-Z0-9]{2}", item.package_type_code):
            yield Missing(f"items[{i}].package_type_code", "CC015C needs a 2-character CL017 package code")
    for i, document in enumerate(note.attached_documents):
        if not re.fullmatch(r"[A-Z0-9]{4}", document.type_code):
            yield Missing(f"attached_documents[{i}].type_code",
                          "CC015C needs a 4-character CL213 document type, e.g. N380")


def _text_misfit(value: str | None, limit: int) -> str | None:
    """Why a text does not fit CC015C's `an..N` no-spaces formats, or None. XSD normalises tabs and
    line breaks to spaces before it checks the length and that no space begins or ends the value."""
    if value is None:
        return None
    if NOT_XML.search(value):
        return "it holds control characters that XML cannot hold"
    normalised = re.sub(r"[\t\n\r]", " ", value)
    if not normalised:
        return "it is empty"
    if normalised != normalised.strip():
        return "it begins or ends with a space"
    if len(normalised) > limit:
        return f"it has {len(normalised)} characters, more than {limit}; shorten it"
    return None


def in_eu(country: str) -> bool:
    """Whether a country is in the EU's customs territory (the corridor rules' customs areas)."""
    return corridor_rules().area_of.get(country) == "EU"


def entry_point(note: Consignment) -> str | None:
    """The first place in the EU that the consignment reaches, if any."""
    for section in note.carrier_sections:
        for place in (section.departure_location, section.arrival_location):
            if in_eu(place.country_id):
                return place.id
    return None


def _modes(note: Consignment) -> tuple[str, str]:
    """CL218 codes of the mode crossing into the EU and of the mode leaving the entry place inland (the
    same when the consignment's journey ends there)."""
    sections = note.carrier_sections
    entering = next((i for i, section in enumerate(sections) if in_eu(section.arrival_location.country_id)
                     or in_eu(section.departure_location.country_id)), 0)
    inland = entering + 1 if entering + 1 < len(sections) else entering
    return TRANSPORT_MODES[sections[entering].mode_code], TRANSPORT_MODES[sections[inland].mode_code]


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _kg(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _route_countries(note: Consignment) -> list[str]:
    """The countries the consignment passes, in order, each once (CountryOfRoutingOfConsignment)."""
    seen: list[str] = []
    for section in note.carrier_sections:
        for place in (section.departure_location, section.arrival_location):
            if place.country_id not in seen:
                seen.append(place.country_id)
    return seen


def _place(parent: ET.Element, tag: str, locode: str, country: str) -> None:
    place = _sub(parent, tag)
    if UN_LOCODE.match(locode):
        _sub(place, "UNLocode", locode)
    _sub(place, "country", country)


def _consignment(root: ET.Element, note: Consignment) -> None:
    goods_kg = sum(item.gross_weight_kg for item in note.items)
    number = {item.sequence_numeric: n for n, item in enumerate(note.items, start=1)}
    consignment = _sub(root, "Consignment")
    _sub(consignment, "countryOfDispatch", note.departure_location.country_id)
    _sub(consignment, "countryOfDestination", note.destination_location.country_id)
    at_border, inland = _modes(note)
    _sub(consignment, "containerIndicator", "1" if note.transport_equipment else "0")
    _sub(consignment, "inlandModeOfTransport", inland)
    _sub(consignment, "modeOfTransportAtTheBorder", at_border)
    _sub(consignment, "grossMass", _kg(goods_kg))
    consignee_id = note.consignee.tax_registration_id
    if consignee_id and EORI.fullmatch(consignee_id):
        _sub(_sub(consignment, "Consignee"), "identificationNumber", consignee_id)
    for index, equipment in enumerate(note.transport_equipment, start=1):
        element = _sub(consignment, "TransportEquipment")
        _sub(element, "sequenceNumber", str(index))
        _sub(element, "containerIdentificationNumber", equipment.id)
        _sub(element, "numberOfSeals", str(len(equipment.seals)))
        for seal_number, seal in enumerate(equipment.seals, start=1):
            seal_element = _sub(element, "Seal")
            _sub(seal_element, "sequenceNumber", str(seal_number))
            _sub(seal_element, "identifier", seal.id)
        carried = [item for item in note.items if item.transport_equipment_id == equipment.id]
        for reference_number, item in enumerate(carried, start=1):
            reference = _sub(element, "GoodsReference")
            _sub(reference, "sequenceNumber", str(reference_number))
            _sub(reference, "declarationGoodsItemNumber", str(number[item.sequence_numeric]))
    for index, country in enumerate(_route_countries(note), start=1):
        routing = _sub(consignment, "CountryOfRoutingOfConsignment")
        _sub(routing, "sequenceNumber", str(index))
        _sub(routing, "country", country)
    _place(consignment, "PlaceOfLoading", note.departure_location.id, note.departure_location.country_id)
    _place(consignment, "PlaceOfUnloading", note.destination_location.id,
           note.destination_location.country_id)
    for index, document in enumerate(note.attached_documents, start=1):
        supporting = _sub(consignment, "SupportingDocument")
        _sub(supporting, "sequenceNumber", str(index))
        _sub(supporting, "type", document.type_code)
        _sub(supporting, "referenceNumber", document.id)
    transport_document = _sub(consignment, "TransportDocument")
    _sub(transport_document, "sequenceNumber", "1")
    _sub(transport_document, "type", CIM_CONSIGNMENT_NOTE)
    _sub(transport_document, "referenceNumber", note.note_number)
    house = _sub(consignment, "HouseConsignment")
    _sub(house, "sequenceNumber", "1")
    _sub(house, "grossMass", _kg(goods_kg))
    for item in note.items:
        goods = _sub(house, "ConsignmentItem")
        _sub(goods, "goodsItemNumber", str(number[item.sequence_numeric]))
        _sub(goods, "declarationGoodsItemNumber", str(number[item.sequence_numeric]))
        commodity = _sub(goods, "Commodity")
        _sub(commodity, "descriptionOfGoods", item.description)
        code = _sub(commodity, "CommodityCode")
        _sub(code, "harmonizedSystemSubHeadingCode", item.hs_code[:6])
        if len(item.hs_code) >= 8:
            _sub(code, "combinedNomenclatureCode", item.hs_code[6:8])
        if item.dangerous_goods is not None:
            dangerous = _sub(commodity, "DangerousGoods")
            _sub(dangerous, "sequenceNumber", "1")
            _sub(dangerous, "UNNumber", item.dangerous_goods.un_dangerous_goods_id)
        _sub(_sub(commodity, "GoodsMeasure"), "grossMass", _kg(item.gross_weight_kg))
        packaging = _sub(goods, "Packaging")
        _sub(packaging, "sequenceNumber", "1")
        _sub(packaging, "typeOfPackages", item.package_type_code)
        _sub(packaging, "numberOfPackages", str(item.package_quantity))


def _build(note: Consignment, details: TransitDetails, prepared_at: datetime) -> bytes:
    office = details.office_of_departure or ""
    root = ET.Element(f"{{{NAMESPACE}}}CC015C", {"PhaseID": "NCTS6"})
    prepared = prepared_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    for tag, text in (("messageSender", details.holder_eori),
                      ("messageRecipient", f"NTA.{office[:2]}"), ("preparationDateAndTime", prepared),
                      ("messageIdentification", f"{note.note_number[-30:]}v{note.version}"[-35:]),
                      ("messageType", "CC015C")):
        _sub(root, tag, text)
    operation = _sub(root, "TransitOperation")
    for tag, value in (("LRN", details.lrn), ("declarationType", "T1"), ("additionalDeclarationType", "A"),
                       ("security", "0"), ("reducedDatasetIndicator", "0"), ("bindingItinerary", "0")):
        _sub(operation, tag, value)
    _sub(_sub(root, "CustomsOfficeOfDeparture"), "referenceNumber", office)
    _sub(_sub(root, "CustomsOfficeOfDestinationDeclared"), "referenceNumber", details.office_of_destination)
    holder = _sub(root, "HolderOfTheTransitProcedure")
    _sub(holder, "identificationNumber", details.holder_eori)
    _sub(holder, "name", note.consignee.name)
    address = _sub(holder, "Address")
    _sub(address, "streetAndNumber", note.consignee.postal_address)
    _sub(address, "city", details.holder_city)
    _sub(address, "country", note.consignee.country_id)
    guarantee = _sub(root, "Guarantee")
    _sub(guarantee, "sequenceNumber", "1")
    _sub(guarantee, "guaranteeType", details.guarantee_type)
    reference = _sub(guarantee, "GuaranteeReference")
    _sub(reference, "sequenceNumber", "1")
    _sub(reference, "GRN", details.guarantee_reference)
    _sub(reference, "accessCode", details.access_code)
    _consignment(root, note)
    message: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return message


def schema_dir() -> Path:
    return Path(str(resources.files("karvan.data").joinpath("ncts")))


@cache
def _schema(directory: Path) -> XMLSchema11:
    """The CC015C schema of `directory`, loaded once per directory (it takes about a second)."""
    import xmlschema

    absent = [name for name in SCHEMA_FILES if not (directory / name).is_file()]
    if absent:
        raise SchemaUnavailableError(
            f"the NCTS XSD set in data/ncts is incomplete ({', '.join(absent)} missing), so no CC015C can "
            "be validated; see data/ncts/README.md for where to get them")
    return xmlschema.XMLSchema11(str(directory / "cc015c.xsd"))


def validation_errors(message: bytes) -> list[str]:
    """The XSD's complaints about a message (empty if it validates)."""
    return [f"{error.path}: {error.reason}" for error in _schema(schema_dir()).iter_errors(message.decode())]


def build_cc015c(note: Consignment, details: TransitDetails, *, prepared_at: datetime) -> bytes:
    """The CC015C message, validated; MissingDataError lists what is missing, and a message failing the
    XSD raises InvalidMessageError instead of being returned."""
    missing = missing_items(note, details)
    if missing:
        raise MissingDataError("transit declaration CC015C", missing)
    message = _build(note, details, prepared_at)
    errors = validation_errors(message)
    if errors:
        raise InvalidMessageError("the generated CC015C fails the official XSD: " + "; ".join(errors[:5]))
    return message
