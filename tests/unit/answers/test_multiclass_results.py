"""A multiclass result stored by name (model_evaluations and its own tables) and read back is the same
result; its tables' layouts are their columns in order."""

from __future__ import annotations

from datetime import datetime

from answers import results as res
from answers.multiclass import stored_quality
from data.queries import model_views as mv
from data.store import Store
from data.writer import Writer

RESULT = res.MulticlassQuality(
    ts=datetime(2026, 3, 10, 12, 0),
    model="grades",
    model_version=None,
    window_seconds=900,
    predictions=10,
    labelled=8,
    unlabelled=2,
    status="ok",
    labelled_share=0.8,
    accuracy=0.75,
    precision=0.7,
    recall=0.65,
    f1=0.66,
    micro_precision=0.75,
    micro_recall=0.75,
    micro_f1=0.75,
    weighted_precision=0.8,
    weighted_recall=0.75,
    weighted_f1=0.74,
    auc=0.9,
    auc_error_bound=0.001,
    log_loss=0.5,
    scored=6,
    other=0,
    classes=(res.ClassFigures("A", 5, 4, 1.0, 0.8, 0.888, 0.95, 0.0), res.ClassFigures("B", 3, 4, 0.5, 0.66, 0.57, None, None)),
    confusion=(("A", "A", 4), ("A", "B", 1), ("B", "A", 1), ("B", "B", 2)),
    class_drift=(
        res.ClassShareDrift("prediction", 0.02, 1.5, 0.47, 0.05, 2000, 10, "insufficient_data"),
        res.ClassShareDrift("label", None, None, None, None, 2000, 0, "insufficient_data"),
    ),
)


def test_layouts_are_the_tables_columns_in_order(store: Store) -> None:
    for table, columns in res.MULTICLASS_COLUMNS.items():
        found = tuple(r[0] for r in store.fetch_all("t", f"SELECT column_name FROM (DESCRIBE {table})"))
        assert columns == found, table


def test_a_multiclass_result_stored_and_read_back_is_the_same(store: Store) -> None:
    Writer(store).write_now({"model_evaluations": [res.evaluation_row(RESULT)], **res.multiclass_rows(RESULT)})
    (row,) = mv.latest_evaluations(store, "grades", 900)
    back = stored_quality(store, row)
    assert back == RESULT
