"""Opening the DuckDB file: one open per file per process, the lock message naming the process that
holds it, the read-only check before a read-write open, and DuckDB's memory and thread settings."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import duckdb

from data.file_check import DatabaseFileError, check_file, describe

_LOCK_PID = re.compile(r"\(PID (\d+)\)")
# Database files a Store of this process holds open. DuckDB would hand a second connect() in the same
# process the same database, so a second app (a double create_app) would run every collector twice.
_OPEN_PATHS: set[Path] = set()
_OPEN_PATHS_LOCK = threading.Lock()


class StoreLockedError(RuntimeError):
    """The database file is held by another process."""

    def __init__(self, path: Path, pid: int | None, same_process: bool = False) -> None:
        holder = f"process PID {pid}" if pid is not None else "another process"
        if same_process:
            holder = "another Predwatch app in this process (stop it first)"
        super().__init__(f"database {path} is in use by {holder}")
        self.path = path
        self.pid = pid


def claim(path: Path) -> Path:
    """Note that this process holds `path`; a second claim is refused (see _OPEN_PATHS)."""
    key = path.resolve()
    with _OPEN_PATHS_LOCK:
        if key in _OPEN_PATHS:
            raise StoreLockedError(path, None, same_process=True)
        _OPEN_PATHS.add(key)
    return key


def release(key: Path) -> None:
    with _OPEN_PATHS_LOCK:
        _OPEN_PATHS.discard(key)


MB = 1024 * 1024


def duckdb_config() -> dict[str, str | int]:
    """DuckDB's memory limit and worker threads, chosen for a monitor that shares its host.

    DuckDB's defaults take 80 % of RAM and a worker per core. A monitor must stay small beside what it
    watches: 1/8 of RAM, at least 256 MB (64 MB failed a large count(DISTINCT); beyond the limit DuckDB
    spills to disk or fails) and at most 2 GB. Threads: half the cores, at least one; each request
    and collector already runs its queries on its own thread, so more workers only compete with them
    (and with the host) for the same cores."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        ram = 4096 * MB
    limit_mb = max(256, min(2048, ram // 8 // MB))
    return {"memory_limit": f"{limit_mb}MB", "threads": max(1, (os.cpu_count() or 1) // 2)}


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open read-write only a file that passed the read-only check: a damaged file is never written to."""
    try:
        check_file(path)
        return duckdb.connect(str(path), config=duckdb_config())
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise DatabaseFileError(path, describe(exc)) from exc
        match = _LOCK_PID.search(str(exc))
        raise StoreLockedError(path, int(match.group(1)) if match else None) from exc
