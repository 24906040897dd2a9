"""Opening the DuckDB file: one open per file per process, the lock message naming the process that
holds it, the read-only check before a read-write open, a copy of a WAL left to replay, and DuckDB's
memory and thread settings."""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path

import duckdb

from data.file_check import DatabaseFileError, check_file, describe, row_counts
from data.wal_copy import KEEP, WalCopies, keep_copies, pending_wal_bytes

log = logging.getLogger(__name__)

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


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
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
    """Open read-write only a file that passed the read-only check: a damaged file is never written to,
    and a WAL left by an unclean stop is copied (with the file) and named in one log line before replay."""
    try:
        counts = check_file(path)
        wal_bytes = pending_wal_bytes(path)
        if wal_bytes:
            log.warning("%s", _replay_line(path, wal_bytes, _keep_copies(path), counts))
        return duckdb.connect(str(path), config=duckdb_config())
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise DatabaseFileError(path, describe(exc)) from exc
        match = _LOCK_PID.search(str(exc))
        raise StoreLockedError(path, int(match.group(1)) if match else None) from exc
    except duckdb.Error as exc:  # the read-only check read it whole: what fails here is the replay itself
        raise DatabaseFileError(path, describe(exc), damaged=True) from exc


def _keep_copies(path: Path) -> WalCopies:
    try:
        return keep_copies(path)
    except OSError as exc:
        raise DatabaseFileError(
            path,
            f"has a WAL to replay but no copy of it could be kept beside it ({exc.strerror or exc}); nothing was "
            f"modified: free {pending_wal_bytes(path) + path.stat().st_size} bytes there and start again",
        ) from exc


def _replay_line(path: Path, wal_bytes: int, copies: WalCopies, counts: dict[str, int]) -> str:
    """One line: what was found, where the copies are, what replaying changes, how to recover from them."""
    kept = f"{copies.wal}" + (f" and {copies.db}" if copies.db else "")
    before = row_counts(copies.db) if copies.db else {}
    changed = {t: n - before.get(t, 0) for t, n in counts.items() if n != before.get(t, 0)}
    if changed:
        effect = "replaying it changes row counts by " + ", ".join(f"{t} {n:+,}" for t, n in sorted(changed.items()))
    else:
        effect = (
            "replaying it changes no table's row count (DuckDB skips a WAL it cannot read and stops at a damaged "
            "or torn end without saying so)"
        )
    pruned = f"; {copies.removed} older pair(s) of copies removed (the newest {KEEP} are kept)" if copies.removed else ""
    return (
        f"database {path}: found a {wal_bytes:,}-byte WAL left by a stop that did not close the file; kept {kept} "
        f"before replaying it; {effect}; if rows are missing, `python app.py salvage --from-backup {copies.wal} "
        f"NEW.duckdb` copies what the copies hold{pruned}"
    )
