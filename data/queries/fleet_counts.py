"""Running totals behind the fleet counters on /metrics: per model, labelled scores in 50
fixed buckets by outcome and predicted label, and per feature its values in the reference's PSI decile
bins (migration 0009).

Why totals, kept incrementally: a counter must never go back, and summing every profile minute on each
refresh costs in proportion to the whole history (bench/fleet_metrics.py). So `update` re-counts only
the profile minutes that the evaluation job rebuilt since the last update (the same rule as
data/queries/profiles.py: rows received after its watermark less SETTLE; every minute of a model whose
reference edges changed), stores each minute's contribution, and adds the difference to the totals, in
one transaction. The evaluation job calls it in its pass, right after the profile refresh (the one
thread that writes profiles writes their totals); a /metrics scrape only reads the totals, and rebuilds
its families only when `version` changed. Retention deletes old minutes' contributions with their profiles and never touches the
totals, and the totals live in the database, so neither retention nor a restart lowers them. A counter
goes down only where an outcome is replaced by the other label (a row moves between outcomes) or a new
reference moves values between decile bins; Prometheus reads such a drop as a counter reset.

Score buckets: bucket k (0..49) holds profile bins [200k, 200k + 200), i.e. scores in [k/50, (k+1)/50)
(the low tail in 0, the high tail and 1.0 itself in 49): a score exactly on an edge counts in the bucket
above it, where Prometheus' `le` would put it in the one below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import duckdb
import numpy as np

from data.queries import fleet_task_counts, window_generations
from data.queries.profiles import CHANGED_SQL, PROFILE_TABLES, SETTLE, STATE
from data.store import Store

SCORE_BUCKETS = 50
SCORE_EDGES = tuple((k + 1) / SCORE_BUCKETS for k in range(SCORE_BUCKETS))
FLEET_STATE = "fleet_totals"
MINUTE_TABLES = ("fleet_minute_scores", "fleet_minute_features", "fleet_minute_task")
_BUCKET = f"least({SCORE_BUCKETS - 1}, greatest(0, floor(s.bin / 200)))::INTEGER"  # profile bins: score * 10,000
_D = "d AS (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m)"
_NEW_SCORES = f"""SELECT s.model, s.ts, {_BUCKET} AS bucket, s.outcome, s.predicted, sum(s.n) AS n,
    sum(s.score_sum) AS score_sum FROM score_profile s SEMI JOIN d ON d.model = s.model AND d.m = s.ts
    WHERE s.outcome >= 0 GROUP BY ALL"""
# A feature profile bin's PSI bin: 0 below the first edge, edge i's own (pb_at) or the one above it (pb_after).
_NEW_FEATURES = """SELECT f.model, f.ts, f.feature,
    (CASE WHEN f.bin = 0 THEN 0 WHEN f.bin % 2 = 1 THEN e.pb_at ELSE e.pb_after END)::INTEGER AS psi_bin, sum(f.n) AS n
    FROM feature_profile f SEMI JOIN d ON d.model = f.model AND d.m = f.ts
    JOIN model_reference_edges e ON e.model = f.model AND e.feature = f.feature AND e.i = greatest(0, (f.bin - 1) // 2)
    GROUP BY ALL"""
_OLD = "SELECT * FROM {table} t SEMI JOIN d ON d.model = t.model AND d.m = t.ts"
# The difference each changed minute makes, added to the totals (a model seen gets its zero row too).
ADD_SCORES_SQL = f"""
INSERT INTO fleet_total_scores WITH {_D}
SELECT model, bucket, outcome, predicted, sum(n), sum(score_sum) FROM (
    SELECT model, bucket, outcome, predicted, n, score_sum FROM ({_NEW_SCORES})
    UNION ALL SELECT model, bucket, outcome, predicted, -n, -score_sum FROM ({_OLD.format(table="fleet_minute_scores")})
    UNION ALL SELECT DISTINCT model, 0, 0, 0, 0, 0.0 FROM d
) GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + excluded.n, score_sum = score_sum + excluded.score_sum
"""
ADD_FEATURES_SQL = f"""
INSERT INTO fleet_total_features WITH {_D}
SELECT model, feature, psi_bin, sum(n) FROM (
    SELECT model, feature, psi_bin, n FROM ({_NEW_FEATURES})
    UNION ALL SELECT model, feature, psi_bin, -n FROM ({_OLD.format(table="fleet_minute_features")})
) GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + excluded.n
"""
FINGERPRINTS_SQL = (
    "SELECT model, count(*)::VARCHAR || ':' || sum(edge)::VARCHAR || ':' || sum(rn)::VARCHAR "
    "FROM model_reference_edges GROUP BY model"
)
ALL_MINUTES_SQL = (
    "SELECT DISTINCT model, ts FROM score_profile WHERE model = ? "
    "UNION SELECT DISTINCT model, ts FROM feature_profile WHERE model = ?"
)
STATE_SQL = "SELECT name, rolled_until FROM rollup_state WHERE name IN (?, ?)"
VERSION_SQL = "SELECT concat(rolled_until, '@', updated_at) FROM rollup_state WHERE name = ?"
SCORES_SQL = "SELECT model, bucket, outcome::INTEGER, predicted::INTEGER, n, score_sum FROM fleet_total_scores ORDER BY ALL"
FEATURES_SQL = "SELECT model, feature, psi_bin, n FROM fleet_total_features ORDER BY ALL"
# Per model and feature with reference edges: the distinct PSI decile edges with the PSI bin of a value
# equal to each (pb_at), and the reference rows per PSI bin.
DECILES_SQL = "SELECT model, feature, edge, pb_at FROM model_reference_edges WHERE pb_after > pb_at ORDER BY ALL"
REFERENCE_SQL = (
    "SELECT model, feature, pb_at::INTEGER, sum(rn)::BIGINT FROM model_reference_edges WHERE rn > 0 GROUP BY ALL ORDER BY ALL"
)


class ScoreTotal(NamedTuple):
    """Labelled scores ever profiled of one model in one bucket, by outcome and predicted label."""

    model: str
    bucket: int
    outcome: int
    predicted: int
    n: int
    score_sum: float


class FeatureTotal(NamedTuple):
    """Values ever profiled of one model's feature (the score as '__score__') in one reference PSI bin."""

    model: str
    feature: str
    psi_bin: int
    n: int


@dataclass(frozen=True)
class ReferenceDeciles:
    """One feature's distinct reference decile `edge`s (ascending), the PSI bin of a value equal to each
    (`pb_at`), and the `reference` rows per PSI bin (10)."""

    edge: np.ndarray
    pb_at: np.ndarray
    reference: np.ndarray


def version(store: Store) -> str:
    """Changes whenever `update` wrote the totals (each evaluation pass): one indexed row, cheap to read."""
    row = store.fetch_one("fleet.version", VERSION_SQL, [FLEET_STATE])
    return str(row[0]) if row else ""


def _changed(cur: duckdb.DuckDBPyConnection, last: datetime | None) -> set[tuple[str, datetime]]:
    """The profile minutes rebuilt since the totals' last update (all of them on the first update), plus
    every minute of a model whose reference edges changed."""
    if last is None:
        rows = cur.execute(
            "SELECT DISTINCT model, ts FROM score_profile UNION SELECT DISTINCT model, ts FROM feature_profile "
            f"UNION {fleet_task_counts.MINUTES_SQL}"
        ).fetchall()
    else:
        rows = [(m, ts) for m, ts, _ in cur.execute(CHANGED_SQL, [last - SETTLE] * 2).fetchall()]
    found = set(rows)
    # New edges are built a moment before the profile refresh re-bins the model's minutes with them, so a
    # model is re-counted twice: when its edges change ("pending") and at the next update, after that refresh.
    stored = dict(cur.execute("SELECT model, fingerprint FROM fleet_edge_state").fetchall())
    for model, fingerprint in cur.execute(FINGERPRINTS_SQL).fetchall():
        if stored.get(model) != fingerprint:
            found |= set(cur.execute(ALL_MINUTES_SQL, [model, model]).fetchall())
            done = stored.get(model) == f"{fingerprint}|pending"
            cur.execute(
                "INSERT OR REPLACE INTO fleet_edge_state VALUES (?, ?)",
                [model, fingerprint if done else f"{fingerprint}|pending"],
            )
    return found


def update(store: Store, now: datetime) -> int:
    """Bring the totals up to the profiles as they stand; returns the minutes re-counted."""
    with store.transaction("fleet") as cur:
        marks = dict(cur.execute(STATE_SQL, [STATE, FLEET_STATE]).fetchall())
        if marks.get(STATE) is None:
            return 0  # no profile refresh yet
        changed = sorted(_changed(cur, marks.get(FLEET_STATE)))
        if changed:
            params = [[m for m, _ in changed], [ts for _, ts in changed]]
            cur.execute(ADD_SCORES_SQL, params)
            cur.execute(ADD_FEATURES_SQL, params)
            for table, new in (("fleet_minute_scores", _NEW_SCORES), ("fleet_minute_features", _NEW_FEATURES)):
                cur.execute(
                    f"DELETE FROM {table} t USING (WITH {_D} SELECT * FROM d) d WHERE t.model = d.model AND t.ts = d.m", params
                )
                cur.execute(f"INSERT INTO {table} WITH {_D} {new}", params)
            fleet_task_counts.add(cur, params)  # regression and multiclass models' counters
        cur.execute("INSERT OR REPLACE INTO rollup_state VALUES (?, ?, ?)", [FLEET_STATE, marks[STATE], now])
    return len(changed)


def score_totals(store: Store) -> list[ScoreTotal]:
    """Every labelled score ever profiled, per model, bucket, outcome and predicted label."""
    return [ScoreTotal(*row) for row in store.fetch_all("fleet.scores", SCORES_SQL)]


def feature_totals(store: Store) -> list[FeatureTotal]:
    """Every feature value ever profiled (the score as '__score__'), per model, feature and PSI bin."""
    return [FeatureTotal(*row) for row in store.fetch_all("fleet.features", FEATURES_SQL)]


def reference_bins(store: Store) -> dict[tuple[str, str], ReferenceDeciles]:
    """(model, feature) -> its reference's decile edges and rows per PSI bin, for models with reference edges."""
    found: dict[tuple[str, str], dict[str, list[float]]] = {}
    for model, feature, edge, pb_at in store.fetch_all("fleet.deciles", DECILES_SQL):
        part = found.setdefault((model, feature), {"edge": [], "pb_at": [], "reference": [0] * 10})
        part["edge"].append(edge)
        part["pb_at"].append(pb_at)
    for model, feature, psi_bin, n in store.fetch_all("fleet.reference", REFERENCE_SQL):
        if (model, feature) in found and 0 <= psi_bin < 10:
            found[(model, feature)]["reference"][psi_bin] += n
    return {key: ReferenceDeciles(*(np.asarray(part[k]) for k in ("edge", "pb_at", "reference"))) for key, part in found.items()}


def delete_before(store: Store, cutoff: datetime, tables: Sequence[str] = (*PROFILE_TABLES, *MINUTE_TABLES)) -> dict[str, int]:
    """Retention: profile minutes before `cutoff` with their contributions to the totals, in one transaction
    (the totals keep what they added). Returns rows deleted per table."""
    deleted: dict[str, int] = {}
    with store.transaction("rollups") as cur:
        for table in tables:
            row = cur.execute(f"DELETE FROM {table} WHERE ts < ?", [cutoff]).fetchone()
            deleted[table] = int(row[0]) if row else 0
        window_generations.bump_all(cur, cutoff)
    return deleted
