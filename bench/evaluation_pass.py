"""One evaluation pass (collectors/evaluation.py) over 1M predictions of the built-in champion with
12 features each (12M feature rows), 90 % labelled, all inside both evaluation windows (15 min and
24 h, the defaults): quality, drift of 12 features and the score over three windows, and importance.

Against, in the same run: the raw-row path as the baseline (the same reads of quality, curves and
drift straight from predictions, outcomes and prediction_features), and one
plain scan of the same rows. Upkeep: a first build of every profile minute (what rebuilding the last
2 x label-delay each pass would cost: all the rows are that recent), and one pass's incremental
refresh after a minute's worth of new rows; then the profile tables' size per day of this traffic.

    .venv/bin/python -m bench.evaluation_pass [--rows 1000000] [--minutes 10] [--repeats 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from analytics import drift as da
from collectors.evaluation import EvaluationCollector
from data.clock import utcnow
from data.prediction_log import OUTCOME_SCHEMA, PREDICTION_SCHEMA, tables_from_arrays
from data.queries import drift as dq
from data.queries import profiles
from data.queries import quality as q
from data.store import Store
from data.writer import Writer
from predictor.models import CHAMPION, load_or_train
from predictor.scenario import Scenario
from telemetry.metrics import Telemetry

ROOT = Path(__file__).resolve().parent.parent

GOAL_SECONDS, GOAL_SPEEDUP = 0.2, 40.0
CHUNK = 100_000


def fill(writer: Writer, bundle, rows: int, now, seconds: float, prefix: str = "p") -> None:
    """`rows` champion predictions of the scenario over the `seconds` before `now`, 90 % with an outcome."""
    rng, scenario = np.random.default_rng(len(prefix)), Scenario()
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        frame, labels = scenario.sample(n, rng)
        scores = bundle.predict_scores(frame.to_numpy())
        ids = pa.array([f"{prefix}{start + i}" for i in range(n)])
        ts = pa.array(
            now - timedelta(seconds=seconds) + timedelta(seconds=seconds) * (start + np.arange(n)) / rows, type=pa.timestamp("us")
        )
        arrays = [
            ids,
            ts,
            pa.array([CHAMPION] * n),
            pa.array(["1"] * n),
            pa.array(scores),
            pa.array((scores >= 0.5).astype(np.int32)),
            pa.array(np.full(n, 0.001)),
            pa.array(["ok"] * n),
            pa.array([None] * n, type=pa.string()),
            pa.array(["bench"] * n),
            ts,
        ]
        assert len(arrays) == len(PREDICTION_SCHEMA)
        tables = tables_from_arrays(arrays, frame.to_dict("records"))
        keep = rng.random(n) < 0.9
        tables["outcomes"] = pa.Table.from_arrays(
            [
                ids.filter(pa.array(keep)),
                pa.array(labels[keep].astype(np.int32)),
                ts.filter(pa.array(keep)),
                ts.filter(pa.array(keep)),
            ],
            schema=OUTCOME_SCHEMA,
        )
        writer.write_arrow(tables)


def scan(store: Store, since) -> None:
    store.fetch_all(
        "bench.scan_predictions",
        "SELECT count(*), avg(p.score), avg(o.label) FROM predictions p LEFT JOIN outcomes o ON o.id = p.id WHERE p.ts > ?",
        [since],
    )
    store.fetch_all(
        "bench.scan_features",
        "SELECT feature, count(*), avg(value) FROM prediction_features WHERE ts > ? GROUP BY feature",
        [since],
    )


def raw_reads(store: Store, collector: EvaluationCollector, models, now) -> None:
    """The baseline: a pass's quality, curves and drift read straight from the raw rows."""
    for model in models:
        for seconds in collector.windows:
            since = now - timedelta(seconds=seconds)
            q.quality_summary(store, model, since, now)
            q.score_buckets(store, model, since, now)
            q.calibration_bins(store, model, since, now)
        for seconds in sorted({collector.recent_seconds, *collector.windows}):
            dq.feature_drift(store, model, now - timedelta(seconds=seconds), now, da.PSI_EPSILON)


def profile_reads(collector: EvaluationCollector, models, now) -> None:
    """The same answers from the profiles (what a pass does after its refresh)."""
    out: dict[str, list] = {"model_evaluations": [], "model_curves": [], "feature_drift": []}
    for model in models:
        collector.answer(model, now, True, out)


def without_estimates(collector: EvaluationCollector, models, run) -> float:
    """`run` with the models' calibration maps hidden: the reads as they were before estimated performance."""
    maps = {model: collector.answers.calibration(model) for model in models}
    collector.answers._calibration.update(dict.fromkeys(models))
    try:
        return run()
    finally:
        collector.answers._calibration.update(maps)


def importance(collector: EvaluationCollector, models, now) -> None:
    for model in models:
        collector._importance(model, now, {"feature_importance": []})


def best(repeats: int, run) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def profile_size(store: Store, tmp: Path) -> tuple[int, int]:
    """Rows and Parquet (zstd) bytes of the profile tables."""
    rows = sum(store.fetch_one("bench.rows", f"SELECT count(*) FROM {t}")[0] for t in profiles.PROFILE_TABLES)
    size = 0
    with store.cursor() as cur:
        for table in profiles.PROFILE_TABLES:
            path = tmp / f"{table}.parquet"
            cur.execute(f"COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
            size += path.stat().st_size
    return rows, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--minutes", type=float, default=10.0, help="the rows are spread over this many minutes")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        models = load_or_train(Path(tmp) / "models")
        store = Store(Path(tmp) / "pass.duckdb")
        writer = Writer(store)
        now = utcnow()
        started = time.perf_counter()
        fill(writer, models[CHAMPION], args.rows, now, args.minutes * 60)
        print(
            f"loaded {args.rows:,} predictions and {args.rows * 12:,} feature rows over {args.minutes:g} min in "
            f"{time.perf_counter() - started:.1f} s"
        )
        collector = EvaluationCollector(
            store, writer, Telemetry().quality, models, interval=30, windows={"15m": 900, "24h": 86400}, min_samples=200
        )
        first_started = time.perf_counter()
        collector.collect(now)  # stores both references, builds their edges and every profile minute
        first = time.perf_counter() - first_started
        names = sorted(models)
        for model in names:
            dq.build_reference_bins(store, model)  # the raw path's own bins
        passes = best(args.repeats, lambda: collector.collect(now))
        out = collector.collect(now)
        upkeep = best(args.repeats, lambda: profiles.refresh(store, now))
        reads = best(args.repeats, lambda: profile_reads(collector, names, now))
        plain = without_estimates(collector, names, lambda: best(args.repeats, lambda: profile_reads(collector, names, now)))
        raw = best(args.repeats, lambda: raw_reads(store, collector, names, now))
        ranked = best(args.repeats, lambda: importance(collector, names, now))
        scans = best(args.repeats, lambda: scan(store, now - timedelta(seconds=900)))
        rebuild = best(1, lambda: profiles.refresh(store, now, names))
        minute_rows = max(1, round(args.rows / args.minutes))
        fill(writer, models[CHAMPION], minute_rows, now + timedelta(seconds=60), 60, prefix="late")
        incremental = best(1, lambda: profiles.refresh(store, now + timedelta(seconds=60)))
        rows, size = profile_size(store, Path(tmp))
        store.close()
    table_rows = {table: len(r) for table, r in out.items()}
    per_day = 1440 / (args.minutes + 1)
    print(
        f"one evaluation pass over {args.rows:,} predictions x 12 features (2 models, windows 15m + 24h, "
        f"drift also over the last 30 s), best of {args.repeats}; rows out: {table_rows}"
    )
    print(f"  first pass (stores references, builds every profile minute)   {first:7.3f} s")
    print(f"  a whole pass from profiles                                    {passes:7.3f} s")
    print(f"    of which upkeep (re-profiling minutes with new rows)         {upkeep:7.3f} s")
    print(f"    of which permutation importance (unchanged, raw rows)        {ranked:7.3f} s")
    print(f"  quality, curves and drift from profiles                       {reads:7.3f} s")
    print(f"    the same without estimated performance (no calibration map) {plain:7.3f} s: x{reads / plain:.2f}")
    print(f"  quality, curves and drift from raw rows (before profiles)     {raw:7.3f} s")
    print(f"  one plain scan of the same rows                               {scans:7.3f} s")
    print(f"  raw / profile reads: {raw / reads:.1f}x; raw reads + importance / whole pass: {(raw + ranked) / passes:.1f}x")
    print(
        f"  goal <= {GOAL_SECONDS} s and >= {GOAL_SPEEDUP:g}x (reads): "
        f"{'met' if reads <= GOAL_SECONDS and raw / reads >= GOAL_SPEEDUP else 'not met'}"
    )
    print(
        f"upkeep: rebuild every minute (= the last 2 x label-delay)  {rebuild:7.3f} s; "
        f"incremental refresh after {minute_rows:,} new predictions  {incremental:7.3f} s"
    )
    print(
        f"profile tables: {rows:,} rows, {size / 1e6:.2f} MB as Parquet (zstd) for {args.minutes + 1:g} min of "
        f"{args.rows / args.minutes:,.0f} predictions/min: {rows * per_day / 1e6:.1f}M rows, "
        f"{size * per_day / 1e6:.0f} MB per day"
    )


if __name__ == "__main__":
    main()
