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
from typing import Any

import duckdb
import pandas as pd

from data.migrate import migrate

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
        self._closed = False
        self.applied_migrations = migrate(self._con)

    @property
    def active_cursors(self) -> int:
        """Cursors executing a statement right now (the `active_connections` gauge)."""
        return self._in_use

    @property
    def pool_size(self) -> int:
        return len(self._cursors)

    def _thread_cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                if self._closed:
                    raise StoreClosedError("store is closed")
                cur = self._con.cursor()
                self._cursors.append(cur)
            self._local.cursor = cur
        return cur

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._thread_cursor()
        with self._lock:
            self._in_use += 1
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

    # `name` labels the query for timing (database performance issue); keep it stable.
    def fetch_df(self, name: str, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).df()

    def fetch_all(self, name: str, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def fetch_dicts(self, name: str, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (JSON-ready but for datetimes)."""
        with self.cursor() as cur:
            result = cur.execute(sql, list(params))
            columns = [d[0] for d in result.description]
            return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]

    def fetch_one(self, name: str, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        # fetchall: DuckDB 2 refuses the cursor's next statement while a result is half read.
        with self.cursor() as cur:
            rows = cur.execute(sql, list(params)).fetchall()
        return rows[0] if rows else None

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
