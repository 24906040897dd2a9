"""The one DuckDB connection of the process, handed out as one cursor per thread.

DuckDB lets a single process hold a database file read-write, and sharing one connection
object across threads fails with "connection is busy"; `con.cursor()` per thread works.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any

import duckdb

from data.connection import claim, connect, duckdb_config, release
from data.disk_full import DiskFullWatch
from data.file_check import DatabaseFileError
from data.migrate import migrate
from data.query_timing import QueryTimings
from data.write_paths import check_purpose, check_read_only

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)
REOPEN_EVERY_SECONDS = 2.0  # how often an invalidated database is tried again (each try replays the WAL)


class StoreClosedError(RuntimeError):
    """The store was closed (the app is stopping)."""


class Store:
    """Owns the connection; gives each thread its own cursor and counts those in use."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseFileError(
                self.path, f"cannot be created: folder {self.path.parent} cannot be made ({exc.strerror or exc})"
            ) from exc
        self._key = claim(self.path)
        try:
            self._con = connect(self.path)
        except BaseException:
            release(self._key)
            raise
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._in_use = 0
        self._in_use_peak = 0
        self.cursor_waits = 0  # times a thread found the cursor pool's lock held and had to wait
        self.cursor_wait_max_seconds = 0.0
        self.timings = QueryTimings()
        self._closed = False
        self._profiler: duckdb.DuckDBPyConnection | None = None
        self._profiler_lock = threading.Lock()
        self.disk = DiskFullWatch(self.path)
        self._generation = 0  # bumped when the connection is reopened: thread cursors of older ones are stale
        self._locked_down = False
        self._next_reopen = 0.0
        self._dead = False  # the last reopen failed: the connection is closed
        try:
            self.applied_migrations = migrate(self._con)
        except BaseException:
            self._con.close()
            release(self._key)
            raise

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
        if cur is None or self._local.generation != self._generation:
            self._acquire()
            try:
                if self._closed:
                    raise StoreClosedError("store is closed")
                cur = self._con.cursor()
                self._cursors.append(cur)
                self._local.generation = self._generation
            finally:
                self._lock.release()
            self._local.cursor = cur
        return cur

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            cur = self._thread_cursor()
        except duckdb.Error as exc:
            self._reopen_if_broken(exc)
            raise
        self._acquire()
        self._in_use += 1
        if self._in_use > self._in_use_peak:
            self._in_use_peak = self._in_use
        self._lock.release()
        try:
            yield cur
        except duckdb.Error as exc:
            self._reopen_if_broken(exc)
            raise
        finally:
            with self._lock:
                self._in_use -= 1

    def _reopen_if_broken(self, exc: duckdb.Error) -> None:
        # Any statement, a read too, may be the first to meet an invalidated or closed database (ingest reads
        # a model's task before it writes): reopening only after a failed write would never come.
        if isinstance(exc, duckdb.FatalException) or self._dead:
            self._reopen()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read this thread makes inside sees the database as of the first one: the figures of one
        answer come from one state, whatever commits meanwhile (DuckDB's transactions are snapshots)."""
        with self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield
            finally:
                cur.execute("ROLLBACK")  # it only read

    @contextmanager
    def transaction(self, purpose: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside commit together or not at all; `purpose` is one of data/write_paths.py."""
        check_purpose(purpose)
        try:
            with self.cursor() as cur:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                wal_before = self.disk.wal_bytes()  # the commit's size tells the disk watch what fits
                cur.execute("COMMIT")
        except (duckdb.Error, OSError) as exc:  # cursor() has reopened an invalidated database
            self.disk.failed(exc)
            raise
        self.disk.succeeded(max(0, self.disk.wal_bytes() - wal_before))

    def _reopen(self) -> None:
        """DuckDB invalidates a database whose checkpoint failed (a full disk): every statement then fails
        until it is opened again. Close it and reopen, at most every REOPEN_EVERY_SECONDS; opening replays
        the WAL, so committed rows come back, and fails again while the disk is still full."""
        with self._lock:
            if self._closed or time.monotonic() < self._next_reopen:
                return
            self._next_reopen = time.monotonic() + REOPEN_EVERY_SECONDS
            stale = [*self._cursors, *([self._profiler] if self._profiler is not None else []), self._con]
            self._cursors, self._profiler = [], None
            self._generation += 1
            for old in stale:  # DuckDB hands a new connect() the same dead instance while any is open
                try:
                    old.close()
                except duckdb.Error:
                    pass
            try:
                self._con = duckdb.connect(str(self.path), config=duckdb_config())
            except duckdb.Error as exc:  # the closed connection stays: every statement fails until a try works
                self._dead = True
                self.disk.failed(exc)
                log.debug("database %s: reopening failed: %s", self.path, exc)
                return
            self._dead = False
        log.warning("database %s: reopened after DuckDB invalidated it", self.path)
        if self._locked_down:
            self.lock_down()

    def execute(self, purpose: str, name: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement that changes data, in its own transaction, timed under `name`."""
        started = perf_counter()
        with self.transaction(purpose) as cur:
            rows = cur.execute(sql, list(params)).fetchall()
        self.timings.record(name, perf_counter() - started, len(rows))
        return rows

    # `name` labels the query in db_query_duration_seconds{query} and the slow-query list; keep it stable.
    def fetch_df(self, name: str, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        check_read_only(sql)
        started = perf_counter()
        with self.cursor() as cur:
            frame = cur.execute(sql, list(params)).df()
        self.timings.record(name, perf_counter() - started, len(frame))
        return frame

    def fetch_arrow(self, name: str, sql: str, params: Sequence[Any] = ()) -> Any:
        """A pyarrow Table keeping DuckDB's column types (a pandas frame turns an all-NULL column
        into type null, which then clashes with the same column's type in another Parquet file)."""
        check_read_only(sql)
        started = perf_counter()
        with self.cursor() as cur:
            table = cur.sql(sql, params=list(params)).to_arrow_table()  # execute().to_arrow copies once more
        self.timings.record(name, perf_counter() - started, table.num_rows)
        return table

    def fetch_all(self, name: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        check_read_only(sql)
        started = perf_counter()
        with self.cursor() as cur:
            rows = cur.execute(sql, list(params)).fetchall()
        self.timings.record(name, perf_counter() - started, len(rows))
        return rows

    def fetch_dicts(self, name: str, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (JSON-ready but for datetimes)."""
        check_read_only(sql)
        started = perf_counter()
        with self.cursor() as cur:
            result = cur.execute(sql, list(params))
            columns = [d[0] for d in result.description]
            rows = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
        self.timings.record(name, perf_counter() - started, len(rows))
        return rows

    def fetch_one(self, name: str, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        # fetchall: DuckDB 2 refuses the cursor's next statement while a result is half read.
        check_read_only(sql)
        started = perf_counter()
        with self.cursor() as cur:
            rows = cur.execute(sql, list(params)).fetchall()
        self.timings.record(name, perf_counter() - started, len(rows))
        return rows[0] if rows else None

    def _profiling_cursor(self) -> duckdb.DuckDBPyConnection:
        # Profiling settings are per cursor, and cannot be set once the configuration is locked:
        # one cursor is prepared before that (see lock_down) and kept.
        if self._profiler is None:
            cur = self._con.cursor()
            cur.execute("PRAGMA enable_profiling='no_output'")
            cur.execute("SET profiling_mode='detailed'")
            self._profiler = cur
        return self._profiler

    def profile(self, name: str, sql: str, params: Sequence[Any] = ()) -> tuple[int, str]:
        """Run a query once with DuckDB's profiler on a cursor of its own; return the rows it
        returned and the profiler's JSON."""
        with self._profiler_lock:
            cur = self._profiling_cursor()
            started = perf_counter()
            rows = len(cur.execute(sql, list(params)).fetchall())
            self.timings.record(name, perf_counter() - started, rows)
            return rows, cur.get_profiling_information(format="json")

    def lock_down(self) -> None:
        """After migrations: no file access through SQL (read_text, COPY, ATTACH, INSTALL...) and no
        configuration change, for every cursor. Arrow scans (register, from_arrow) still work."""
        with self._profiler_lock:
            self._profiling_cursor()
        with self.cursor() as cur:
            cur.execute("SET enable_external_access = false")
            cur.execute("SET lock_configuration = true")
        self._locked_down = True

    def configuration_locked(self) -> bool:
        row = self.fetch_one("store.lock_configuration", "SELECT current_setting('lock_configuration')")
        return bool(row and row[0])

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            cursors, self._cursors = self._cursors, []
            if self._profiler is not None:
                cursors.append(self._profiler)
                self._profiler = None
        for cur in cursors:
            try:
                cur.close()
            except duckdb.Error:
                pass
        self._con.close()
        release(self._key)
