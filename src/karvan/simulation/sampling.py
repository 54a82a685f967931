"""Random durations from the p50/p90 figures of the network.

The network gives run and dwell times as a median (p50) and a 90th percentile (p90). The simulation
draws from the lognormal distribution with exactly those two quantiles: median exp(mu) = p50 and
exp(mu + 1.2816 sigma) = p90, so sigma = ln(p90/p50) / 1.2816 (1.2816 is the standard normal 0.9
quantile). A lognormal is positive and right-skewed, like waits at borders and ports. When p90 equals
p50 the time is fixed; a p50 of zero means no time at all.
"""

from __future__ import annotations

import math
import random

Z90 = 1.2815515655446004
"""Standard normal 0.9 quantile."""


def lognormal_sigma(p50: float, p90: float) -> float:
    if p50 <= 0 or p90 <= p50:
        return 0.0
    return math.log(p90 / p50) / Z90


def sample_hours(rng: random.Random, p50: float, p90: float) -> float:
    """One duration (hours) from the lognormal with median p50 and 90th percentile p90."""
    if p50 <= 0:
        return 0.0
    sigma = lognormal_sigma(p50, p90)
    if sigma == 0.0:
        return p50
    return p50 * math.exp(sigma * rng.gauss(0.0, 1.0))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count: exact (Knuth) for small means, the rounded normal approximation above 30."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
