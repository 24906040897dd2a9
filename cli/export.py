"""`python app.py export --format parquet --partition day --out DIR [--db PATH] [--table predictions]`.

It opens the database file itself, so it runs while no server holds it; a held file is a clear
error and exit status 2 (DuckDB lets only one process open a file)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from cli.common import with_database
from data.parquet_export import export_parquet
from data.queries.export import EXPORTABLE
from data.store import Store
from settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py export", description="Write a table as Hive-partitioned Parquet (date=YYYY-MM-DD/)."
    )
    parser.add_argument("--format", choices=["parquet"], default="parquet", help="output format")
    parser.add_argument("--partition", choices=["day"], default="day", help="one folder per UTC day")
    parser.add_argument("--db", type=Path, default=Settings.db, help=f"DuckDB database file (default {Settings.db})")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--table", choices=list(EXPORTABLE), default="predictions", help="table to export")
    return parser


def export_command(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    return with_database(args.db, "export", lambda: _export(args))


def _export(args: argparse.Namespace) -> int:
    store = Store(args.db)
    try:
        summary = export_parquet(store, args.table, args.out)
    finally:
        store.close()
    for day, rows in summary.rows_by_day.items():
        print(f"{args.out / f'date={day.isoformat()}'}: {rows} rows")
    print(f"exported {summary.rows} {args.table} rows over {len(summary.rows_by_day)} days to {args.out}")
    return 0
