"""The DuckDB lane for plain CSV files gives exactly what the Python check gives, row for row.

Rows mix plain values with near misses (impossible dates, lower-case codes, wrong check digits, future
actual events, over-long or non-ASCII text), so both the lane's own work and its hand-over of odd rows
to the Python check are compared with the Python path over whole files.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karvan import iso6346
from karvan.tracking.csvlane import BATCH, PlainCsv, _Verdicts
from karvan.tracking.formats import Document, Format, csvrows
from karvan.tracking.formats.common import FieldError, container_number
from karvan.tracking.ingest import check
from karvan.tracking.model import CODES_BY_TYPE, utc_text
from karvan.tracking.repository import COLUMNS, keyed_row

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
OPTIONAL = ("event_id", "container", "shipment", "locode", "facility", "service", "departure", "mode",
            "operator", "updated_at", "retracted")


@st.composite
def times(draw: st.DrawFn) -> str:
    year = draw(st.sampled_from(["2026", "2025", "2027", "1899", "3000"]))
    date = draw(st.sampled_from(["01-31", "02-28", "02-30", "12-06", "13-01"]))
    clock = draw(st.sampled_from(["00:00:00", "11:59:59", "12:04:00", "23:59:60", "24:00:00"]))
    fraction = draw(st.sampled_from(["", ".5", ".123", ".123456", ".1234567", "."]))
    offset = draw(st.sampled_from(["Z", "z", "+00:00", "+05:00", "-03:30", "+23:59", "+24:00", "", "+0500"]))
    separator = draw(st.sampled_from(["T", "T", "T", " "]))
    return f"{year}-{date}{separator}{clock}{fraction}{offset}"


ALL_CODES = sorted({code for codes in CODES_BY_TYPE.values() for code in codes})
text = st.text(st.sampled_from("ab Z9-'\\é/"), min_size=0, max_size=4) | st.just("x" * 120)
VALUES: dict[str, st.SearchStrategy[str]] = {
    "type": st.sampled_from(["EQUIPMENT", "TRANSPORT", "SHIPMENT", "IOT", "REEFER", "equipment", "", "X"]),
    "code": st.sampled_from([*ALL_CODES, "OTHER", "load", "AB1", ""]),
    "classifier": st.sampled_from(["ACT", "EST", "PLN", "act", ""]),
    "time": times(),
    "event_id": st.sampled_from(["", "e1", "e2", "e'3", "x" * 101]),
    "container": st.sampled_from(["CSQU3054383", "MSKU1234565", "csqu3054383", "CSQU3054384",
                                  "CSQU 3054383", "", "ABCU1234560"]),
    "locode": st.sampled_from(["KZAAU", "CNXIA", "GEPTI", "ZZZZZ", "kzaau", "", "KZ1AU"]),
    "mode": st.sampled_from(["RAIL", "VESSEL", "rail", ""]),
    "updated_at": st.just("") | times(),
    "retracted": st.sampled_from(["", "true", "TRUE", " yes ", "no", "1", "0"]),
    **{name: st.just("") | text for name in ("shipment", "facility", "service", "departure", "operator")},
}


@st.composite
def files(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = ["type", "code", "classifier", "time", *draw(st.lists(st.sampled_from(OPTIONAL), unique=True))]
    header = draw(st.permutations(header))
    # a row of empty cells is left out: DuckDB reads it as a blank line, so such a file takes the Python
    # path whole (test_files_both_readers_could_split_differently_take_the_python_path)
    row = st.tuples(*(VALUES[name] for name in header)).map(list).filter(any)
    rows = draw(st.lists(row, min_size=1, max_size=25))
    return header, rows


def write(path: Path, header: list[str], rows: list[list[str]], newline: str = "\r\n",
          blank_after: frozenset[int] = frozenset()) -> None:
    """The file; a blank line after each row numbered in `blank_after` (both readers skip them)."""
    lines = [",".join(header)]
    for i, row in enumerate(rows):
        lines += [",".join(row)] + ([""] if i in blank_after else [])
    path.write_bytes(newline.join(lines).encode() + newline.encode())


def by_lane(path: Path) -> tuple[PlainCsv, list[tuple[Any, ...]], list[Any]]:
    lane = PlainCsv.open(path, NOW)
    assert lane is not None
    batches = lane.batches()
    assert batches is not None
    rows: list[tuple[Any, ...]] = []
    errors: list[Any] = []
    for batch in batches:
        rows += batch.rows
        errors += batch.errors
    return lane, rows, errors


def by_python(path: Path, lane: PlainCsv) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The ordinary check of the whole file, each stored row cut to the lane's columns; the columns the
    lane leaves to the database hold its constants."""
    good, errors = check(Document(Format.CSV, csvrows.unwrap(path.read_text(encoding="utf-8"))), now=NOW)
    rows = []
    for _, event in good:
        stored = dict(zip(COLUMNS, keyed_row(event, utc_text(NOW), None), strict=True))
        stored["retracted"] = int(stored["retracted"])
        assert {name: stored[name] for name in lane.constants} == lane.constants
        rows.append(tuple(stored[name] for name in lane.names))
    return rows, errors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=files(), newline=st.sampled_from(["\r\n", "\n"]), blank_after=st.frozensets(st.integers(0, 30)))
def test_the_lane_stores_and_refuses_exactly_what_the_python_check_does(
        tmp_path: Path, file: tuple[list[str], list[list[str]]], newline: str,
        blank_after: frozenset[int]) -> None:
    header, rows = file
    path = tmp_path / "events.csv"
    write(path, header, rows, newline, blank_after)
    lane, lane_rows, lane_errors = by_lane(path)
    python_rows, python_errors = by_python(path, lane)
    assert lane_rows == python_rows
    assert lane_errors == python_errors


def test_rows_are_given_in_document_order_across_batches(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karvan.tracking.csvlane.BATCH", 7)
    header = ["event_id", "type", "code", "classifier", "time", "container", "locode"]
    rows = [[f"e{i}", "EQUIPMENT", "LOAD", "ACT", f"2026-03-01T{i % 24:02d}:00:00+05:00", "CSQU3054383",
             "KZAAU" if i % 5 else "ZZZZZ"] for i in range(40)]
    path = tmp_path / "events.csv"
    write(path, header, rows)
    lane, lane_rows, lane_errors = by_lane(path)
    assert (lane_rows, lane_errors) == by_python(path, lane)
    assert [e.index for e in lane_errors] == list(range(0, 40, 5))
    assert BATCH > 7  # the module's own batches are larger; the patch made rows cross their borders


@pytest.mark.parametrize("content", [
    'type,code,classifier,time\nEQUIPMENT,LOAD,ACT,"2026-03-01T00:00:00Z"\n',  # a quote
    "type,code,classifier,time\nEQUIPMENT,LOAD,ACT,2026-03-01T00:00:00Z\rEQUIPMENT,LOAD,ACT,x\n",
    "type,code,classifier,time\r\nEQUIPMENT,LOAD,ACT,2026-03-01T00:00:00Z\r\nEQUIPMENT,LO\rAD,ACT,x\r\n",
    "type,code,classifier,time\nEQUIPMENT,LOAD,ACT,2026-03-01T00:00:00Z\n,,,\n",
    "type,code,classifier,time,type\nEQUIPMENT,LOAD,ACT,2026-03-01T00:00:00Z,SHIPMENT\n",
])
def test_files_both_readers_could_split_differently_take_the_python_path(tmp_path: Path,
                                                                        content: str) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(content.encode())
    lane = PlainCsv.open(path, NOW)
    assert lane is None or lane.batches() is None


def test_a_file_duckdb_cannot_read_as_python_does_takes_the_python_path(tmp_path: Path) -> None:
    """A row with more cells than the header: Python drops the extra cells, DuckDB refuses the file."""
    path = tmp_path / "events.csv"
    path.write_bytes(b"type,code,classifier,time\nEQUIPMENT,LOAD,ACT,2026-03-01T00:00:00Z,extra\n")
    lane = PlainCsv.open(path, NOW)
    assert lane is not None and lane.batches() is None


@given(st.text(st.sampled_from("CSQUMK0123456789 abc-/"), max_size=13) | st.sampled_from(
    ["CSQU3054383", "MSKU1234565", "csqu3054383", "CSQU 3054383"]))
def test_a_container_is_plain_when_the_python_reader_keeps_it_as_written(value: str) -> None:
    try:
        kept = container_number(value, "container") == value
    except FieldError:
        kept = False
    assert _Verdicts.container(value) == kept == iso6346.is_canonical(value)
