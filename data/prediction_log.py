"""Prediction logs as the store keeps them: one `predictions` row each, and one
`prediction_features` row per feature (the long table: measured here it inserts ~3x faster than
a MAP(VARCHAR, DOUBLE) column, stores half the bytes, and makes per-feature drift a GROUP BY).
A feature value that is a string or a boolean is a category: it goes to `prediction_categories` (booleans
as "true" / "false"); numbers and nulls (missing) stay in `prediction_features` (migration 0008 says why).

A log record is a tuple in `RECORD_FIELDS` order; `features` is a dict or None. Records are turned
into Arrow tables column by column, with the per-feature columns built by index, not per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from data.arrow_batches import Row

RECORD_FIELDS = (
    "id",
    "ts",
    "model",
    "model_version",
    "score",
    "predicted_label",
    "latency_seconds",
    "status",
    "error_kind",
    "source",
    "received_at",
    "features",
)
PREDICTION_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("model", pa.string()),
        ("model_version", pa.string()),
        ("score", pa.float64()),
        ("predicted_label", pa.int32()),
        ("latency_seconds", pa.float64()),
        ("status", pa.string()),
        ("error_kind", pa.string()),
        ("source", pa.string()),
        ("received_at", pa.timestamp("us")),
    ]
)
FEATURE_SCHEMA = pa.schema(
    [("id", pa.string()), ("ts", pa.timestamp("us")), ("model", pa.string()), ("feature", pa.string()), ("value", pa.float64())]
)
CATEGORY_SCHEMA = pa.schema(
    [("id", pa.string()), ("ts", pa.timestamp("us")), ("model", pa.string()), ("feature", pa.string()), ("category", pa.string())]
)
_NUMERIC = frozenset({float, int, np.float64, type(None)})
OUTCOME_SCHEMA = pa.schema(
    [("id", pa.string()), ("label", pa.int32()), ("ts", pa.timestamp("us")), ("received_at", pa.timestamp("us"))]
)


def prediction_tables(records: Sequence[Row]) -> dict[str, pa.Table]:
    """{"predictions": ..., "prediction_features": ..., "prediction_categories": ...} for a list of log
    records (a long table only when it has rows)."""
    if not records:
        return {}
    columns = list(zip(*records, strict=True))
    arrays = [pa.array(col, type=f.type) for col, f in zip(columns[:-1], PREDICTION_SCHEMA, strict=True)]
    return tables_from_arrays(arrays, columns[-1])


def tables_from_arrays(arrays: Sequence[pa.Array], features: Sequence[Mapping[str, Any] | None]) -> dict[str, pa.Table]:
    """Both tables from the predictions' Arrow columns (in PREDICTION_SCHEMA order) and their
    feature dicts; the feature table's id, ts and model columns are taken by index, not per row."""
    predictions = pa.Table.from_arrays(list(arrays), schema=PREDICTION_SCHEMA)
    counts = np.fromiter((len(f) if f else 0 for f in features), dtype=np.int64, count=len(features))
    if not counts.any():
        return {"predictions": predictions}
    index = np.repeat(np.arange(len(features)), counts)
    names = [name for f in features if f for name in f]
    values = [value for f in features if f for value in f.values()]
    if set(map(type, values)) <= _NUMERIC:  # the all-numeric batch: one pass, no per-value split
        return {"predictions": predictions, "prediction_features": _long(predictions, index, names, values, FEATURE_SCHEMA)}
    tables = {"predictions": predictions}
    numeric = np.fromiter((not isinstance(v, str | bool) for v in values), dtype=bool, count=len(values))
    at = np.flatnonzero(numeric)
    if len(at):
        tables["prediction_features"] = _long(
            predictions, index[at], [names[i] for i in at], [values[i] for i in at], FEATURE_SCHEMA
        )
    at = np.flatnonzero(~numeric)
    tables["prediction_categories"] = _long(
        predictions, index[at], [names[i] for i in at], [_category(values[i]) for i in at], CATEGORY_SCHEMA
    )
    return tables


def _category(value: str | bool) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else value


def _long(predictions: pa.Table, index: npt.NDArray[np.intp], names: list[str], values: list[Any], schema: pa.Schema) -> pa.Table:
    """Long-table rows: row `index[k]`'s id, ts and model, taken by index, with names[k] and values[k]."""
    take = pa.array(index)
    return pa.Table.from_arrays(
        [
            pc.take(predictions["id"], take),
            pc.take(predictions["ts"], take),
            pc.take(predictions["model"], take),
            pa.array(names, type=pa.string()),
            pa.array(values, type=schema.field(4).type),
        ],
        schema=schema,
    )


def ingest_tables(rows: Sequence[Mapping[str, Any]], received_at: datetime, source: str = "ingest") -> dict[str, pa.Table]:
    """Both tables from validated ingest dicts, column by column. A missing timestamp means the
    time of receipt; aware timestamps are converted to UTC; a missing label is the score >= 0.5."""
    n = len(rows)
    received = pa.array([received_at] * n, type=pa.timestamp("us"))
    ts = pa.array([r.get("timestamp") for r in rows], type=pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us"))
    score = pa.array([r.get("score") for r in rows], type=pa.float64())
    label = pa.array([r.get("predicted_label") for r in rows], type=pa.int32())
    derived = pc.cast(pc.greater_equal(score, 0.5), pa.int32())
    arrays = [
        pa.array([r["id"] for r in rows], type=pa.string()),
        pc.coalesce(ts, received),
        pa.array([r["model"] for r in rows], type=pa.string()),
        pa.array([r.get("model_version") for r in rows], type=pa.string()),
        score,
        pc.coalesce(label, derived),
        pa.array([r.get("latency_seconds") for r in rows], type=pa.float64()),
        pa.array([r.get("status", "ok") for r in rows], type=pa.string()),
        pa.array([r.get("error_kind") for r in rows], type=pa.string()),
        pa.array([source] * n, type=pa.string()),
        received,
    ]
    return tables_from_arrays(arrays, [r.get("features") for r in rows])


def outcome_table(rows: Sequence[Row]) -> pa.Table:
    """Outcome rows are (id, label, ts, received_at)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(OUTCOME_SCHEMA)
    return pa.Table.from_arrays(
        [pa.array(c, type=f.type) for c, f in zip(columns, OUTCOME_SCHEMA, strict=True)], schema=OUTCOME_SCHEMA
    )
