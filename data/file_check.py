"""Check a database file before Predwatch opens it for writing.

Opening a damaged file read-write lets DuckDB write to it (a checkpoint, a new WAL, a file twice its size):
the evidence a user needs to recover is changed. So an existing file is first opened read-only and every
table read through (DuckDB verifies each block's checksum as it reads it); a file that fails is never opened
for writing. The check reads the whole file once: about 1.5 s for a 433 MB file on the development machine
(README, Reliability).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

TABLES_SQL = (
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
)
BATCH_ROWS = 65_536
WAL_PROBLEM = "has a WAL that DuckDB cannot replay"


class DatabaseFileError(RuntimeError):
    """The database file (or its folder) cannot be used; the message is one line for the operator."""

    def __init__(self, path: Path, problem: str, damaged: bool = False) -> None:
        advice = ""
        aside = "the file and its .wal" if problem.startswith(WAL_PROBLEM) else "the file"
        if damaged and problem.startswith(("is empty", "is not a DuckDB")):
            advice = "; it was not modified: check that --db names the right file, or move it aside to start empty"
        elif damaged:
            advice = (
                f"; it was not modified: copy what can still be read with `python app.py salvage {path} "
                f"NEW.duckdb` and start on NEW.duckdb (or move {aside} aside to start empty)"
            )
        super().__init__(f"database {path} {problem}{advice}")
        self.path, self.problem, self.damaged = path, problem, damaged


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def describe(exc: BaseException) -> str:
    """What a DuckDB error on reading the file says about the file, in words an operator can act on."""
    text = str(exc)
    if "replaying WAL" in text:
        return f"{WAL_PROBLEM} ({first_line(exc).split(': ', 1)[-1]})"
    if "not a valid DuckDB database file" in text:
        return "is not a DuckDB database file (another kind of file, or its header is damaged)"
    if "Could not read enough bytes" in text:
        return "is truncated: it is shorter than the data it refers to"
    if "checksum" in text.lower() or "corrupt" in text.lower():
        return "is corrupt: a block fails its checksum"
    if "version" in text.lower() and "storage" in text.lower():
        return f"was written by another DuckDB version ({first_line(exc)})"
    return f"cannot be read ({first_line(exc)})"


def read_every_table(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Stream every row of every table and drop it: raises the first read error; returns rows per table."""
    counts = {}
    for (table,) in con.execute(TABLES_SQL).fetchall():
        quoted = '"' + table.replace('"', '""') + '"'
        counts[table] = sum(batch.num_rows for batch in con.sql(f"SELECT * FROM {quoted}").to_arrow_reader(BATCH_ROWS))
    return counts


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of a file read on its own (a copy's name has no .wal beside it)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [row[0] for row in con.execute(TABLES_SQL).fetchall()]
        return {t: con.execute('SELECT count(*) FROM "' + t.replace('"', '""') + '"').fetchall()[0][0] for t in tables}
    finally:
        con.close()


def check_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseFileError(path, f"cannot be created: {folder} is not a folder")
    # DuckDB writes the file and a .wal beside it; os.access also sees a read-only mount, even as root.
    if not os.access(folder, os.W_OK | os.X_OK):
        where = "cannot be opened for writing" if path.exists() else "cannot be created"
        raise DatabaseFileError(path, f"{where}: folder {folder} is read-only (Predwatch writes the file and its .wal there)")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseFileError(path, "cannot be opened for writing: the file is read-only")


def check_file(path: Path) -> dict[str, int]:
    """Raise DatabaseFileError unless `path` is absent (a new database) or a whole DuckDB database in a
    writable folder; return its rows per table (its WAL replayed, in memory only). Reads only; a lock held
    by another process raises duckdb.IOException as connect does."""
    check_folder(path)
    if not path.exists():
        return {}
    if not path.is_file():
        raise DatabaseFileError(path, "is not a regular file")
    if path.stat().st_size == 0:
        raise DatabaseFileError(path, "is empty (0 bytes), not a DuckDB database", damaged=True)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise
        raise DatabaseFileError(path, describe(exc), damaged=True) from exc
    except duckdb.Error as exc:
        raise DatabaseFileError(path, describe(exc), damaged=True) from exc
    try:
        return read_every_table(con)
    except (duckdb.Error, OSError) as exc:  # a read error can also come through Arrow's stream as OSError
        raise DatabaseFileError(path, describe(exc), damaged=True) from exc
    finally:
        con.close()
