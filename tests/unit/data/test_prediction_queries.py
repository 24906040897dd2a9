"""Prediction reads: the outcome join bounded by the window gives what the whole-table join gave, and
the raw and rollup paths of the success series agree."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from data.queries import predictions as q
from data.queries import rollup_reads
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from tests.unit.data.test_rollups import NOW, fill

WHOLE_JOIN_SUCCESS = f"""
    SELECT time_bucket(to_seconds(?), p.ts) AS ts, p.model,
           100.0 * count(*) FILTER ({q.STATUS_SQL} = 'success') / nullif(count(o.id), 0) AS success_percent,
           100.0 * count(o.id) / count(*) AS labelled_percent
    FROM predictions p {q.JOINS}
    WHERE p.status = 'ok' AND p.ts >= ? AND p.ts <= ? AND (? IS NULL OR p.model = ?)
    GROUP BY ALL ORDER BY 1, 2"""
WHOLE_JOIN_SUMMARY = f"""
    SELECT count(*), count(*) FILTER (p.status = 'error'), min(p.ts),
           quantile_cont(p.latency_seconds, 0.95) FILTER (p.status = 'ok'),
           avg(p.latency_seconds) FILTER (p.status = 'ok'),
           count(o.id) FILTER (p.status = 'ok'), count(*) FILTER ({q.STATUS_SQL} = 'success')
    FROM predictions p {q.JOINS} WHERE p.ts >= ? AND p.ts <= ?"""


@pytest.fixture
def store(store: Store):
    s = store  # the shared empty store, seeded here
    fill(s, NOW - timedelta(hours=8), 8 * 3600)
    with s.transaction("seed") as cur:  # outcomes whose prediction is elsewhere or unknown must not count
        cur.execute("INSERT INTO outcomes VALUES ('orphan', 1, ?, ?)", [NOW, NOW])
    return s


@pytest.mark.parametrize("model", [None, "b"])
def test_bounded_outcome_join_equals_the_whole_table_join(store: Store, model: str | None) -> None:
    since, until = NOW - timedelta(hours=1), NOW
    step = 12
    bounded = q.raw_success_series(store, since, until, model, step)
    whole = store.fetch_df("t", WHOLE_JOIN_SUCCESS, [step, since, until, model, model])
    assert len(bounded) > 200
    pd.testing.assert_frame_equal(bounded, whole, check_exact=True)
    summary = q.window_summary(store, since, until)
    assert tuple(summary.values()) == store.fetch_one("t", WHOLE_JOIN_SUMMARY, [since, until])
    assert summary["labelled"] > 0
    assert summary["successes"] > 0


def test_recent_trend_and_performance_see_each_predictions_outcome(store: Store) -> None:
    rows = q.recent(store, 50, None, None, NOW)
    assert len(rows) == 50
    assert {r["status"] for r in rows} >= {"success", "failure", "pending"}
    for row in rows:
        label = store.fetch_one("t", "SELECT label FROM outcomes WHERE id = ?", [row["id"]])
        assert row["label"] == (label[0] if label else None)
    assert all(r["status"] == "pending" for r in q.recent(store, 20, "a", "pending", NOW))
    trend = {r["window"]: r for r in q.success_trend(store, NOW)}
    labelled = store.fetch_one(
        "t",
        "SELECT count(*) FROM predictions p JOIN outcomes o USING (id) WHERE p.status = 'ok' AND p.ts >= ?",
        [NOW - timedelta(hours=1)],
    )[0]
    assert trend["1h"]["labelled"] == labelled
    performance = {r["model"]: r for r in q.performance(store, NOW - timedelta(hours=1), NOW)}
    assert sum(r["labelled"] for r in performance.values()) == labelled


def test_raw_and_rollup_success_series_agree(store: Store) -> None:
    run_pass(store, RetentionPolicy(), NOW)
    since = datetime(2026, 3, 10, 6)
    rolled = rollup_reads.success_series(store, since, NOW, None, rollup_reads.MINUTE, 36)  # 600 s a point
    raw = q.raw_success_series(store, since, NOW, None, 600)
    both = rolled.merge(raw, on=["ts", "model"], suffixes=("_rolled", "_raw"))
    settled = both[both["ts"] < NOW - timedelta(minutes=20)]  # the newest minutes are not rolled up yet
    assert len(settled) >= 2 * 30
    for column in ("success_percent", "labelled_percent"):
        assert list(settled[f"{column}_rolled"]) == pytest.approx(list(settled[f"{column}_raw"]), rel=1e-12)
