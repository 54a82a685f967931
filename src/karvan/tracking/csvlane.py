"""Plain CSV event files checked column by column in DuckDB, for bulk imports.

Checking a CSV event row by row in Python (schema, mapping, rules, content key) costs 15 to 20 us of
CPU per event (docs/scaling.md); DuckDB does the same work on whole columns, on every core, in well
under a microsecond. This module is that lane. It never decides a refusal and never writes an error
message: a row it cannot prove *plain* goes back to the Python check (`ingest.check`), which stays the
one home of every rule's wording. A plain row is one whose stored row this lane can compute exactly
as the Python path does (a hypothesis test compares the two on random rows):

- no value holds a quote or a carriage return and no row has only empty cells, so DuckDB, reading
  without quoting, and Python's `csv` module split the file into the same records (both skip blank
  lines; DuckDB refuses a row with more cells than the header, which Python would cut). Any other
  file takes the Python path whole, found out in the first pass over the file, before anything is
  stored;
- every value is printable ASCII without quote or backslash (the content key's `repr` and the body's
  JSON then need no escaping), within the lengths of the bundled Karvan event schema;
- the times are `YYYY-MM-DDThh:mm:ss[.f{1,6}](Z|+hh:mm)` in the years 1900-2999, real dates;
- container numbers, places, event types and codes, classifiers and modes are decided per distinct
  value by the Python rules themselves (`_Verdicts`): a value Python would refuse or rewrite (a
  container written in lower case) sends its rows to the Python check;
- the row passes the rules the event type imposes (`validate.NEEDS_CONTAINER`, a SHIPMENT names a
  shipment) and an ACT event is not in the future.
Order is kept: DuckDB's reader preserves the file's order through projections, and rows are numbered
as they come, so error indices and sequence numbers follow the document.
"""

from __future__ import annotations

import operator
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from karvan import iso6346
from karvan.network import unlocode
from karvan.tracking import schemas
from karvan.tracking.formats import Document, Format, csvrows
from karvan.tracking.formats.common import EventError
from karvan.tracking.identity import derived_event_id
from karvan.tracking.ingest import check
from karvan.tracking.model import OTHER, Classifier, EventType, utc_text
from karvan.tracking.repository import COLUMNS, keyed_row
from karvan.tracking.validate import FUTURE_TOLERANCE, NEEDS_CONTAINER, allowed_codes

BATCH = 50_000
DUCKDB_MEMORY = "256MB"
"""DuckDB streams the file; its buffers stay within this whatever the file's size."""
MAX_ODD_VALUES = 256
"""Distinct refused values a file may have and still take this lane (each one is looked for in every
row); past that, the file is mostly refused anyway and takes the Python path."""
_TIME = (r"^(?:19|2\d)\d\d-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
         r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$")
_SAFE = r"^[ !#-&(-\[\]-~]*$"
"""Printable ASCII but quote, apostrophe and backslash: `repr` and `json.dumps` write such text as is."""
_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_CODE = re.compile(r"[A-Z]{4}")

_VARYING = {
    "event_id": "", "version": "updated_at", "content_key": "", "event_type": "type",
    "code": "code", "classifier": "classifier", "event_time": "time", "offset_minutes": "time",
    "container": "container", "shipment": "shipment", "locode": "locode", "facility": "facility",
    "service": "service", "departure": "departure", "mode": "mode", "operator": "operator",
    "retracted": "retracted", "body": "operator"}
"""Stored columns this lane fills, each with the CSV column it depends on ('' for any)."""
_CONSTANT_WITHOUT = {"version": "", "retracted": 0, "body": '{"format":"csv"}'}
"""What those columns hold in every row when the CSV column they depend on is absent."""
_KEYED = ("type", "code", "classifier", "utc_time", "container", "shipment", "", "locode", "facility",
          "service", "departure", "mode", "retracted_flag", "utc_version")
"""The content key's fields (`identity.content_key`): CSV or computed columns, '' for the references."""
_READY, _NO_ID, _ODD = 0, 1, 2
"""A row as stored, a plain row without an event id (derived here), a row for the Python check."""
_COMPUTED = frozenset({"utc_time", "retracted_flag", "utc_version"})
_RAW = ("time", "updated_at", "retracted")
"""CSV columns whose stored form differs from the text: given back as read for rows not plain."""


@dataclass(frozen=True)
class Batch:
    """Rows ready to store (`PlainCsv.names` order, in document order) and the refused rows' errors."""

    rows: list[tuple[Any, ...]]
    errors: list[EventError]


@cache
def _schema_properties() -> dict[str, Any]:
    return dict(schemas.load(schemas.KARVAN_EVENT)["properties"])


class _Verdicts:
    """Each distinct value judged once by the Python rules: which ones a plain row may carry."""

    @staticmethod
    def container(value: str) -> bool:
        """What `formats.common.container_number` accepts and keeps as written (test_csvlane)."""
        return iso6346.is_canonical(value)

    @staticmethod
    def locode(value: str) -> bool:
        return bool(_LOCODE.fullmatch(value)) and unlocode.exists(value)

    @staticmethod
    def kind(value: str) -> bool:
        event_type, _, code = value.partition(" ")
        return (event_type in EventType.__members__ and bool(_CODE.fullmatch(code)) and code != OTHER
                and code in allowed_codes(EventType(event_type)))

    @staticmethod
    def classifier(value: str) -> bool:
        return value in Classifier.__members__

    @staticmethod
    def mode(value: str) -> bool:
        return value in _schema_properties()["mode"]["enum"]


class PlainCsv:
    """One plain CSV file read by DuckDB; `batches` gives its rows checked and keyed.

    `names` are the stored columns each row gives, `constants` the columns that hold one value in every
    row of this file (those whose CSV column is absent), left for the database to fill.
    """

    def __init__(self, path: Path, header: list[str], now: datetime) -> None:
        import duckdb  # only bulk imports need it

        self.path = path
        self.header = header
        self.now = now
        self.names = [n for n, source in _VARYING.items() if not source or source in header]
        self.constants: dict[str, Any] = {
            "received_at": utc_text(now),
            **{name: value for name, value in _CONSTANT_WITHOUT.items() if name not in self.names}}
        self.db = duckdb.connect()
        self.db.execute("SET preserve_insertion_order = true")
        self.db.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        self._error = duckdb.Error

    @classmethod
    def open(cls, path: Path, now: datetime) -> PlainCsv | None:
        """The file as a plain CSV file, or None when it must take the Python path."""
        with path.open(encoding="utf-8") as handle:
            header = next(iter(handle), "").strip("\r\n").lstrip("\ufeff").split(",")
        if len(set(header)) != len(header):
            return None
        csvrows.unwrap(",".join(header))  # a wrong header is refused before any work
        return cls(path, header, now)

    def _source(self) -> str:
        columns = ", ".join(f"'{name}': 'VARCHAR'" for name in self.header)
        return (f"read_csv($path, header = false, skip = 1, delim = ',', quote = '', escape = '', "
                f"auto_detect = false, null_padding = true, columns = {{{columns}}})")

    def _column(self, name: str) -> str:
        return f'"{name}"' if name in self.header else "NULL::VARCHAR"

    def _odd_values(self) -> dict[str, list[str]] | None:
        """Per judged field, the distinct values the Python rules refuse or rewrite; None if too many."""
        col = self._column
        judged = {"container": col("container"), "locode": col("locode"), "classifier": col("classifier"),
                  "mode": col("mode"), "kind": f"{col('type')} || ' ' || {col('code')}"}
        lists = ", ".join(f"list(DISTINCT {expr})" for expr in judged.values())
        cells = ", ".join(col(name) for name in self.header)
        # the place list loads while DuckDB reads the file (it lets go of the GIL meanwhile)
        places = threading.Thread(target=unlocode.exists, args=("",), name="unlocode")
        places.start()
        # a quote, or a carriage return inside a line, is read apart by the two readers; a row of NULLs
        # (the cells of a blank line Python keeps) would be skipped: such files take the Python path
        found = self.db.execute(
            f"SELECT bool_or(regexp_matches(concat_ws(',', {cells}), '[\"\\r]') "
            f"OR coalesce({cells}) IS NULL), {lists} FROM {self._source()}", {"path": str(self.path)}
        ).fetchone()
        places.join()
        assert found is not None
        if found[0]:
            return None
        odd: dict[str, list[str]] = {}
        for name, values in zip(judged, found[1:], strict=True):
            judge = getattr(_Verdicts, name)
            odd[name] = [v for v in values or () if v is not None and not judge(v)]
            if len(odd[name]) > MAX_ODD_VALUES:
                return None
        return odd

    def _plain(self) -> str:
        """SQL: the row is plain (see the module docstring)."""
        col = self._column
        limits = _schema_properties()
        lengths = " AND ".join(
            f"coalesce(length({col(name)}) <= {limits[key]['maxLength']}, true)"
            for name, key in (("event_id", "eventId"), ("shipment", "shipment"), ("facility", "facility"),
                              ("service", "service"), ("departure", "departure"), ("operator", "operator")))
        needs_container = ", ".join(f"'{t}'" for t in sorted(NEEDS_CONTAINER))
        return f"""{col("type")} IS NOT NULL AND {col("code")} IS NOT NULL AND {col("classifier")} IS NOT NULL
            AND moment IS NOT NULL AND ({col("updated_at")} IS NULL OR updated IS NOT NULL)
            AND regexp_matches(concat_ws(',', {", ".join(col(name) for name in self.header)}), '{_SAFE}')
            AND {lengths}
            AND NOT list_contains($kind, {col("type")} || ' ' || {col("code")})
            AND NOT list_contains($classifier, {col("classifier")})
            AND coalesce(NOT list_contains($container, {col("container")}), true)
            AND coalesce(NOT list_contains($locode, {col("locode")}), true)
            AND coalesce(NOT list_contains($mode, {col("mode")}), true)
            AND NOT ({col("classifier")} = 'ACT' AND moment > $latest_act)
            AND NOT ({col("type")} IN ({needs_container}) AND {col("container")} IS NULL)
            AND NOT ({col("type")} = 'SHIPMENT' AND {col("shipment")} IS NULL)"""

    def _query(self) -> str:
        col = self._column
        # the repr of the tuple of fields, ('a', '', 'b', ...): plain text needs no escaping, and one
        # concat (which reads NULL as '') is many times cheaper than a chain of ||
        between = "''', '''"
        pieces = ["'('''"]
        for i, name in enumerate(_KEYED):
            pieces += ([between] if i else []) + ([name if name in _COMPUTED else col(name)] if name else [])
        quoted = "concat(" + ", ".join([*pieces, "''')'"]) + ")"
        computed = {
            "event_id": col("event_id"), "version": "utc_version",
            "content_key": f"left(sha256({quoted}), 32)", "event_type": col("type"),
            "event_time": "utc_time", "offset_minutes": self._offset(col("time")),
            "retracted": "is_retracted::INTEGER",
            "body": f"""CASE WHEN {col("operator")} IS NULL THEN '{{"format":"csv"}}'
                ELSE '{{"format":"csv","routing":["' || {col("operator")} || '",[]]}}' END"""}
        raw = ", ".join(f"CASE WHEN plain THEN NULL ELSE {col(n)} END" for n in _RAW if n in self.header)
        selected = ", ".join(computed.get(name) or col(name) for name in self.names)
        return f"""
        WITH parsed AS (
            SELECT *, {self._moment(col("time"))} AS moment, {self._moment(col("updated_at"))} AS updated
            FROM {self._source()}),
        judged AS (
            SELECT *, {self._plain()} AS plain,
              strftime(moment, '%Y-%m-%dT%H:%M:%S.%fZ') AS utc_time,
              coalesce(strftime(updated, '%Y-%m-%dT%H:%M:%S.%fZ'), '') AS utc_version,
              coalesce(lower(trim({col("retracted")})) IN ('true', '1', 'yes'), false) AS is_retracted
            FROM parsed),
        keyed AS (SELECT *, CASE WHEN is_retracted THEN 'R' ELSE '' END AS retracted_flag FROM judged)
        SELECT CASE WHEN NOT plain THEN {_ODD} WHEN {col("event_id")} IS NULL THEN {_NO_ID} ELSE {_READY} END,
          {selected}{", " + raw if raw else ""}
        FROM keyed"""

    @staticmethod
    def _moment(column: str) -> str:
        """The UTC instant of an ISO 8601 text in the plain form, as a TIMESTAMP; NULL otherwise."""
        return (f"CASE WHEN regexp_matches({column}, '{_TIME}') THEN "
                f"try_strptime(substr({column}, 1, 19), '%Y-%m-%dT%H:%M:%S') "
                rf"+ to_microseconds(CAST(rpad(regexp_extract({column}, '\.(\d+)', 1), 6, '0') AS BIGINT)) "
                f"- to_minutes({PlainCsv._offset(column)}) END")

    @staticmethod
    def _offset(column: str) -> str:
        """Minutes east of UTC of an ISO 8601 text ending in Z or +hh:mm."""
        return (f"CASE WHEN {column} LIKE '%Z' THEN 0 ELSE "
                f"(CASE WHEN substr({column}, -6, 1) = '-' THEN -1 ELSE 1 END) * "
                f"(TRY_CAST(substr({column}, -5, 2) AS INTEGER) * 60 "
                f"+ TRY_CAST(substr({column}, -2, 2) AS INTEGER)) END")

    def batches(self) -> Iterator[Batch] | None:
        """The file's rows checked and keyed, a batch at a time; None if the lane does not suit it
        (too many odd values, or DuckDB does not read the file as Python would: every row is read
        here before anything is given)."""
        try:
            odd = self._odd_values()
        except self._error:
            odd = None
        if odd is None:
            self.db.close()
            return None
        params = {**odd, "path": str(self.path),
                  "latest_act": (self.now + FUTURE_TOLERANCE).astimezone(UTC).replace(tzinfo=None)}
        return self._read(self.db.execute(self._query(), params))

    def _read(self, result: Any) -> Iterator[Batch]:
        start = 0
        try:
            while rows := result.fetchmany(BATCH):
                yield self._batch(rows, start)
                start += len(rows)
        finally:
            self.db.close()

    def _batch(self, rows: list[tuple[Any, ...]], start: int) -> Batch:
        """Rows come as (`_READY`, `_NO_ID` or `_ODD`, the stored columns..., raw texts...)."""
        width = len(self.names) + 1
        stored = operator.itemgetter(slice(1, width))
        if not any(map(operator.itemgetter(0), rows)):  # nearly always: C loops only
            return Batch(list(map(stored, rows)), [])
        key = self.names.index("content_key") + 1
        ready: list[tuple[Any, ...]] = []
        odd: list[tuple[int, int, dict[str, Any]]] = []  # (document index, place in ready, raw row)
        for offset, row in enumerate(rows):
            if row[0] == _READY:
                ready.append(stored(row))
            elif row[0] == _NO_ID:  # the id derived from the event's key, as `row_values` does
                ready.append((derived_event_id(row[key]), *row[2:width]))
            else:
                odd.append((start + offset, len(ready), self._raw(row)))
                ready.append(())
        if not odd:
            return Batch(ready, [])
        good, errors = check(Document(Format.CSV, [raw for _, _, raw in odd]), now=self.now)
        received_at = self.constants["received_at"]
        for i, event in good:
            values = dict(zip(COLUMNS, keyed_row(event, received_at, None), strict=True))
            values["retracted"] = int(values["retracted"])
            ready[odd[i][1]] = tuple(values[name] for name in self.names)
        return Batch([row for row in ready if row],
                     [EventError(odd[e.index][0], e.field, e.message) for e in errors])

    def _raw(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """The row as `csvrows.unwrap` gives it to the Python check."""
        values = dict(zip(["", *self.names], row, strict=False))
        values |= dict(zip([n for n in _RAW if n in self.header], row[len(self.names) + 1:], strict=True))
        values["type"] = values.get("event_type")
        return csvrows.event([csvrows.COLUMNS[name] for name in self.header],
                             [values.get(name) or "" for name in self.header])
