"""The latency and error-rate rules read 10 s buckets: their values equal the raw-row computation on the
same rows (at window edges, after late rows, before and after the rollups), and a latency rule still
fires and resolves through the alerting collector."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from analytics.alert_rules import Rule
from collectors.alerting import AlertingCollector
from data.queries import alert_buckets, alert_metrics
from data.queries import rollups as q
from data.store import Store
from telemetry.metrics import Telemetry

T0 = datetime(2026, 1, 1, 12, 0, 0)
RAW = (
    "SELECT avg(latency_seconds) FILTER (status = 'ok'), count(*) FILTER (status = 'ok'), "
    "100.0 * count(*) FILTER (status = 'error') / nullif(count(*), 0), count(*) FROM predictions WHERE ts > ? AND ts <= ?"
)
# The series as the backtest read it from raw rows alone.
RAW_SERIES = """
WITH b AS (
    SELECT time_bucket(INTERVAL 10 SECOND, ts) + INTERVAL 10 SECOND AS ts,
           sum(latency_seconds) FILTER (status = 'ok') AS s, count(latency_seconds) FILTER (status = 'ok') AS n_lat,
           count(*) FILTER (status = 'error') AS n_err, count(*) AS n
    FROM predictions WHERE ts > ? AND ts <= ? GROUP BY 1)
SELECT ts, {value} AS value FROM b
WINDOW w AS (ORDER BY ts RANGE BETWEEN INTERVAL 290 SECOND PRECEDING AND CURRENT ROW)
QUALIFY ts >= ? ORDER BY ts
"""


def add(
    store: Store, start: datetime, seconds: float, n: int, seed: int, received: datetime | None = None, latency: float = 0.05
) -> None:
    """n predictions over [start, start + seconds): 10 % errors, some ok ones without a latency."""
    rng = np.random.default_rng(seed)
    ts = [start + timedelta(microseconds=int(x)) for x in np.sort(rng.random(n)) * seconds * 1e6]
    lat = [None if i % 17 == 0 else float(v) for i, v in enumerate(rng.lognormal(np.log(latency), 0.3, n))]
    rows = pa.table(  # noqa: F841 (DuckDB reads it by name)
        {
            "id": [f"s{seed}-{i}" for i in range(n)],
            "ts": pa.array(ts, pa.timestamp("us")),
            "model": ["m1" if i % 3 else "m2" for i in range(n)],
            "latency_seconds": pa.array(lat, pa.float64()),
            "status": ["error" if v < 0.1 else "ok" for v in rng.random(n)],
            "source": ["test"] * n,
            "received_at": pa.array([received or t for t in ts], pa.timestamp("us")),
        }
    )
    with store.transaction("seed") as cur:
        cur.execute(
            "INSERT INTO predictions (id, ts, model, latency_seconds, status, source, received_at) "
            "SELECT id, ts, model, latency_seconds, status, source, received_at FROM rows"
        )


def raw(store: Store, now: datetime, window: float = 300.0) -> tuple:
    return store.fetch_one("t", RAW, [now - timedelta(seconds=window), now])


def assert_same(store: Store, recent: alert_buckets.RecentBuckets, now: datetime) -> None:
    observed = alert_metrics.current_values(store, now, 10.0, [300.0], recent=recent)
    latency, ok, errors, total = raw(store, now)
    [lat] = observed["latency_seconds_avg", 300.0]
    [err] = observed["error_percent", 300.0]
    assert (lat.samples, err.samples) == (ok, total)
    assert lat.value == pytest.approx(latency, rel=1e-12)
    assert err.value == pytest.approx(errors, rel=1e-12)


def test_window_values_equal_the_raw_rows_at_edges_and_after_late_rows(store):
    add(store, T0 - timedelta(minutes=8), 480, 4000, seed=1)
    recent = alert_buckets.RecentBuckets(store, timedelta(seconds=300))
    # Passes at unaligned times, an aligned one (the window starts exactly on a bucket), and rows just at the edges.
    for now in (T0 - timedelta(seconds=13.3), T0 - timedelta(seconds=7.9), T0, T0 + timedelta(seconds=4.2)):
        recent.refresh(now)
        assert_same(store, recent, now)
    edge = T0 + timedelta(seconds=4.2)
    add(store, edge - timedelta(seconds=300), 0.001, 3, seed=2, received=edge)  # just inside the window's start
    add(store, edge - timedelta(seconds=300.002), 0.001, 3, seed=3, received=edge)  # just outside it
    add(store, edge - timedelta(seconds=0.5), 0.5, 5, seed=4, received=edge)
    add(store, edge - timedelta(seconds=125), 1, 40, seed=5, received=edge)  # late rows inside a closed bucket
    add(store, edge + timedelta(seconds=3), 1, 5, seed=6, received=edge)  # stamped ahead of the pass: not counted
    recent.refresh(edge)
    assert_same(store, recent, edge)
    for later in (25, 35):  # once the late rows are SETTLE behind the watermark, a pass re-sums only the newest buckets
        add(store, edge + timedelta(seconds=later - 5), 5, 10, seed=later)
        resummed = recent.refresh(edge + timedelta(seconds=later))
        assert_same(store, recent, edge + timedelta(seconds=later))
    assert resummed <= 3


def test_a_one_off_read_without_buckets_equals_the_raw_rows(store):
    add(store, T0 - timedelta(minutes=6), 360, 500, seed=7)
    observed = alert_metrics.current_values(store, T0, 10.0, [300.0, 60.0])
    for window in (300.0, 60.0):
        latency, _, errors, _ = raw(store, T0, window)
        assert observed["latency_seconds_avg", window][0].value == pytest.approx(latency, rel=1e-12)
        assert observed["error_percent", window][0].value == pytest.approx(errors, rel=1e-12)


def test_an_empty_window_is_no_data(store):
    recent = alert_buckets.RecentBuckets(store, timedelta(seconds=300))
    recent.refresh(T0)
    observed = alert_metrics.current_values(store, T0, 10.0, [300.0], recent=recent)
    assert observed["latency_seconds_avg", 300.0][0] == alert_metrics.Observation(None, 0, None)
    assert observed["error_percent", 300.0][0] == alert_metrics.Observation(None, 0, None)


@pytest.mark.parametrize("metric", ["latency_seconds_avg", "error_percent"])
def test_the_backtest_series_from_stored_buckets_equals_the_raw_series(store, metric):
    add(store, T0 - timedelta(minutes=30), 1800, 6000, seed=8)
    since, until = T0 - timedelta(minutes=20), T0 - timedelta(seconds=0.4)
    value = (
        "sum(s) OVER w / nullif(sum(n_lat) OVER w, 0)"
        if metric == "latency_seconds_avg"
        else "100.0 * sum(n_err) OVER w / nullif(sum(n) OVER w, 0)"
    )
    expected = store.fetch_all("t", RAW_SERIES.format(value=value), [since - timedelta(seconds=300), until, since])
    before = alert_metrics.metric_series(store, metric, since, until)  # no rollups yet: all raw
    q.rebuild(store, q.MINUTE, T0 - timedelta(hours=1), T0 - timedelta(minutes=2))
    q.set_state(store, "minute", T0 - timedelta(minutes=2, seconds=3), T0)
    assert alert_buckets.stored_until(store) is not None
    after = alert_metrics.metric_series(store, metric, since, until)  # buckets, then raw rows after the rollups
    for series in (before, after):
        assert [t.to_pydatetime() for t in series["ts"]] == [row[0] for row in expected]
        assert series["value"].to_numpy() == pytest.approx([row[1] for row in expected], rel=1e-12)


def test_a_latency_rule_fires_and_resolves_on_bucket_values(store):
    rule = Rule("slow", "warning", "latency_seconds_avg", ">", 0.5, for_seconds=20, window_seconds=60, min_samples=5)
    c = AlertingCollector([rule], store, Telemetry(), interval=5.0, stale_seconds=15.0)
    states = []
    for step in range(36):  # 3 minutes in 5 s steps: fast, slow for a minute, fast again
        at = T0 + timedelta(seconds=5 * step)
        add(store, at - timedelta(seconds=5), 5, 20, seed=100 + step, latency=2.0 if 6 <= step < 18 else 0.05)
        c.collect(at)
        states.append(c.state(rule.id).state)
        if step in (10, 20, 30):
            assert_same_window = raw(store, at, 60.0)[0]
            assert c.recent is not None
            assert c.recent.window_sums(at - timedelta(seconds=60), at).latency_avg == pytest.approx(
                assert_same_window, rel=1e-12
            )
    assert "firing" in states
    fired = states.index("firing")
    assert states[fired - 1] == "pending" and states[-1] == "inactive"
    rows = store.fetch_all("t", "SELECT from_state, to_state FROM alert_transitions ORDER BY ts")
    assert rows == [("inactive", "pending"), ("pending", "firing"), ("firing", "resolved")]
