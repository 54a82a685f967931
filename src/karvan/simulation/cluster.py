"""Replications as Ray tasks, on this machine or on a Ray cluster (the optional `karvan[ray]` extra).

A task runs one replication with the seed the process pool would give it, so the result is the same
whichever runs it. The network, scenario and data go into Ray's object store once; each task reads
them from there rather than receiving its own copy.

Without an address Ray is started for the run on this machine and stopped after it, listening on the
loopback interface only and without usage reporting. With an address (`host:port` of a cluster's head,
`ray://host:10001` for Ray Client, or `auto` for the cluster this machine has joined) the run connects
to a running cluster and leaves it running; every node needs the same karvan version installed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from karvan.errors import InputError
from karvan.network.network import Network
from karvan.simulation.data import SimulationData
from karvan.simulation.scenario import Scenario

LOOPBACK_ONLY = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
"""A Ray started here: no usage statistics sent, and its node bound to 127.0.0.1 (Ray's single-machine
mode; on Linux Ray otherwise announces the machine's network address). Read when `ray` is imported."""


def _replication(network: Network, scenario: Scenario, data: SimulationData,
                 replication: int) -> dict[str, Any]:
    from karvan.simulation.runner import run_replication

    return run_replication(network, scenario, data, replication)


def run_on_ray(scenario: Scenario, network: Network, data: SimulationData, address: str | None = None,
               num_cpus: int | None = None,
               on_done: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Every replication's summary, in replication order; `on_done(i)` as each one ends (any order).

    `num_cpus` caps a Ray started here (default: every core); a cluster decides its own.
    """
    if address is None:
        for name, value in LOOPBACK_ONLY.items():
            os.environ.setdefault(name, value)
    else:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError:
        raise InputError("Ray is not installed", field="--ray", fix="pip install 'karvan[ray]'") from None
    connected_here = not ray.is_initialized()
    if connected_here:
        if address is None:
            # ERROR: a Ray of our own needs no notice that it made itself an authentication token.
            ray.init(address="local", num_cpus=num_cpus, include_dashboard=False,
                     logging_level=logging.ERROR)
        else:
            ray.init(address=address, logging_level=logging.WARNING)
    try:
        task = ray.remote(_replication)
        network_ref, scenario_ref, data_ref = ray.put(network), ray.put(scenario), ray.put(data)
        refs = [task.remote(network_ref, scenario_ref, data_ref, i) for i in range(scenario.replications)]
        index = {ref: i for i, ref in enumerate(refs)}
        runs: dict[int, dict[str, Any]] = {}
        pending = list(refs)
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            for ref in finished:
                runs[index[ref]] = ray.get(ref)
                if on_done:
                    on_done(index[ref])
        return [runs[i] for i in range(len(refs))]
    finally:
        if connected_here:
            ray.shutdown()
