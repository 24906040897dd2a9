"""Server time of every range-driven dashboard callback on a seeded long history, beside the same charts
computed naively (raw rows pulled into pandas and resampled), then the file size after retention.

    python -m bench.history_callbacks [--predictions 2000000] [--full] [--calls 20] [--db PATH]

Each callback is called through Dash's own endpoint (POST /_dash-update-component on the Flask test
client), so the time includes its queries, figure builders and JSON serialisation. The store is seeded
with bench.seed_history when the file does not exist (--full: 10M predictions); the copy then gets the
built-in models' references and every profile minute, hour and day (bench.profile_windows.build), and
the callbacks are called with a model, the 15 m window and a drifting feature chosen, as a user sees them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from time import perf_counter, process_time

import duckdb
import numpy as np
import pandas as pd

from app import create_app
from bench.profile_windows import build as build_profiles
from bench.seed_history import seeded_copy
from dashboard import ids
from data.clock import utcnow
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from predictor.scenario import DRIFTED_FEATURES
from settings import Settings

RANGES = ("1h", "24h", "7d", "30d")
SLOW_SECONDS = 1.0
SPANS = {"1h": 3600, "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400}


def _parse_output(key: str) -> list[dict] | dict:
    def one(text: str) -> dict:
        component, prop = text.rsplit(".", 1)
        return {"id": component, "property": prop}

    if key.startswith(".."):
        return [one(part) for part in key.strip(".").split("...")]
    return one(key)


def range_callbacks(app) -> dict[str, dict]:
    """Server callbacks whose inputs include the shared time range, by their first output."""
    found = {}
    for key, spec in app.callback_map.items():
        if "callback" in spec and any(i["id"] == ids.RANGE for i in spec["inputs"]):
            outputs = _parse_output(key)
            first = outputs[0] if isinstance(outputs, list) else outputs
            found[first["id"]] = {"output": key, "outputs": outputs, "inputs": spec["inputs"], "state": spec["state"]}
    return found


def payload(spec: dict, range_key: str, n: int, selects: dict | None = None) -> dict:
    values = {(ids.RANGE, "value"): range_key, (ids.TICK, "data"): n, **(selects or {})}
    return {
        "output": spec["output"],
        "outputs": spec["outputs"],
        "inputs": [{**i, "value": values.get((i["id"], i["property"]))} for i in spec["inputs"]],
        "state": [{**s, "value": None} for s in spec["state"]],
        "changedPropIds": [f"{ids.RANGE}.value"],
    }


def timed(fn: Callable[[], object], calls: int) -> tuple[float, float]:
    p50, p95, _ = timed_cpu(fn, calls)
    return p50, p95


def timed_cpu(fn: Callable[[], object], calls: int) -> tuple[float, float, float]:
    """Wall p50 and p95, and the p50 of this process's CPU time (all threads): on a shared machine wall
    time moves with the load, CPU time much less."""
    times, cpu = [], []
    for _ in range(calls):
        started, cpu_started = perf_counter(), process_time()
        fn()
        times.append(perf_counter() - started)
        cpu.append(process_time() - cpu_started)
    return (float(np.percentile(times, 50)) * 1000, float(np.percentile(times, 95)) * 1000, float(np.percentile(cpu, 50)) * 1000)


def query_ms(store: Store, fn: Callable[[], object], calls: int) -> float:
    """p95 over calls of the summed time of the store queries one call ran (the data path alone)."""
    sums = []
    for _ in range(calls):
        store.timings.drain()
        fn()
        sums.append(sum(s.total_seconds for s in store.timings.drain()[0]))
    return float(np.percentile(sums, 95)) * 1000


def naive_system(con: duckdb.DuckDBPyConnection, seconds: int) -> pd.DataFrame:
    now = utcnow()
    df = con.execute(
        "SELECT * EXCLUDE (cpu_per_core_percent) FROM system_samples WHERE ts >= ?", [now - timedelta(seconds=seconds)]
    ).df()
    return df.set_index("ts").resample(f"{max(1, seconds // 600)}s").mean()


def naive_predictions(con: duckdb.DuckDBPyConnection, seconds: int) -> pd.DataFrame:
    now = utcnow()
    df = con.execute(
        "SELECT p.ts, p.model, p.latency_seconds, p.status, o.label = p.predicted_label AS correct "
        "FROM predictions p LEFT JOIN outcomes o USING (id) WHERE p.ts >= ?",
        [now - timedelta(seconds=seconds)],
    ).df()
    grouped = df.set_index("ts").groupby("model").resample(f"{max(1, seconds // 300)}s")
    return pd.concat([grouped["latency_seconds"].quantile(0.95), grouped["status"].count(), grouped["correct"].mean()], axis=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.history_callbacks")
    parser.add_argument("--predictions", type=int, default=2_000_000)
    parser.add_argument("--full", action="store_true", help="10M predictions (the issue's size)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--only", default="", help="time only callbacks whose first output contains this text")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive baseline and the retention pass")
    args = parser.parse_args(argv)
    predictions = 10_000_000 if args.full else args.predictions
    copy, work = seeded_copy(args.db, args.days, predictions)  # retention at the end deletes rows in the copy
    try:
        build_profiles(copy, work / "models")  # the Drift page's distribution reads them
        run(copy, work, args.calls, args.only, args.skip_naive)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run(db: Path, work: Path, calls: int, only: str = "", skip_naive: bool = False) -> None:
    app = create_app(Settings(db=db, demo=False, models_dir=work / "models"))
    client = app.server.test_client()
    callbacks = range_callbacks(app)
    store = app.predwatch.runtime.store
    # The pages as a user sees them: a model, the 15 m window and a drifting feature chosen (with none,
    # the Drift page fell back to "recent", which the seed leaves empty, and drew empty charts).
    model = store.fetch_one("bench.model", "SELECT min(model) FROM model_evaluations")[0]
    selects = {
        (ids.MODEL_SELECT, "value"): model,
        (ids.DRIFT_MODEL, "value"): model,
        (ids.MODEL_WINDOW, "value"): "15m",
        (ids.DRIFT_WINDOW, "value"): "15m",
        (ids.DRIFT_FEATURE, "value"): DRIFTED_FEATURES[0],
    }
    print(
        f"{'callback (first output)':38s} {'range':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'queries p95 ms':>15s} "
        f"{'calls':>5s} {'cpu p50 ms':>10s}"
    )
    worst: dict[str, float] = dict.fromkeys(RANGES, 0.0)
    for name, spec in sorted((n, s) for n, s in callbacks.items() if only in n):
        for range_key in RANGES:

            def call(spec=spec, range_key=range_key, name=name) -> None:
                response = client.post("/_dash-update-component", json=payload(spec, range_key, 1, selects))
                if response.status_code not in (200, 204):
                    raise RuntimeError(f"{name} {range_key}: {response.status_code} {response.get_data(as_text=True)[:300]}")

            started = perf_counter()
            call()  # warm
            n = calls if perf_counter() - started < SLOW_SECONDS else 3  # a multi-second callback: 3 calls say enough
            p50, p95, cpu = timed_cpu(call, n)
            worst[range_key] = max(worst[range_key], p95)
            print(
                f"{name:38s} {range_key:>5s} {p50:8.1f} {p95:8.1f} {query_ms(store, call, min(n, 5)):15.1f} {n:>5d} {cpu:10.1f}",
                flush=True,
            )
    print("worst callback p95 per range (goal <= 50 ms): " + ", ".join(f"{k} {v:.1f} ms" for k, v in worst.items()))
    if skip_naive:
        app.predwatch.stop()
        return
    print(
        f"{'naive (raw rows -> pandas resample)':38s} {'range':>5s} {'p50 ms':>8s} {'p95 ms':>8s} "
        f"{'p95 / worst callback p95':>24s}"
    )
    with store.cursor() as con:
        for label, fn in (("system_naive", naive_system), ("predictions_naive", naive_predictions)):
            for range_key in RANGES:
                p50, p95 = timed(lambda fn=fn, range_key=range_key: fn(con, SPANS[range_key]), max(3, calls // 4))
                print(f"{label:38s} {range_key:>5s} {p50:8.1f} {p95:8.1f} {p95 / worst[range_key]:24.2f}", flush=True)
    before = db.stat().st_size
    report = run_pass(store, RetentionPolicy(), utcnow())
    app.predwatch.stop()
    print(f"retention pass: {report.seconds:.1f} s, deleted {sum(report.deleted.values()):,} rows")
    print(f"db file bytes before retention {before:,}, after {db.stat().st_size:,} (ratio {db.stat().st_size / before:.2f})")


if __name__ == "__main__":
    sys.exit(main())
