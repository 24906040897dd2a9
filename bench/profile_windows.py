"""Any window from the profiles on a seeded 30-day history: /api/model_performance and /api/drift
at 15m, 24h, 7d and 30d answered on demand (api/windows.py), beside the same answers merged from minute
profiles alone (no hour and day tiers) and from the raw rows (the baseline: every read straight from them), in
the same run; each route and answer both with the cache of windows' closed parts (answers/window_cache.py)
and without it (its budget set to 0: every part read), the cached figure timed after one warming call, and
the first call after an evaluation pass (the open minutes' generation moved before each call). Also
the first build of 30 days of profiles and their tiers, and the tables' sizes.

    python -m bench.profile_windows [--db PATH] [--calls 20] [--days 30] [--predictions 2000000]

The store is seeded with bench.seed_history when the file does not exist, then copied: references and
profiles are built in the copy only. The app is built with one stored evaluation window (1m), so every
window above is computed on demand, and its threads are not started (nothing else runs meanwhile).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from time import perf_counter

import numpy as np

from analytics import drift as da
from answers.window_cache import MAX_BYTES
from app import create_app
from bench.seed_history import seeded_copy
from collectors.evaluation import EvaluationCollector
from data.clock import utcnow
from data.queries import drift as dq
from data.queries import profile_tiers
from data.queries import quality as q
from data.queries import window_generations as wg
from data.store import Store
from data.writer import Writer
from predictor.models import CHAMPION, load_or_train
from settings import Settings
from telemetry.metrics import Telemetry

WINDOWS = {"15m": 900, "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400}
GOAL_MS = 20.0


def timed(fn: Callable[[], object], calls: int, before: Callable[[], object] | None = None) -> tuple[float, float]:
    """p50 and p95 in ms of `calls` calls of `fn`, each after `before` (untimed)."""
    times = []
    for _ in range(calls):
        if before is not None:
            before()
        started = perf_counter()
        fn()
        times.append(perf_counter() - started)
    return float(np.percentile(times, 50)) * 1000, float(np.percentile(times, 95)) * 1000


def build(db: Path, models_dir: Path) -> None:
    """References, edges, every profile minute and its tiers: one first evaluation pass."""
    store = Store(db)
    writer = Writer(store)
    collector = EvaluationCollector(
        store, writer, Telemetry().quality, load_or_train(models_dir), interval=30, windows={"1m": 60}, min_samples=200
    )
    started = perf_counter()
    collector.collect(utcnow())
    seconds = perf_counter() - started
    stats = {s.query: s.total_seconds for s in store.timings.drain()[0]}
    for model in sorted(collector.models):
        dq.build_reference_bins(store, model)  # the raw path's own bins, for the baseline
    sizes = {
        t: store.fetch_one("bench.rows", f"SELECT count(*) FROM {t}")[0]
        for t in (
            "score_profile",
            "feature_profile",
            "score_profile_hour",
            "feature_profile_hour",
            "score_profile_day",
            "feature_profile_day",
        )
    }
    writer.stop()
    store.close()
    print(
        f"first pass on the seeded store (references, every profile minute and tier): {seconds:.1f} s, of which "
        f"tiers {stats.get('profiles.tiers', 0):.2f} s; rows: " + ", ".join(f"{t} {n:,}" for t, n in sizes.items())
    )


def raw_answer(store: Store, model: str, seconds: int) -> None:
    """The baseline: one window's quality and drift read straight from the raw rows."""
    now = utcnow()
    since = now - timedelta(seconds=seconds)
    q.quality_summary(store, model, since, now)
    q.score_buckets(store, model, since, now)
    q.calibration_bins(store, model, since, now)
    dq.feature_drift(store, model, since, now, da.PSI_EPSILON)


def run(db: Path, models_dir: Path, calls: int) -> None:
    app = create_app(Settings(db=db, demo=False, models_dir=models_dir, eval_windows=("1m",)))
    client, rt = app.server.test_client(), app.predwatch.runtime
    cache = rt.answers.closed
    print(f"{'':34s} {'window':>6s} {'p50 ms':>8s} {'p95 ms':>8s}")
    worst = worst_uncached = worst_pass = 0.0

    def a_pass() -> None:
        """What an evaluation pass that profiled new rows does to the cache: the open minutes' generation moves."""
        with rt.store.transaction("profiles") as cur:
            wg.bump(cur, [CHAMPION], utcnow(), wg.OPEN_PREFIX)

    for window, seconds in WINDOWS.items():
        for route in ("model_performance", "drift"):
            url = f"/api/{route}?window={window}&model={CHAMPION}"

            def call(url: str = url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: {response.status_code} {response.get_data(as_text=True)[:300]}")

            for label, budget, before in (
                ("uncached", 0, None),
                ("cached", MAX_BYTES, None),
                ("after a pass", MAX_BYTES, a_pass),
            ):
                cache.max_bytes = budget
                call()
                p50, p95 = timed(call, calls, before)
                if label == "cached":
                    worst = max(worst, p95)
                elif label == "uncached":
                    worst_uncached = max(worst_uncached, p95)
                else:
                    worst_pass = max(worst_pass, p95)
                print(f"{'GET /api/' + route + ' ' + label:34s} {window:>6s} {p50:8.1f} {p95:8.1f}", flush=True)
        answer = lambda seconds=seconds: rt.answers.answer(CHAMPION, utcnow(), [seconds])  # noqa: E731
        cache.max_bytes = 0
        p50u, _ = timed(answer, calls)
        cache.max_bytes = MAX_BYTES
        answer()
        p50, p95 = timed(answer, calls)
        print(
            f"{'  the answer alone, cached':34s} {window:>6s} {p50:8.1f} {p95:8.1f}  (uncached {p50u:.1f}: x{p50u / p50:.1f})",
            flush=True,
        )
        cache.max_bytes = 0  # the baselines below read every part
        real_marks = profile_tiers.read_marks
        profile_tiers.read_marks = lambda store: {}  # every slice from the minute profiles
        try:
            p50m, p95m = timed(answer, max(3, calls // 5))
        finally:
            profile_tiers.read_marks = real_marks
        print(
            f"{'  minute profiles only (no tiers)':34s} {window:>6s} {p50m:8.1f} {p95m:8.1f}  "
            f"({p50m / p50:.1f}x the cached answer)",
            flush=True,
        )
        p50r, p95r = timed(lambda seconds=seconds: raw_answer(rt.store, CHAMPION, seconds), 3)
        print(
            f"{'  raw rows (before profiles)':34s} {window:>6s} {p50r:8.1f} {p95r:8.1f}  ({p50r / p50:.1f}x the cached answer)",
            flush=True,
        )
        cache.max_bytes = MAX_BYTES
    app.predwatch.stop()
    print(
        f"cache: {cache.size_bytes / 1e6:.1f} MB held (budget {MAX_BYTES / 1e6:.1f} MB), {cache.hits} hits, {cache.misses} misses"
    )
    print(
        f"worst route p95 uncached: {worst_uncached:.1f} ms; cached: {worst:.1f} ms; first call after a pass: {worst_pass:.1f} ms"
    )
    print(f"worst route p95: {worst:.1f} ms (goal <= {GOAL_MS:g} ms: {'met' if worst <= GOAL_MS else 'not met'})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--predictions", type=int, default=2_000_000)
    args = parser.parse_args()
    copy, work = seeded_copy(args.db, args.days, args.predictions)
    try:
        build(copy, work / "models")
        run(copy, work / "models", args.calls)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
