"""Shipments: validated containers and parties, private to their organisation, findable by container."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from karvan.booking.shipments import ShipmentIn, create_shipment, get_shipment, list_shipments
from karvan.errors import NotFoundError
from karvan.store.db import Database
from karvan.store.models import AuditEntry
from karvan.tenancy.principal import Principal

PARTIES = {"shipper": {"name": "Xi'an Electronics Co.", "country": "CN"},
           "consignee": {"name": "Aktau Trading LLP", "country": "KZ"}}


def container(number: str = "CSQU3054383", **changes: Any) -> dict[str, Any]:
    return {"number": number, "container_type": "40HC", "gross_kg": 18_000,
            "cargo_description": "laptop computers", "hs_code": "847130", **changes}


def shipment(*containers: dict[str, Any]) -> ShipmentIn:
    return ShipmentIn.model_validate({"reference": "PO-1", "parties": PARTIES,
                                      "containers": list(containers) or [container()]})


def test_a_shipment_round_trips_with_an_audit_entry(db: Database,
                                                    org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    data = shipment(container(), container("MSKU1234565", gross_kg=12_000))
    with db.write_session() as session:
        created = create_shipment(session, shipper, data)
        session.commit()
    with db.session() as session:
        read = get_shipment(session, shipper, created.id)
        entries = session.query(AuditEntry).filter_by(entity_id=created.id).all()
    assert read.containers == data.containers and read.parties == data.parties
    assert read.gross_kg == 30_000
    assert [(e.action, e.actor) for e in entries] == [("shipment.create", shipper.actor)]


def test_a_container_cannot_be_listed_twice() -> None:
    with pytest.raises(ValidationError, match="listed twice"):
        shipment(container(), container())


def test_shipments_are_private_and_found_by_container(db: Database,
                                                      org_factory: Callable[..., Principal]) -> None:
    mine, theirs = org_factory(actor="a"), org_factory(actor="b")
    with db.write_session() as session:
        first = create_shipment(session, mine, shipment())
        create_shipment(session, mine, shipment(container("MSKU1234565")))
        session.commit()
    with db.session() as session:
        with pytest.raises(NotFoundError):
            get_shipment(session, theirs, first.id)
        assert list_shipments(session, theirs).items == []
        found = list_shipments(session, mine, container="csqu3054383").items
        assert [s.id for s in found] == [first.id]
