"""Building the note: route, carriers' sections and law from the booking; everything missing at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from doc_corridor import CONTAINERS, instructions, seed_booking

from karvan.booking.bookings import get_booking
from karvan.booking.shipments import get_shipment
from karvan.documents.build import build_note
from karvan.documents.errors import MissingDataError
from karvan.documents.model import Consignment, RailLaw
from karvan.documents.signing import sha256_hex
from karvan.errors import ConflictError
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.tenancy.principal import Principal


def _build(db: Database, network: Network, shipper: Principal, booking_id: str,
           **changes: object) -> Consignment:
    with db.session() as session:
        booking = get_booking(session, shipper, booking_id)
        shipment = get_shipment(session, shipper, booking.shipment_id) if booking.shipment_id else None
    return build_note(booking, shipment, network, instructions(**changes), issuer_org_id=shipper.org_id,
                      note_number="cn_test", version=1)


def test_sections_follow_the_booking_and_change_law_where_cim_begins(
        db: Database, network: Network, org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    note = _build(db, network, shipper, seed_booking(db, shipper.org_id))
    assert [(s.carrier_id, s.law) for s in note.carrier_sections] == [
        ("CNR", RailLaw.SMGS), ("KTZ", RailLaw.SMGS), ("TCDD", RailLaw.CIM)]
    assert note.law_changes_at == ("AZBAK: SMGS -> CIM",)
    assert [s.payer_code for s in note.carrier_sections] == ["CN-0001", "KZ-7788", "TR-4242"]
    assert note.departure_location.id == "CNXIA" and note.destination_location.id == "BGSOF"
    assert [e.id for e in note.transport_equipment] == list(CONTAINERS)
    assert note.items[0].gross_weight_kg == 20_000 - 3900


def test_every_missing_item_is_listed_at_once(db: Database, network: Network,
                                              org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    booking_id = seed_booking(db, shipper.org_id, addresses=False, dangerous=True)
    bare = [{"number": CONTAINERS[0]}]
    with pytest.raises(MissingDataError) as caught:
        _build(db, network, shipper, booking_id, containers=bare, incoterm=None, payer_codes={"CNR": "1"})
    fields = {m.field for m in caught.value.missing}
    assert fields == {
        f"instructions.containers[{CONTAINERS[0]}].tare_kg",
        f"instructions.containers[{CONTAINERS[0]}].seals",
        f"instructions.containers[{CONTAINERS[0]}].package_quantity",
        f"instructions.containers[{CONTAINERS[0]}].un_number", f"instructions.containers[{CONTAINERS[1]}]",
        "instructions.incoterm", "instructions.payer_codes.KTZ", "instructions.payer_codes.TCDD",
        "shipment.parties.shipper.address", "shipment.parties.consignee.address"}


def test_a_booking_without_shipment_names_it(db: Database, network: Network,
                                             org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    with pytest.raises(MissingDataError) as caught:
        _build(db, network, shipper, seed_booking(db, shipper.org_id, with_shipment=False))
    assert [m.field for m in caught.value.missing] == ["booking.shipment_id"]


def test_only_a_confirmed_booking_gets_a_note(db: Database, network: Network,
                                              org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    with pytest.raises(ConflictError, match="cancelled"):
        _build(db, network, shipper, seed_booking(db, shipper.org_id, status="cancelled"))


def test_dangerous_goods_carry_un_number_and_class(db: Database, network: Network,
                                                   org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    containers = instructions().model_dump()["containers"]
    containers[0]["un_number"] = "3480"
    booking_id = seed_booking(db, shipper.org_id, dangerous=True)
    note = _build(db, network, shipper, booking_id, containers=containers)
    dangerous = note.items[0].dangerous_goods
    assert dangerous is not None
    assert (dangerous.un_dangerous_goods_id, dangerous.hazard_class_code) == ("3480", "9")
    assert note.items[1].dangerous_goods is None


def test_masses_add_up_and_the_same_input_hashes_the_same(db: Database, network: Network,
                                                          org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    booking_id = seed_booking(db, shipper.org_id)
    first, again = (_build(db, network, shipper, booking_id) for _ in range(2))
    tare = sum(e.tare_weight_kg for e in first.transport_equipment)
    assert sum(i.gross_weight_kg for i in first.items) + tare == first.total_gross_weight_kg
    assert sha256_hex(first) == sha256_hex(again)
