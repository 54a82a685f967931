"""KPIs over tracking events, bookings and departures, computed with DuckDB in memory.

Rows are copied into an in-memory DuckDB (through a temporary CSV file, which needs no DuckDB
extension and no pandas), so the operational database is only read, never locked for long. Every
query returns plain dicts (JSON-ready), the shapes documented in docs/simulation.md.

Definitions:
- volume: TEU and bookings per departure month and corridor (cancelled bookings left out); growth is
  against the previous month and the same month a year earlier, in percent.
- transit per OD: per container and shipment, hours from its first to its last actual event; the OD is
  the places of those two events. Per leg: per container and departure, first actual LOAD/DEPA to last
  actual DISC/ARRI.
- dwell per node: hours from an actual arrival-type event to the container's next actual event of
  departure type at the same place; handling events between them (a gauge change, an inspection) are
  part of the dwell. What each code means is `karvan.tracking.codes.MOVEMENT`.
- on-time: a booking is on time when its containers' last actual arrival at the booked destination is
  no later than the booked arrival plus the tolerance (default 24 h).
- ETA accuracy: each estimated arrival (classifier EST, ARRI or DISC) against the actual event of the
  same container, place and code; error = estimate - actual (hours); grouped by how long before the
  actual arrival the estimate was received.
- utilisation per departure: booked TEU / capacity TEU.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import astuple, fields
from datetime import datetime
from typing import Any

import duckdb

from karvan.analytics.rows import BookingFact, DepartureFact, EventFact, utc
from karvan.tracking.codes import Movement, codes_meaning

ARRIVAL_CODES = codes_meaning(Movement.ARRIVED)
DEPARTURE_CODES = codes_meaning(Movement.DEPARTED)

def _duck_type(annotation: str) -> str:
    for python, duck in (("datetime", "TIMESTAMP"), ("int", "BIGINT"), ("float", "DOUBLE")):
        if annotation.startswith(python):
            return duck
    return "VARCHAR"


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc(value).isoformat(sep=" ")
    return "" if value is None else value


class Warehouse:
    """An in-memory DuckDB holding one snapshot of events, bookings and departures."""

    def __init__(self, events: Iterable[EventFact] = (), bookings: Iterable[BookingFact] = (),
                 departures: Iterable[DepartureFact] = ()) -> None:
        self.con = duckdb.connect(":memory:")
        self._load("events", EventFact, events)
        self._load("bookings", BookingFact, bookings)
        self._load("departures", DepartureFact, departures)

    def _load(self, table: str, kind: type, rows: Iterable[Any]) -> None:
        columns = {f.name: _duck_type(str(f.type)) for f in fields(kind)}
        handle, path = tempfile.mkstemp(suffix=".csv")
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_cell(v) for v in astuple(row)])
            spec = ", ".join(f"'{name}': '{duck}'" for name, duck in columns.items())
            self.con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, "
                             f"columns = {{{spec}}}, quote = '\"')", [path])
        finally:
            os.unlink(path)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [{n: (round(v, 2) if isinstance(v, float) else v) for n, v in zip(names, row, strict=True)}
                for row in cursor.fetchall()]

    def volumes(self) -> list[dict[str, Any]]:
        """TEU and bookings per month and corridor, with month-on-month and year-on-year growth (%)."""
        return self._rows("""
            WITH monthly AS (
                SELECT strftime(date_trunc('month', departs_at), '%Y-%m') AS month,
                       date_trunc('month', departs_at) AS m, corridor,
                       sum(teu) AS teu, count(*) AS bookings
                FROM bookings WHERE lower(status) <> 'cancelled' GROUP BY ALL)
            SELECT cur.month, cur.corridor, cur.teu, cur.bookings,
                   round(100.0 * (cur.teu - prev.teu) / prev.teu, 1) AS growth_vs_previous_month_pct,
                   round(100.0 * (cur.teu - ly.teu) / ly.teu, 1) AS growth_vs_last_year_pct
            FROM monthly cur
            LEFT JOIN monthly prev ON prev.corridor = cur.corridor AND prev.m = cur.m - INTERVAL 1 MONTH
            LEFT JOIN monthly ly ON ly.corridor = cur.corridor AND ly.m = cur.m - INTERVAL 12 MONTH
            ORDER BY cur.month, cur.corridor""")

    def transit_by_od(self) -> list[dict[str, Any]]:
        return self._rows("""
            WITH journeys AS (
                SELECT container, shipment,
                       arg_min(locode, event_time) AS origin, arg_max(locode, event_time) AS destination,
                       date_diff('second', min(event_time), max(event_time)) / 3600.0 AS hours
                FROM events WHERE classifier = 'ACT' AND container IS NOT NULL
                GROUP BY container, shipment HAVING count(*) > 1)
            SELECT origin, destination, count(*) AS journeys,
                   quantile_cont(hours, 0.5) AS p50_hours, quantile_cont(hours, 0.9) AS p90_hours
            FROM journeys WHERE origin <> destination GROUP BY ALL ORDER BY origin, destination""")

    def transit_by_leg(self) -> list[dict[str, Any]]:
        codes_out, codes_in = _in(("LOAD", "DEPA")), _in(("DISC", "ARRI"))
        return self._rows(f"""
            WITH legs AS (
                SELECT container, departure, any_value(service) AS service,
                       min(event_time) FILTER (WHERE code IN {codes_out}) AS left_at,
                       max(event_time) FILTER (WHERE code IN {codes_in}) AS arrived_at,
                       arg_min(locode, event_time) FILTER (WHERE code IN {codes_out}) AS origin,
                       arg_max(locode, event_time) FILTER (WHERE code IN {codes_in}) AS destination
                FROM events WHERE classifier = 'ACT' AND departure IS NOT NULL GROUP BY container, departure)
            SELECT service, origin, destination, count(*) AS legs,
                   quantile_cont(date_diff('second', left_at, arrived_at) / 3600.0, 0.5) AS p50_hours,
                   quantile_cont(date_diff('second', left_at, arrived_at) / 3600.0, 0.9) AS p90_hours
            FROM legs WHERE left_at IS NOT NULL AND arrived_at > left_at
            GROUP BY ALL ORDER BY service, origin, destination""")

    def dwell_by_node(self) -> list[dict[str, Any]]:
        return self._rows(f"""
            WITH ordered AS (
                SELECT container, locode, code, event_time,
                       lead(code) OVER w AS next_code, lead(locode) OVER w AS next_locode,
                       lead(event_time) OVER w AS next_time
                FROM events WHERE classifier = 'ACT' AND container IS NOT NULL
                  AND code IN {_in(ARRIVAL_CODES + DEPARTURE_CODES)}
                WINDOW w AS (PARTITION BY container ORDER BY event_time))
            SELECT locode, count(*) AS dwells,
                   quantile_cont(date_diff('second', event_time, next_time) / 3600.0, 0.5) AS p50_hours,
                   quantile_cont(date_diff('second', event_time, next_time) / 3600.0, 0.9) AS p90_hours
            FROM ordered
            WHERE code IN {_in(ARRIVAL_CODES)} AND next_code IN {_in(DEPARTURE_CODES)}
              AND next_locode = locode
            GROUP BY locode ORDER BY locode""")

    def on_time(self, tolerance_hours: float = 24.0) -> list[dict[str, Any]]:
        return self._rows(f"""
            WITH delivered AS (
                SELECT b.booking_id, b.corridor, b.arrives_at,
                       strftime(date_trunc('month', b.arrives_at), '%Y-%m') AS month,
                       max(e.event_time) AS actual
                FROM bookings b JOIN events e
                  ON (e.shipment = b.booking_id OR e.shipment = b.shipment_id)
                 AND e.locode = b.destination AND e.classifier = 'ACT' AND e.code IN {_in(ARRIVAL_CODES)}
                WHERE lower(b.status) <> 'cancelled' GROUP BY ALL)
            SELECT month, corridor, count(*) AS delivered,
                   sum(CASE WHEN actual <= arrives_at + to_seconds(? * 3600) THEN 1 ELSE 0 END)
                       AS on_time,
                   round(100.0 * avg(CASE WHEN actual <= arrives_at + to_seconds(? * 3600)
                                     THEN 1 ELSE 0 END), 1) AS on_time_pct,
                   quantile_cont(date_diff('second', arrives_at, actual) / 3600.0, 0.5) AS delay_p50_hours
            FROM delivered GROUP BY ALL ORDER BY month, corridor""", [tolerance_hours, tolerance_hours])

    def eta_accuracy(self) -> list[dict[str, Any]]:
        return self._rows(f"""
            WITH actual AS (
                SELECT container, locode, code, min(event_time) AS at FROM events
                WHERE classifier = 'ACT' AND code IN {_in(ARRIVAL_CODES)} GROUP BY ALL),
            paired AS (
                SELECT date_diff('second', a.at, e.event_time) / 3600.0 AS error_hours,
                       date_diff('second', e.received_at, a.at) / 86400.0 AS lead_days
                FROM events e JOIN actual a USING (container, locode, code)
                WHERE e.classifier = 'EST' AND e.received_at IS NOT NULL AND e.received_at <= a.at)
            SELECT CASE WHEN lead_days < 1 THEN '0-1 d' WHEN lead_days < 3 THEN '1-3 d'
                        WHEN lead_days < 7 THEN '3-7 d' ELSE '7+ d' END AS horizon,
                   count(*) AS estimates, avg(abs(error_hours)) AS mean_abs_error_hours,
                   quantile_cont(abs(error_hours), 0.9) AS p90_abs_error_hours, avg(error_hours) AS bias_hours
            FROM paired GROUP BY ALL ORDER BY min(lead_days)""")

    def utilisation(self) -> list[dict[str, Any]]:
        return self._rows("""
            SELECT departure_id, service_id, origin, destination,
                   strftime(departs_at, '%Y-%m-%dT%H:%M:%SZ') AS departs_at, capacity_teu, booked_teu,
                   round(100.0 * booked_teu / nullif(capacity_teu, 0), 1) AS utilisation_pct
            FROM departures WHERE lower(status) <> 'cancelled' ORDER BY departs_at, service_id""")

    def report(self) -> dict[str, list[dict[str, Any]]]:
        """Every KPI, keyed as in the API (`GET /analytics/<key>`)."""
        return {"volumes": self.volumes(), "transit_od": self.transit_by_od(),
                "transit_legs": self.transit_by_leg(), "dwell": self.dwell_by_node(),
                "on_time": self.on_time(), "eta_accuracy": self.eta_accuracy(),
                "utilisation": self.utilisation()}


def _in(codes: Sequence[str]) -> str:
    """A SQL IN-list of fixed codes (constants of this module, never user input)."""
    return "(" + ", ".join(f"'{c}'" for c in codes) + ")"
