"""Helpers of the documents tests: a three-railway corridor whose law changes from SMGS to CIM, and
a confirmed booking on it.

Xi'an (CN) -CNR-> Altynkol (KZ) -KTZ-> Baku (AZ) -TCDD-> Sofia (BG, in the EU)
China and Kazakhstan apply SMGS only, Azerbaijan both, Turkey's railway CIM only: the note changes law
at Baku, where TCDD takes the consignment over. Bookings are written as rows (the booking capability's
own tests cover how they are made); dates are fixed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from karvan.documents.build import ConsignorInstructions
from karvan.network.model import Link, Operator, Place, Schedule, Service
from karvan.network.network import Network
from karvan.store.booking_models import BookingLegRow, BookingRow, QuoteRow, ShipmentContainerRow, ShipmentRow
from karvan.store.db import Database
from karvan.store.models import Departure, new_id

SOURCE = "test fixture"
DEPARTS = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)
STOPS = (("CNXIA", "CN"), ("KZ-ALTYN", "KZ"), ("AZBAK", "AZ"), ("BGSOF", "BG"))
NAMES = {"CNXIA": "Xi'an", "KZ-ALTYN": "Altynkol", "AZBAK": "Baku", "BGSOF": "Sofia"}
LEGS = (("train-cn", "CNR"), ("train-kz", "KTZ"), ("train-tr", "TCDD"))
CONTAINERS = ("CSQU3054383", "MSKU9070323")


def corridor() -> Network:
    places = [Place(code=code, name=NAMES[code], country=country, lat=40.0, lon=60.0 + i,
                    timezone="UTC", kinds=("rail_terminal",), source=SOURCE)
              for i, (code, country) in enumerate(STOPS)]
    links = [Link(id=f"l{i}", a=a[0], b=b[0], mode="rail", distance_km=1000, gauge="1520",
                  traction="electric", source=SOURCE) for i, (a, b) in enumerate(pairwise(STOPS))]
    daily = Schedule(weekdays=(0, 1, 2, 3, 4, 5, 6))
    services = [Service(id=sid, name=sid, operator=op, kind="block_train", mode="rail",
                        stops=(STOPS[i][0], STOPS[i + 1][0]), run_hours=(24,), schedule=daily,
                        capacity_teu=50, tariff_usd={"40HC": 1000}, source=SOURCE)
                for i, (sid, op) in enumerate(LEGS)]
    operators = [Operator(code=op, name=f"{op} railway", kind="railway", country=country, source=SOURCE)
                 for op, country in (("CNR", "CN"), ("KTZ", "KZ"), ("TCDD", "TR"))]
    return Network.from_records(places, links, services, operators=operators)


def seed_booking(db: Database, org_id: str, *, with_shipment: bool = True, addresses: bool = True,
                 dangerous: bool = False, status: str = "confirmed") -> str:
    """A booking of `org_id` over the three legs, with a shipment of two 40HC containers."""
    address = "1 Silk Road" if addresses else ""
    parties = {"shipper": {"name": "Xi'an Electronics Co.", "address": address, "country": "CN"},
               "consignee": {"name": "Sofia Trading EOOD", "address": address, "country": "BG",
                             "tax_id": "BG123456789"}}
    with db.write_session() as session:
        quote = QuoteRow(org_id=org_id, created_by="test", valid_until=DEPARTS, request={}, itineraries=[])
        session.add(quote)
        shipment_id = None
        if with_shipment:
            shipment = ShipmentRow(org_id=org_id, created_by="test", parties=parties, containers=[
                ShipmentContainerRow(position=i, number=n, container_type="40HC", gross_kg=20_000.0,
                                     cargo_description="laptop computers", hs_code="847130",
                                     dangerous_goods_class="9" if dangerous and i == 0 else None)
                for i, n in enumerate(CONTAINERS)])
            session.add(shipment)
            session.flush()
            shipment_id = shipment.id
        session.flush()
        booking = BookingRow(id=new_id("bkg"), org_id=org_id, created_by="test", quote_id=quote.id,
                             itinerary_index=0, shipment_id=shipment_id, status=status, teu=4,
                             reefer_plugs=0, price_usd=3000.0, departs_at=DEPARTS,
                             arrives_at=DEPARTS + timedelta(days=3))
        for i, (sid, op) in enumerate(LEGS):
            departure = Departure(org_id=org_id, operator_code=op, service_id=sid, origin=STOPS[i][0],
                                  destination=STOPS[i + 1][0], departs_at=DEPARTS + timedelta(days=i),
                                  capacity_teu=50, booked_teu=4)
            session.add(departure)
            session.flush()
            booking.legs.append(BookingLegRow(
                position=i, departure_id=departure.id, service_id=sid, operator_code=op,
                origin=STOPS[i][0], destination=STOPS[i + 1][0], departs_at=DEPARTS + timedelta(days=i),
                arrives_at=DEPARTS + timedelta(days=i, hours=24)))
        session.add(booking)
        session.commit()
        return booking.id


def instructions_json(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "containers": [{"number": n, "tare_kg": 3900, "seals": [f"SEAL{i}1", f"SEAL{i}2"],
                        "package_quantity": 400, "package_type_code": "CT"}
                       for i, n in enumerate(CONTAINERS)],
        "incoterm": "FCA", "incoterm_place": "Xi'an",
        "payer_codes": {"CNR": "CN-0001", "KTZ": "KZ-7788", "TCDD": "TR-4242"},
        "declarations": ["Goods loaded by the consignor"],
        "attached_documents": [{"type_code": "N380", "id": "INV-2030-17", "name": "commercial invoice"}],
    }
    data.update(changes)
    return data


def instructions(**changes: Any) -> ConsignorInstructions:
    return ConsignorInstructions.model_validate(instructions_json(**changes))
