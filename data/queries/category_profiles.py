"""Categorical features in the per-minute profiles (migration 0008; numeric ones: data/queries/profiles.py).

A categorical feature's reference is its category counts among the model's reference rows: the top
`TOP_K` categories (by count, then name) get a bucket each, every other category shares `OTHER` (as does
any category the reference never had: "unseen", counted apart too), and nulls count in `MISSING`. So a
profile minute holds at most K + 2 rows per feature whatever arrives: 10,000 distinct categories in one
feature still make 52 buckets, never an unbounded table or metric label.

A feature is categorical for a model when its reference rows hold categories (prediction_categories);
a null of any feature is a prediction_features row with value NULL (numeric features count theirs in
feature_profile_stats.nulls).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from data.queries import profile_tiers
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

TOP_K = 50
OTHER, MISSING = "__other__", "__missing__"
_MINUTE = "time_bucket(INTERVAL 1 MINUTE, {ts})"

# The first `rows` labelled predictions by time, as freeze_external_reference picks them.
_FIRST_N = """first_n AS (SELECT p.id FROM predictions p JOIN outcomes o ON o.id = p.id
    WHERE p.model = ? AND p.status = 'ok' AND p.score IS NOT NULL ORDER BY p.ts, p.id LIMIT ?)"""
FREEZE_SQL = f"""
INSERT INTO model_reference_categories
WITH {_FIRST_N},
c AS (SELECT c.feature, c.category, count(*) AS rn FROM prediction_categories c SEMI JOIN first_n USING (id)
      WHERE c.model = ? GROUP BY ALL),
ranked AS (SELECT *, row_number() OVER (PARTITION BY feature ORDER BY rn DESC, category) AS r FROM c),
missing AS (SELECT f.feature, count(*) AS rn FROM prediction_features f SEMI JOIN first_n USING (id)
            WHERE f.model = ? AND f.value IS NULL AND f.feature IN (SELECT feature FROM c) GROUP BY ALL)
SELECT ?, feature, category, rn, r <= {TOP_K} FROM ranked
UNION ALL SELECT ?, feature, '{MISSING}', coalesce(m.rn, 0), true
FROM (SELECT DISTINCT feature FROM c) LEFT JOIN missing m USING (feature)
"""

# Parameters: models[], minutes[], then the minutes' range (for zone maps) twice.
PROFILE_SQL = f"""
INSERT INTO category_profile
WITH d AS (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m),
r AS (SELECT model, feature, category, kept FROM model_reference_categories WHERE model IN (SELECT model FROM d)),
x AS (SELECT c.model, {_MINUTE.format(ts="c.ts")} AS m, c.feature, c.category FROM prediction_categories c
      SEMI JOIN d ON d.model = c.model AND d.m = {_MINUTE.format(ts="c.ts")} WHERE c.ts >= ? AND c.ts < ?
      UNION ALL
      SELECT f.model, {_MINUTE.format(ts="f.ts")}, f.feature, NULL FROM prediction_features f
      SEMI JOIN d ON d.model = f.model AND d.m = {_MINUTE.format(ts="f.ts")} WHERE f.ts >= ? AND f.ts < ? AND f.value IS NULL)
SELECT x.model, x.m, x.feature,
       CASE WHEN x.category IS NULL THEN '{MISSING}' WHEN r.kept THEN x.category ELSE '{OTHER}' END AS bucket,
       count(*), count(*) FILTER (x.category IS NOT NULL AND r.category IS NULL)
FROM x SEMI JOIN (SELECT DISTINCT model, feature FROM r) USING (model, feature)
LEFT JOIN r ON r.model = x.model AND r.feature = x.feature AND r.category = x.category
GROUP BY ALL
"""


def freeze_reference(store: Store, model: str, rows: int) -> None:
    """An ingested model's categorical reference, from the same first `rows` labelled predictions that
    became its numeric reference (data/queries/quality.py: freeze_external_reference)."""
    with store.transaction("reference") as cur:
        cur.execute("DELETE FROM model_reference_categories WHERE model = ?", [model])
        cur.execute(FREEZE_SQL, [model, rows, model, model, model, model])


def rebuild(cur: Any, models: list[str], minutes: list[datetime], span: list[datetime]) -> None:
    """Insert the category buckets of these (model, minute) pairs (cleared by the caller)."""
    cur.execute(PROFILE_SQL, [models, minutes, *span, *span])


def reference(store: Store, model: str) -> dict[str, dict[str, int]]:
    """Per categorical feature: reference rows per bucket (the kept categories, OTHER and MISSING)."""
    rows = store.fetch_all(
        "profiles.category_reference",
        f"""
        SELECT feature, CASE WHEN kept THEN category ELSE '{OTHER}' END AS bucket, sum(rn)::BIGINT
        FROM model_reference_categories WHERE model = ? GROUP BY ALL ORDER BY ALL""",
        [model],
    )
    found: dict[str, dict[str, int]] = {}
    for feature, bucket, n in rows:
        found.setdefault(feature, {OTHER: 0})[bucket] = int(n)
    return found


def window(store: Store, model: str, first: datetime, last: datetime) -> dict[str, dict[str, int]]:
    """Per categorical feature: rows per bucket over the profile minutes [first, last] merged."""
    sql, params, _ = profile_tiers.window_source(store, "category_profile", model, first, last)
    rows = store.fetch_all("profiles.category_window", f"SELECT feature, bucket, sum(n)::BIGINT FROM {sql} GROUP BY ALL", params)
    found: dict[str, dict[str, int]] = {}
    for feature, bucket, n in rows:
        found.setdefault(feature, {})[bucket] = int(n)
    return found


RAW_SQL = f"""
WITH r AS (SELECT feature, category, kept FROM model_reference_categories WHERE model = ?),
x AS (SELECT feature, category FROM prediction_categories WHERE model = ? AND ts > ? AND ts <= ?
      UNION ALL SELECT feature, NULL FROM prediction_features WHERE model = ? AND ts > ? AND ts <= ? AND value IS NULL)
SELECT x.feature, CASE WHEN x.category IS NULL THEN '{MISSING}' WHEN r.kept THEN x.category ELSE '{OTHER}' END, count(*)
FROM x SEMI JOIN (SELECT DISTINCT feature FROM r) USING (feature)
LEFT JOIN r ON r.feature = x.feature AND r.category = x.category WHERE ? IS NULL OR x.feature = ? GROUP BY ALL
"""


def raw_window(store: Store, model: str, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
    """The same from the raw rows in (since, until], for windows shorter than a minute."""
    found: dict[str, dict[str, int]] = {}
    for feature, bucket, n in store.fetch_all(
        "profiles.category_raw", RAW_SQL, [model, model, since, until, model, since, until, None, None]
    ):
        found.setdefault(feature, {})[bucket] = int(n)
    return found


def missing_counts(store: Store, model: str, first: datetime, last: datetime) -> dict[str, tuple[int, int]]:
    """Per numeric feature: (nulls, rows) over the profile minutes [first, last]."""
    sql, params, _ = profile_tiers.window_source(store, "feature_profile_stats", model, first, last)
    rows = store.fetch_all(
        "profiles.missing_window", f"SELECT feature, sum(nulls)::BIGINT, sum(n)::BIGINT FROM {sql} GROUP BY ALL", params
    )
    return {feature: (int(nulls), int(n)) for feature, nulls, n in rows}


def reference_missing(store: Store, model: str) -> dict[str, float]:
    """Per feature: the share of the model's reference rows whose value is null."""
    rows = store.fetch_all(
        "profiles.reference_missing",
        "SELECT feature, avg((value IS NULL)::DOUBLE) FROM model_reference WHERE model = ? GROUP BY ALL",
        [model],
    )
    return {feature: float(share) for feature, share in rows}


def as_arrays(buckets: dict[str, int], order: list[str]) -> np.ndarray:
    return np.array([buckets.get(b, 0) for b in order], dtype=float)


def category_shares(store: Store, model: str, feature: str, since: datetime, until: datetime) -> pd.DataFrame | None:
    """The Drift page's bars: bucket, reference_share, current_share (current: the raw rows in (since,
    until]), the reference's kept categories by count, then "other" and "missing"; None when `feature` is
    not categorical for `model`."""
    import pandas as pd

    reference_buckets = reference(store, model).get(feature)
    if reference_buckets is None:
        return None
    current: dict[str, int] = {}
    for _, bucket, n in store.fetch_all(
        "profiles.category_shares", RAW_SQL, [model, model, since, until, model, since, until, feature, feature]
    ):
        current[bucket] = int(n)
    order = sorted((b for b in reference_buckets if b not in (OTHER, MISSING)), key=lambda b: -reference_buckets[b])
    order += [OTHER, MISSING]
    nr, nc = max(1, sum(reference_buckets.values())), max(1, sum(current.values()))
    return pd.DataFrame(
        {
            "bucket": order,
            "reference_share": [reference_buckets.get(b, 0) / nr for b in order],
            "current_share": [current.get(b, 0) / nc for b in order],
        }
    )
