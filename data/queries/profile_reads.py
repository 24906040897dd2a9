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

from data.profile_bins import bin_values
from data.queries import profile_tiers
from data.queries.drift import SCORE
from data.store import Store

LONG_WINDOW = 86_400
BinCounts = tuple[np.ndarray, np.ndarray]  # (bin ids, counts) of one feature, ascending bin ids


def window_minutes(until: datetime, seconds: int) -> tuple[datetime, datetime]:
    """First and last minute start of the window of `seconds` ending at `until`. A window of a day or more
    starts at its first whole hour (up to 59 minutes later than its length says, 4 % of a day at most), so
    it reads hour and day tiers and not up to 59 minute profiles at its far edge on every pass."""
    last = until.replace(second=0, microsecond=0)
    first = last - timedelta(minutes=max(1, math.ceil(seconds / 60)) - 1)
    if seconds >= LONG_WINDOW:
        first = profile_tiers.ceil(first, 3600)
    return first, last


# One scan: each group's newest version and time, the window's newest picked in NumPy (a scalar
# subquery over the same rows read them twice).
SCORES_SQL = """
SELECT bin::BIGINT AS bin, outcome::BIGINT AS outcome, predicted::BIGINT AS predicted, sum(n)::BIGINT AS n,
       sum(score_sum) AS score_sum, sum(score_sq) AS score_sq, min(score_min) AS score_min, max(score_max) AS score_max,
       arg_max(model_version, ts) AS model_version, max(ts) AS newest
FROM {source} GROUP BY bin, outcome, predicted
"""


def score_bins(store: Store, model: str, first: datetime, last: datetime) -> tuple[dict[str, np.ndarray], str | None, bool]:
    """The merged score profile of minutes [first, last] as arrays (bin, outcome, predicted, n, score_sum,
    score_sq, score_min, score_max: analytics.binned_quality.ScoreBins), the newest model version, and
    whether some rows are in the day tier's coarse bins (then every bin must be coarsened to merge)."""
    sql, params, coarse = profile_tiers.window_source(store, "score_profile", model, first, last)
    table = store.fetch_arrow("profiles.score_window", SCORES_SQL.format(source=sql), params)
    cols = {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False)) for name in table.column_names}
    version, newest = cols.pop("model_version"), cols.pop("newest")
    latest = version[int(np.argmax(newest))] if len(newest) else None
    return cols, (str(latest) if latest is not None else None), coarse


def reference_edges(store: Store, model: str) -> dict[str, dict[str, np.ndarray]]:
    """Per feature: arrays edge, rn (reference rows equal to it), pb_at and pb_after (the PSI bins of the
    edge and of the values just above it), for edges i = 0.. in order."""
    table = store.fetch_arrow(
        "profiles.reference_edges",
        "SELECT feature, edge, rn, pb_at, pb_after FROM model_reference_edges WHERE model = ? ORDER BY feature, i",
        [model],
    )
    return {feature: {c: np.asarray(a) for c, a in part.items()} for feature, part in split_rows(table, "feature").items()}


def profile_feature_bins(store: Store, model: str, first: datetime, last: datetime) -> dict[str, BinCounts]:
    """Per feature: (bin ids, counts) of the profile minutes [first, last] merged."""
    sql, params, _ = profile_tiers.window_source(store, "feature_profile", model, first, last)
    table = store.fetch_arrow(
        "profiles.feature_window", f"SELECT feature, bin, sum(n)::BIGINT AS n FROM {sql} GROUP BY ALL", params
    )
    return {f: (np.asarray(part["bin"]), np.asarray(part["n"])) for f, part in split_rows(table, "feature").items()}


RAW_SQL = f"""
SELECT feature, value FROM prediction_features WHERE model = ? AND ts > ? AND ts <= ?
AND value IS NOT NULL AND NOT isnan(value)
UNION ALL
SELECT '{SCORE}', score FROM predictions WHERE model = ? AND ts > ? AND ts <= ? AND status = 'ok'
AND score IS NOT NULL AND NOT isnan(score)
"""


def raw_feature_bins(
    store: Store, model: str, since: datetime, until: datetime, edges: dict[str, np.ndarray]
) -> dict[str, BinCounts]:
    """The same from the raw rows in (since, until], binned on the fly against `edges` (per feature)."""
    import pyarrow.compute as pc

    rows = store.fetch_arrow("profiles.raw_window", RAW_SQL, [model, since, until] * 2)
    if rows.num_rows == 0:
        return {}
    names = pc.dictionary_encode(rows.column("feature")).combine_chunks()
    index, values = np.asarray(names.indices), np.asarray(rows.column("value"))
    out: dict[str, BinCounts] = {}
    for k, feature in enumerate(names.dictionary.to_pylist()):
        if feature in edges:
            counts = np.bincount(bin_values(edges[feature], values[index == k]))
            found = np.flatnonzero(counts)
            out[feature] = (found, counts[found])
    return out


def split_rows(table: Any, column: str) -> dict[str, dict[str, np.ndarray]]:
    """Rows as {value of `column`: {other column: array}}, keeping the rows' order within a value. Grouped on
    the column's dictionary codes: comparing hundreds of thousands of Python strings cost more than the read."""
    import pyarrow.compute as pc

    if table.num_rows == 0:
        return {}
    names = pc.dictionary_encode(table.column(column)).combine_chunks()
    codes = np.asarray(names.indices)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    arrays = {c: np.asarray(table.column(c).to_numpy(zero_copy_only=False))[order] for c in table.column_names if c != column}
    labels = names.dictionary.to_pylist()
    return {str(labels[codes[s]]): {c: a[s:e] for c, a in arrays.items()} for s, e in zip(starts, ends, strict=True)}
