"""Estimated performance's storage: a binary model's calibration map (migration 0022), its reference rows
read in the score profile's bins, the map fitted on them (analytics/estimated.py) stored and read back,
and the estimates over time for the Model page. The map is rebuilt with the reference
(collectors/evaluation.py), so every window's estimate uses the map of the reference it has."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from data.queries import profiles
from data.queries.drift import LABEL, PREDICTED, SCORE
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

REFERENCE_SQL = f"""
SELECT {profiles._SCORE_BIN}::BIGINT AS bin, l.value AS label, coalesce(d.value, 0) AS predicted
FROM (SELECT row_id, value AS score FROM model_reference WHERE model = ? AND feature = '{SCORE}') p
JOIN model_reference l ON l.model = ? AND l.feature = '{LABEL}' AND l.row_id = p.row_id
LEFT JOIN model_reference d ON d.model = ? AND d.feature = '{PREDICTED}' AND d.row_id = p.row_id
WHERE p.score IS NOT NULL AND NOT isnan(p.score) AND l.value IN (0, 1)
"""


def reference_scores(store: Store, model: str) -> dict[str, np.ndarray]:
    """The reference's rows as arrays: bin (the score's profile bin), label and predicted (0/1)."""
    table = store.fetch_arrow("calibration.reference", REFERENCE_SQL, [model, model, model])
    return {name: np.asarray(table.column(name)) for name in ("bin", "label", "predicted")}


def save(store: Store, model: str, lo_bin: np.ndarray, p: np.ndarray, n: np.ndarray) -> None:
    """Replace the model's map (no groups: the map is dropped, as for a reference with one outcome)."""
    rows = [(model, i, int(b), float(r), int(c)) for i, (b, r, c) in enumerate(zip(lo_bin, p, n, strict=True))]
    with store.transaction("reference") as cur:
        cur.execute("DELETE FROM model_reference_calibration WHERE model = ?", [model])
        if rows:
            cur.executemany("INSERT INTO model_reference_calibration VALUES (?, ?, ?, ?, ?)", rows)


def read(store: Store, model: str) -> dict[str, np.ndarray] | None:
    """The model's map as arrays lo_bin, p and n in group order; None when it has none."""
    table = store.fetch_arrow(
        "calibration.read", "SELECT lo_bin, p, n FROM model_reference_calibration WHERE model = ? ORDER BY grp", [model]
    )
    if table.num_rows == 0:
        return None
    return {name: np.asarray(table.column(name)) for name in ("lo_bin", "p", "n")}


def has_map(store: Store, model: str) -> bool:
    row = store.fetch_one("calibration.has_map", "SELECT count(*) FROM model_reference_calibration WHERE model = ?", [model])
    return bool(row and row[0])


ESTIMATE_COLUMNS = (
    "accuracy", "auc", "est_accuracy", "est_auc", "est_labelled_accuracy", "est_labelled_accuracy_se",
    "est_labelled_auc", "est_labelled_auc_se", "estimator_error",
)  # fmt: skip
CHART_POINTS = 600


def estimate_series(store: Store, model: str, window_seconds: int, since: datetime, until: datetime) -> pd.DataFrame:
    """ts and ESTIMATE_COLUMNS of a model's evaluations of one window, averaged over time buckets of at least
    a second giving at most about CHART_POINTS points (a realized figure below the gate is NULL, left out)."""
    step = max(1, int((until - since).total_seconds() // CHART_POINTS))
    means = ", ".join(f"avg({c}) AS {c}" for c in ESTIMATE_COLUMNS)
    return store.fetch_df(
        "calibration.estimate_series",
        f"SELECT time_bucket(to_seconds(?), ts) AS ts, {means} FROM model_evaluations "
        "WHERE model = ? AND window_seconds = ? AND ts >= ? AND ts <= ? GROUP BY 1 ORDER BY 1",
        [step, model, window_seconds, since, until],
    )
