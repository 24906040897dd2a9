"""Windows answered from the per-minute profiles (data/queries/profiles.py): a window of W seconds
ending at T is the ceil(W / 60) minutes up to and including T's own minute, merged by summing their
counts and sums. A window shorter than a minute (drift's "recent") bins its raw rows on the fly with
the same bins instead. analytics/binned_quality.py and analytics/binned_drift.py make the figures.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pyarrow.compute as pc

from data.profile_bins import bin_values
from data.queries.drift import SCORE
from data.store import Store


def window_minutes(until: datetime, seconds: int) -> tuple[datetime, datetime]:
    """First and last minute start of the window of `seconds` ending at `until`."""
    last = until.replace(second=0, microsecond=0)
    return last - timedelta(minutes=max(1, math.ceil(seconds / 60)) - 1), last


SCORES_SQL = """
WITH s AS (SELECT * FROM score_profile WHERE model = ? AND ts >= ? AND ts <= ?)
SELECT bin::BIGINT AS bin, outcome::BIGINT AS outcome, predicted::BIGINT AS predicted, sum(n)::BIGINT AS n,
       sum(score_sum) AS score_sum, sum(score_sq) AS score_sq, min(score_min) AS score_min, max(score_max) AS score_max,
       (SELECT arg_max(model_version, ts) FROM s) AS model_version
FROM s GROUP BY bin, outcome, predicted ORDER BY bin
"""


def score_bins(store: Store, model: str, first: datetime, last: datetime) -> tuple[dict[str, np.ndarray], str | None]:
    """The merged score profile of minutes [first, last] as arrays (bin, outcome, predicted, n, score_sum,
    score_sq, score_min, score_max: analytics.binned_quality.ScoreBins) and the newest model version."""
    table = store.fetch_arrow("profiles.score_window", SCORES_SQL, [model, first, last])
    cols = {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False)) for name in table.column_names}
    version = cols.pop("model_version")
    return cols, (str(version[0]) if len(version) and version[0] is not None else None)


def reference_edges(store: Store, model: str) -> dict[str, dict[str, np.ndarray]]:
    """Per feature: arrays edge, rn (reference rows equal to it), pb_at and pb_after (the PSI bins of the
    edge and of the values just above it), for edges i = 0.. in order."""
    table = store.fetch_arrow("profiles.reference_edges", "SELECT feature, edge, rn, pb_at, pb_after "
                              "FROM model_reference_edges WHERE model = ? ORDER BY feature, i", [model])
    return {feature: {c: np.asarray(a) for c, a in part.items()} for feature, part in split_rows(table, "feature").items()}


def profile_feature_bins(store: Store, model: str, first: datetime, last: datetime) -> dict[str, tuple]:
    """Per feature: (bin ids, counts) of the profile minutes [first, last] merged."""
    table = store.fetch_arrow("profiles.feature_window", "SELECT feature, bin, sum(n)::BIGINT AS n FROM feature_profile "
                              "WHERE model = ? AND ts >= ? AND ts <= ? GROUP BY ALL ORDER BY feature", [model, first, last])
    return {f: (np.asarray(part["bin"]), np.asarray(part["n"])) for f, part in split_rows(table, "feature").items()}


RAW_SQL = f"""
SELECT feature, value FROM prediction_features WHERE model = ? AND ts > ? AND ts <= ?
AND value IS NOT NULL AND NOT isnan(value)
UNION ALL
SELECT '{SCORE}', score FROM predictions WHERE model = ? AND ts > ? AND ts <= ? AND status = 'ok'
AND score IS NOT NULL AND NOT isnan(score)
"""


def raw_feature_bins(store: Store, model: str, since: datetime, until: datetime,
                     edges: dict[str, np.ndarray]) -> dict[str, tuple]:
    """The same from the raw rows in (since, until], binned on the fly against `edges` (per feature)."""
    rows = store.fetch_arrow("profiles.raw_window", RAW_SQL, [model, since, until] * 2)
    if rows.num_rows == 0:
        return {}
    names = pc.dictionary_encode(rows.column("feature")).combine_chunks()
    index, values = np.asarray(names.indices), np.asarray(rows.column("value"))
    out = {}
    for k, feature in enumerate(names.dictionary.to_pylist()):
        if feature in edges:
            out[feature] = np.unique(bin_values(edges[feature], values[index == k]), return_counts=True)
    return out


def split_rows(table: Any, column: str) -> dict[str, dict[str, np.ndarray]]:
    """Rows sorted by `column` as {value: {other column: array}}."""
    if table.num_rows == 0:
        return {}
    keys = np.asarray(table.column(column).to_numpy(zero_copy_only=False))
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    arrays = {c: table.column(c).to_numpy(zero_copy_only=False) for c in table.column_names if c != column}
    return {str(keys[s]): {c: a[s:e] for c, a in arrays.items()} for s, e in zip(starts, ends, strict=True)}
