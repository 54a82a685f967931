"""SQLite side of a bulk import: rows inserted as they come, indexes rebuilt when that is cheaper.

Inserting a row into the events table updates four B-trees, two of them on random keys (the content
key, the event id); at a million rows that is 6 to 15 us a row, several times the insert itself
(docs/scaling.md). Sorting the keys once and building each index in one pass costs a fraction of that.
So when the import is large next to what is stored (`rebuilds`), the indexes are dropped inside the
import's transaction, the rows go in bare, and the indexes are built again at the end; readers on other
connections go on seeing the table as it was, indexes included, until the commit (SQLite's schema
changes are transactional).

The identity rule holds either way. Building a unique index over rows where two share a content key
or (event id, version) fails: the file repeated itself or resent stored events. Then the rows of this
import are taken out again and put back with `INSERT OR IGNORE` in document order, indexes in place,
which is exactly what the ordinary path does row by row: the first of two repeats stays, and the
sequence numbers follow the document.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from karvan.tracking.repository import COLUMNS, sqlite_last_seq, sqlite_pragmas

EVENTS = "tracking_events"
REBUILD_FACTOR = 2
"""Rebuild the indexes when fewer than this many times the import's rows are stored already: the
rebuild sorts every stored row again, a row-by-row insert touches only the new ones."""
SORT_CACHE_KIB = 8 * 1024
"""Page cache while the indexes are built, which sets the size of the sorter's runs."""
_PAGE = 5_000
_PROBE = 500
"""Rows of the first batch looked up before the indexes are dropped."""


def _literal(value: Any) -> str:
    """SQL text of a constant Karvan itself wrote (a time, a format's JSON, 0): never client text."""
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class SqliteImport:
    """Rows of one bulk import into the events table of an open SQLite transaction."""

    def __init__(self, cursor: Any, expected_rows: int) -> None:
        self.cursor = cursor
        self.before = sqlite_last_seq(cursor)
        """Every row above this sequence number is this import's: the writer holds the write lock."""
        large = self.before < REBUILD_FACTOR * expected_rows
        self.rebuilds: bool | None = None if large else False
        """Decided at the first batch: not when that batch resends stored events (a re-import would
        only fail to build the unique indexes and be inserted twice)."""
        self._indexes: dict[str, str] = {}

    def _decide(self, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> bool:
        keys = [row[names.index("content_key")] for row in rows[:_PROBE]]
        self.cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {EVENTS} WHERE content_key IN "
                            f"({', '.join('?' * len(keys))}))", keys)
        if self.cursor.fetchone()[0]:
            return False
        self.cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                            "AND sql IS NOT NULL", (EVENTS,))
        self._indexes = dict(self.cursor.fetchall())
        for name in self._indexes:
            self.cursor.execute(f"DROP INDEX {name}")
        return True

    def write(self, names: Sequence[str], rows: Sequence[Sequence[Any]],
              constants: Mapping[str, Any]) -> None:
        """Insert rows giving the columns `names`; `constants` are the same in every row."""
        if self.rebuilds is None:
            self.rebuilds = self._decide(names, rows)
        columns = ", ".join([*names, *constants])
        values = ", ".join(["?"] * len(names) + [_literal(v) for v in constants.values()])
        verb = "INSERT" if self.rebuilds else "INSERT OR IGNORE"
        self.cursor.executemany(f"{verb} INTO {EVENTS} ({columns}) VALUES ({values})", rows)

    def finish(self) -> int:
        """Indexes back (and repeats left out); how many rows this import stored."""
        if self.rebuilds:
            try:
                self._build_indexes()
            except sqlite3.IntegrityError:
                self._insert_again()
        self.cursor.execute(f"SELECT count(*) FROM {EVENTS} WHERE seq > ?", (self.before,))
        return int(self.cursor.fetchone()[0])

    def _build_indexes(self) -> None:
        self.cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (EVENTS,))
        present = {r[0] for r in self.cursor.fetchall()}
        # The sorter works on every core, in runs the size of the page cache: small runs sort in the
        # processor's caches and merge in parallel (docs/scaling.md: 5,000,000 rows' indexes in 6 s
        # instead of 11, 46 MiB instead of 274)
        with sqlite_pragmas(self.cursor, threads=os.cpu_count() or 1, cache_size=-SORT_CACHE_KIB):
            for name, sql in self._indexes.items():
                if name not in present:
                    self.cursor.execute(sql)

    def _insert_again(self) -> None:
        columns = ", ".join(COLUMNS)
        self.cursor.execute(f"CREATE TEMPORARY TABLE bulk_rows AS SELECT * FROM {EVENTS} WHERE seq > ?",
                            (self.before,))
        self.cursor.execute(f"DELETE FROM {EVENTS} WHERE seq > ?", (self.before,))
        self._build_indexes()
        self.cursor.execute(f"INSERT OR IGNORE INTO {EVENTS} ({columns}) "
                            f"SELECT {columns} FROM bulk_rows ORDER BY seq")
        self.cursor.execute("DROP TABLE bulk_rows")

    def new_seqs(self) -> Iterator[list[int]]:
        """The sequence numbers this import stored, in pages, in order."""
        after = self.before
        while True:
            self.cursor.execute(f"SELECT seq FROM {EVENTS} WHERE seq > ? ORDER BY seq LIMIT {_PAGE}",
                                (after,))
            page = [r[0] for r in self.cursor.fetchall()]
            if not page:
                return
            yield page
            after = page[-1]
