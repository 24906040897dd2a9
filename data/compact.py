"""Rewrite a database file without its free blocks. DuckDB reuses the blocks that retention frees, so
the file stops growing once retention runs, but it never gives them back to the filesystem: after a
large deletion (a shorter retention, a one-off cleanup) only a rewrite makes the file smaller."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from data.connection import claim, connect, release


@dataclass(frozen=True)
class CompactResult:
    bytes_before: int
    bytes_after: int


def _quoted(text: str, quote: str) -> str:
    return quote + text.replace(quote, quote * 2) + quote


def compact(path: Path) -> CompactResult:
    """Copy every table, index, sequence and view into a fresh file, then swap it in by rename, so a crash
    at any moment leaves either the old file or the new one, whole. The file must not be open elsewhere
    (StoreLockedError)."""
    fresh = path.with_name(path.name + ".compact")
    fresh.unlink(missing_ok=True)
    key = claim(path)
    try:
        connection = connect(path)
        try:
            connection.execute("CHECKPOINT")
            before = path.stat().st_size
            [(name,)] = connection.execute("SELECT current_database()").fetchall()
            connection.execute(f"ATTACH {_quoted(str(fresh), chr(39))} AS predwatch_compact")
            connection.execute(f"COPY FROM DATABASE {_quoted(name, chr(34))} TO predwatch_compact")
            connection.execute("DETACH predwatch_compact")
        finally:
            connection.close()
        os.replace(fresh, path)
    finally:
        fresh.unlink(missing_ok=True)
        release(key)
    return CompactResult(before, path.stat().st_size)
