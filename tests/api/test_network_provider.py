"""The API's network: the files are looked at again at most once per NETWORK_RECHECK_S."""

from __future__ import annotations

import pytest

from karvan.api import app as app_module
from karvan.network.loader import load_network


def test_the_network_files_are_rechecked_at_most_once_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = load_network(use_env=False)
    loads: list[float] = []
    clock = [100.0]

    def counting_load() -> object:
        loads.append(clock[0])
        return bundled

    monkeypatch.setattr(app_module, "load_network", counting_load)
    monkeypatch.setattr(app_module.time, "monotonic", lambda: clock[0])
    provide = app_module._network_provider(None)
    assert provide() is bundled and loads == [100.0]
    clock[0] += app_module.NETWORK_RECHECK_S / 2
    provide()
    assert loads == [100.0]  # served from memory within the recheck interval
    clock[0] += app_module.NETWORK_RECHECK_S
    provide()
    assert loads == [100.0, clock[0]]


def test_a_given_network_is_served_as_it_is() -> None:
    network = load_network(use_env=False)
    assert app_module._network_provider(network)() is network
