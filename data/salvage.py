"""Copy what can still be read from a damaged database into a new one, table by table.

The source is opened read-only (never written to). The destination gets the current schema (migrations),
then each table's rows are streamed across in order until the first read error: the rows before it are
kept, the table's count of rows it could not copy is reported. One thread reads, so what is kept is the
longest readable run from the table's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from data.file_check import TABLES_SQL, DatabaseFileError, describe
from data.migrate import migrate

BATCH_ROWS = 8_192
SKIPPED = {"schema_version"}  # the destination's migrations write their own


@dataclass(frozen=True)
class TableSalvage:
    table: str
    copied: int
    total: int | None  # the row count the source's metadata claims; None when even that cannot be read
    problem: str | None = None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _open_source(src: Path) -> duckdb.DuckDBPyConnection:
    if not src.is_file():
        raise DatabaseFileError(src, "does not exist")
    try:
        return duckdb.connect(str(src), read_only=True, config={"threads": 1})
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise DatabaseFileError(src, "is in use by a running server: stop it first") from exc
        raise DatabaseFileError(src, f"{describe(exc)}: DuckDB can read nothing of it") from exc


def _copy_table(source: duckdb.DuckDBPyConnection, dest: duckdb.DuckDBPyConnection, table: str, known: set[str]) -> TableSalvage:
    try:
        total = source.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchall()[0][0]
    except duckdb.Error:
        total = None
    copied = 0
    try:
        for batch in source.sql(f"SELECT * FROM {_quoted(table)}").to_arrow_reader(BATCH_ROWS):
            dest.register("salvage_batch", batch)
            if table in known:
                dest.execute(f"INSERT INTO {_quoted(table)} BY NAME SELECT * FROM salvage_batch")
            else:  # a table this version's schema does not have: keep it with the source's columns
                dest.execute(f"CREATE TABLE {_quoted(table)} AS SELECT * FROM salvage_batch")
                known.add(table)
            dest.unregister("salvage_batch")
            copied += batch.num_rows
    except (duckdb.Error, OSError) as exc:
        return TableSalvage(table, copied, total, describe(exc))
    return TableSalvage(table, copied, total)


def salvage(src: Path, dest: Path) -> list[TableSalvage]:
    """Copy every readable row of `src` into the new file `dest`; raises DatabaseFileError when `dest`
    exists or `src` cannot be opened at all."""
    if dest.exists() or Path(str(dest) + ".wal").exists():
        raise DatabaseFileError(dest, "already exists: salvage writes a new file only")
    source = _open_source(src)
    try:
        try:
            tables = [row[0] for row in source.execute(TABLES_SQL).fetchall()]
        except duckdb.Error as exc:
            raise DatabaseFileError(src, f"{describe(exc)}: DuckDB cannot even list its tables") from exc
        dest.parent.mkdir(parents=True, exist_ok=True)
        target = duckdb.connect(str(dest))
        try:
            migrate(target)
            known = {row[0] for row in target.execute(TABLES_SQL).fetchall()}
            return [_copy_table(source, target, t, known) for t in tables if t not in SKIPPED]
        finally:
            target.execute("CHECKPOINT")
            target.close()
    finally:
        source.close()
