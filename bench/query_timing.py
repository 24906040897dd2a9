"""Query timing overhead: what naming and timing every store query costs (goal <= 5 us a query).

Three figures, each with its baseline measured in the same run on a temporary DuckDB file:

1. `Store.fetch_all(name, sql)` (timed: two perf_counter reads, `QueryTimings.record`, row count)
   vs the same query through `Store.cursor()` without timing (what `fetch_all` did before), on a
   point query. Rounds alternate between the two so drift in machine load hits both; the per-query
   difference of the medians is the overhead as a caller sees it (noisy: the query itself is ~50x it).
2. The timing alone in a tight loop: two `perf_counter` calls + `record`, vs an empty loop body.
3. The same from 4 threads at once (the lock in `record` is shared), per call as one thread sees it.

Prints figures and ratios; asserts nothing.

    .venv/bin/python -m bench.query_timing [--queries 20000] [--records 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from data.query_timing import QueryTimings
from data.store import Store

ROOT = Path(__file__).resolve().parent.parent

GOAL_US = 5.0
SQL = "SELECT id, score FROM predictions WHERE id = ?"
NAMES = [f"bench.query_{i}" for i in range(20)]  # a realistic number of distinct names


def _untimed(store: Store, params: list) -> list:
    with store.cursor() as cur:
        return cur.execute(SQL, params).fetchall()


def queries(store: Store, count: int, rounds: int = 10) -> tuple[float, float]:
    """Median us per query, timed and untimed, over alternating rounds."""
    per_round = count // rounds
    timed, untimed = [], []
    params = ["p-42"]
    for _round in range(rounds):
        started = time.perf_counter()
        for _ in range(per_round):
            _untimed(store, params)
        untimed.append((time.perf_counter() - started) / per_round * 1e6)
        started = time.perf_counter()
        for i in range(per_round):
            store.fetch_all(NAMES[i % len(NAMES)], SQL, params)
        timed.append((time.perf_counter() - started) / per_round * 1e6)
    return statistics.median(timed), statistics.median(untimed)


def record_only(count: int) -> tuple[float, float]:
    """ns per (perf_counter x2 + record) and per empty loop iteration."""
    timings = QueryTimings()
    clock = time.perf_counter
    names = NAMES
    started = clock()
    for i in range(count):
        t0 = clock()
        timings.record(names[i % 20], clock() - t0, 1)
    timed = (clock() - started) / count * 1e9
    started = clock()
    for i in range(count):
        names[i % 20]
    empty = (clock() - started) / count * 1e9
    return timed, empty


def record_threads(count: int, threads: int = 4) -> float:
    timings = QueryTimings()
    clock = time.perf_counter
    results: list[float] = []

    def work() -> None:
        started = clock()
        for i in range(count):
            t0 = clock()
            timings.record(NAMES[i % 20], clock() - t0, 1)
        results.append((clock() - started) / count * 1e9)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return statistics.mean(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        with store.cursor() as cur:
            cur.execute(
                "INSERT INTO predictions SELECT 'p-' || i, now()::TIMESTAMP, 'm', '1', 0.5, 1, 0.01, 'ok', NULL,"
                " 'bench', now()::TIMESTAMP FROM range(100000) t(i)"
            )
        for _ in range(500):  # warm up both paths
            _untimed(store, ["p-1"])
            store.fetch_all("warm", SQL, ["p-1"])
        timed_us, untimed_us = queries(store, args.queries)
        store.close()
    print(f"point query, untimed (baseline):  {untimed_us:8.2f} us/query")
    print(
        f"point query, Store.fetch_all:     {timed_us:8.2f} us/query   ratio {timed_us / untimed_us:.3f}"
        f"   difference {timed_us - untimed_us:+.2f} us"
    )
    rec_ns, empty_ns = record_only(args.records)
    print(
        f"timing alone (2 clocks + record): {rec_ns:8.0f} ns/query   empty loop (baseline) {empty_ns:.0f} ns"
        f"   ratio {rec_ns / empty_ns:.1f}   overhead {(rec_ns - empty_ns) / 1000:.2f} us"
    )
    threaded = record_threads(args.records // 4)
    print(f"timing alone, 4 threads:          {threaded:8.0f} ns/query per thread   ratio to 1 thread {threaded / rec_ns:.2f}")
    overhead_us = (rec_ns - empty_ns) / 1000
    print(f"goal <= {GOAL_US} us/query: {'met' if overhead_us <= GOAL_US else 'not met'} ({overhead_us:.2f} us, 1 thread)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
