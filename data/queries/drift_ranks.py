"""Every feature's newest PSI and its rank by importance within its model, for /metrics.

The exported drift rule ranks in PromQL (`drift_psi_max` of every feature, `feature_importance_rank`
per feature): a series that comes and goes with the ranking would end a firing alert in Prometheus.
The newest PSI is chosen as the alerting collector's own drift read chooses it (data/queries/alert_metrics.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from data.store import Store


class RankedDrift(NamedTuple):
    model: str
    feature: str
    psi: float | None  # None: no fresh PSI (the feature is only ranked)
    rank: int | None  # 1 = most important; None: the model has no importance yet


def ranked_drift(store: Store, now: datetime, max_age_seconds: float = 3600.0) -> list[RankedDrift]:
    rows = store.fetch_all(
        "drift_ranks.latest",
        """
        WITH latest AS (
            SELECT model, feature, psi FROM feature_drift WHERE ts >= ? AND ts <= ? AND psi IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY model, feature ORDER BY ts DESC, window_seconds) = 1),
        importance AS (
            SELECT model, feature, importance FROM feature_importance
            QUALIFY row_number() OVER (PARTITION BY model, feature ORDER BY ts DESC) = 1),
        ranked AS (
            SELECT model, feature, row_number() OVER (PARTITION BY model ORDER BY importance DESC NULLS LAST,
                                                      feature) AS rank
            FROM importance)
        SELECT coalesce(l.model, r.model) AS model, coalesce(l.feature, r.feature) AS feature, l.psi, r.rank
        FROM latest l FULL JOIN ranked r ON r.model = l.model AND r.feature = l.feature
        ORDER BY model, feature
        """,
        [now - timedelta(seconds=max_age_seconds), now],
    )
    return [RankedDrift(r[0], r[1], r[2], None if r[3] is None else int(r[3])) for r in rows]
