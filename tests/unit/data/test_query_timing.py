"""Query timing and cursor-pool figures from real queries on a temporary store."""

from __future__ import annotations

import threading
import time

import pytest

from data.query_timing import BUCKETS_SECONDS, QueryTimings, _quantile


def test_every_fetch_is_timed_under_its_name_with_its_row_count(store):
    store.timings.drain()  # migrations are not named queries, but start clean anyway
    assert store.fetch_all("t.all", "SELECT * FROM range(5)") == [(i,) for i in range(5)]
    assert len(store.fetch_df("t.df", "SELECT * FROM range(?)", [7])) == 7
    assert len(store.fetch_dicts("t.dicts", "SELECT 1 AS a UNION ALL SELECT 2")) == 2
    assert store.fetch_one("t.one", "SELECT 42") == (42,)
    assert store.fetch_one("t.one", "SELECT 1 WHERE false") is None
    stats, slow = store.timings.drain()
    by_name = {s.query: s for s in stats}
    assert {n: (s.calls, s.rows_returned) for n, s in by_name.items()} == {
        "t.all": (1, 5),
        "t.df": (1, 7),
        "t.dicts": (1, 2),
        "t.one": (2, 1),
    }
    assert all(0 < s.p50_seconds <= s.p95_seconds <= s.max_seconds < 5 for s in stats)
    assert [q.duration_seconds for q in slow] == sorted((q.duration_seconds for q in slow), reverse=True)
    assert {q.query for q in slow} == set(by_name)
    assert store.timings.drain() == ([], [])  # a drain empties the window
    hist = store.timings.histograms()["t.one"]
    assert hist.count == 2
    assert sum(hist.buckets) == 2
    assert hist.sum_seconds > 0


def test_slow_list_keeps_the_slowest():
    timings = QueryTimings(slow_keep=3)
    for i, seconds in enumerate([0.001, 0.5, 0.002, 0.3, 0.004, 0.2]):
        timings.record(f"q{i}", seconds, i)
    _, slow = timings.drain()
    assert [(q.query, q.duration_seconds, q.rows_returned) for q in slow] == [("q1", 0.5, 1), ("q3", 0.3, 3), ("q5", 0.2, 5)]


def test_buckets_are_upper_inclusive():
    timings = QueryTimings()
    timings.record("q", BUCKETS_SECONDS[0], 0)
    timings.record("q", 100.0, 0)
    buckets = timings.histograms()["q"].buckets
    assert buckets[0] == 1
    assert buckets[-1] == 1


def test_quantile_matches_numpy():
    np = pytest.importorskip("numpy")
    values = sorted([0.3, 0.1, 0.7, 0.2, 0.9, 0.4])
    for q in (0.5, 0.95):
        assert _quantile(values, q) == pytest.approx(float(np.quantile(values, q)))


def test_pool_size_and_peak_from_threads(store):
    inside, release = threading.Barrier(3), threading.Event()

    def work() -> None:
        with store.cursor() as cur:
            cur.execute("SELECT 1").fetchall()
            inside.wait(timeout=10)
            release.wait(timeout=10)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait(timeout=10)  # both threads hold a cursor now
    assert store.active_cursors == 2
    release.set()
    for t in threads:
        t.join()
    assert store.active_cursors == 0
    assert store.pool_size >= 2
    peak, _ = store.take_pool_window()
    assert peak == 2
    assert store.take_pool_window()[0] == 0  # the window restarts


def test_a_contended_pool_counts_the_wait(store):
    store.fetch_one("warm", "SELECT 1")
    before = store.cursor_waits
    holding = threading.Event()

    def hold() -> None:
        with store._lock:  # another thread busy in the pool's critical section
            holding.set()
            time.sleep(0.05)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    store.fetch_one("waited", "SELECT 1")
    holder.join()
    assert store.cursor_waits == before + 1
    _, longest = store.take_pool_window()
    assert 0.01 < longest < 5
