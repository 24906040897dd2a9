"""Turn rows into Arrow tables typed like their DuckDB table, for one bulk insert each.

Row-by-row `executemany` manages ~800 rows/s here; one Arrow table insert over a million.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

_SIMPLE_TYPES = {
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "FLOAT": pa.float32(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "SMALLINT": pa.int16(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR": pa.string(),
    "DOUBLE[]": pa.list_(pa.float64()),
    "MAP(VARCHAR, DOUBLE)": pa.map_(pa.string(), pa.float64()),
}
Row = tuple[Any, ...]  # one row of a table, its values in the table's column order


def arrow_type(duckdb_type: str) -> pa.DataType:
    try:
        return _SIMPLE_TYPES[duckdb_type]
    except KeyError:
        raise ValueError(f"no Arrow type mapped for DuckDB type {duckdb_type}") from None


def table_schema(cur: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    rows = cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    if not rows:
        raise ValueError(f"unknown table {table!r}")
    return pa.schema([(name, arrow_type(kind)) for name, kind in rows])


def rows_to_arrow(schema: pa.Schema, rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Rows are tuples in the table's column order."""
    width = len(schema)
    if any(len(row) != width for row in rows):
        raise ValueError(f"a row does not have the table's {width} values")
    # One list per column; zip(*rows) made an iterator per row and set off full GC passes (2x slower).
    arrays = [pa.array([row[i] for row in rows], type=field.type) for i, field in enumerate(schema)]
    return pa.Table.from_arrays(arrays, schema=schema)


def columns_to_arrow(schema: pa.Schema, columns: Mapping[str, Sequence[Any]]) -> pa.Table:
    """Columns by name; a column the mapping lacks is stored as NULL."""
    length = len(next(iter(columns.values()))) if columns else 0
    arrays = [pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(length, f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


# Tables with a primary key: a row whose key is stored already is skipped, so retries are idempotent.
KEYED_TABLES = frozenset({"predictions", "outcomes"})


def insert_arrow(cur: duckdb.DuckDBPyConnection, table: str, batch: pa.Table) -> None:
    if not batch.num_rows:
        return
    if table not in KEYED_TABLES:
        cur.from_arrow(batch).insert_into(table)
        return
    cur.register("__predwatch_batch", batch)
    try:
        cur.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM __predwatch_batch")
    finally:
        try:
            cur.unregister("__predwatch_batch")
        except duckdb.Error:  # an aborted transaction refuses; the original error matters more
            pass
