"""GET /api/model_performance and GET /api/drift on a seeded long history, at every configured window, beside
the same requests answered by the baseline reads of the latest rows (a correlated max(ts) subquery per row), in
the same run and through the same Flask test client.

    python -m bench.model_api [--db PATH] [--calls 40] [--every 300 | --as-seeded] [--days 30] [--predictions 2000000]

The store is seeded with bench.seed_history when the file does not exist, then copied: the bench adds rows
to the copy only. The seed writes the 15 m window's evaluations and drift every 5 min and no curves,
importance or drift detail; the copy gets what the evaluation job writes beside them at each pass: the same
rows for every other configured window (drift also for "recent"), a drift detail row per drift row, both
importance methods for every feature, and the curves of the last 3 passes (the job prunes older ones).
--every 30 also adds passes between the seed's, as at the app's default --eval-interval (10x the rows);
--as-seeded adds nothing (no curves or importance to read, only the 15 m window has rows).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from app import create_app
from bench.seed_history import seeded_copy
from data.queries import model_views as mv
from data.queries.drift import drift_windows
from data.store import Store
from predictor.scenario import FEATURES
from settings import Settings

SEED_EVERY = 300  # seconds between the seed's evaluation passes
_OLD_LATEST = "ts = (SELECT max(ts) FROM {table} t WHERE t.model = x.model AND t.window_seconds = x.window_seconds)"


# -- the baseline reads (a correlated max(ts) per row), the definition tests/unit/data/test_model_views.py checks against --
def old_latest_evaluations(store: Store, model: str | None, window_seconds: int) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "old.latest_evaluations",
        f"SELECT * FROM model_evaluations x WHERE window_seconds = ? AND (? IS NULL OR model = ?) "
        f"AND {_OLD_LATEST.format(table='model_evaluations')} ORDER BY model",
        [window_seconds, model, model],
    )


def old_latest_curves(store: Store, model: str | None, window_seconds: int) -> pd.DataFrame:
    return store.fetch_df(
        "old.latest_curves",
        f"SELECT model, curve, point, x, y, threshold, n FROM model_curves x WHERE window_seconds = ? "
        f"AND (? IS NULL OR model = ?) AND {_OLD_LATEST.format(table='model_curves')} ORDER BY model, curve, point",
        [window_seconds, model, model],
    )


def old_latest_drift(store: Store, model: str, window_seconds: int) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "old.latest_drift",
        "SELECT x.*, coalesce(d.kind, 'numeric') AS kind, d.chi2_pvalue, d.js_distance, d.missing_share, "
        "d.reference_missing_share, d.missing_verdict FROM feature_drift x LEFT JOIN feature_drift_detail d "
        "USING (ts, model, window_seconds, feature) WHERE window_seconds = ? AND model = ? "
        f"AND {_OLD_LATEST.format(table='feature_drift')} ORDER BY feature",
        [window_seconds, model],
    )


def old_latest_importance(store: Store, model: str) -> pd.DataFrame:
    return store.fetch_df(
        "old.latest_importance",
        "SELECT feature, method, importance FROM feature_importance x WHERE model = ? AND ts = "
        "(SELECT max(ts) FROM feature_importance t WHERE t.model = x.model AND t.method = x.method) ORDER BY method, feature",
        [model],
    )


OLD_READS: dict[str, Callable[..., Any]] = {
    "latest_evaluations": old_latest_evaluations,
    "latest_curves": old_latest_curves,
    "latest_drift": old_latest_drift,
    "latest_importance": old_latest_importance,
}


# -- the copy's extra rows ----------------------------------------------------------------------------------
def _rebuild(con: duckdb.DuckDBPyConnection, table: str, select: str) -> None:
    """Replace `table` by `select` in ts order, as the evaluation job appends it (row groups then cover
    successive time spans, which the reads rely on)."""
    con.execute(f"CREATE TABLE bench_new AS SELECT * FROM ({select}) ORDER BY ts")
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE bench_new RENAME TO {table}")


def fill(db: Path, eval_windows: list[int], drift_window_seconds: list[int], every: int) -> dict[str, int]:
    """Add the rows described in the module docstring; return each table's row count."""
    con = duckdb.connect(str(db))
    try:
        seeded = con.execute("SELECT DISTINCT window_seconds FROM model_evaluations").fetchall()
        base = seeded[0][0]
        passes = (
            f"(SELECT k * {every} AS shift FROM range(0, {max(1, SEED_EVERY // every)}) r(k))"
            if every < SEED_EVERY
            else "(SELECT 0 AS shift)"
        )
        shifted = "ts + to_seconds(p.shift) AS ts"
        _rebuild(
            con,
            "model_evaluations",
            f"SELECT x.* REPLACE ({shifted}, w.seconds AS window_seconds) FROM model_evaluations x, {passes} p, "
            f"(SELECT unnest({eval_windows}) AS seconds) w WHERE x.window_seconds = {base}",
        )
        _rebuild(
            con,
            "feature_drift",
            f"SELECT x.* REPLACE ({shifted}, w.seconds AS window_seconds) FROM feature_drift x, {passes} p, "
            f"(SELECT unnest({drift_window_seconds}) AS seconds) w WHERE x.window_seconds = {base}",
        )
        _rebuild(
            con,
            "feature_drift_detail",
            "SELECT ts, model, window_seconds, feature, 'numeric' AS kind, NULL::DOUBLE AS chi2_pvalue, "
            "NULL::DOUBLE AS js_distance, 0.0 AS missing_share, 0.0 AS reference_missing_share, "
            "'none' AS missing_verdict FROM feature_drift",
        )
        _rebuild(
            con,
            "feature_importance",
            f"SELECT e.ts, e.model, f.feature, m.method, random() AS importance FROM "
            f"(SELECT DISTINCT ts, model FROM model_evaluations) e, (SELECT unnest({list(FEATURES)}) AS feature) f, "
            "(SELECT unnest(['model', 'permutation']) AS method) m",
        )
        _rebuild(
            con,
            "model_curves",
            "SELECT e.ts, e.model, e.window_seconds, c.curve, i AS point, i / (c.points - 1) AS x, "
            "sqrt(i / (c.points - 1)) AS y, CASE WHEN c.curve = 'calibration' THEN NULL ELSE 1 - i / (c.points - 1) END "
            "AS threshold, CASE WHEN c.curve = 'calibration' THEN 100 END AS n FROM "
            "(SELECT * FROM model_evaluations QUALIFY dense_rank() OVER (ORDER BY ts DESC) <= 3) e, "
            "(VALUES ('roc', 200), ('pr', 200), ('calibration', 10)) c(curve, points), range(0, 200) r(i) "
            "WHERE i < c.points",
        )
        con.execute("CHECKPOINT")
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("model_evaluations", "model_curves", "feature_drift", "feature_drift_detail", "feature_importance")
        }
    finally:
        con.close()


# -- timing -------------------------------------------------------------------------------------------------
def _patched(reads: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Put `reads` into model_views (the API calls them through the module); return what was there."""
    before = {name: getattr(mv, name) for name in reads}
    for name, fn in reads.items():
        setattr(mv, name, fn)
    return before


def measure(client: Any, urls: list[str], calls: int) -> list[tuple[str, list[float], list[float], bool]]:
    """Per URL: wall times with the current reads and with the old ones, alternating call by call (so both
    see the same load), and whether the two answers were identical."""
    found = []
    for url in urls:
        new, old = [], []
        bodies = {}
        for i in range(calls + 1):
            for label, times in (("new", new), ("old", old)):
                before = _patched(OLD_READS) if label == "old" else {}
                try:
                    started = perf_counter()
                    response = client.get(url)
                    elapsed = perf_counter() - started
                finally:
                    _patched(before)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} ({label}): {response.status_code} {response.get_data(as_text=True)[:300]}")
                bodies[label] = response.get_json()
                if i:  # the first call of each warms up
                    times.append(elapsed * 1000)
        found.append((url, new, old, bodies["new"] == bodies["old"]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.model_api")
    parser.add_argument("--db", type=Path, default=None, help="a bench.seed_history store (copied, never written)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--predictions", type=int, default=2_000_000)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument(
        "--every",
        type=int,
        default=SEED_EVERY,
        choices=(30, 60, 150, SEED_EVERY),
        help="seconds between evaluation passes in the copy (the seed's are 300 s apart)",
    )
    parser.add_argument("--as-seeded", action="store_true", help="time the copy as seeded, without the rows added")
    args = parser.parse_args(argv)
    copy, work = seeded_copy(args.db, args.days, args.predictions)
    try:
        run(copy, work, args.calls, None if args.as_seeded else args.every)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run(db: Path, work: Path, calls: int, every: int | None) -> None:
    """Time every window's requests on `db` (with `fill`'s rows added, passes `every` s apart, unless None)."""
    settings = Settings(db=db, demo=False, models_dir=work / "models")
    eval_windows, drift = settings.eval_window_seconds, drift_windows(settings)
    if every is not None:
        began = perf_counter()
        counts = fill(db, sorted(set(eval_windows.values())), sorted(set(drift.values())), every)
        print(
            f"copy filled in {perf_counter() - began:.1f} s (passes every {every} s): "
            + ", ".join(f"{t} {n:,}" for t, n in counts.items())
        )
    app = create_app(settings)
    try:
        urls = [f"/api/model_performance?window={w}" for w in eval_windows] + [f"/api/drift?window={w}" for w in drift]
        load = os.getloadavg()[0]
        results = measure(app.server.test_client(), urls, calls)
    finally:
        app.predwatch.stop()
    print(f"{'request':38s} {'p50 ms':>7s} {'p95 ms':>7s} {'old p50':>8s} {'old p95':>8s} {'old/new p95':>11s} same answer")
    for url, new, old, same in results:
        p50, p95, o50, o95 = (float(np.percentile(v, q)) for v in (new, old) for q in (50, 95))
        goal = "" if p95 <= 20 else "  (goal <= 20 ms: not met)"
        print(f"{url:38s} {p50:7.1f} {p95:7.1f} {o50:8.1f} {o95:8.1f} {o95 / p95:10.1f}x {'yes' if same else 'NO'}{goal}")
    print(f"{calls} calls each, new and old alternating; load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    sys.exit(main())
