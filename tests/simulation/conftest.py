"""Fixtures for simulation tests (the synthetic corridor itself is in sim_corridor.py)."""

from __future__ import annotations

import pytest
from sim_corridor import corridor

from karvan.network.network import Network
from karvan.simulation.data import SimulationData


@pytest.fixture
def network() -> Network:
    return corridor()


@pytest.fixture
def no_data() -> SimulationData:
    return SimulationData()
