"""The Drift page's distribution chart (30 bins, one feature) from the per-minute profiles beside the same
chart from the raw rows (data/queries/model_views.py: distribution vs distribution_raw), on one model with
4 features and a 5,000-row reference, at several traffic rates over one hour. The profile read follows the
minutes in the window; the raw read follows the rows. Prints the best of --repeats; asserts nothing.

    .venv/bin/python -m bench.distribution_bench [--rates 1000,10000,30000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

import numpy as np

from data.queries import model_views as mv
from data.queries import profiles
from data.store import Store
from tests.unit.data.test_profiles import MODEL, NOW, predictions, reference


def best(fn: partial, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="1000,10000,30000", help="predictions per minute, comma separated")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{'per min':>8} {'rows 1 h':>9} {'raw ms':>8} {'profiles ms':>11} {'ratio':>6}")
    for rate in (int(r) for r in args.rates.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "d.duckdb")
            try:
                rng = np.random.default_rng(5)
                reference(store, rng)
                predictions(store, rng, rate * 60, NOW - timedelta(hours=1), 3600, 0.2, NOW)
                profiles.refresh(store, NOW)
                since = NOW - timedelta(hours=1)
                raw = best(partial(mv.distribution_raw, store, MODEL, "income", since, NOW), args.repeats)
                prof = best(partial(mv.distribution, store, MODEL, "income", since, NOW), args.repeats)
                print(f"{rate:8,} {rate * 60:9,} {raw * 1000:8.1f} {prof * 1000:11.1f} {raw / prof:6.1f}x")
            finally:
                store.close()


if __name__ == "__main__":
    main()
