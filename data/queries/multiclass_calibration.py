"""A multiclass model's estimate storage (migration 0023): its reference rows read one-vs-rest in the
probability bins, its per-class calibration maps stored and read back, and a window's merged
class_prob_profile (every scored row's per-class probability bins, labelled or not)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from data.queries import profile_tiers
from data.queries.multiclass import REFERENCE_ROWS
from data.store import Store


def _reference_sql() -> str:
    from data.queries import profiles  # the binary score bins (profiles imports multiclass)

    # The rows model_class_reference counts (the first REFERENCE_ROWS labelled predictions), scored ones,
    # crossed with the model's classes: a class a row's probabilities leave out has p = 0 there.
    return f"""
WITH first_n AS (
    SELECT c.id, c.scored, coalesce(oc.label, o.label::VARCHAR) AS truth FROM prediction_classes c
    JOIN outcomes o ON o.id = c.id LEFT JOIN outcome_classes oc ON oc.id = c.id
    WHERE c.model = $1 ORDER BY c.ts, c.id LIMIT {REFERENCE_ROWS})
SELECT k.class, ({profiles._SCORE_BIN.replace("p.score", "coalesce(pp.p, 0)")})::BIGINT AS bin,
       (k.class = f.truth)::INTEGER AS label
FROM first_n f CROSS JOIN (SELECT class FROM model_classes WHERE model = $1) k
LEFT JOIN prediction_probabilities pp ON pp.id = f.id AND pp.class = k.class
WHERE f.scored
ORDER BY k.class
"""


def reference_rows(store: Store, model: str) -> dict[str, dict[str, np.ndarray]]:
    """class -> arrays bin (of its probability) and label (1 where it was the true class) of the reference."""
    table = store.fetch_arrow("multiclass_calibration.reference", _reference_sql(), [model])
    return _split(table, ("bin", "label"))


def _split(table: Any, columns: tuple[str, ...]) -> dict[str, dict[str, np.ndarray]]:
    cols = {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False)) for name in ("class", *columns)}
    names = cols["class"]
    found: dict[str, dict[str, np.ndarray]] = {}
    if not len(names):
        return found
    starts = [0, *(np.flatnonzero(names[1:] != names[:-1]) + 1).tolist()]
    for lo, hi in zip(starts, [*starts[1:], len(names)], strict=True):
        found[str(names[lo])] = {k: cols[k][lo:hi] for k in columns}
    return found


def save(store: Store, model: str, maps: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
    """Replace the model's maps: class -> (lo_bin, p, n) per group."""
    rows = [
        (model, name, i, int(b), float(r), int(c))
        for name, (lo, p, n) in maps.items()
        for i, (b, r, c) in enumerate(zip(lo, p, n, strict=True))
    ]
    with store.transaction("reference") as cur:
        cur.execute("DELETE FROM model_class_calibration WHERE model = ?", [model])
        if rows:
            cur.executemany("INSERT INTO model_class_calibration VALUES (?, ?, ?, ?, ?, ?)", rows)


def read(store: Store, model: str) -> dict[str, dict[str, np.ndarray]]:
    """class -> arrays lo_bin, p and n in group order (empty without maps)."""
    table = store.fetch_arrow(
        "multiclass_calibration.read",
        "SELECT class, lo_bin, p, n FROM model_class_calibration WHERE model = ? ORDER BY class, grp",
        [model],
    )
    return _split(table, ("lo_bin", "p", "n"))


def window_bins(store: Store, model: str, first: datetime, last: datetime) -> dict[str, dict[str, np.ndarray]]:
    """class -> arrays bin, predicted, labelled and n over the minutes [first, last] merged."""
    sql, params, _ = profile_tiers.window_source(store, "class_prob_profile", model, first, last)
    table = store.fetch_arrow(
        "multiclass_calibration.window",
        f"SELECT class, bin, predicted, labelled, sum(n)::BIGINT AS n FROM {sql} s GROUP BY ALL ORDER BY class, bin",
        params,
    )
    return _split(table, ("bin", "predicted", "labelled", "n"))
