"""Exports of one table, for GET /api/export (a time range streamed as Arrow record batches, never the
whole range in memory, capped at `max_rows`) and for `python app.py export` (one UTC day at a time).

Table names cannot be bound parameters, so only the tables in EXPORTABLE can be exported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from time import perf_counter
from typing import TYPE_CHECKING

from data.queries.rollups import ROLLUP_TABLES
from data.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 50_000
# Tables a user may export, each filtered on its `ts` column: raw rows and the rollups.
EXPORTABLE = (
    "system_samples",
    "disk_samples",
    "process_samples",
    "service_samples",
    "predictions",
    "prediction_features",
    "prediction_categories",
    "outcomes",
    "model_evaluations",
    "feature_drift",
    *ROLLUP_TABLES,
)


def _check(table: str) -> str:
    if table not in EXPORTABLE:
        raise ValueError(f"table {table!r} cannot be exported; choose one of {', '.join(EXPORTABLE)}")
    return table


def _select_list(store: Store, table: str, text_lists: bool) -> str:
    """Column list from the catalog; list and map columns as text when the format cannot hold them (CSV)."""
    columns = store.fetch_all(
        "export.columns",
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    )
    nested = ("[]", "MAP(", "STRUCT(")
    return ", ".join(
        f'CAST("{name}" AS VARCHAR) AS "{name}"' if text_lists and any(n in kind for n in nested) else f'"{name}"'
        for name, kind in columns
    )


def batches(
    store: Store, table: str, since: datetime, until: datetime, max_rows: int, text_lists: bool = False
) -> Iterator[pa.RecordBatch]:
    """Rows with since <= ts < until, oldest first; always yields at least one (maybe empty) batch."""
    import pyarrow as pa

    _check(table)
    sql = f"SELECT {_select_list(store, table, text_lists)} FROM {table} WHERE ts >= ? AND ts < ? ORDER BY ts LIMIT ?"
    started, rows = perf_counter(), 0
    # A relation's Arrow reader streams (an execute() result would be copied whole first).
    with store.cursor() as cur, cur.sql(sql, params=[since, until, max_rows]).to_arrow_reader(batch_size=BATCH_ROWS) as reader:
        yielded = False
        for batch in reader:
            rows += batch.num_rows
            yielded = True
            yield batch
        if not yielded:
            yield pa.RecordBatch.from_pylist([], schema=reader.schema)
    store.timings.record(f"export.{table}", perf_counter() - started, rows)


def days(store: Store, table: str) -> list[date]:
    """The UTC days `table` has rows on, oldest first."""
    sql = f"SELECT DISTINCT CAST(ts AS DATE) AS day FROM {_check(table)} ORDER BY day"
    return [row[0] for row in store.fetch_all(f"day_export.days.{table}", sql)]


def day_rows(store: Store, table: str, day: date) -> pa.Table:
    """Every row of `table` on one UTC day, oldest first."""
    start = datetime.combine(day, datetime.min.time())
    return store.fetch_arrow(
        f"day_export.rows.{table}",
        f"SELECT * FROM {_check(table)} WHERE ts >= ? AND ts < ? ORDER BY ts",
        [start, start + timedelta(days=1)],
    )
