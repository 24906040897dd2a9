"""Insert rows typed like their DuckDB table: a large batch as one Arrow table, a small one as one
list parameter per column.

Row-by-row `executemany` manages ~800 rows/s here; one Arrow table insert over a million. The
collectors write a few to ~100 rows a flush, which column lists insert about as fast as Arrow does
without loading pyarrow (~40 MB): pyarrow is imported by the first large batch, not at start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

Row = tuple[Any, ...]  # one row of a table, its values in the table's column order
Columns = list[tuple[str, str]]  # a table's columns in order: (name, DuckDB type)
# Fewer rows than this go as column lists: up to ~256 rows both ways take a few ms, above it column
# lists grow linearly (5,000 system_samples rows: 228 ms against Arrow's 42 ms).
SMALL_BATCH = 256


def arrow_type(duckdb_type: str) -> pa.DataType:
    import pyarrow as pa

    simple = {
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
    try:
        return simple[duckdb_type]
    except KeyError:
        raise ValueError(f"no Arrow type mapped for DuckDB type {duckdb_type}") from None


def table_columns(cur: duckdb.DuckDBPyConnection, table: str) -> Columns:
    rows = cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    if not rows:
        raise ValueError(f"unknown table {table!r}")
    return [(name, kind) for name, kind in rows]


def arrow_schema(columns: Columns) -> pa.Schema:
    import pyarrow as pa

    return pa.schema([(name, arrow_type(kind)) for name, kind in columns])


def table_schema(cur: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    return arrow_schema(table_columns(cur, table))


def _check_width(width: int, rows: Sequence[Sequence[Any]]) -> None:
    if any(len(row) != width for row in rows):
        raise ValueError(f"a row does not have the table's {width} values")


def rows_to_arrow(schema: pa.Schema, rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Rows are tuples in the table's column order."""
    import pyarrow as pa

    _check_width(len(schema), rows)
    # One list per column; zip(*rows) made an iterator per row and set off full GC passes (2x slower).
    arrays = [pa.array([row[i] for row in rows], type=field.type) for i, field in enumerate(schema)]
    return pa.Table.from_arrays(arrays, schema=schema)


def columns_to_arrow(schema: pa.Schema, columns: Mapping[str, Sequence[Any]]) -> pa.Table:
    """Columns by name; a column the mapping lacks is stored as NULL."""
    import pyarrow as pa

    length = len(next(iter(columns.values()))) if columns else 0
    arrays = [pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(length, f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


# Tables with a primary key: a row whose key is stored already is skipped, so retries are idempotent.
KEYED_TABLES = frozenset({"predictions", "outcomes", "outcome_values", "model_tasks"})  # a repeat is skipped


def _insert(table: str) -> str:
    return f"INSERT OR IGNORE INTO {table}" if table in KEYED_TABLES else f"INSERT INTO {table}"


def insert_rows(cur: duckdb.DuckDBPyConnection, table: str, columns: Columns, rows: Sequence[Sequence[Any]]) -> None:
    """A small batch in one statement: each column one list parameter cast to its column's type and
    unnested beside the others (a VALUES list of one parameter per value binds ~0.3 ms a row)."""
    if not rows:
        return
    _check_width(len(columns), rows)
    unnested = ", ".join(f"unnest(CAST(? AS {kind}[]))" for _, kind in columns)
    cur.execute(f"{_insert(table)} SELECT {unnested}", [[_plain(row[i]) for row in rows] for i in range(len(columns))])


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays as Python values: DuckDB's list parameters take only Python's (Arrow took both)."""
    return value.tolist() if isinstance(value, np.generic | np.ndarray) else value


def insert_arrow(cur: duckdb.DuckDBPyConnection, table: str, batch: pa.Table) -> None:
    if not batch.num_rows:
        return
    if table not in KEYED_TABLES:
        cur.from_arrow(batch).insert_into(table)
        return
    cur.register("__predwatch_batch", batch)
    try:
        cur.execute(f"{_insert(table)} SELECT * FROM __predwatch_batch")
    finally:
        try:
            cur.unregister("__predwatch_batch")
        except duckdb.Error:  # an aborted transaction refuses; the original error matters more
            pass
