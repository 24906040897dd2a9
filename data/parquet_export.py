"""Prediction logs (or another timestamped table) as Hive-partitioned Parquet, one folder per UTC
day (`date=YYYY-MM-DD/`), which DuckDB, Spark and Trino read as one partitioned dataset.

One day is read and written at a time, so memory stays bounded by the busiest day; re-exporting a
day replaces that day's folder (existing_data_behavior="delete_matching") instead of duplicating it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from data.queries import export as q
from data.store import Store

PARTITION_COLUMN = "date"


@dataclass
class ExportSummary:
    table: str
    out: Path
    rows_by_day: dict[date, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_day.values())


def export_parquet(store: Store, table: str, out: Path) -> ExportSummary:
    """Write every row of `table` under `out/date=YYYY-MM-DD/<table>-0.parquet`."""
    import pyarrow as pa  # here, not at the top: the app imports this module for its subcommand
    import pyarrow.dataset as ds

    hive_day = ds.partitioning(pa.schema([(PARTITION_COLUMN, pa.string())]), flavor="hive")
    summary = ExportSummary(table, out)
    out.mkdir(parents=True, exist_ok=True)
    for day in q.days(store, table):
        arrow = q.day_rows(store, table, day)
        if arrow.num_rows == 0:
            continue
        arrow = arrow.append_column(PARTITION_COLUMN, pa.array([day.isoformat()] * arrow.num_rows, pa.string()))
        ds.write_dataset(
            arrow,
            out,
            format="parquet",
            partitioning=hive_day,
            basename_template=f"{table}-{{i}}.parquet",
            existing_data_behavior="delete_matching",
        )
        summary.rows_by_day[day] = arrow.num_rows
    return summary
