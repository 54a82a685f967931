"""Bulk import (worker processes check, this process stores) gives what the ordinary import gives.

Chunks and insert batches are made tiny here so that repeats, errors and inserts cross their borders.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from karvan.cli.main import app
from karvan.store.db import Database
from karvan.store.models import OrgKind
from karvan.store.tracking_models import WebhookDeliveryRow
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal
from karvan.tracking import bulk, outbox, service
from karvan.tracking.formats import Document, Format, csvrows
from karvan.tracking.ingest import InvalidEventsError
from karvan.tracking.repository import EVENTS

FIXTURES = Path(__file__).parent / "fixtures"
CONTAINERS = ("CSQU3054383", "MSKU1234565")
OFFSETS = ("+00:00", "+05:00")


@pytest.fixture(autouse=True)
def _tiny_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "_CHUNK_EVENTS", 3)


def raw(hour: int, event_id: str = "", offset: str = "+00:00", **changes: Any) -> dict[str, Any]:
    """A Karvan event; `hour` is in UTC whatever the offset it is written with."""
    shift = int(offset[1:3])
    event = {"type": "EQUIPMENT", "code": "LOAD", "classifier": "ACT", "container": CONTAINERS[hour % 2],
             "time": f"2026-03-{1 + (hour + shift) // 24:02d}T{(hour + shift) % 24:02d}:00:00{offset}",
             "locode": "KZDOS"}
    if event_id:
        event["eventId"] = event_id
    return {**event, **changes}


def stored_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every stored row without its sequence number and reception time, in a stable order."""
    columns = [c for c in EVENTS.columns if c.name not in ("seq", "received_at")]
    with db.session() as session:
        return sorted(tuple(r) for r in session.execute(select(*columns)).all())


def deliveries(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(WebhookDeliveryRow)) or 0


@pytest.fixture
def sqlite_pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two database files, overwritten from the migrated template by each example."""
    return tmp_path / "bulk.db", tmp_path / "ordinary.db"


events_lists = st.lists(
    st.builds(raw, hour=st.integers(0, 5), event_id=st.sampled_from(["", "a", "b"]),
              offset=st.sampled_from(OFFSETS)),
    min_size=1, max_size=14)


@pytest.mark.parametrize("as_csv", [False, True], ids=["document, workers", "csv file, duckdb"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=events_lists, second=events_lists)
def test_bulk_and_ordinary_imports_store_the_same_rows_and_counts(
        sqlite_template: Path, sqlite_pair: tuple[Path, Path], tmp_path: Path, as_csv: bool,
        first: list[dict[str, Any]], second: list[dict[str, Any]]) -> None:
    """A document checked by workers, or a CSV file checked in DuckDB and stored with SQLite's indexes
    rebuilt: repeats within a file (the rebuild fails and the rows go in again one by one) and against
    stored rows (a re-sent file keeps the indexes) come out as in the ordinary import, in order."""
    bulk_path, ordinary_path = sqlite_pair
    results = []
    for path in (bulk_path, ordinary_path):
        shutil.copyfile(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
        try:
            counts = []
            for n, events in enumerate((first, second, first)):  # later imports meet earlier rows
                source = write_csv(tmp_path / f"{n}.csv", events) if as_csv else None
                document = Document(Format.CSV if as_csv else Format.KARVAN,
                                    csvrows.unwrap(source.path.read_text()) if source else events)
                if path == bulk_path:
                    report = bulk.import_bulk(db, source or document, workers=2).summary()
                else:
                    report = service.import_document(db, document, Principal.system(), lambda: None).summary()
                counts.append((report["accepted"], report["duplicates"]))
            results.append((counts, stored_rows(db), seqs(db)))
        finally:
            db.dispose()
    assert results[0] == results[1]


def test_an_invalid_event_in_a_later_chunk_stores_nothing_and_is_named(db: Database) -> None:
    events = [raw(h) for h in range(8)]
    events[6] = raw(6, locode="KZQQQ")
    with pytest.raises(InvalidEventsError) as refused:
        bulk.import_bulk(db, Document(Format.KARVAN, events), workers=2)
    assert [(e.index, e.field) for e in refused.value.errors] == [(6, "locode")]
    assert stored_rows(db) == []
    report = bulk.import_bulk(db, Document(Format.KARVAN, events), partial=True, workers=2).summary()
    assert report["accepted"] == 7 and report["rejected"] == 1 and report["errors"][0]["index"] == 6
    assert len(stored_rows(db)) == 7


def test_bulk_imported_events_reach_webhook_subscribers(db: Database) -> None:
    with db.write_session() as session:
        admin = orgs.create_org(session, Principal.system(), name="watcher", kind=OrgKind.CORRIDOR_ADMIN)
        outbox.subscribe(session, admin.id, "http://127.0.0.1:9/hook")
        session.commit()
    report = bulk.import_bulk(db, Document(Format.KARVAN, [raw(h) for h in range(5)]), workers=2)
    assert report.accepted == 5 and deliveries(db) == 5


def test_cli_imports_large_files_in_bulk_with_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "MIN_EVENTS", 2)
    runner = CliRunner()
    imported = runner.invoke(app, ["events", "import", str(FIXTURES / "events.csv")])
    assert imported.exit_code == 0 and imported.stdout.startswith("accepted 4, duplicates 0, rejected 0")
    again = runner.invoke(app, ["events", "import", str(FIXTURES / "events.csv")])
    assert again.exit_code == 0 and again.stdout.startswith("accepted 0, duplicates 4, rejected 0")
    tracked = runner.invoke(app, ["track", "CSQU3054383", "--json"])
    assert tracked.exit_code == 0 and '"locode": "GEGAR"' in tracked.stdout


def test_repeats_within_and_across_imports_count_as_duplicates(db: Database) -> None:
    first = [raw(0, "a"), raw(1), raw(0, "b", offset="+05:00"), raw(2, "a"), raw(3)]  # 2: same instant
    report = bulk.import_bulk(db, Document(Format.KARVAN, first), workers=2)
    assert (report.accepted, report.duplicates) == (3, 2)
    report = bulk.import_bulk(db, Document(Format.KARVAN, [*first, raw(4)]), workers=2)
    assert (report.accepted, report.duplicates) == (1, 5)
    assert len(stored_rows(db)) == 4


cells = st.text(st.sampled_from('ab,"\n\r '), max_size=6)


@settings(max_examples=60, deadline=None)
@given(records=st.lists(st.tuples(cells, cells), max_size=12), blank_after=st.sets(st.integers(0, 12)))
def test_a_csv_file_read_in_chunks_gives_the_records_of_the_whole_file(
        tmp_path_factory: pytest.TempPathFactory, records: list[tuple[str, str]],
        blank_after: set[int]) -> None:
    """Quoted commas, quotes and line breaks inside fields never split a record between chunks."""
    lines = ["type,code,classifier,time,facility,operator\r\n"]
    for i, (facility, operator) in enumerate(records):
        buffer = io.StringIO()
        csv.writer(buffer).writerow(["EQUIPMENT", "LOAD", "ACT", f"t{i}", facility, operator])
        lines.append(buffer.getvalue() + ("\r\n" if i in blank_after else ""))
    path = tmp_path_factory.mktemp("csv") / "events.csv"
    path.write_text("".join(lines), encoding="utf-8", newline="")
    whole = csvrows.unwrap(path.read_text(encoding="utf-8"))
    chunks = list(bulk.CsvFile(path).chunks(datetime(2026, 1, 1, tzinfo=UTC)))
    parts = [csvrows.unwrap(chunk.csv_text) for chunk in chunks]
    assert [row for part in parts for row in part] == whole
    assert [chunk.start for chunk in chunks] == [sum(map(len, parts[:i])) for i in range(len(parts))]
    assert all(len(part) <= 3 for part in parts)


def test_a_large_csv_file_is_streamed_and_its_errors_named_by_row(db: Database, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "MIN_CSV_BYTES", 10)
    path = tmp_path / "events.csv"
    rows = [raw(h) for h in range(8)]
    rows[6]["locode"] = "KZQQQ"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["container", "type", "code", "classifier", "time", "locode"])
        writer.writerows([r["container"], r["type"], r["code"], r["classifier"], r["time"], r["locode"]]
                         for r in rows)
    stream = bulk.CsvFile.open_large(path, None)
    assert stream is not None
    with pytest.raises(InvalidEventsError) as refused:
        bulk.import_bulk(db, stream, workers=2)
    assert [(e.index, e.field) for e in refused.value.errors] == [(6, "locode")] and stored_rows(db) == []
    report = bulk.import_bulk(db, stream, partial=True, workers=2)
    assert (report.accepted, len(report.rejected)) == (7, 1)
    assert (bulk.import_bulk(db, stream, partial=True, workers=2).duplicates) == 7


def _dcsa(event_id: str, hour: int, code: str = "LOAD") -> dict[str, Any]:
    return {"eventID": event_id, "eventDateTime": f"2026-03-01T{hour:02d}:00:00Z",
            "eventClassification": {"eventTypeCode": "EQUIPMENT", "eventClassifierCode": "ACT",
                                    "equipmentEventTypeCode": code},
            "eventLocation": {"UNLocationCode": "KZDOS"},
            "equipmentDetails": {"equipmentReference": CONTAINERS[hour % 2]}}


def _withdraw(event_id: str, hour: int) -> dict[str, Any]:
    """A DCSA 3.0 retraction that carries only the id of the event it withdraws."""
    return {"eventID": event_id, "isRetracted": True, "eventUpdatedDateTime": f"2026-03-02T{hour:02d}:00:00Z"}


def test_id_only_retractions_are_stored_alike_by_both_paths(
        sqlite_template: Path, sqlite_pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Both paths copy a retraction's fields from the event stored before the document."""
    monkeypatch.setattr(bulk, "MIN_EVENTS", 2)
    first = [_dcsa(f"e{h}", h) for h in range(6)]
    second = [_dcsa("e6", 6, "DISC"), _withdraw("e1", 1), _withdraw("e4", 2), _dcsa("e7", 7),
              _withdraw("e5", 3)]
    unknown = [_dcsa("e8", 8), _withdraw("nope", 4)]
    results = []
    for path in sqlite_pair:
        shutil.copyfile(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
        try:
            service.import_document(db, Document(Format.DCSA, first), Principal.system(), lambda: None)
            document = Document(Format.DCSA, second)
            if path == sqlite_pair[0]:
                assert bulk.applies(document, Principal.system())
                report = bulk.import_bulk(db, document, workers=2).summary()
                with pytest.raises(InvalidEventsError) as refused:
                    bulk.import_bulk(db, Document(Format.DCSA, unknown), workers=2)
            else:
                report = service.import_document(db, document, Principal.system(), lambda: None).summary()
                with pytest.raises(InvalidEventsError) as refused:
                    service.import_document(db, Document(Format.DCSA, unknown), Principal.system(),
                                            lambda: None)
            errors = [(e.index, e.field) for e in refused.value.errors]
            results.append((report["accepted"], errors, stored_rows(db)))
        finally:
            db.dispose()
    assert results[0] == results[1]
    accepted, errors, rows = results[0]
    assert accepted == 5 and errors == [(1, "eventID")]
    kept = [c.name for c in EVENTS.columns if c.name not in ("seq", "received_at")]
    assert sum(1 for r in rows if r[kept.index("retracted")]) == 3


CSV_HEADER = ["event_id", "type", "code", "classifier", "time", "container", "locode"]


def write_csv(path: Path, events: list[dict[str, Any]]) -> bulk.CsvFile:
    keys = [csvrows.COLUMNS[c] for c in CSV_HEADER]
    lines = [",".join(CSV_HEADER), *(",".join(str(e.get(k, "")) for k in keys) for e in events)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bulk.CsvFile(path)


def seqs(db: Database) -> list[tuple[int, str]]:
    """Sequence numbers with the content key they were given to: document order is kept."""
    with db.session() as session:
        return [tuple(r) for r in session.execute(select(EVENTS.c.seq, EVENTS.c.content_key)
                                                  .order_by(EVENTS.c.seq)).all()]


def test_a_bulk_import_leaves_the_identity_indexes_in_place(sqlite_template: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite only (PostgreSQL keeps identities in its key table, whose indexes are never dropped):
    after a stored import, and after one refused once its first rows were in (a rollback)."""
    monkeypatch.setattr("karvan.tracking.csvlane.BATCH", 2)
    shutil.copyfile(sqlite_template, tmp_path / "karvan.db")
    db = Database(f"sqlite:///{tmp_path / 'karvan.db'}")

    def indexes() -> list[Any]:
        with db.session() as session:
            return list(session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                             "AND tbl_name = 'tracking_events' ORDER BY name")).all())

    before = indexes()
    assert {"uq_tracking_events_content_key", "uq_tracking_events_event_id"} <= {r[0] for r in before}
    refused = [raw(h, f"r{h}") for h in range(6)]
    refused[5]["locode"] = "KZQQQ"
    with pytest.raises(InvalidEventsError):
        bulk.import_bulk(db, write_csv(tmp_path / "refused.csv", refused))
    assert indexes() == before and stored_rows(db) == []
    assert bulk.import_bulk(db, write_csv(tmp_path / "events.csv", [raw(h, f"e{h}") for h in range(6)])
                            ).accepted == 6
    assert indexes() == before
    assert bulk.import_bulk(db, write_csv(tmp_path / "again.csv", [raw(7, "e1")])).duplicates == 1
    db.dispose()
