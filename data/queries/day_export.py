"""Reads for `python app.py export` (Parquet by day): the days a table has rows on, and one day of
its rows as Arrow (keeping DuckDB's column types).

Table names cannot be bound parameters, so only the tables listed here can be exported."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pyarrow as pa

from data.store import Store

# table -> its timestamp column; only these tables can be exported.
TABLES = {"predictions": "ts", "outcomes": "ts", "prediction_features": "ts", "system_samples": "ts"}


def _check(table: str) -> str:
    if table not in TABLES:
        raise ValueError(f"table {table!r} cannot be exported; choose one of {', '.join(TABLES)}")
    return table


def days(store: Store, table: str) -> list[date]:
    """The UTC days `table` has rows on, oldest first."""
    sql = f"SELECT DISTINCT CAST({TABLES[_check(table)]} AS DATE) AS day FROM {table} ORDER BY day"
    return [row[0] for row in store.fetch_all(f"day_export.days.{table}", sql)]


def day_rows(store: Store, table: str, day: date) -> pa.Table:
    """Every row of `table` on one UTC day, oldest first."""
    ts = TABLES[_check(table)]
    start = datetime.combine(day, datetime.min.time())
    return store.fetch_arrow(f"day_export.rows.{table}",
                             f"SELECT * FROM {table} WHERE {ts} >= ? AND {ts} < ? ORDER BY {ts}",
                             [start, start + timedelta(days=1)])
