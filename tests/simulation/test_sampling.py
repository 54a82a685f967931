import random

from hypothesis import given, settings
from hypothesis import strategies as st

from karvan.simulation.sampling import poisson, sample_hours


@given(st.floats(0.5, 500), st.floats(1.0, 4.0))
@settings(max_examples=30, deadline=None)
def test_samples_are_positive(p50: float, ratio: float) -> None:
    rng = random.Random(1)
    assert all(sample_hours(rng, p50, p50 * ratio) > 0 for _ in range(50))


def test_lognormal_reproduces_the_two_quantiles() -> None:
    rng = random.Random(3)
    draws = sorted(sample_hours(rng, 10.0, 30.0) for _ in range(20_000))
    assert abs(draws[10_000] - 10.0) < 0.5
    assert abs(draws[18_000] - 30.0) < 1.5


def test_equal_quantiles_give_a_fixed_time_and_zero_gives_none() -> None:
    rng = random.Random(3)
    assert sample_hours(rng, 12.0, 12.0) == 12.0
    assert sample_hours(rng, 0.0, 5.0) == 0.0


def test_poisson_mean_small_and_large() -> None:
    rng = random.Random(5)
    for mean in (0.7, 4.0, 80.0):
        draws = [poisson(rng, mean) for _ in range(5000)]
        assert all(d >= 0 for d in draws)
        assert abs(sum(draws) / len(draws) - mean) < 0.05 * mean + 0.05
