"""A multiclass batch as the store keeps it: the `predictions` rows as for any task (score and integer
label NULL), `prediction_classes` (the predicted class, and whether the row sent probabilities) and
`prediction_probabilities` (one row per class sent), plus the batch's classes in order of first appearance
with the row and field that brought each, so the class limit can name them (data/queries/multiclass.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

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


def multiclass_tables(rows: Sequence[dict[str, Any]], received_at: datetime, source: str = "ingest") -> dict[str, pa.Table]:
    """The tables of a validated multiclass batch (api/multiclass_rules.py checked its rules); the rows lose
    their label and probabilities (taken out, not copied), and the long tables' id, ts and model are taken
    from the predictions table by index, as the features' are."""
    labels = [r.pop("predicted_label", None) for r in rows]
    sent = [r.pop("probabilities", None) or {} for r in rows]
    tables = ingest_tables(rows, received_at, source)
    predictions = tables["predictions"]
    at = [i for i, label in enumerate(labels) if label is not None]
    names = [class_name(labels[i]) for i in at]
    if at:
        scored = pa.array([bool(sent[i]) for i in at], pa.bool_())
        tables["prediction_classes"] = _taken(predictions, at, [pa.array(names, pa.string()), scored], CLASSES_SCHEMA)
    index = [i for i, found in enumerate(sent) for _ in found]
    keys = [name for found in sent for name in found]
    if index:
        values = pa.array([p for found in sent for p in found.values()], pa.float64())
        tables["prediction_probabilities"] = _taken(
            predictions, index, [pa.array(keys, pa.string()), values], PROBABILITIES_SCHEMA
        )
    tables["class_appearances"] = _appearances(predictions.column("model").to_pylist(), at, names, index, keys)
    return tables


def _taken(predictions: pa.Table, index: list[int], rest: list[pa.Array], schema: pa.Schema) -> pa.Table:
    take = pa.array(index, pa.int64())
    columns = [pc.take(predictions[c], take) for c in ("id", "ts", "model")]
    return pa.Table.from_arrays([*columns, *rest], schema=schema)


def _appearances(models: list[str], at: list[int], names: list[str], index: list[int], keys: list[str]) -> pa.Table:
    """Each (model, class) of the batch once, with the row and field that first brought it (a row's label
    before its probabilities, those in the order sent)."""
    first: dict[tuple[str, str], tuple[int, int, str]] = {}  # (model, class) -> (row, order in the batch, field)
    for i, name in zip(reversed(at), reversed(names), strict=True):
        first[(models[i], name)] = (i, -1, f"predictions[{i}].predicted_label")
    for k in range(len(keys) - 1, -1, -1):
        i, pair = index[k], (models[index[k]], keys[k])
        found = first.get(pair)
        if found is None or found[0] > i:
            first[pair] = (i, k, f"predictions[{i}].probabilities.{keys[k]}")
    ordered = sorted(first.items(), key=lambda item: item[1][:2])
    return _table([(model, name, row, field) for (model, name), (row, _, field) in ordered], APPEARANCES_SCHEMA)


def _table(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)
