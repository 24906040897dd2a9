"""The cost of the fleet counts on /metrics: synthetic per-minute profiles of one model with
12 features (rows per minute as at 5,000 predictions/min), then: the
first count of every minute into the running totals (once, on upgrade), a scrape after a profile
refresh that rebuilt one minute (the totals' upkeep plus the families, once per evaluation pass), and
a scrape answered from the cache (every other scrape), each beside one /metrics exposition of the
app's other metrics measured in the same run. Prints best-of times and ratios; asserts nothing about
wall time.

    .venv/bin/python -m bench.fleet_metrics [--hours 24] [--score-rows 300] [--feature-rows 22000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from prometheus_client import CollectorRegistry, generate_latest

from data.clock import utcnow
from data.queries import fleet_counts as fc
from data.queries import profiles
from data.store import Store
from telemetry.fleet import FleetMetrics
from telemetry.metrics import Telemetry

MODEL, START, FEATURES = "bench-model", datetime(2026, 11, 27), 12


def seed(store: Store, hours: int, score_rows: int, feature_rows: int) -> int:
    """Reference edges, then `hours` of minutes with `score_rows` score and `feature_rows` feature profile rows each."""
    rng = np.random.default_rng(0)
    rows = [(MODEL, None, i, f"f{k}", float(v), START) for k in range(FEATURES) for i, v in enumerate(rng.normal(0, 1, 2000))]
    with store.transaction("seed") as cur:
        cur.register("ref", pd.DataFrame(rows, columns=["model", "model_version", "row_id", "feature", "value", "created_at"]))
        cur.execute("INSERT INTO model_reference SELECT * FROM ref")
        cur.unregister("ref")
    profiles.build_edges(store, MODEL)
    minutes = hours * 60
    per_feature = feature_rows // FEATURES
    with store.transaction("seed") as cur:
        cur.execute(f"""INSERT INTO score_profile SELECT '{MODEL}', TIMESTAMP '{START}' + to_minutes(m), '1',
            (hash(m, j) % 10000)::SMALLINT, (j % 2)::TINYINT, (j % 3 = 0)::TINYINT, 1 + j % 7, 0.5, 0.25, 0.4, 0.6
            FROM range({minutes}) a(m), range({score_rows}) b(j)""")
        cur.execute(f"""INSERT INTO feature_profile
            SELECT '{MODEL}', TIMESTAMP '{START}' + to_minutes(m), 'f' || (j % {FEATURES}), (hash(m, j) % 4001)::INTEGER,
            1 + j % 5 FROM range({minutes}) a(m), range({per_feature * FEATURES}) b(j)""")
        cur.execute("INSERT INTO rollup_state VALUES ('profiles', ?, ?)", [START, START])
    return minutes * (score_rows + per_feature * FEATURES)


def best(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument("--score-rows", type=int, default=300)
    parser.add_argument("--feature-rows", type=int, default=22_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "fleet.duckdb")
        rows = seed(store, args.hours, args.score_rows, args.feature_rows)
        baseline = Telemetry().registry
        fleet = FleetMetrics(store)
        registry = CollectorRegistry()
        registry.register(fleet)

        started = time.perf_counter()
        fc.update(store, utcnow())  # the evaluation pass keeps the totals; a scrape only reads them
        generate_latest(registry)
        first = time.perf_counter() - started
        newest = START + timedelta(minutes=args.hours * 60 - 1)

        def after_refresh() -> None:  # one new prediction in the newest minute, profiled: that minute changes
            with store.transaction("seed") as cur:
                cur.execute(
                    "INSERT INTO predictions (id, ts, model, status, score, source, received_at) "
                    "VALUES (uuid()::VARCHAR, ?, ?, 'ok', 0.5, 'bench', now()::TIMESTAMP)",
                    [newest, MODEL],
                )
                cur.execute(
                    "UPDATE rollup_state SET rolled_until = now()::TIMESTAMP - INTERVAL 1 HOUR, "
                    "updated_at = now()::TIMESTAMP WHERE name = 'profiles'"
                )
            fc.update(store, utcnow())
            generate_latest(registry)

        base = best(lambda: generate_latest(baseline), args.repeats)
        fresh = best(after_refresh, args.repeats)
        cached = best(lambda: generate_latest(registry), args.repeats)
        series = generate_latest(registry).decode().count("\n") - sum(
            1 for line in generate_latest(registry).decode().splitlines() if line.startswith("#")
        )
        print(f"profiles: {args.hours} h, {rows:,} rows; fleet series: {series}")
        print(f"baseline /metrics (other metrics): {base * 1000:.2f} ms")
        print(f"first count of every minute into the totals (once): {first * 1000:.1f} ms")
        print(f"scrape after a refresh of one minute: {fresh * 1000:.1f} ms ({fresh / base:.1f}x baseline)")
        print(f"fleet families from cache: {cached * 1000:.2f} ms ({cached / base:.2f}x baseline)")
        store.close()


if __name__ == "__main__":
    main()
