"""Drift of 20 numeric features, 100k reference rows vs 100k current rows stored in DuckDB: Predwatch's
one-query PSI + binned KS (data/queries/drift.py; the reference's edges and bins are built
once) beside SciPy `ks_2samp` + NumPy PSI per column
(the baseline, rows fetched from the same DuckDB file) and Evidently's DataDriftPreset (in its own
venv, bench/.venv-evidently, created from bench/requirements-evidently.txt on first use).

Also from profiles, as the evaluation job reads it: the current rows binned once against the
reference's edges (upkeep, timed apart), then per pass one read of the merged bins and NumPy's PSI and
exact KS (analytics/binned_drift.py).

Prints wall time (best of --repeats), peak extra RSS, the ratios, and how far Predwatch's values are
from SciPy's KS and NumPy's PSI. Asserts nothing about wall time.

    .venv/bin/python -m bench.drift_bench [--rows 100000] [--features 20] [--skip-evidently]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from analytics import binned_drift as bd
from analytics.drift import PSI_EPSILON, psi
from bench.memory import rss_peak
from data.profile_bins import bin_values
from data.queries import profile_reads as pr
from data.queries import profiles
from data.queries.drift import build_reference_bins, table_drift
from data.store import Store

ROOT = Path(__file__).resolve().parent.parent

EVIDENTLY_VENV = ROOT / "bench" / ".venv-evidently"
EVIDENTLY_REQUIREMENTS = ROOT / "bench" / "requirements-evidently.txt"
GOAL_SECONDS, GOAL_MB = 0.3, 100.0


def make_data(rows: int, features: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wide frames: a mix of normal, lognormal, integer and two-valued columns; every third one shifted."""
    rng = np.random.default_rng(seed)
    ref, cur = {}, {}
    for i in range(features):
        shift = 0.3 if i % 3 == 0 else 0.0
        kind = i % 4
        if kind == 0:
            ref[f"f{i}"], cur[f"f{i}"] = rng.normal(size=rows), rng.normal(shift, size=rows)
        elif kind == 1:
            ref[f"f{i}"], cur[f"f{i}"] = rng.lognormal(10, 0.5, rows), rng.lognormal(10 + shift, 0.5, rows)
        elif kind == 2:
            ref[f"f{i}"], cur[f"f{i}"] = rng.poisson(3, rows) * 1.0, rng.poisson(3 + 3 * shift, rows) * 1.0
        else:
            ref[f"f{i}"] = rng.choice([36.0, 60.0], rows)
            cur[f"f{i}"] = rng.choice([36.0, 60.0], rows, p=[0.5 - shift, 0.5 + shift])
    return pd.DataFrame(ref), pd.DataFrame(cur)


def load(store: Store, ref: pd.DataFrame, cur: pd.DataFrame) -> float:
    """The reference as model "bench"'s sample in model_reference, the current rows in the long
    (feature, value) layout of prediction_features; returns the one-off seconds of building the
    reference's edges and bin counts (done once when a reference is stored, not per pass)."""
    ref_long = ref.melt(var_name="feature", value_name="value")  # noqa: F841 (read by DuckDB)
    ref_long.insert(0, "row_id", np.tile(np.arange(len(ref)), ref.shape[1]))
    ref_long.insert(0, "model_version", None)
    ref_long.insert(0, "model", "bench")
    ref_long["created_at"] = pd.Timestamp(2026, 1, 1)
    cur_long = cur.melt(var_name="feature", value_name="value")  # noqa: F841
    with store.cursor() as con:
        con.execute("INSERT INTO model_reference SELECT * FROM ref_long")
        con.execute("CREATE TABLE cur AS SELECT * FROM cur_long")
        con.execute("CREATE TABLE ref AS SELECT feature, value FROM ref_long")
        con.execute("CHECKPOINT")
    started = time.perf_counter()
    build_reference_bins(store, "bench")
    return time.perf_counter() - started


def timed(repeats: int, run) -> tuple[float, float, object]:
    best, extra, result = float("inf"), 0.0, None
    for _ in range(repeats):
        with rss_peak() as mem:
            started = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - started)
        extra = max(extra, mem["extra_mb"])
    return best, extra, result


def predwatch(store: Store) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in table_drift(store, "bench", "cur", 1e-4)}


def profile_upkeep(store: Store) -> dict[str, bd.ReferenceBins]:
    """Edges from the stored reference, and the current rows' counts in them (table cur_bins): what the
    profile minutes of the window hold, merged."""
    profiles.build_edges(store, "bench")
    refs = {
        f: bd.ReferenceBins.from_edges(a["edge"], a["rn"], a["pb_at"], a["pb_after"])
        for f, a in pr.reference_edges(store, "bench").items()
    }
    frames = []
    with store.cursor() as con:
        for feature, ref in refs.items():
            values = con.execute("SELECT value FROM cur WHERE feature = ?", [feature]).fetchnumpy()["value"]
            ids, counts = np.unique(bin_values(ref.edges, values), return_counts=True)
            frames.append(pd.DataFrame({"feature": feature, "bin": ids, "n": counts}))
        cur_bins = pd.concat(frames)  # noqa: F841 (read by DuckDB)
        con.execute("CREATE TABLE cur_bins AS SELECT * FROM cur_bins")
    return refs


def from_profiles(store: Store, refs: dict[str, bd.ReferenceBins]) -> dict[str, tuple]:
    table = store.fetch_arrow(
        "bench.cur_bins", "SELECT feature, bin, sum(n)::BIGINT AS n FROM cur_bins GROUP BY ALL ORDER BY feature"
    )
    parts = pr.split_rows(table, "feature")
    out = {}
    for feature, ref in refs.items():
        found = bd.binned_drift(ref, parts[feature]["bin"], parts[feature]["n"], PSI_EPSILON)
        out[feature] = (found.psi, found.ks_statistic, found.ks_error_bound)
    return out


def scipy_numpy(store: Store, features: list[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for feature in features:
        with store.cursor() as con:
            ref = con.execute("SELECT value FROM ref WHERE feature = ?", [feature]).fetchnumpy()["value"]
            cur = con.execute("SELECT value FROM cur WHERE feature = ?", [feature]).fetchnumpy()["value"]
        out[feature] = (psi(ref, cur), ks_2samp(ref, cur).statistic)
    return out


def evidently(ref: pd.DataFrame, cur: pd.DataFrame, folder: Path) -> dict | str:
    """Evidently in its own venv; a string saying why when it cannot run."""
    python = EVIDENTLY_VENV / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(EVIDENTLY_VENV)], capture_output=True, text=True)
        pip = (
            subprocess.run(
                [str(EVIDENTLY_VENV / "bin" / "pip"), "install", "-q", "-r", str(EVIDENTLY_REQUIREMENTS)],
                capture_output=True,
                text=True,
            )
            if made.returncode == 0
            else made
        )
        if pip.returncode != 0:
            return f"could not install Evidently: {(pip.stderr or pip.stdout).strip()[-500:]}"
    ref.to_parquet(folder / "ref.parquet")
    cur.to_parquet(folder / "cur.parquet")
    run = subprocess.run(
        [str(python), str(ROOT / "bench" / "evidently_drift.py"), str(folder / "ref.parquet"), str(folder / "cur.parquet")],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        return f"Evidently failed: {run.stderr.strip()[-800:]}"
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-evidently", action="store_true")
    args = parser.parse_args()
    ref, cur = make_data(args.rows, args.features)
    features = list(ref.columns)
    with tempfile.TemporaryDirectory() as tmp:
        db = Store(Path(tmp) / "drift.duckdb")
        build_s = load(db, ref, cur)
        ours_s, ours_mb, ours = timed(args.repeats, lambda: predwatch(db))
        upkeep_started = time.perf_counter()
        refs = profile_upkeep(db)
        upkeep_s = time.perf_counter() - upkeep_started
        prof_s, prof_mb, prof = timed(args.repeats, lambda: from_profiles(db, refs))
        base_s, base_mb, base = timed(args.repeats, lambda: scipy_numpy(db, features))
        db.close()
        peer = "skipped (--skip-evidently)" if args.skip_evidently else evidently(ref, cur, Path(tmp))
    psi_error = max(abs(ours[f][0] - base[f][0]) for f in features)
    ks_short = [base[f][1] - ours[f][1] for f in features]
    bound_ok = all(-1e-12 <= d <= ours[f][2] + 1e-12 for d, f in zip(ks_short, features, strict=True))
    print(f"drift of {args.features} features, {args.rows:,} reference vs {args.rows:,} current rows (DuckDB file)")
    print(
        f"  Predwatch one query (PSI + binned KS)  {ours_s:8.3f} s  extra {ours_mb:7.1f} MB"
        f"  (+ {build_s:.3f} s once, when the reference is stored)"
    )
    print(
        f"  Predwatch from profiles               {prof_s:8.3f} s  extra {prof_mb:7.1f} MB"
        f"  (+ {upkeep_s:.3f} s upkeep: edges, and binning the current rows once)"
    )
    print(f"  SciPy ks_2samp + NumPy PSI per column  {base_s:8.3f} s  extra {base_mb:7.1f} MB  (baseline)")
    if isinstance(peer, dict):
        print(
            f"  Evidently {peer['evidently']} DataDriftPreset     {peer['seconds']:8.3f} s  extra {peer['extra_mb']:7.1f} MB"
            f"  (pandas {peer['pandas']}, own venv)"
        )
        print(f"  Evidently / Predwatch: {peer['seconds'] / ours_s:.1f}x; from profiles {peer['seconds'] / prof_s:.1f}x")
    else:
        print(f"  Evidently: {peer}")
    print(f"  baseline / Predwatch: {base_s / ours_s:.1f}x time; baseline / from profiles: {base_s / prof_s:.1f}x")
    prof_psi = max(abs(prof[f][0] - base[f][0]) for f in features)
    prof_ks = max(abs(prof[f][1] - base[f][1]) for f in features)
    print(
        f"  from profiles: PSI max |diff| from NumPy {prof_psi:.2e}, KS max |diff| from SciPy {prof_ks:.2e} "
        f"(stated bound {max(prof[f][2] for f in features):.1e})"
    )
    print(f"  PSI max |Predwatch - NumPy| = {psi_error:.2e}")
    print(
        f"  KS: SciPy - Predwatch in [{min(ks_short):.2e}, {max(ks_short):.2e}], max stated bound "
        f"{max(ours[f][2] for f in features):.2e}, within bound for every feature: {bound_ok}"
    )
    print(
        f"  goal <= {GOAL_SECONDS} s and <= {GOAL_MB:.0f} MB: "
        f"{'met' if ours_s <= GOAL_SECONDS and ours_mb <= GOAL_MB else 'not met'} (one query), "
        f"{'met' if prof_s <= GOAL_SECONDS and prof_mb <= GOAL_MB else 'not met'} (from profiles)"
    )


if __name__ == "__main__":
    main()
