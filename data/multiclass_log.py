"""A multiclass batch as the store keeps it: the `predictions` rows as for any task (score and integer
label NULL), `prediction_classes` (the predicted class, and whether the row sent probabilities) and
`prediction_probabilities` (one row per class sent), plus the batch's classes in order of first appearance
with the row and field that brought each, so the class limit can name them (data/queries/multiclass.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from data.prediction_log import ingest_tables

CLASSES_SCHEMA = pa.schema(
    [("id", pa.string()), ("ts", pa.timestamp("us")), ("model", pa.string()), ("predicted", pa.string()), ("scored", pa.bool_())]
)
PROBABILITIES_SCHEMA = pa.schema(
    [("id", pa.string()), ("ts", pa.timestamp("us")), ("model", pa.string()), ("class", pa.string()), ("p", pa.float64())]
)
APPEARANCES_SCHEMA = pa.schema([("model", pa.string()), ("class", pa.string()), ("row", pa.int64()), ("field", pa.string())])
MC_FIELDS = ("predicted_label", "probabilities")


def class_name(value: int | str) -> str:
    """An integer class is stored as its decimal digits (3 and "3" are one class)."""
    return value if isinstance(value, str) else str(value)


def multiclass_tables(rows: Sequence[Mapping[str, Any]], received_at: datetime) -> dict[str, pa.Table]:
    """The tables of a validated multiclass batch (api/multiclass_rules.py checked its rules)."""
    tables = ingest_tables([{k: v for k, v in r.items() if k not in MC_FIELDS} for r in rows], received_at)
    predictions = tables["predictions"]
    ids, ts, models = (predictions.column(c).to_pylist() for c in ("id", "ts", "model"))
    classes: list[tuple[Any, ...]] = []
    probabilities: list[tuple[Any, ...]] = []
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    for i, row in enumerate(rows):
        label, sent = row.get("predicted_label"), row.get("probabilities") or {}
        if label is not None:
            name = class_name(label)
            classes.append((ids[i], ts[i], models[i], name, bool(sent)))
            seen.setdefault((models[i], name), (i, f"predictions[{i}].predicted_label"))
        for name, p in sent.items():
            probabilities.append((ids[i], ts[i], models[i], name, p))
            seen.setdefault((models[i], name), (i, f"predictions[{i}].probabilities.{name}"))
    if classes:
        tables["prediction_classes"] = _table(classes, CLASSES_SCHEMA)
    if probabilities:
        tables["prediction_probabilities"] = _table(probabilities, PROBABILITIES_SCHEMA)
    tables["class_appearances"] = _table([(m, c, r, f) for (m, c), (r, f) in seen.items()], APPEARANCES_SCHEMA)
    return tables


def _table(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)
