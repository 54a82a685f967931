"""The hub hands every committed event to listeners, whichever process (here: engine) stored it; on
PostgreSQL through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio

from dcsa_events import dcsa30_event

from karvan.network.loader import load_network
from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import service
from karvan.tracking.formats import Document, from_json
from karvan.tracking.hub import Hub, Listener
from karvan.tracking.repository import StoredEvent


def _document(container: str, minute: int) -> Document:
    return from_json({"events": [dcsa30_event(f"hub-{container}-{minute}", "EQUIPMENT", "DISC",
                                              f"2026-11-07T09:{minute:02d}:00+05:00", container=container,
                                              locode="KZAAU")]})


def test_listener_gets_events_stored_by_another_engine_and_only_those_it_accepts(database_url: str) -> None:
    listening_db, writing_db = Database(database_url), Database(database_url)
    hub = Hub(listening_db)

    async def scenario() -> list[StoredEvent]:
        listener = Listener(lambda s: s.event.container == "CSQU3054383", asyncio.get_running_loop())
        hub.add(listener)
        network = load_network()
        for minute, container in enumerate(["MSKU1234565", "CSQU3054383", "CSQU3054383"]):
            document = _document(container, minute)
            await asyncio.to_thread(service.import_document, writing_db, document, Principal.system(),
                                    network)
        received = [await asyncio.wait_for(listener.queue.get(), 10) for _ in range(2)]
        await asyncio.sleep(0.3)
        assert listener.queue.empty()
        return received

    try:
        received = asyncio.run(scenario())
    finally:
        hub.stop()
        listening_db.dispose()
        writing_db.dispose()
    assert [s.event.event_id for s in received] == ["hub-CSQU3054383-1", "hub-CSQU3054383-2"]
    assert [s.seq for s in received] == sorted(s.seq for s in received)
