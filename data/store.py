"""The one DuckDB connection of the process, handed out as one cursor per thread.

DuckDB lets a single process hold a database file read-write, and sharing one connection
object across threads fails with "connection is busy"; `con.cursor()` per thread works.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter
from typing import Any

import duckdb
import pandas as pd

from data.migrate import migrate
from data.query_timing import QueryTimings

_LOCK_PID = re.compile(r"\(PID (\d+)\)")


class StoreLockedError(RuntimeError):
    """The database file is held by another process."""

    def __init__(self, path: Path, pid: int | None) -> None:
        holder = f"process PID {pid}" if pid is not None else "another process"
        super().__init__(f"database {path} is in use by {holder}")
        self.path = path
        self.pid = pid


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        match = _LOCK_PID.search(str(exc))
        raise StoreLockedError(path, int(match.group(1)) if match else None) from exc


class StoreClosedError(RuntimeError):
    """The store was closed (the app is stopping)."""


class Store:
    """Owns the connection; gives each thread its own cursor and counts those in use."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = _connect(self.path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._in_use = 0
        self._in_use_peak = 0
        self.cursor_waits = 0  # times a thread found the cursor pool's lock held and had to wait
        self.cursor_wait_max_seconds = 0.0
        self.timings = QueryTimings()
        self._closed = False
        self.applied_migrations = migrate(self._con)

    @property
    def active_cursors(self) -> int:
        """Cursors executing a statement right now (the `active_connections` gauge)."""
        return self._in_use

    @property
    def pool_size(self) -> int:
        return len(self._cursors)

    def take_pool_window(self) -> tuple[int, float]:
        """The most cursors in use at once and the longest wait for one since the last call
        (an instant sample would miss short bursts); both restart from now."""
        with self._lock:
            peak, self._in_use_peak = self._in_use_peak, self._in_use
            longest, self.cursor_wait_max_seconds = self.cursor_wait_max_seconds, 0.0
        return peak, longest

    def _acquire(self) -> None:
        # Try without blocking first: the common, uncontended case costs no clock reads.
        if self._lock.acquire(False):
            return
        started = perf_counter()
        self._lock.acquire()
        waited = perf_counter() - started
        self.cursor_waits += 1
        if waited > self.cursor_wait_max_seconds:
            self.cursor_wait_max_seconds = waited

    def _thread_cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            self._acquire()
            try:
                if self._closed:
                    raise StoreClosedError("store is closed")
                cur = self._con.cursor()
                self._cursors.append(cur)
            finally:
                self._lock.release()
            self._local.cursor = cur
        return cur

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._thread_cursor()
        self._acquire()
        self._in_use += 1
        if self._in_use > self._in_use_peak:
            self._in_use_peak = self._in_use
        self._lock.release()
        try:
            yield cur
        finally:
            with self._lock:
                self._in_use -= 1

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside commit together or not at all."""
        with self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    # `name` labels the query in db_query_duration_seconds{query} and the slow-query list; keep it stable.
    def fetch_df(self, name: str, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        started = perf_counter()
        with self.cursor() as cur:
            frame = cur.execute(sql, list(params)).df()
        self.timings.record(name, perf_counter() - started, len(frame))
        return frame

    def fetch_all(self, name: str, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        started = perf_counter()
        with self.cursor() as cur:
            rows = cur.execute(sql, list(params)).fetchall()
        self.timings.record(name, perf_counter() - started, len(rows))
        return rows

    def fetch_dicts(self, name: str, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (JSON-ready but for datetimes)."""
        started = perf_counter()
        with self.cursor() as cur:
            result = cur.execute(sql, list(params))
            columns = [d[0] for d in result.description]
            rows = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
        self.timings.record(name, perf_counter() - started, len(rows))
        return rows

    def fetch_one(self, name: str, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        # fetchall: DuckDB 2 refuses the cursor's next statement while a result is half read.
        started = perf_counter()
        with self.cursor() as cur:
            rows = cur.execute(sql, list(params)).fetchall()
        self.timings.record(name, perf_counter() - started, len(rows))
        return rows[0] if rows else None

    def profile(self, name: str, sql: str, params: Sequence[Any] = ()) -> tuple[int, str]:
        """Run a query once with DuckDB's profiler on a cursor of its own (profiling settings are
        per cursor); return the rows it returned and the profiler's JSON."""
        cur = self._con.cursor()
        try:
            cur.execute("PRAGMA enable_profiling='no_output'")
            cur.execute("SET profiling_mode='detailed'")
            started = perf_counter()
            rows = len(cur.execute(sql, list(params)).fetchall())
            self.timings.record(name, perf_counter() - started, rows)
            return rows, cur.get_profiling_information(format="json")
        finally:
            cur.close()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            cursors, self._cursors = self._cursors, []
        for cur in cursors:
            try:
                cur.close()
            except duckdb.Error:
                pass
        self._con.close()
