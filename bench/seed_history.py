"""Write a realistic long history into a store, column-wise through Arrow and the batched writer:

    python -m bench.seed_history --days 30 --predictions 10000000 [--db PATH] [--feature-share 0.05]

1 s system samples with a daily load shape, predictions with a daily traffic shape and two models,
outcomes for ~85 % of them after a random delay, features for a share of them (all 12 features for
every prediction would be 120M rows for 10M predictions), model evaluations every 5 min and drift
episodes (days when three features shift, PSI rises and accuracy falls). Then one retention pass
builds the rollups (deleting nothing, so benchmarks can compare with raw rows). Prints rows written
and seconds per part.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from time import perf_counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.clock import utcnow
from data.prediction_log import FEATURE_SCHEMA, OUTCOME_SCHEMA, PREDICTION_SCHEMA
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from data.writer import Writer
from predictor.scenario import DRIFTED_FEATURES, FEATURES

EPOCH = datetime(1970, 1, 1)
MODELS = np.array(["credit-gbm", "credit-logreg"])
DAY_US = 86_400_000_000


def _us(ts: datetime) -> int:
    return int((ts - EPOCH).total_seconds() * 1e6)


def _timestamps(values_us: np.ndarray) -> pa.Array:
    return pa.array(values_us.astype(np.int64), type=pa.int64()).cast(pa.timestamp("us"))


def daily_shape(ts_us: np.ndarray) -> np.ndarray:
    """1 at the afternoon peak, ~0.3 at night."""
    hour = (ts_us % DAY_US) / 3.6e9
    return 0.65 + 0.35 * np.sin((hour - 9) / 24 * 2 * np.pi)


def drift_episodes(start: datetime, days: int) -> list[tuple[int, int]]:
    """[start_us, end_us) of each drift episode: a day a third of the way in and half a day near the end."""
    base = _us(start)
    found = [(base + int(days / 3 * DAY_US), base + int((days / 3 + 1) * DAY_US))]
    if days >= 4:
        found.append((base + int((days - 3) * DAY_US), base + int((days - 2.5) * DAY_US)))
    return found


def in_episodes(ts_us: np.ndarray, episodes: list[tuple[int, int]]) -> np.ndarray:
    hit = np.zeros(len(ts_us), dtype=bool)
    for lo, hi in episodes:
        hit |= (ts_us >= lo) & (ts_us < hi)
    return hit


def system_chunk(rng: np.random.Generator, start_us: int, seconds: int) -> pa.Table:
    ts = start_us + np.arange(seconds, dtype=np.int64) * 1_000_000
    load = daily_shape(ts)
    cpu = np.clip(load * 55 + rng.normal(0, 6, seconds) + (rng.random(seconds) < 0.002) * 40, 0, 100)
    cores = np.clip(cpu[:, None] + rng.normal(0, 8, (seconds, 2)), 0, 100).ravel()
    mem = np.clip(48 + load * 15 + rng.normal(0, 1.5, seconds), 0, 100)
    rate = lambda scale: np.abs(rng.normal(scale, scale / 3, seconds)) * load  # noqa: E731
    return pa.table(
        {
            "ts": _timestamps(ts),
            "cpu_percent": cpu,
            "cpu_per_core_percent": pa.ListArray.from_arrays(
                pa.array(np.arange(0, 2 * seconds + 1, 2, dtype=np.int32)), pa.array(cores)
            ),
            "memory_percent": mem,
            "memory_used_bytes": (mem * 8e7).astype(np.int64),
            "memory_available_bytes": ((100 - mem) * 8e7).astype(np.int64),
            "memory_total_bytes": np.full(seconds, 8_000_000_000),
            "swap_percent": np.full(seconds, 1.0),
            "swap_used_bytes": np.full(seconds, 20_000_000),
            "disk_used_percent": 60 + (ts - start_us) / DAY_US * 0.1,
            "disk_read_bytes_per_second": rate(2e6),
            "disk_write_bytes_per_second": rate(4e6),
            "net_recv_bytes_per_second": rate(1e6),
            "net_sent_bytes_per_second": rate(8e5),
            "load_1m": load * 2,
            "load_5m": load * 2,
            "load_15m": load * 2,
        }
    )


def prediction_chunk(
    rng: np.random.Generator, first_id: int, ts_us: np.ndarray, drifting: np.ndarray, feature_share: float
) -> dict[str, pa.Table]:
    n = len(ts_us)
    ts = _timestamps(ts_us)
    ids = pc.binary_join_element_wise("h", pc.cast(pa.array(np.arange(first_id, first_id + n)), pa.string()), "")
    model = MODELS[(rng.random(n) < 0.25).astype(int)]
    error = rng.random(n) < np.where(drifting, 0.04, 0.015)
    score = rng.beta(2, 3, n)
    label = (score >= 0.5).astype(np.int32)
    latency = rng.lognormal(np.log(0.004) + 0.5 * daily_shape(ts_us), 0.45)
    kinds = np.array(["timeout", "model_error", "validation_error"])[rng.integers(0, 3, n)]
    predictions = pa.Table.from_arrays(
        [
            ids,
            ts,
            pa.array(model),
            pa.array(np.full(n, "1")),
            pa.array(np.where(error, np.nan, score), from_pandas=True),
            pa.array(np.where(error, 0, label), mask=error, type=pa.int32()),
            pa.array(latency),
            pa.array(np.where(error, "error", "ok")),
            pa.array(kinds, mask=~error),
            pa.array(np.full(n, "seed")),
            ts,
        ],
        schema=PREDICTION_SCHEMA,
    )
    labelled = ~error & (rng.random(n) < 0.85)
    correct = rng.random(n) < np.where(drifting, 0.72, 0.86)  # accuracy falls during drift episodes
    truth = np.where(correct, label, 1 - label)[labelled]
    done = _timestamps(ts_us[labelled] + rng.exponential(300e6, labelled.sum()).astype(np.int64))
    keep = pa.array(labelled)
    outcomes = pa.Table.from_arrays([ids.filter(keep), pa.array(truth, type=pa.int32()), done, done], schema=OUTCOME_SCHEMA)
    return {
        "predictions": predictions,
        "outcomes": outcomes,
        "prediction_features": feature_table(rng, predictions, drifting, feature_share),
    }


def feature_table(rng: np.random.Generator, predictions: pa.Table, drifting: np.ndarray, share: float) -> pa.Table:
    pick = np.flatnonzero(rng.random(predictions.num_rows) < share)
    k = len(FEATURES)
    index = pa.array(np.repeat(pick, k))
    values = rng.standard_normal((len(pick), k))
    for name in DRIFTED_FEATURES:  # input drift moves these features during episodes
        values[:, FEATURES.index(name)] += 1.2 * drifting[pick]
    return pa.Table.from_arrays(
        [
            pc.take(predictions["id"], index),
            pc.take(predictions["ts"], index),
            pc.take(predictions["model"], index),
            pa.array(np.tile(FEATURES, len(pick))),
            pa.array(values.ravel()),
        ],
        schema=FEATURE_SCHEMA,
    )


def evaluation_tables(writer: Writer, start_us: int, end_us: int, episodes: list[tuple[int, int]]) -> dict[str, pa.Table]:
    """One model evaluation and one drift row per feature every 5 min, per model (window 15 min)."""
    ts_us = np.arange(start_us, end_us, 300_000_000, dtype=np.int64)
    drifting = in_episodes(ts_us, episodes)
    rows = len(ts_us) * len(MODELS)
    model = np.repeat(MODELS, len(ts_us))
    drift2 = np.tile(drifting, len(MODELS))
    ts2 = _timestamps(np.tile(ts_us, len(MODELS)))
    accuracy = np.where(drift2, 0.72, 0.86) + np.random.default_rng(1).normal(0, 0.01, rows)
    evaluations = writer.schema("model_evaluations")
    columns = {
        "ts": ts2,
        "model": model,
        "window_seconds": np.full(rows, 900),
        "predictions": np.full(rows, 1500),
        "labelled": np.full(rows, 1200),
        "auc": accuracy + 0.05,
        "accuracy": accuracy,
        "precision": accuracy - 0.02,
        "recall": accuracy - 0.04,
        "labelled_share": np.full(rows, 0.8),
        "estimated_accuracy": accuracy + 0.01,
        "status": np.where(drift2, "degraded", "ok"),
    }
    eval_table = pa.Table.from_arrays(
        [pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(rows, f.type) for f in evaluations],
        schema=evaluations,
    )
    k = len(FEATURES)
    drifted = np.isin(np.array(FEATURES), DRIFTED_FEATURES)
    psi = 0.02 + np.outer(drift2, drifted * 0.35).ravel()
    drift_schema = writer.schema("feature_drift")
    drift_cols = [
        pc.take(ts2, pa.array(np.repeat(np.arange(rows), k))),
        pa.array(np.repeat(model, k)),
        pa.array(np.full(rows * k, 900), type=pa.int32()),
        pa.array(np.tile(FEATURES, rows)),
        pa.array(psi),
        pa.array(psi / 3),
        pa.array(np.where(psi > 0.25, 1e-6, 0.5)),
        pa.array(np.full(rows * k, 5000)),
        pa.array(np.full(rows * k, 1200)),
        pa.array(np.where(psi > 0.25, "significant", "none")),
        pa.array(np.zeros(rows * k)),  # ks_error_bound: KS from profile bins is exact
    ]
    # columns added later (the Wasserstein distance and its bound) stay null in the seeded history
    drift_cols += [pa.nulls(rows * k, f.type) for f in list(drift_schema)[len(drift_cols) :]]
    return {"model_evaluations": eval_table, "feature_drift": pa.Table.from_arrays(drift_cols, schema=drift_schema)}


def seed(store: Store, days: int, predictions: int, feature_share: float, end: datetime, seed_value: int = 0) -> dict:
    """Write the history ending at `end`; return rows written and seconds per part."""
    rng = np.random.default_rng(seed_value)
    writer = Writer(store)
    start = end - timedelta(days=days)
    start_us, end_us = _us(start), _us(end)
    episodes = drift_episodes(start, days)
    report: dict[str, float] = {}
    began = perf_counter()
    for day in range(days):
        writer.write_arrow({"system_samples": system_chunk(rng, start_us + day * DAY_US, 86_400)})
    report["system_samples"], report["system_seconds"] = days * 86_400, perf_counter() - began
    began, per_day, written = perf_counter(), predictions // days, 0
    for day in range(days):
        n = per_day if day < days - 1 else predictions - written
        candidates = start_us + day * DAY_US + rng.integers(0, DAY_US, int(n * 2.2))
        accepted = candidates[rng.random(len(candidates)) < daily_shape(candidates)]
        ts_us = np.sort(accepted[:n]) if len(accepted) >= n else np.sort(start_us + day * DAY_US + rng.integers(0, DAY_US, n))
        report["rows_with_outcomes_and_features"] = report.get("rows_with_outcomes_and_features", 0) + writer.write_arrow(
            prediction_chunk(rng, written, ts_us, in_episodes(ts_us, episodes), feature_share)
        )
        written += n
    report["predictions"], report["prediction_seconds"] = written, perf_counter() - began
    began = perf_counter()
    report["evaluation_rows"] = writer.write_arrow(evaluation_tables(writer, start_us, end_us, episodes))
    report["evaluation_seconds"] = perf_counter() - began
    began = perf_counter()
    keep_all = RetentionPolicy(system_hours=(days + 1) * 24, predictions_days=days + 1)  # rollups only, no deletes
    report["rollup_rows"] = run_pass(store, keep_all, end).rolled_rows
    report["rollup_seconds"] = perf_counter() - began
    return report


def seeded_copy(db: Path | None, days: int, predictions: int) -> tuple[Path, Path]:
    """A benchmark's working copy of a seeded store: `db` (default var/history-<days>d-<predictions>.duckdb),
    seeded first when missing, copied into a new temporary folder. Returns (the copy, its folder), which the
    caller removes."""
    db = db or Path(f"var/history-{days}d-{predictions}.duckdb")
    if not db.exists():
        store = Store(db)
        print("seeding", db, seed(store, days, predictions, 0.05, utcnow().replace(microsecond=0)))
        store.close()
    work = Path(tempfile.mkdtemp(prefix="predwatch-bench-"))
    shutil.copy(db, work / "history.duckdb")  # benchmarks add and delete rows: the seeded file stays whole
    return work / "history.duckdb", work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed_history", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--predictions", type=int, default=10_000_000)
    parser.add_argument("--feature-share", type=float, default=0.05, help="share of predictions stored with features")
    parser.add_argument("--db", type=Path, default=Path("var/history.duckdb"))
    args = parser.parse_args(argv)
    if args.db.exists():
        print(f"{args.db} exists; remove it or pass another --db", file=sys.stderr)
        return 2
    store = Store(args.db)
    try:
        report = seed(store, args.days, args.predictions, args.feature_share, utcnow().replace(microsecond=0))
    finally:
        store.close()
    for key, value in report.items():
        print(f"{key:34s} {value:,.2f}" if isinstance(value, float) else f"{key:34s} {value:,}")
    print(f"{'db_file_bytes':34s} {args.db.stat().st_size:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
