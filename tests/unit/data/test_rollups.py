"""Rollups equal the raw aggregates they replace; retention deletes exactly what is due."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from data.queries import rollup_reads
from data.queries import rollups as q
from data.retention import RetentionPolicy, cutoffs, lag_seconds, run_pass
from data.store import Store

NOW = datetime(2026, 3, 10, 12, 0, 30)


def fill(store: Store, start: datetime, seconds: int, step: int = 7, prediction_step: int = 1) -> None:
    """System samples every `step` s and ~1 prediction per second over [start, start + seconds):
    irregular values, ~3 % errors of two kinds, ~80 % labelled, lognormal-ish latencies."""
    with store.transaction("seed") as cur:
        cur.execute(
            "INSERT INTO system_samples (ts, cpu_percent, cpu_per_core_percent, memory_percent, load_1m) "
            "SELECT ? + to_seconds(i), (i * 37) % 100, [(i * 13) % 100, (i * 29) % 100], 40 + (i % 11), (i % 5) / 2.0 "
            "FROM range(0, ?, ?) t(i)",
            [start, seconds, step],
        )
        cur.execute(
            "INSERT INTO disk_samples SELECT ? + to_seconds(i), '/', 'sda', 100, (i % 50), (i % 50) FROM range(0, ?, 11) t(i)",
            [start, seconds],
        )
        cur.execute(
            "INSERT INTO predictions SELECT 'p' || i, ? + to_seconds(i) + to_seconds((i % 3) / 4.0), "
            "CASE WHEN i % 4 = 0 THEN 'b' ELSE 'a' END, '1', (i * 7919 % 1000) / 1000.0, (i * 7919 % 1000) >= 500, "
            "exp(-7 + ((i * 104729) % 1000) / 250.0), CASE WHEN i % 33 = 0 THEN 'error' ELSE 'ok' END, "
            "CASE WHEN i % 33 = 0 THEN (CASE WHEN i % 2 = 0 THEN 'timeout' ELSE 'model_error' END) END, 'test', "
            "? + to_seconds(i) FROM range(0, ?, ?) t(i)",
            [start, start, seconds, prediction_step],
        )
        cur.execute(
            "INSERT INTO outcomes SELECT id, (i * 31) % 2, ts + INTERVAL 5 SECOND, ts + INTERVAL 5 SECOND "
            "FROM (SELECT id, ts, CAST(substr(id, 2) AS INTEGER) AS i FROM predictions) WHERE i % 5 <> 0"
        )
        cur.execute(
            "INSERT INTO model_evaluations (ts, model, window_seconds, predictions, labelled, auc, accuracy, status) "
            "SELECT ? + to_seconds(i), 'a', 900, 100, 80, 0.5 + (i % 40) / 100.0, 0.9, 'ok' "
            "FROM range(0, ?, 30) t(i)",
            [start, seconds],
        )


def test_minute_and_hour_rollups_equal_raw_aggregates(store: Store) -> None:
    fill(store, NOW - timedelta(hours=3), 3 * 3600)
    run_pass(store, RetentionPolicy(), NOW)
    for resolution in (q.MINUTE, q.HOUR):
        raw = store.fetch_all(
            "t",
            "SELECT time_bucket(to_seconds(?), ts) b, count(*), avg(cpu_percent), max(cpu_percent), "
            "avg(load_1m) FROM system_samples GROUP BY 1 ORDER BY 1",
            [resolution],
        )
        rolled = store.fetch_all(
            "t",
            "SELECT ts, samples, cpu_percent, cpu_percent_max, load_1m FROM system_rollup "
            "WHERE resolution_seconds = ? ORDER BY ts",
            [resolution],
        )
        assert [r[:2] for r in rolled] == [r[:2] for r in raw]
        assert len(raw) > 2
        assert [v for r in rolled for v in r[2:]] == pytest.approx([v for r in raw for v in r[2:]], rel=1e-9)
        raw = store.fetch_all(
            "t",
            "SELECT time_bucket(to_seconds(?), p.ts) b, p.model, count(*), count(*) FILTER "
            "(p.status = 'error'), count(o.id) FILTER (p.status = 'ok'), count(*) FILTER "
            "(p.status = 'ok' AND o.label = p.predicted_label) FROM predictions p "
            "LEFT JOIN outcomes o USING (id) GROUP BY ALL ORDER BY 1, 2",
            [resolution],
        )
        rolled = store.fetch_all(
            "t",
            "SELECT ts, model, requests, errors, labelled, successes FROM prediction_rollup "
            "WHERE resolution_seconds = ? ORDER BY 1, 2",
            [resolution],
        )
        assert rolled == raw


def test_hourly_quantiles_are_within_the_stated_error(store: Store) -> None:
    since, until = datetime(2026, 2, 25, 12), NOW
    fill(store, since, 13 * 86400, step=600, prediction_step=9)
    run_pass(store, RetentionPolicy(predictions_days=60), NOW)
    assert rollup_reads.resolution_for(since, until) == q.HOUR
    rolled = rollup_reads.throughput_series(store, since, until, "a", q.HOUR, 300)
    raw = store.fetch_df(
        "t",
        "SELECT time_bucket(INTERVAL 1 HOUR, ts) AS ts, count(*) / 3600 AS rps, "
        + ", ".join(
            f"quantile_disc(latency_seconds, {p}) FILTER (status = 'ok') AS q{i}" for i, p in enumerate((0.5, 0.95, 0.99))
        )
        + " FROM predictions WHERE model = 'a' AND ts >= ? GROUP BY 1 ORDER BY 1",
        [since],
    )
    assert len(rolled) == len(raw) > 300
    assert list(rolled["requests_per_second"]) == pytest.approx(list(raw["rps"]), rel=1e-12)
    for column, exact in (("p50", "q0"), ("p95", "q1"), ("p99", "q2")):
        ratio = rolled[column].to_numpy() / raw[exact].to_numpy()
        assert abs(ratio - 1).max() <= q.QUANTILE_RELATIVE_ERROR + 1e-9, column


def test_rollup_readers_match_raw_readers_columns(store: Store) -> None:
    from data.queries import predictions, system

    fill(store, NOW - timedelta(hours=8), 8 * 3600)
    run_pass(store, RetentionPolicy(), NOW)
    since = datetime(2026, 3, 10, 6)
    assert rollup_reads.resolution_for(since, NOW) == q.MINUTE
    series = system.system_series(store, since, NOW)
    assert int(series["samples"].sum()) == store.fetch_one("t", "SELECT count(*) FROM system_samples WHERE ts >= ?", [since])[0]
    errors = predictions.error_series(store, since, NOW, None)
    assert set(errors["error_kind"]) == {"timeout", "model_error"}
    hist = predictions.latency_histogram(store, since, NOW, None)
    raw_hist = store.fetch_df(
        "t",
        "SELECT model, power(10, floor(log10(latency_seconds * 1000) * 10) / 10) AS latency_ms, "
        "count(*) AS requests FROM predictions WHERE status = 'ok' AND "
        "ts >= ? GROUP BY ALL ORDER BY 1, 2",
        [since],
    )
    assert list(hist["requests"]) == list(raw_hist["requests"])
    assert list(hist["latency_ms"]) == pytest.approx(list(raw_hist["latency_ms"]), rel=1e-9)


def counts(store: Store, table: str, cutoff: datetime) -> tuple[int, int]:
    return store.fetch_one("t", f"SELECT count(*) FILTER (ts < ?), count(*) FILTER (ts >= ?) FROM {table}", [cutoff, cutoff])


def test_retention_deletes_exactly_what_is_due(store: Store) -> None:
    policy = RetentionPolicy(system_hours=6, predictions_days=0.5, minute_days=1, hour_days=2)
    fill(store, NOW - timedelta(days=3), 3 * 86400, step=30, prediction_step=20)
    run_pass(store, RetentionPolicy(system_hours=1e5, predictions_days=1e4, minute_days=1e4, hour_days=1e4), NOW)
    due = cutoffs(policy, NOW)
    before = {
        t: counts(store, t, due[k])
        for t, k in (("system_samples", "system"), ("disk_samples", "system"), ("predictions", "predictions"))
    }
    kept_outcomes = store.fetch_one(
        "t", "SELECT count(*) FROM outcomes o JOIN predictions p USING (id) WHERE p.ts >= ?", [due["predictions"]]
    )[0]
    minute_before = store.fetch_one(
        "t", "SELECT count(*) FILTER (ts >= ?) FROM system_rollup WHERE resolution_seconds = 60", [due["minute"]]
    )[0]
    hour_samples = store.fetch_one(
        "t", "SELECT count(*) FROM system_samples WHERE time_bucket(INTERVAL 1 HOUR, ts) >= ?", [due["hour"]]
    )[0]
    report = run_pass(store, policy, NOW)
    for table, (old, new) in before.items():
        assert old > 0
        assert report.deleted[table] == old
        assert counts(store, table, due["system" if table != "predictions" else "predictions"]) == (0, new)
    assert store.fetch_one("t", "SELECT count(*) FROM outcomes")[0] == kept_outcomes
    # evaluation results go with the predictions they came from; their minute rollups stay
    assert report.deleted["model_evaluations"] > 0
    assert store.fetch_one("t", "SELECT min(ts) >= ? FROM model_evaluations", [due["predictions"]])[0]
    assert store.fetch_one("t", "SELECT min(ts) < ? FROM model_eval_rollup WHERE resolution_seconds = 60", [due["predictions"]])[
        0
    ]
    assert store.fetch_one(
        "t", "SELECT count(*), min(ts) >= ? FROM system_rollup WHERE resolution_seconds = 60", [due["minute"]]
    ) == (minute_before, True)
    assert store.fetch_one("t", "SELECT min(ts) >= ? FROM system_rollup WHERE resolution_seconds = 3600", [due["hour"]])[0]
    # the hour rollups still cover raw hours deleted before them, so a long chart keeps its history
    assert store.fetch_one("t", "SELECT sum(samples) FROM system_rollup WHERE resolution_seconds = 3600")[0] == hour_samples
    assert hour_samples > before["system_samples"][1]


def test_retention_never_deletes_inside_the_settle_window(store: Store) -> None:
    fill(store, NOW - timedelta(minutes=30), 1800)
    report = run_pass(store, RetentionPolicy(system_hours=0, predictions_days=0, settle_seconds=3600), NOW)
    assert report.deleted["system_samples"] == 0
    assert report.deleted["predictions"] == 0
    assert lag_seconds(store, NOW + timedelta(seconds=90)) == 90


def test_late_outcomes_are_counted_by_the_next_pass(store: Store) -> None:
    fill(store, NOW - timedelta(minutes=10), 600)
    run_pass(store, RetentionPolicy(), NOW)
    labelled = store.fetch_one("t", "SELECT sum(labelled) FROM prediction_rollup WHERE resolution_seconds = 60")[0]
    with store.transaction("seed") as cur:
        cur.execute(
            "INSERT INTO outcomes SELECT id, 1, ?, ? FROM predictions WHERE status = 'ok' AND id NOT IN "
            "(SELECT id FROM outcomes)",
            [NOW, NOW],
        )
    run_pass(store, RetentionPolicy(), NOW + timedelta(minutes=1))
    after = store.fetch_one("t", "SELECT sum(labelled), sum(ok_requests) FROM prediction_rollup WHERE resolution_seconds = 60")
    assert after[0] > labelled
    assert after[0] == after[1]


def test_model_metrics_rollup_means_equal_raw_means(store: Store) -> None:
    from data.queries import model_views

    since = datetime(2026, 3, 9, 12)
    fill(store, since, 86_400, step=600, prediction_step=600)
    run_pass(store, RetentionPolicy(), NOW)
    rolled = model_views.quality_series(store, "a", 900, since, NOW)  # 24 h: the minute rollups
    raw = store.fetch_df(
        "t",
        "SELECT time_bucket(INTERVAL 1 MINUTE, ts) AS ts, avg(auc) AS auc FROM model_evaluations "
        "WHERE ts >= ? GROUP BY 1 ORDER BY 1",
        [since],
    )
    assert "evaluations" in rolled.columns
    assert len(rolled) == len(raw) > 1000
    assert list(rolled["auc"]) == pytest.approx(list(raw["auc"]), rel=1e-12)
