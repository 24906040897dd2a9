"""The single writer: hot paths append rows to bounded in-memory queues; one thread drains
them every `flush_interval` seconds into one insert per table (Arrow for a large batch, a VALUES
list for a small one: data/arrow_batches.py), in one transaction.

`enqueue` is the hot path (a prediction being logged): one dict lookup, one length check and
one `deque.append`, all safe across threads without a lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import duckdb

from data.arrow_batches import (
    SMALL_BATCH,
    Columns,
    Row,
    arrow_schema,
    columns_to_arrow,
    insert_arrow,
    insert_rows,
    rows_to_arrow,
    table_columns,
)
from data.clock import utcnow
from data.store import Store, StoreClosedError

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)
# The store itself failing (disk full, I/O error, closed): worth retrying the same rows later. A checkpoint that
# fails on a full disk invalidates the database (FatalException) until the store reopens it: also transient.
_TRANSIENT = (duckdb.IOException, duckdb.ConnectionException, duckdb.FatalException, StoreClosedError, OSError, MemoryError)
Converter: TypeAlias = "Callable[[Sequence[Row]], dict[str, pa.Table]]"


@dataclass
class WriterStats:
    rows_written: int = 0
    batches: int = 0
    dropped: int = 0
    rejected: int = 0
    failures: int = 0
    last_flush_at: datetime | None = None
    last_batch_seconds: float = 0.0
    last_error: str | None = None


class Writer:
    def __init__(
        self,
        store: Store,
        capacity: int = 100_000,
        flush_interval: float = 0.1,
        converters: Mapping[str, Converter] | None = None,
    ) -> None:
        self.store = store
        # A queue whose items are not plain rows of one table (prediction logs with their
        # features) names a converter that turns a drained list into Arrow tables.
        self.converters = dict(converters or {})
        self.capacity = capacity
        self.flush_interval = flush_interval
        self.stats = WriterStats()
        self._queues: dict[str, deque[Row]] = {}
        self._columns: dict[str, Columns] = {}
        self._schemas: dict[str, pa.Schema] = {}
        self._flush_lock = threading.Lock()
        self._failed_this_flush = False
        self._unavailable = False  # the store failed the last flush: log once per episode, not every flush
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- hot path -------------------------------------------------------------------
    def enqueue(self, table: str, row: Row) -> bool:
        """Queue one row (a tuple in column order). False, and counted, if the queue is full."""
        queue = self._queues.get(table)
        if queue is None:
            queue = self._queues.setdefault(table, deque())
        if len(queue) >= self.capacity:
            self.stats.dropped += 1
            return False
        queue.append(row)
        return True

    def enqueue_many(self, table: str, rows: Sequence[Row]) -> int:
        return sum(self.enqueue(table, row) for row in rows)

    @property
    def queue_length(self) -> int:
        return sum(len(q) for q in list(self._queues.values()))

    # -- synchronous writes (ingest: answer only after commit) ------------------------
    def columns(self, table: str) -> Columns:
        found = self._columns.get(table)
        if found is None:
            with self.store.cursor() as cur:
                found = self._columns[table] = table_columns(cur, table)
        return found

    def schema(self, table: str) -> pa.Schema:
        schema = self._schemas.get(table)
        if schema is None:
            schema = self._schemas[table] = arrow_schema(self.columns(table))
        return schema

    def write_now(self, batches: Mapping[str, Sequence[Row]]) -> int:
        """Insert rows for several tables in one transaction; all are stored or none."""
        small = {n: rows for n, rows in batches.items() if 0 < len(rows) < SMALL_BATCH and n not in self.converters}
        tables: dict[str, pa.Table] = {}
        for name, rows in batches.items():
            if not rows or name in small:
                continue
            converter = self.converters.get(name)
            tables.update(converter(rows) if converter else {name: rows_to_arrow(self.schema(name), rows)})
        columns = {name: self.columns(name) for name in small}
        with self.store.transaction("writer") as cur:
            for name, rows in small.items():
                insert_rows(cur, name, columns[name], rows)
            for name, batch in tables.items():
                insert_arrow(cur, name, batch)
        stored: int = sum(map(len, small.values())) + sum(t.num_rows for t in tables.values())
        return stored

    def write_columns(self, table: str, columns: Mapping[str, Sequence[Any]]) -> int:
        return self.write_arrow({table: columns_to_arrow(self.schema(table), columns)})

    def write_arrow(self, tables: Mapping[str, pa.Table]) -> int:
        with self.store.transaction("writer") as cur:
            for name, batch in tables.items():
                insert_arrow(cur, name, batch)
        return sum(t.num_rows for t in tables.values())

    # -- the writer thread ------------------------------------------------------------
    def flush(self) -> int:
        """Drain every queue into the store now. If the store fails (disk full, closed), rows are put
        back for the next flush; a row the store refuses for what it holds is set aside and counted,
        so one bad row never blocks the others."""
        with self._flush_lock:
            drained = {name: [q.popleft() for _ in range(len(q))] for name, q in list(self._queues.items())}
            drained = {name: rows for name, rows in drained.items() if rows}
            if not drained:
                return 0
            started = time.perf_counter()
            try:
                count = self.write_now(drained)
            except Exception:  # find which table, and which rows, failed
                count = sum(self._write_table(name, rows) for name, rows in drained.items())
            if count:
                self.stats.rows_written += count
                self.stats.batches += 1
                self.stats.last_batch_seconds = time.perf_counter() - started
                self.stats.last_flush_at = utcnow()
            if not self._failed_this_flush:
                self.stats.last_error = None
                self._unavailable = False
            self._failed_this_flush = False
            return count

    def _write_table(self, name: str, rows: list[Row]) -> int:
        try:
            return self.write_now({name: rows})
        except _TRANSIENT as exc:
            self._note_failure(exc)
            self._requeue(name, rows)
            if not self._unavailable:
                log.warning(
                    "writer: %s unavailable, %s rows kept for retry until it answers: %s",
                    self.store.path,
                    name,
                    str(exc).splitlines()[0][:300],
                )
            self._unavailable = True
            return 0
        except Exception as exc:
            if len(rows) == 1:
                self._note_failure(exc)
                self.stats.rejected += 1
                log.error("writer: a %s row was refused and set aside: %s; row: %.300r", name, exc, rows[0])
                return 0
            half = len(rows) // 2  # bisect to the bad rows: log2(n) retries, the good rows stored
            return self._write_table(name, rows[:half]) + self._write_table(name, rows[half:])

    def _note_failure(self, exc: Exception) -> None:
        self.stats.failures += 1
        self.stats.last_error = f"{type(exc).__name__}: {exc}"
        self._failed_this_flush = True

    def _requeue(self, name: str, rows: list[Row]) -> None:
        queue = self._queues[name]
        room = max(0, self.capacity - len(queue))
        keep = rows[-room:] if room else []
        self.stats.dropped += len(rows) - len(keep)
        queue.extendleft(reversed(keep))

    def _run(self) -> None:
        while not self._stop.wait(self.flush_interval):
            self.flush()
        self.flush()

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="predwatch-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after one last flush of everything queued."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.flush()
