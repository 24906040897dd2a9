"""`python app.py import FILE [--db PATH]`: load historical prediction logs or outcomes from CSV, Parquet
(a file or a Hive-partitioned folder of them) or JSON Lines, through the ingest API's own validation
(api/schemas.py) and storage (data/prediction_log.ingest_tables, data/ingest.py).

Rows go in batches of BATCH_ROWS; a batch with any invalid row is rejected whole (no partial batches) and
reported with its reasons; ids already stored are skipped as duplicates. The rollups over the imported
time range are rebuilt afterwards, so long-range charts show the history.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError
from tqdm import tqdm

from api.schemas import OUTCOME_BATCH, PREDICTION_BATCH, log_problems
from data.clock import to_utc_naive, utcnow
from data.connection import StoreLockedError
from data.file_check import DatabaseFileError
from data.ingest import store_outcomes, store_predictions
from data.retention import roll_up
from data.store import Store
from settings import Settings

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 1_000
RENAMED = {"ts": "timestamp"}  # GET /api/export writes the store's column names
EXPORT_ONLY = {"source", "received_at"}  # stored by the server, not given by a client
TEXT = ("id", "model", "model_version", "status", "error_kind")


@dataclass
class ImportSummary:
    kind: str = ""
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    first_ts: datetime | None = None
    last_ts: datetime | None = None

    def lines(self) -> list[str]:
        out = [
            f"{self.kind}: {self.rows} rows read, {self.stored} stored, {self.duplicates} duplicates skipped, "
            f"{self.rejected} rejected"
        ]
        out += [f"  rejected: {count} x {reason}" for reason, count in self.reasons.most_common(10)]
        return out


def read_table(path: Path) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    if path.is_dir():  # partition keys (day=..., model=...) only place the files; the rows carry their own fields
        dataset = ds.dataset(path, format="parquet", partitioning="hive")
        keys = set(dataset.partitioning.schema.names) if dataset.partitioning else set()
        return dataset.to_table(columns=[n for n in dataset.schema.names if n not in keys])
    suffix = path.suffix.lower()
    if suffix == ".csv":  # ids and names that look like numbers stay text, as JSON bodies would carry them
        return pacsv.read_csv(
            path, convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(TEXT, pa.string()), strings_can_be_null=True)
        )
    if suffix == ".parquet":
        return pq.read_table(path)
    if suffix in (".jsonl", ".ndjson"):
        # pa.array infers one struct type over every row (from_pylist would take the first row's keys only)
        rows = pa.array([json.loads(line) for line in path.read_text().splitlines() if line.strip()])
        return pa.Table.from_struct_array(rows)
    raise ValueError(f"{path}: not a .csv, .parquet, .jsonl file or a folder of parquet files")


def _clean(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # refused by validation as the API refuses it, row by row
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return dict(value)  # an Arrow map column (features)
    if isinstance(value, dict):  # a struct column (features): keys other rows had are null here
        return {k: v for k, v in value.items() if v is not None}
    return value


def rows_of(table: pa.Table) -> Iterator[list[dict[str, Any]]]:
    """Batches of JSON-ready dicts, the way an ingest request body would carry them (null fields left out)."""
    for batch in table.to_batches(BATCH_ROWS):
        rows = []
        for row in batch.to_pylist():
            rows.append({RENAMED.get(k, k): _clean(v) for k, v in row.items() if v is not None and k not in EXPORT_ONLY})
        yield rows


def _validate(kind: str, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]] | None, list[str]]:
    # The batch's one key is the kind, known only at run time: the adapter's body type cannot say which.
    adapter: TypeAdapter[Any] = PREDICTION_BATCH if kind == "predictions" else OUTCOME_BATCH
    try:
        valid = adapter.validate_json(json.dumps({kind: rows}))[kind]
    except ValidationError as exc:
        return None, [
            f"{'.'.join(str(p) for p in e['loc'][2:]) or 'row'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)
        ]
    ids = [r["id"] for r in valid]
    problems = [f"{p['field'].split('.')[-1]}: {p['error']}" for p in log_problems(valid)] if kind == "predictions" else []
    if len(set(ids)) != len(ids):
        problems.append("id: repeats inside the batch")
    return (None, problems) if problems else (valid, [])


def _store(store: Store, kind: str, rows: list[dict[str, Any]]) -> int:
    from data.prediction_log import ingest_tables

    now = utcnow()
    if kind == "predictions":
        return len(store_predictions(store, ingest_tables(rows, now, source="import")))
    outcome_rows = [(r["id"], r["label"], to_utc_naive(r["timestamp"]) if r.get("timestamp") else now, now) for r in rows]
    return store_outcomes(store, outcome_rows).stored


def import_table(store: Store, table: pa.Table, progress: bool = True) -> ImportSummary:
    kind = "predictions" if "model" in table.column_names else "outcomes"
    summary = ImportSummary(kind=kind, rows=table.num_rows)
    with tqdm(total=table.num_rows, unit="rows", desc=f"importing {kind}", disable=not progress) as bar:
        for rows in rows_of(table):
            valid, problems = _validate(kind, rows)
            if valid is None:
                summary.rejected += len(rows)
                summary.reasons.update(problems)
            else:
                stored = _store(store, kind, valid)
                summary.stored += stored
                summary.duplicates += len(valid) - stored
                stamps = [to_utc_naive(r["timestamp"]) for r in valid if r.get("timestamp")]
                if stamps:
                    summary.first_ts = min([summary.first_ts or stamps[0], *stamps])
                    summary.last_ts = max([summary.last_ts or stamps[0], *stamps])
            bar.update(len(rows))
    return summary


def main(argv: Sequence[str]) -> int:
    import pyarrow as pa

    parser = argparse.ArgumentParser(prog="app.py import", description="Import prediction logs or outcomes.")
    parser.add_argument("file", type=Path, help=".csv, .parquet, .jsonl, or a folder of (Hive-partitioned) parquet")
    parser.add_argument("--db", type=Path, default=Settings().db, help="DuckDB database file")
    args = parser.parse_args(list(argv))
    try:
        table = read_table(args.file)
        store = Store(args.db)
    except (OSError, ValueError, pa.ArrowInvalid, StoreLockedError, DatabaseFileError) as exc:
        print(f"predwatch import: {exc}", file=sys.stderr)
        return 2
    try:
        summary = import_table(store, table, progress=sys.stderr.isatty())
        if summary.kind == "predictions" and summary.first_ts and summary.last_ts:
            roll_up(store, summary.first_ts, summary.last_ts)
    finally:
        store.close()
    print("\n".join(summary.lines()))
    return 1 if summary.rejected else 0
