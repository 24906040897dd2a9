"""The alerting pass at 1k and 100k predictions a minute: the whole pass (every default rule, the
alert state saved, the 10 s prediction buckets kept) over 10 minutes of predictions in a temporary
DuckDB, against the old read of raw `predictions` over the 5-minute window (the baseline, timed in
the same run on the same rows).

Nine minutes are seeded first; then the last minute arrives 5 s at a time, each slice followed by
the old read and one pass, as in a live app with --alert-interval 5. The goal: the pass at 100k/min
within 1.5x of the pass at 1k/min. Prints medians; asserts nothing.

    .venv/bin/python -m bench.alert_pass [--rates 1000,100000] [--passes 12]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from collectors.alerting import AlertingCollector
from data.store import Store
from runtime.rules import load_rules
from telemetry.metrics import Telemetry

END = datetime(2026, 1, 1, 12, 0, 0)
MINUTES, STEP = 10, 5.0
OLD_SQL = (
    "SELECT avg(latency_seconds) FILTER (status = 'ok'), count(*) FILTER (status = 'ok'), "
    "100.0 * count(*) FILTER (status = 'error') / nullif(count(*), 0), count(*) FROM predictions WHERE ts > ? AND ts <= ?"
)


def predictions(per_minute: int, start: datetime, seconds: float, first_id: int, rng: np.random.Generator) -> pa.Table:
    """`per_minute` a minute over [start, start + seconds), 2 % errors, received as stamped."""
    n = int(per_minute * seconds / 60)
    ts = np.datetime64(start, "us") + (np.sort(rng.random(n)) * seconds * 1e6).astype("timedelta64[us]")
    return pa.table(
        {
            "id": [f"p{i}" for i in range(first_id, first_id + n)],
            "ts": ts,
            "model": ["m1"] * n,
            "score": rng.random(n),
            "predicted_label": rng.integers(0, 2, n).astype(np.int32),
            "latency_seconds": rng.lognormal(-4, 0.5, n),
            "status": np.where(rng.random(n) < 0.02, "error", "ok"),
            "source": ["bench"] * n,
            "received_at": ts,
        }
    )


def insert(store: Store, rows: pa.Table) -> None:
    with store.transaction("seed") as cur:
        cur.register("bench_rows", rows)
        cur.execute(f"INSERT INTO predictions ({', '.join(rows.column_names)}) SELECT * FROM bench_rows")
        cur.unregister("bench_rows")


def run(store: Store, per_minute: int, passes: int) -> tuple[float, float]:
    """Median seconds of the whole pass and of the old raw read, over `passes` live 5 s steps."""
    rng = np.random.default_rng(7)
    seeded = MINUTES * 60 - passes * STEP
    start = END - timedelta(seconds=MINUTES * 60)
    insert(store, predictions(per_minute, start, seeded, 0, rng))
    store.execute("seed", "bench.checkpoint", "CHECKPOINT")
    collector = AlertingCollector(load_rules(None), store, Telemetry(), interval=STEP, stale_seconds=20.0)
    at, next_id = start + timedelta(seconds=seeded), per_minute * MINUTES
    collector.collect(at)  # the first pass restores alert state and summarises the last window once
    new, old = [], []
    for _ in range(passes):
        rows = predictions(per_minute, at, STEP, next_id, rng)
        insert(store, rows)
        at, next_id = at + timedelta(seconds=STEP), next_id + rows.num_rows
        started = time.perf_counter()
        store.fetch_all("bench.old", OLD_SQL, [at - timedelta(seconds=300), at])
        old.append(time.perf_counter() - started)
        started = time.perf_counter()
        collector.collect(at)
        new.append(time.perf_counter() - started)
    return statistics.median(new), statistics.median(old)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="1000,100000")
    parser.add_argument("--passes", type=int, default=12)
    args = parser.parse_args()
    results = {}
    for rate in [int(r) for r in args.rates.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.duckdb")
            results[rate] = run(store, rate, args.passes)
            store.close()
        new, old = results[rate]
        print(f"{rate:>7,}/min: whole pass {new * 1000:6.2f} ms   old raw read of the 5 min window alone {old * 1000:6.2f} ms")
    lo, hi = min(results), max(results)
    print(f"whole pass, {hi:,}/min vs {lo:,}/min: {results[hi][0] / results[lo][0]:.2f}x (goal <= 1.5x)")
    print(f"old raw read, {hi:,}/min vs {lo:,}/min: {results[hi][1] / results[lo][1]:.2f}x")


if __name__ == "__main__":
    main()
