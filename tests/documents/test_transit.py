"""The CC015C transit declaration: every missing data item listed; never returned unless it validates
against the official NCTS XSD set (bundled under data/ncts when complete)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from doc_corridor import instructions, seed_booking

from karvan.documents import notes, transit
from karvan.documents.errors import MissingDataError
from karvan.documents.model import Consignment
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.tenancy.principal import Principal

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PREPARED = datetime(2030, 5, 8, 10, 0, tzinfo=UTC)
DETAILS = transit.TransitDetails(lrn="KRV2030000017", office_of_departure="BG005800",
                                 office_of_destination="BG001000", holder_eori="BG123456789",
                                 holder_city="Sofia", guarantee_type="1",
                                 guarantee_reference="30BG0000000000001",
                                 access_code="AB12")


@pytest.fixture
def consignment(db: Database, network: Network, org_factory: Callable[..., Principal]) -> Consignment:
    shipper = org_factory()
    with db.write_session() as session:
        note = notes.draft_note(session, network, shipper, seed_booking(db, shipper.org_id), instructions())
        session.commit()
    return note.consignment


def _schema_complete() -> bool:
    return all((transit.schema_dir() / name).is_file() for name in transit.SCHEMA_FILES)


def test_every_missing_data_item_is_listed(consignment: Consignment) -> None:
    with pytest.raises(MissingDataError) as caught:
        transit.build_cc015c(consignment, transit.TransitDetails(lrn="KRV1"), prepared_at=PREPARED)
    assert {m.field for m in caught.value.missing} == {
        "transit.office_of_departure", "transit.office_of_destination", "transit.holder_eori",
        "transit.holder_city", "transit.guarantee_type", "transit.guarantee_reference", "transit.access_code"}


def test_the_eu_entry_is_the_first_eu_place(consignment: Consignment) -> None:
    assert transit.entry_point(consignment) == "BGSOF"


@pytest.mark.skipif(_schema_complete(), reason="the NCTS XSD set is bundled")
def test_without_the_official_xsd_no_message_is_produced(consignment: Consignment) -> None:
    with pytest.raises(transit.SchemaUnavailableError, match=r"ctypes\.xsd"):
        transit.build_cc015c(consignment, DETAILS, prepared_at=PREPARED)


@pytest.mark.skipif(not _schema_complete(),
                    reason="the NCTS XSD set is not bundled yet: see data/ncts/README.md")
def test_a_complete_declaration_validates_against_the_official_xsd(consignment: Consignment) -> None:
    message = transit.build_cc015c(consignment, DETAILS, prepared_at=PREPARED)
    assert transit.validation_errors(message) == []
