"""Live fan-out of stored events to listeners (the API's server-sent event streams).

Each process runs one `Hub`: a background thread that reads events stored after the last one it
saw (by sequence number) and hands each to the listeners whose filter accepts it. It wakes when this
process stored events (`wake`), when PostgreSQL notifies that another process did (LISTEN on
`CHANNEL`; writers NOTIFY in their transaction, so the notice arrives only after commit), and at
least every `POLL_SECONDS` otherwise, which also covers several processes sharing one SQLite file.
Reading from the database rather than passing events in memory means every listener sees exactly
what was committed, in commit order, whichever process wrote it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import psycopg

from karvan.store.db import Database
from karvan.tracking.notices import CHANNEL
from karvan.tracking.repository import EventFilter, StoredEvent, latest_seq, list_events

POLL_SECONDS = 1.0
log = logging.getLogger("karvan.tracking.hub")


@dataclass(eq=False)
class Listener:
    accepts: Callable[[StoredEvent], bool]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[StoredEvent] = field(default_factory=lambda: asyncio.Queue(maxsize=10_000))

    def offer(self, stored: StoredEvent) -> None:
        if self.accepts(stored):
            with contextlib.suppress(asyncio.QueueFull, RuntimeError):
                self.loop.call_soon_threadsafe(self.queue.put_nowait, stored)


READ_BATCH = 1000
GAP_GRACE_SECONDS = 60.0
"""How long a missing sequence number is waited for before the cursor moves past it for good."""


class SeqCursor:
    """Which stored events (by sequence number) were already handed on, when commits come out of order.

    On PostgreSQL two transactions take sequence numbers when they insert and may commit the other way
    round: the event with seq 11 can be visible before the one with seq 10. A cursor that simply moved
    to the highest seq read would never read 10. This one moves only past numbers it has read, or past
    a gap once it has waited `GAP_GRACE_SECONDS` there (a rolled-back insert leaves a gap for ever; a
    transaction holding its events longer than that, such as a very large bulk import, is not streamed
    live). Events above a gap are handed on once each, as soon as they are read.
    """

    def __init__(self, after: int) -> None:
        self.after = after
        """every seq up to this was handed on, or given up on"""
        self._taken: set[int] = set()
        """seqs above `after` handed on already (there is a gap below them)"""
        self._stuck_since: float | None = None

    def take(self, batch: list[StoredEvent], now: float) -> list[StoredEvent]:
        """The events of `batch` (read after `after`) not handed on before; `now` is a monotonic time."""
        fresh = [stored for stored in batch if stored.seq not in self._taken]
        self._taken.update(stored.seq for stored in fresh)
        while True:
            while self.after + 1 in self._taken:
                self.after += 1
                self._taken.discard(self.after)
            if not self._taken:
                self._stuck_since = None
                break
            if self._stuck_since is None:
                self._stuck_since = now
            if now - self._stuck_since < GAP_GRACE_SECONDS:
                break
            self.after = min(self._taken) - 1  # give up on the numbers below the lowest one read
            self._stuck_since = None
        return fresh


class Hub:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._listeners: set[Listener] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cursor = SeqCursor(0)

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            with self.db.session() as session:
                self._cursor = SeqCursor(latest_seq(session))
            self._thread = threading.Thread(target=self._run, name="karvan-tracking-hub", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wake(self) -> None:
        self._wake.set()

    def add(self, listener: Listener) -> None:
        self.start()
        with self._lock:
            self._listeners.add(listener)

    def remove(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.discard(listener)

    def _dispatch_new(self) -> None:
        position = self._cursor.after  # from below any gap: its events may have been committed since
        while True:
            with self.db.session() as session:
                batch = list_events(session, EventFilter(), after_seq=position, limit=READ_BATCH)
            fresh = self._cursor.take(batch, time.monotonic())
            if fresh:
                with self._lock:
                    listeners = list(self._listeners)
                for stored in fresh:
                    for listener in listeners:
                        listener.offer(stored)
            if len(batch) < READ_BATCH:
                return
            position = batch[-1].seq

    def _signals(self) -> Iterator[None]:
        """Yields whenever it is time to look for new events."""
        if self.db.dialect == "postgresql":
            url = self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                            pass
                        self._wake.clear()
                        yield
                    return
            except psycopg.Error:
                log.exception("LISTEN failed; falling back to polling")
        while not self._stop.is_set():
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            yield

    def _run(self) -> None:
        for _ in self._signals():
            try:
                self._dispatch_new()
            except Exception:  # the hub must outlive a failed read (e.g. a restarting database)
                log.exception("reading new events failed")
