"""A two-service corridor for booking tests, and organisations managing its operators.

Xi'an -(train-cn, operator CNR, 10 TEU, 2 plugs, dangerous goods)- Altynkol
      -(train-kz, operator KTZ, 6 TEU, 2 plugs, no dangerous goods)- Aktau
Both run daily. Capacities are small so that tests can fill a departure.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import time

import pytest

from karvan.network.model import Link, Operator, Place, Schedule, Service
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

SOURCE = "test fixture"


def corridor() -> Network:
    places = [
        Place(code="CNXIA", name="Xi'an", country="CN", lat=34.28, lon=108.95, timezone="Asia/Shanghai",
              kinds=("rail_terminal",), source=SOURCE),
        Place(code="KZ-ALTYN", name="Altynkol", country="KZ", lat=44.2, lon=80.3, timezone="Asia/Almaty",
              kinds=("border_crossing", "rail_terminal"), source=SOURCE),
        Place(code="KZAAU", name="Aktau", country="KZ", lat=43.65, lon=51.15, timezone="Asia/Aqtau",
              kinds=("sea_port", "rail_terminal"), source=SOURCE),
    ]
    links = [
        Link(id="xia-altyn", a="CNXIA", b="KZ-ALTYN", mode="rail", distance_km=3400, gauge="1435",
             traction="electric", source=SOURCE),
        Link(id="altyn-aktau", a="KZ-ALTYN", b="KZAAU", mode="rail", distance_km=3000, gauge="1520",
             traction="electric", source=SOURCE),
    ]
    daily = Schedule(weekdays=(0, 1, 2, 3, 4, 5, 6), departure_time=time(8, 0))
    services = [
        Service(id="train-cn", name="Xi'an - Altynkol", operator="CNR", kind="block_train", mode="rail",
                stops=("CNXIA", "KZ-ALTYN"), run_hours=(90,), schedule=daily, capacity_teu=10,
                reefer_plugs=2, dangerous_goods=True,
                tariff_usd={"20GP": 1200, "40HC": 2000, "40RF": 2600}, source=SOURCE),
        Service(id="train-kz", name="Altynkol - Aktau", operator="KTZ", kind="block_train", mode="rail",
                stops=("KZ-ALTYN", "KZAAU"), run_hours=(80,), schedule=daily, capacity_teu=6,
                reefer_plugs=2, tariff_usd={"20GP": 900, "40HC": 1500, "40RF": 1900}, source=SOURCE),
    ]
    operators = [
        Operator(code="CNR", name="China Railway", kind="railway", country="CN", source=SOURCE),
        Operator(code="KTZ", name="Kazakhstan Temir Zholy", kind="railway", country="KZ", source=SOURCE),
    ]
    return Network.from_records(places, links, services, operators=operators)


@pytest.fixture
def network() -> Network:
    return corridor()


def make_org(db: Database, kind: OrgKind, operators: tuple[str, ...] = (), actor: str = "test") -> Principal:
    """An organisation created through the tenancy core, as a principal holding a write key."""
    with db.write_session() as session:
        name = f"{kind.value}-{actor}-{uuid.uuid4().hex[:8]}"
        org = orgs.create_org(session, Principal.system(), name=name, kind=kind, operator_codes=operators)
        session.commit()
        org_id = org.id
    return Principal(org_id=org_id, org_kind=kind, scopes=Scope.WRITE.granted,
                     operator_codes=frozenset(operators), actor=actor)


@pytest.fixture
def org_factory(db: Database) -> Callable[..., Principal]:
    def make(kind: OrgKind = OrgKind.SHIPPER, operators: tuple[str, ...] = (),
             actor: str = "test") -> Principal:
        return make_org(db, kind, operators, actor)

    return make


@pytest.fixture
def operators(org_factory: Callable[..., Principal]) -> tuple[Principal, Principal]:
    """The railways managing the corridor's two operators."""
    return (org_factory(OrgKind.RAILWAY, ("CNR",), actor="cnr"),
            org_factory(OrgKind.RAILWAY, ("KTZ",), actor="ktz"))
