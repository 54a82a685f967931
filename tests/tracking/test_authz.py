"""Who may report events (tracking/authz.py): the network is loaded only when an operator reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from karvan.errors import PermissionDeniedError
from karvan.network.loader import load_network
from karvan.network.network import Network
from karvan.store.models import OrgKind, Scope
from karvan.tenancy.principal import Principal
from karvan.tracking import authz
from karvan.tracking.model import Classifier, ContainerEvent, EventType

LOAD = ContainerEvent(event_id="ev-1", event_type=EventType.EQUIPMENT, code="LOAD", classifier=Classifier.ACT,
                      event_time=datetime(2026, 11, 3, 6, tzinfo=UTC), container="CSQU3054383",
                      locode="CNXIA")
CHINA_RAILWAY = Principal(org_id="org-cr", org_kind=OrgKind.RAILWAY, scopes=frozenset({Scope.WRITE}),
                          operator_codes=frozenset({"CR"}))


def test_an_administrator_batch_never_loads_the_network() -> None:
    def no_network() -> Network:
        raise AssertionError("the network was loaded for an administrator")

    assert authz.check_reporter(Principal.system(), [(0, LOAD)], no_network) == [(0, LOAD)]


def test_an_operator_batch_is_checked_against_the_loaded_network() -> None:
    loads: list[int] = []

    def network() -> Network:
        loads.append(1)
        return load_network()

    [(index, event)] = authz.check_reporter(CHINA_RAILWAY, [(0, LOAD)], network)
    assert (index, event.operator, loads) == (0, "CR", [1])
    with pytest.raises(PermissionDeniedError, match="place KZAAU"):
        authz.check_reporter(CHINA_RAILWAY, [(0, LOAD), (1, replace(LOAD, locode="KZAAU"))], network)
