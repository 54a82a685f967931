"""A watch on the event loop: a warning in the log whenever something held it.

Key checks, point reads and request parsing all run on a worker's event loop (see `karvan.api.auth`),
so while one piece of code holds it every request of that worker waits, and the access log's
durations do not show the wait. The watch sleeps in short steps and reports each step that overran
by more than the threshold; the access lines logged around it tell what was running.
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger("karvan.loop")

LAG_ENV = "KARVAN_LOOP_LAG_MS"
DEFAULT_THRESHOLD_MS = 100.0
STEP_S = 0.02
"""50 wake-ups a second: a few hundredths of a percent of a core."""


async def watch(threshold_ms: float = DEFAULT_THRESHOLD_MS, step_s: float = STEP_S) -> None:
    """Run until cancelled, logging every overrun of a `step_s` sleep longer than `threshold_ms`."""
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(step_s)
        lag_ms = (loop.time() - started - step_s) * 1000
        if lag_ms > threshold_ms:
            log.warning("event loop blocked for %.0f ms: requests of this worker waited meanwhile", lag_ms)
