"""AUC over 1M scored, labelled predictions stored in DuckDB: Predwatch's path (one SQL query that
groups by distinct score and sums Mann-Whitney ranks, data/queries/quality.py) beside the baseline
of fetching the joined rows to NumPy and calling `sklearn.metrics.roc_auc_score`, in one run.

Predwatch's query returns more than AUC (average precision, confusion counts, Brier score, estimated
accuracy); an AUC-only variant is timed too, and the same figures from the per-minute score
profiles: one read of the merged bins and NumPy, the AUC within the bound the code states. Prints
best-of times, the ratio and the difference in value. Asserts nothing about wall time.

    .venv/bin/python -m bench.auc_bench [--rows 1000000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
from sklearn.metrics import roc_auc_score

from analytics import binned_quality as bq
from analytics.quality import window_quality
from data.prediction_log import OUTCOME_SCHEMA, PREDICTION_SCHEMA
from data.queries import profile_reads as pr
from data.queries import profiles
from data.queries import quality as q
from data.store import Store
from data.writer import Writer

ROOT = Path(__file__).resolve().parent.parent

GOAL_MS = 50.0
MODEL = "bench-model"
START = datetime(2026, 11, 27)


def fill(store: Store, rows: int, seed: int = 0) -> None:
    """`rows` ok predictions over one hour with scores (rounded to 4 places, so ties occur) and labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, rows)
    scores = np.round(np.clip(rng.normal(0.4 + 0.2 * labels, 0.2), 0, 1), 4)
    ids = pa.array([f"p{i}" for i in range(rows)])
    ts = pa.array(START + timedelta(seconds=3600) * (np.arange(rows) / rows), type=pa.timestamp("us"))
    predictions = pa.Table.from_arrays(
        [
            ids,
            ts,
            pa.array([MODEL] * rows),
            pa.array(["1"] * rows),
            pa.array(scores),
            pa.array((scores >= 0.5).astype(np.int32)),
            pa.array(np.full(rows, 0.001)),
            pa.array(["ok"] * rows),
            pa.array([None] * rows, type=pa.string()),
            pa.array(["bench"] * rows),
            ts,
        ],
        schema=PREDICTION_SCHEMA,
    )
    outcomes = pa.Table.from_arrays([ids, pa.array(labels.astype(np.int32)), ts, ts], schema=OUTCOME_SCHEMA)
    Writer(store).write_arrow({"predictions": predictions, "outcomes": outcomes})


def best(repeats: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def predwatch_auc_only(store: Store, since: datetime, until: datetime) -> float:
    """Just the AUC part of quality.SUMMARY_SQL (same grouped rank sum), to show what AUC alone costs."""
    sums = store.fetch_one(
        "bench.auc",
        """
        WITH g AS (SELECT p.score, count(*) FILTER (o.label = 1) AS pos, count(*) FILTER (o.label <> 1) AS neg
                   FROM predictions p JOIN outcomes o ON o.id = p.id
                   WHERE p.model = ? AND p.status = 'ok' AND p.ts > ? AND p.ts <= ? GROUP BY p.score),
        c AS (SELECT pos, neg, coalesce(sum(neg) OVER (ORDER BY score ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                     AS below FROM g)
        SELECT sum(pos * (below + 0.5 * neg)) / (sum(pos) * sum(neg)) FROM c""",
        [MODEL, since, until],
    )
    return float(sums[0])


def from_profiles(store: Store, until: datetime) -> dict:
    """Every quality figure of the window from its merged score profile (the evaluation job's read)."""
    first, last = START, until.replace(second=0, microsecond=0)
    return bq.summary(bq.ScoreBins(**pr.score_bins(store, MODEL, first, last)[0]))


def baseline(store: Store, since: datetime, until: datetime) -> float:
    with store.cursor() as con:
        data = con.execute(
            "SELECT p.score, o.label FROM predictions p JOIN outcomes o ON o.id = p.id "
            "WHERE p.model = ? AND p.status = 'ok' AND p.ts > ? AND p.ts <= ?",
            [MODEL, since, until],
        ).fetchnumpy()
    return float(roc_auc_score(data["label"], data["score"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    since, until = START - timedelta(seconds=1), START + timedelta(hours=2)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "auc.duckdb")
        fill(store, args.rows)
        full_s, sums = best(args.repeats, lambda: q.quality_summary(store, MODEL, since, until))
        auc_s, auc_only = best(args.repeats, lambda: predwatch_auc_only(store, since, until))
        base_s, base_auc = best(args.repeats, lambda: baseline(store, since, until))
        upkeep_s = best(1, lambda: profiles.refresh(store, until))[0]
        prof_s, prof = best(args.repeats, lambda: from_profiles(store, until))
        store.close()
    prof_auc = window_quality(prof, None, 1).auc
    auc = float(sums["u"]) / (sums["positives"] * (sums["labelled"] - sums["positives"]))
    print(f"AUC over {args.rows:,} scored, labelled predictions in DuckDB (best of {args.repeats})")
    print(f"  Predwatch AUC query (grouped rank sum)         {auc_s * 1000:8.1f} ms  AUC {auc_only:.12f}")
    print(f"  Predwatch evaluation query (AUC, AP, counts..)  {full_s * 1000:8.1f} ms  AUC {auc:.12f}")
    print(
        f"  from profiles (AUC, AP, counts.., one read)     {prof_s * 1000:8.1f} ms  AUC {prof_auc:.12f}  "
        f"bound {prof['auc_error_bound']:.1e}  (+ {upkeep_s:.2f} s building every profile minute once)"
    )
    print(f"  fetch to NumPy + sklearn roc_auc_score          {base_s * 1000:8.1f} ms  AUC {base_auc:.12f}  (baseline)")
    print(f"  baseline / Predwatch AUC query: {base_s / auc_s:.1f}x; baseline / evaluation query: {base_s / full_s:.1f}x")
    print(
        f"  |difference| {abs(auc_only - base_auc):.1e} (AUC query), {abs(auc - base_auc):.1e} (evaluation query), "
        f"{abs(prof_auc - base_auc):.1e} (profiles); baseline / profiles: {base_s / prof_s:.1f}x"
    )
    print(
        f"  goal <= {GOAL_MS:.0f} ms, equal values: {'met' if auc_s * 1000 <= GOAL_MS else 'not met'} (AUC query); "
        f"<= {GOAL_MS:.0f} ms within the stated bound: "
        f"{'met' if prof_s * 1000 <= GOAL_MS and abs(prof_auc - base_auc) <= prof['auc_error_bound'] + 1e-12 else 'not met'}"
        " (profiles)"
    )


if __name__ == "__main__":
    main()
