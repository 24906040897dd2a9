"""The /metrics scrape after a profile refresh: read-only (the totals kept by the evaluation pass) vs the old
write-on-scrape path (the scrape brought the fleet totals up to date first, in a write transaction).

Synthetic per-minute profiles of one model with 12 features (bench/fleet_metrics.py's seed). Each round
rebuilds one profile minute (one new prediction in the newest minute, the profile watermark moved), then:
- baseline, the old path: `fleet_counts.update` + building the families, both timed, as a scrape did;
- now: `fleet_counts.update` untimed (the evaluation pass's step), then the scrape alone, timed;
- and a scrape answered from the cached families (nothing changed since the last one).
Prints best-of times in ms and the ratio baseline / now; asserts nothing about wall time.

    .venv/bin/python -m bench.scrape_time [--hours 24] [--score-rows 300] [--feature-rows 22000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from bench.fleet_metrics import MODEL, START, seed
from data.clock import utcnow
from data.queries import fleet_counts as fc
from data.store import Store
from telemetry.fleet import FleetMetrics


def rebuild_one_minute(store: Store, newest: datetime) -> None:
    """What a profile refresh leaves behind: a minute changed since the totals' last update."""
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


def best(prepare: Callable[[], None], run: Callable[[], object], repeats: int) -> float:
    """The fastest of `repeats` runs of `run`, each after an untimed `prepare`."""
    times = []
    for _ in range(repeats):
        prepare()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument("--score-rows", type=int, default=300)
    parser.add_argument("--feature-rows", type=int, default=22_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "scrape.duckdb")
        rows = seed(store, args.hours, args.score_rows, args.feature_rows)
        registry = CollectorRegistry()
        registry.register(FleetMetrics(store))
        fc.update(store, utcnow())  # the first count of every minute (once, on upgrade): not what is measured
        generate_latest(registry)
        newest = START + timedelta(minutes=args.hours * 60 - 1)

        def refreshed() -> None:
            rebuild_one_minute(store, newest)

        def refreshed_and_counted() -> None:
            rebuild_one_minute(store, newest)
            fc.update(store, utcnow())  # the evaluation pass, right after its profile refresh

        def old_scrape() -> None:
            fc.update(store, utcnow())
            generate_latest(registry)

        old = best(refreshed, old_scrape, args.repeats)
        new = best(refreshed_and_counted, lambda: generate_latest(registry), args.repeats)
        cached = best(lambda: None, lambda: generate_latest(registry), args.repeats)
        print(f"profiles: {args.hours} h, {rows:,} rows; best of {args.repeats}; load {os.getloadavg()[0]:.2f}")
        print(f"baseline, old scrape after a refresh (totals update + families): {old * 1000:.2f} ms")
        print(
            f"read-only scrape after a refresh (families rebuilt from the stored totals): {new * 1000:.2f} ms "
            f"({old / new:.1f}x faster than baseline)"
        )
        print(f"scrape from the cached families: {cached * 1000:.3f} ms ({old / cached:.0f}x faster than baseline)")
        store.close()


if __name__ == "__main__":
    main()
