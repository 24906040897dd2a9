"""Typed quality results: the row layouts match the migrated tables, every stored field of a result has its
column, and a result written through the writer's path and read back by name is the same result."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

import numpy as np
import pandas as pd

from answers import results as res
from answers.model_window import ModelAnswers
from data.queries import model_views as mv
from data.queries import profiles
from data.store import Store
from data.writer import Writer

NOW = datetime(2026, 3, 10, 12, 0, 30)
RESULT = res.BinaryQuality(
    ts=NOW,
    model="m",
    model_version="3",
    window_seconds=900,
    predictions=1200,
    labelled=1000,
    unlabelled=200,
    positives=310,
    status="ok",
    labelled_share=1000 / 1200,
    auc=0.875,
    auc_error_bound=0.002,
    average_precision=0.71,
    ap_error_bound=0.004,
    precision=0.6,
    recall=0.55,
    f1=0.5739,
    accuracy=0.8,
    estimated_accuracy=0.78,
    brier=0.14,
    reference_accuracy=0.83,
    accuracy_drop=0.03,
    tp=170,
    fp=113,
    tn=577,
    fn=140,
    curves=(res.CurvePoint("roc", 0, 0.0, 0.0, None), res.CurvePoint("calibration", 0, 0.05, 0.04, None, 120)),
)


def _columns(store: Store, table: str) -> tuple[str, ...]:
    return tuple(r[0] for r in store.fetch_all("t", f"SELECT column_name FROM (DESCRIBE {table})"))


def test_row_layouts_are_the_tables_columns_in_order(store: Store) -> None:
    assert res.EVALUATION_COLUMNS == _columns(store, "model_evaluations")
    assert res.CURVE_COLUMNS == _columns(store, "model_curves")


def test_every_stored_field_of_a_result_has_its_column() -> None:
    multiclass = {c for columns in res.MULTICLASS_COLUMNS.values() for c in columns} | {"classes", "confusion", "class_drift"}
    for kind in res.QUALITY_TYPES.values():
        stored = set(res.EVALUATION_COLUMNS) | (multiclass if kind is res.MulticlassQuality else set())
        assert {f.name for f in fields(kind)} - {"curves"} <= stored, kind


def test_a_result_stored_and_read_back_by_name_is_the_same(store: Store) -> None:
    writer = Writer(store)
    writer.write_now({"model_evaluations": [res.evaluation_row(RESULT)], "model_curves": res.curve_rows(RESULT)})
    back = [res.quality_from_row(r) for r in mv.latest_evaluations(store, "m", 900)]
    assert back == [RESULT]
    assert back[0].curves == ()  # curves are stored apart
    stored = mv.latest_curves(store, "m", 900)
    assert sorted(_points(stored)) == sorted(_points(res.curve_frame([RESULT])))


def _points(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False, name=None)]


def test_a_row_with_nan_reads_back_as_undefined() -> None:
    row = dict(zip(res.EVALUATION_COLUMNS, res.evaluation_row(RESULT), strict=True))
    assert res.quality_from_row({**row, "auc": float("nan")}).auc is None


def test_the_answer_rows_are_its_typed_results_by_name(store: Store) -> None:
    """The evaluation job stores exactly what the typed answer holds (the API's on-demand path reads the latter)."""
    rng = np.random.default_rng(3)
    n = 600
    ts = [NOW.replace(minute=0, second=int(i % 60)) for i in range(n)]
    scores = rng.random(n)
    with store.transaction("seed") as cur:
        cur.executemany(
            "INSERT INTO predictions (id, ts, model, model_version, score, predicted_label, latency_seconds, status, source, "
            "received_at) VALUES (?, ?, 'm', '1', ?, ?, 0.001, 'ok', 'api', ?)",
            [(f"p{i}", ts[i], float(scores[i]), int(scores[i] >= 0.5), ts[i]) for i in range(n)],
        )
        cur.executemany(
            "INSERT INTO outcomes (id, label, ts, received_at) VALUES (?, ?, ?, ?)",
            [(f"p{i}", int(rng.random() < scores[i]), NOW, NOW) for i in range(n)],
        )
    profiles.refresh(store, NOW)
    answers = ModelAnswers(store, 100)
    typed = answers.quality("m", NOW, [900, 3600])
    rows = answers.answer("m", NOW, [900, 3600], has_reference=False)
    assert [r.status for r in typed] == ["ok", "ok"]
    assert rows["model_evaluations"] == [res.evaluation_row(r) for r in typed]
    assert rows["model_curves"] == [row for r in typed for row in res.curve_rows(r)]
    assert typed[0].labelled == n and typed[0].tp + typed[0].fp + typed[0].tn + typed[0].fn == n
