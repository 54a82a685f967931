"""The CC015C transit declaration: every missing data item listed; never returned unless it validates
against the official CTC XSD set bundled under data/ncts. A valid example is left in
test-output/cc015c.xml for a look."""

from __future__ import annotations

import hashlib
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from doc_corridor import instructions, seed_booking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karvan.documents import notes, transit
from karvan.documents.errors import MissingDataError
from karvan.documents.model import Consignment
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.tenancy.principal import Principal

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PREPARED = datetime(2030, 5, 8, 10, 0, tzinfo=UTC)
DETAILS = transit.TransitDetails(lrn="KRV2030000017", office_of_departure="BG005800",
                                 office_of_destination="BG001000", holder_eori="BG123456789",
                                 holder_city="Sofia", guarantee_type="1",
                                 guarantee_reference="30BG0000000000001",
                                 access_code="AB12")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def consignment(db: Database, network: Network, org_factory: Callable[..., Principal]) -> Consignment:
    shipper = org_factory()
    with db.write_session() as session:
        note = notes.draft_note(session, network, shipper, seed_booking(db, shipper.org_id), instructions())
        session.commit()
    return note.consignment


@on_sqlite
def test_every_missing_data_item_is_listed(consignment: Consignment) -> None:
    with pytest.raises(MissingDataError) as caught:
        transit.build_cc015c(consignment, transit.TransitDetails(lrn="KRV1"), prepared_at=PREPARED)
    assert {m.field for m in caught.value.missing} == {
        "transit.office_of_departure", "transit.office_of_destination", "transit.holder_eori",
        "transit.holder_city", "transit.guarantee_type", "transit.guarantee_reference", "transit.access_code"}


@on_sqlite
def test_the_eu_entry_is_the_first_eu_place(consignment: Consignment) -> None:
    assert transit.entry_point(consignment) == "BGSOF"


@on_sqlite
def test_a_complete_declaration_validates_against_the_official_xsd(consignment: Consignment) -> None:
    message = transit.build_cc015c(consignment, DETAILS, prepared_at=PREPARED)
    assert transit.validation_errors(message) == []
    root = ET.fromstring(message)
    assert root.findtext("TransitOperation/LRN") == DETAILS.lrn
    assert root.findtext("preparationDateAndTime") == "2030-05-08T10:00:00"
    assert root.findtext("Guarantee/GuaranteeReference/GRN") == DETAILS.guarantee_reference
    containers = [e.findtext("containerIdentificationNumber")
                  for e in root.iterfind("Consignment/TransportEquipment")]
    assert containers == [e.id for e in consignment.transport_equipment]
    items = root.findall("Consignment/HouseConsignment/ConsignmentItem")
    assert len(items) == len(consignment.items)
    assert root.findtext("Consignment/TransportDocument/referenceNumber") == consignment.note_number
    consignee = root.findtext("Consignment/Consignee/identificationNumber")
    assert consignee == consignment.consignee.tax_registration_id
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "cc015c.xml").write_bytes(message)


@on_sqlite
def test_the_modes_are_those_of_the_sections_at_the_eu_border(consignment: Consignment) -> None:
    *before, entering = consignment.carrier_sections
    by_ferry = consignment.model_copy(update={
        "carrier_sections": (*before, entering.model_copy(update={"mode_code": "ferry"}))})
    root = ET.fromstring(transit.build_cc015c(by_ferry, DETAILS, prepared_at=PREPARED))
    assert root.findtext("Consignment/modeOfTransportAtTheBorder") == "1"
    assert root.findtext("Consignment/inlandModeOfTransport") == "1"
    first, *after = consignment.carrier_sections
    by_air = consignment.model_copy(update={
        "carrier_sections": (first.model_copy(update={"mode_code": "air"}), *after)})
    with pytest.raises(MissingDataError) as caught:
        transit.build_cc015c(by_air, DETAILS, prepared_at=PREPARED)
    assert [m.field for m in caught.value.missing] == ["carrier_sections[0].mode_code"]


@on_sqlite
def test_a_tampered_message_fails_the_xsd(consignment: Consignment) -> None:
    """The validator is real: dropping a required item or breaking a format is caught."""
    message = transit.build_cc015c(consignment, DETAILS, prepared_at=PREPARED).decode()
    without_lrn = re.sub(r"<LRN>[^<]*</LRN>", "", message, count=1).encode()
    assert any("TransitOperation" in e for e in transit.validation_errors(without_lrn))
    bad_country = message.replace("<countryOfDispatch>CN<", "<countryOfDispatch>China<", 1).encode()
    assert any("countryOfDispatch" in e for e in transit.validation_errors(bad_country))


@on_sqlite
def test_values_the_message_cannot_carry_are_listed_not_cut(consignment: Consignment) -> None:
    equipment = consignment.transport_equipment[0]
    long_seal = equipment.seals[0].model_copy(update={"id": "S" * 25})
    sealed = equipment.model_copy(update={"seals": (long_seal,)})
    item = consignment.items[0].model_copy(update={"hs_code": "8471"})
    consignee = consignment.consignee.model_copy(update={"name": "Sofia Trading EOOD "})
    changed = consignment.model_copy(update={
        "transport_equipment": (sealed, *consignment.transport_equipment[1:]),
        "items": (item, *consignment.items[1:]), "consignee": consignee})
    with pytest.raises(MissingDataError) as caught:
        transit.build_cc015c(changed, DETAILS, prepared_at=PREPARED)
    assert {m.field for m in caught.value.missing} == {"transport_equipment[0].seals[0].id",
                                                       "items[0].hs_code", "consignee.name"}


@on_sqlite
def test_more_repetitions_than_the_message_allows_are_listed(consignment: Consignment) -> None:
    equipment = consignment.transport_equipment[0]
    seals = tuple(equipment.seals[0].model_copy(update={"id": f"S{n}"}) for n in range(100))
    sealed = equipment.model_copy(update={"seals": seals})
    changed = consignment.model_copy(update={
        "transport_equipment": (sealed, *consignment.transport_equipment[1:])})
    with pytest.raises(MissingDataError) as caught:
        transit.build_cc015c(changed, DETAILS, prepared_at=PREPARED)
    assert [m.field for m in caught.value.missing] == ["transport_equipment[0].seals"]


@on_sqlite
def test_a_message_failing_the_xsd_is_an_error_not_a_result(consignment: Consignment,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    built = transit._build(consignment, DETAILS, PREPARED)
    monkeypatch.setattr(transit, "_build", lambda *args: built.replace(b"<security>0<", b"<security>X<"))
    with pytest.raises(transit.InvalidMessageError, match="security"):
        transit.build_cc015c(consignment, DETAILS, prepared_at=PREPARED)


@on_sqlite
def test_without_the_official_xsd_no_message_is_produced(consignment: Consignment, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name in transit.SCHEMA_FILES:
        if name != "ctypes.xsd":
            shutil.copy(transit.schema_dir() / name, tmp_path / name)
    monkeypatch.setattr(transit, "schema_dir", lambda: tmp_path)
    with pytest.raises(transit.SchemaUnavailableError, match=r"ctypes\.xsd"):
        transit.build_cc015c(consignment, DETAILS, prepared_at=PREPARED)


def test_the_bundled_schemas_are_the_recorded_copies() -> None:
    """Each file matches the checksum recorded when it was copied, and all are one version."""
    recorded = dict(line.split()[::-1] for line in
                    (transit.schema_dir() / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert set(recorded) == set(transit.SCHEMA_FILES)
    for name, digest in recorded.items():
        data = (transit.schema_dir() / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        assert f'version="{transit.SCHEMA_VERSION}"' in data.decode("utf-8")[:1000], name


@on_sqlite
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lrn=st.from_regex(r"[A-Z0-9]{1,22}", fullmatch=True),
       office=st.from_regex(r"(BG|PL|RO)[A-Z0-9]{6}", fullmatch=True),
       guarantee_type=st.sampled_from("0123459ABR"),
       access_code=st.from_regex(r"[A-Z0-9]{4}", fullmatch=True),
       at=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2040, 1, 1),
                       timezones=st.just(UTC)))
def test_any_complete_declaration_validates(consignment: Consignment, lrn: str, office: str,
                                            guarantee_type: str, access_code: str, at: datetime) -> None:
    details = DETAILS.model_copy(update={"lrn": lrn, "office_of_departure": office,
                                         "guarantee_type": guarantee_type, "access_code": access_code})
    message = transit.build_cc015c(consignment, details, prepared_at=at)
    assert ET.fromstring(message).findtext("CustomsOfficeOfDeparture/referenceNumber") == office


@on_sqlite
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=80),
       description=st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=40))
def test_free_text_gives_a_valid_message_or_a_listed_problem_never_an_invalid_one(
        consignment: Consignment, name: str, description: str) -> None:
    consignee = consignment.consignee.model_copy(update={"name": name})
    items = tuple(i.model_copy(update={"description": description}) for i in consignment.items)
    changed = consignment.model_copy(update={"consignee": consignee, "items": items})
    try:
        message = transit.build_cc015c(changed, DETAILS, prepared_at=PREPARED)
    except MissingDataError as error:
        assert {m.field for m in error.missing} <= {"consignee.name",
                                                    *(f"items[{i}].description" for i in range(len(items)))}
    else:
        declared = ET.fromstring(message).findtext("HolderOfTheTransitProcedure/name") or ""
        assert re.sub(r"[\t\n\r]", " ", declared) == re.sub(r"[\t\n\r]", " ", name)
