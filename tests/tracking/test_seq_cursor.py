"""The hub's cursor over stored events when transactions commit out of sequence order."""

from __future__ import annotations

from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from karvan.tracking.hub import GAP_GRACE_SECONDS, SeqCursor
from karvan.tracking.repository import StoredEvent


def _stored(seq: int) -> StoredEvent:
    return StoredEvent(seq=seq, event=cast(Any, None), received_at="")


def _read(cursor: SeqCursor, visible: set[int], now: float = 0.0) -> list[int]:
    """What one dispatch hands on: the visible events after the cursor, in seq order."""
    batch = [_stored(seq) for seq in sorted(visible) if seq > cursor.after]
    return [stored.seq for stored in cursor.take(batch, now)]


@given(st.permutations(list(range(1, 30))), st.lists(st.integers(1, 5), min_size=1, max_size=30))
def test_every_event_is_handed_on_once_whatever_the_commit_order(commit_order: list[int],
                                                                 steps: list[int]) -> None:
    cursor, visible, handed = SeqCursor(0), set[int](), list[int]()
    position, step = 0, 0
    while position < len(commit_order):
        commits = steps[step % len(steps)]
        visible.update(commit_order[position:position + commits])
        position, step = position + commits, step + 1
        handed += _read(cursor, visible)
    handed += _read(cursor, visible)
    assert sorted(handed) == list(range(1, 30))  # each once
    assert cursor.after == 29


def test_a_gap_that_never_fills_is_passed_after_the_grace_period() -> None:
    cursor = SeqCursor(0)
    assert _read(cursor, {1, 2, 4, 5}, now=0.0) == [1, 2, 4, 5]  # 3 was rolled back, or is still open
    assert cursor.after == 2
    assert _read(cursor, {1, 2, 4, 5}, now=GAP_GRACE_SECONDS - 1) == []
    assert cursor.after == 2  # still waiting for 3
    assert _read(cursor, {1, 2, 3, 4, 5}, now=GAP_GRACE_SECONDS - 0.5) == [3]  # late commit: handed on
    assert cursor.after == 5
    assert _read(cursor, {1, 2, 3, 4, 5, 7}, now=100.0) == [7]
    assert _read(cursor, {1, 2, 3, 4, 5, 7}, now=100.0 + GAP_GRACE_SECONDS) == []
    assert cursor.after == 7  # 6 never came: given up on
