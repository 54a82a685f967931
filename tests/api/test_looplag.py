"""The event-loop watch reports code that holds the loop, and stays quiet otherwise."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from karvan.api import looplag


async def _watch_while(hold_s: float, threshold_ms: float) -> None:
    watcher = asyncio.create_task(looplag.watch(threshold_ms=threshold_ms, step_s=0.01))
    await asyncio.sleep(0.05)
    time.sleep(hold_s)  # a blocking call on the loop, as a slow inline read would be
    await asyncio.sleep(0.05)
    watcher.cancel()


def test_a_blocked_loop_is_logged_with_how_long(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="karvan.loop"):
        asyncio.run(_watch_while(0.4, threshold_ms=100))
    [record] = caplog.records
    blocked_ms = float(record.getMessage().split("blocked for ")[1].split(" ms")[0])
    assert blocked_ms >= 300  # at least the 400 ms held, less one step; no upper bound (machines are noisy)


def test_a_free_loop_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="karvan.loop"):
        asyncio.run(_watch_while(0.0, threshold_ms=1000))  # a threshold no busy test machine reaches
    assert caplog.records == []
