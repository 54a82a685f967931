from sim_corridor import corridor, scenario

from karvan.simulation.data import SimulationData
from karvan.simulation.runner import interval, replication_seed, simulate


def test_interval_contains_the_mean_and_shrinks_with_agreement() -> None:
    wide = interval([1.0, 5.0, 9.0])
    narrow = interval([4.9, 5.0, 5.1])
    assert wide["ci95_low"] < wide["mean"] < wide["ci95_high"]
    assert narrow["ci95_high"] - narrow["ci95_low"] < wide["ci95_high"] - wide["ci95_low"]
    assert interval([]) == {"mean": None, "ci95_low": None, "ci95_high": None}


def test_replication_seeds_differ_and_are_stable() -> None:
    assert replication_seed(1, 0) != replication_seed(1, 1)
    assert replication_seed(1, 0) == replication_seed(1, 0)


def test_parallel_and_serial_runs_agree() -> None:
    s = scenario(replications=2, horizon_days=60)
    serial = simulate(s, corridor(), SimulationData(), workers=1)
    parallel = simulate(s, corridor(), SimulationData(), workers=2)
    assert serial == parallel
    summary = serial["summary"]
    assert summary["replications"] == 2
    teu = summary["corridors"]["CNXIA-GETBS"]["teu_per_year"]
    assert teu["ci95_low"] <= teu["mean"] <= teu["ci95_high"]
