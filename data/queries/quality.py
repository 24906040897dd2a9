"""The evaluation job's reads of predictions joined with their outcomes, and the reference samples.

Heavy work stays in SQL: AUC (Mann-Whitney with average ranks for ties) and average precision are
exact window sums over the distinct scores; only a few hundred rows (score buckets for drawing the
curves, calibration bins) ever reach Python.

The evaluation job reads quality from the per-minute score profiles instead (data/queries/profile_reads.py:
no raw-row scan per pass); these raw-row reads stay for tests, benchmarks and references.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from data.queries.drift import LABEL, PREDICTED, SCORE
from data.store import Store

_LABELLED = """SELECT p.score, p.predicted_label, o.label FROM predictions p JOIN outcomes o ON o.id = p.id
               WHERE p.model = ? AND p.status = 'ok' AND p.score IS NOT NULL AND p.ts > ? AND p.ts <= ?"""

SUMMARY_SQL = f"""
WITH j AS ({_LABELLED}),
g AS (SELECT score, count(*) FILTER (label = 1) AS pos, count(*) FILTER (label <> 1) AS neg FROM j GROUP BY score),
c AS (SELECT pos, neg,
             coalesce(sum(neg) OVER (ORDER BY score ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS neg_below,
             sum(pos) OVER (ORDER BY score DESC ROWS UNBOUNDED PRECEDING) AS tp_at,
             sum(neg) OVER (ORDER BY score DESC ROWS UNBOUNDED PRECEDING) AS fp_at FROM g),
rank_sums AS (SELECT sum(pos * (neg_below + 0.5 * neg)) AS u, sum(pos * tp_at / (tp_at + fp_at)) AS ap_sum FROM c),
counts AS (SELECT count(*) AS labelled, count(*) FILTER (label = 1) AS positives,
                  count(*) FILTER (predicted_label = 1 AND label = 1) AS tp,
                  count(*) FILTER (predicted_label = 1 AND label <> 1) AS fp,
                  count(*) FILTER (predicted_label <> 1 AND label <> 1) AS tn,
                  count(*) FILTER (predicted_label <> 1 AND label = 1) AS fn,
                  avg(power(score - (label = 1)::INTEGER, 2)) AS brier FROM j),
everything AS (SELECT count(*) AS predictions, arg_max(p.model_version, p.ts) AS model_version,
                      count(*) FILTER (o.id IS NULL) AS unlabelled,
                      avg(CASE WHEN p.predicted_label = 1 THEN p.score ELSE 1 - p.score END) FILTER (o.id IS NULL)
                          AS estimated_accuracy
               FROM predictions p LEFT JOIN outcomes o ON o.id = p.id
               WHERE p.model = ? AND p.status = 'ok' AND p.score IS NOT NULL AND p.ts > ? AND p.ts <= ?)
SELECT * FROM everything, counts, rank_sums
"""


def quality_summary(store: Store, model: str, since: datetime, until: datetime) -> dict[str, Any]:
    """Counts, confusion at each prediction's own label, Brier, the Mann-Whitney U sum (`u`), the
    average-precision sum (`ap_sum`) and the estimated accuracy of unlabelled predictions."""
    return store.fetch_dicts("quality.summary", SUMMARY_SQL, [model, since, until] * 2)[0]


def score_buckets(store: Store, model: str, since: datetime, until: datetime, decimals: int = 3) -> list[tuple[float, int, int]]:
    """(score rounded to `decimals`, positives, negatives) ascending: enough to draw ROC and PR curves."""
    return store.fetch_all(
        "quality.score_buckets",
        f"SELECT round(score, ?) AS s, count(*) FILTER (label = 1), count(*) FILTER (label <> 1) FROM ({_LABELLED}) "
        "GROUP BY s ORDER BY s",
        [decimals, model, since, until],
    )


def calibration_bins(
    store: Store, model: str, since: datetime, until: datetime, bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean score, observed positive rate, rows) per equal-width score bin with rows, as analytics.quality."""
    return store.fetch_all(
        "quality.calibration",
        f"SELECT avg(score), avg((label = 1)::INTEGER), count(*) FROM ({_LABELLED}) "
        "GROUP BY least(floor(score * ?), ? - 1) ORDER BY 1",
        [model, since, until, bins, bins],
    )


def labelled_rows(store: Store, model: str, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
    """(score, predicted_label, label) of every labelled prediction: for tests and benchmarks."""
    return store.fetch_all("quality.labelled_rows", _LABELLED, [model, since, until])


def labelled_features(
    store: Store, model: str, features: Sequence[str], since: datetime, until: datetime, limit: int
) -> list[tuple[Any, ...]]:
    """The newest `limit` labelled predictions as (label, feature values in `features` order)."""
    picks = ", ".join("first(f.value) FILTER (f.feature = ?)" for _ in features)
    return store.fetch_all(
        "quality.labelled_features",
        f"""
        SELECT any_value(o.label), {picks}
        FROM (SELECT p.id FROM predictions p JOIN outcomes o ON o.id = p.id
              WHERE p.model = ? AND p.status = 'ok' AND p.ts > ? AND p.ts <= ? ORDER BY p.ts DESC LIMIT ?) r
        JOIN outcomes o ON o.id = r.id JOIN prediction_features f ON f.id = r.id
        GROUP BY r.id
        """,
        [*features, model, since, until, limit],
    )


def models_seen(store: Store, since: datetime) -> list[str]:
    rows = store.fetch_all(
        "quality.models_seen", "SELECT DISTINCT model FROM predictions WHERE ts > ? AND status = 'ok' ORDER BY 1", [since]
    )
    return [r[0] for r in rows]


def has_reference(store: Store, model: str, version: str | None) -> bool:
    row = store.fetch_one(
        "quality.has_reference",
        "SELECT count(*) FROM model_reference WHERE model = ? AND model_version IS NOT DISTINCT FROM ?",
        [model, version],
    )
    return bool(row and row[0])


def drop_reference(store: Store, model: str) -> None:
    with store.transaction("reference") as cur:
        for table in ("model_reference", "model_reference_stats", "model_reference_bins", "model_reference_calibration"):
            cur.execute(f"DELETE FROM {table} WHERE model = ?", [model])


def labelled_count(store: Store, model: str) -> int:
    row = store.fetch_one(
        "quality.labelled_count",
        "SELECT count(*) FROM predictions p JOIN outcomes o ON o.id = p.id "
        "WHERE p.model = ? AND p.status = 'ok' AND p.score IS NOT NULL",
        [model],
    )
    return int(row[0]) if row else 0


def freeze_external_reference(store: Store, model: str, rows: int, now: datetime) -> int:
    """Make a model's first `rows` labelled predictions (by time) its reference sample."""
    result = store.execute(
        "reference",
        "quality.freeze_reference",
        f"""
        INSERT INTO model_reference
        WITH first_n AS (SELECT p.id, p.score, p.predicted_label, o.label, row_number() OVER (ORDER BY p.ts, p.id) AS row_id
                         FROM predictions p JOIN outcomes o ON o.id = p.id
                         WHERE p.model = ? AND p.status = 'ok' AND p.score IS NOT NULL ORDER BY p.ts, p.id LIMIT ?)
        SELECT ?, NULL, row_id, f.feature, f.value, ? FROM first_n JOIN prediction_features f ON f.id = first_n.id
        UNION ALL SELECT ?, NULL, row_id, '{SCORE}', score, ? FROM first_n
        UNION ALL SELECT ?, NULL, row_id, '{LABEL}', label, ? FROM first_n
        UNION ALL SELECT ?, NULL, row_id, '{PREDICTED}', predicted_label, ? FROM first_n
        """,
        [model, rows, *([model, now] * 4)],
    )
    return int(result[0][0]) if result else 0


def reference_accuracy(store: Store, model: str) -> tuple[float | None, int]:
    """Share of the reference rows whose predicted label equals their true label, and how many rows."""
    row = store.fetch_one(
        "quality.reference_accuracy",
        f"""SELECT avg((l.value = p.value)::INTEGER), count(*) FROM model_reference l JOIN model_reference p
            ON p.model = l.model AND p.row_id = l.row_id AND p.feature = '{PREDICTED}'
            WHERE l.model = ? AND l.feature = '{LABEL}'""",
        [model],
    )
    return (None, 0) if row is None or row[0] is None else (float(row[0]), int(row[1]))


def prune_curves(store: Store, before: datetime) -> None:
    """Only the latest curves are read; older points are dropped each pass."""
    store.execute("curves", "quality.prune_curves", "DELETE FROM model_curves WHERE ts < ?", [before])
