"""Microseconds per prediction that Predwatch's instrumentation (metrics, id, log record, enqueue)
adds to the built-in predict path, beside bare `model.predict_proba` on the same inputs.
Goal: <= 10 µs per prediction."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from prometheus_client import CollectorRegistry

from data.store import Store
from data.writer import Writer
from predictor.models import CHALLENGER, CHAMPION, load_or_train
from predictor.scenario import Scenario
from predictor.service import PredictionService
from telemetry.metrics import (
    PredictionMetrics,
    Telemetry,
)


class ConstantModel:
    """A model that costs ~nothing, so what the service adds around it is all that is timed."""

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        return np.full((len(rows), 2), 0.5)


def per_call_us(fn, items: list, repeats: int) -> float:
    """Median over `repeats` runs of the mean µs per call over `items`."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for item in items:
            fn(item)
        runs.append((time.perf_counter() - started) / len(items) * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        models = load_or_train(Path(tmp) / "models")
        store = Store(Path(tmp) / "b.duckdb")
        writer = Writer(store, capacity=10**7)
        telemetry = Telemetry()
        service = PredictionService(models, writer, telemetry.predictions, CHAMPION)
        frame, _ = Scenario().sample(args.calls, np.random.default_rng(0))
        rows = frame.to_dict("records")
        print(f"{args.calls} single-row predictions per run, median of {args.repeats} runs")
        for name in (CHALLENGER, CHAMPION):
            bundle = models[name]
            matrices = [np.array([[r[f] for f in bundle.features]]) for r in rows]
            bare = per_call_us(bundle.predict_scores, matrices, args.repeats)
            full = per_call_us(lambda r, n=name: service.predict(r, n), rows, args.repeats)
            matrix = per_call_us(lambda r, b=bundle: service._matrix(b, [r]), rows, args.repeats)
            print(
                f"  {name:14s} bare predict_proba {bare:8.1f} µs | service.predict {full:8.1f} µs | "
                f"overhead {full - bare:6.1f} µs, of which dict->matrix validation {matrix:5.1f} µs, "
                f"metrics + id + record + enqueue {full - bare - matrix:5.1f} µs"
            )
            writer._queues.clear()
        stub = models[CHALLENGER]
        stub.estimator = ConstantModel()
        matrices = [np.array([[r[f] for f in stub.features]]) for r in rows]
        bare = per_call_us(stub.predict_scores, matrices, args.repeats)
        full = per_call_us(lambda r: service.predict(r, CHALLENGER), rows, args.repeats)
        matrix = per_call_us(lambda r: service._matrix(stub, [r]), rows, args.repeats)
        writer._queues.clear()
        print(
            f"  constant model: bare {bare:.1f} µs | service.predict {full:.1f} µs | instrumentation "
            f"(metrics + id + record + enqueue) {full - bare - matrix:.1f} µs, input validation {matrix:.1f} µs"
        )
        metrics = PredictionMetrics(CollectorRegistry())
        bound = metrics.model("m")
        observe = per_call_us(lambda _: bound.duration.observe(0.001), rows, args.repeats)
        labelled = per_call_us(lambda _: metrics.duration.labels("m").observe(0.001), rows, args.repeats)
        enqueue = per_call_us(
            lambda r: writer.enqueue("predictions", ("id", None, "m", "1", 0.5, 1, 0.001, "ok", None, "builtin", None, r)),
            rows,
            args.repeats,
        )
        print(
            f"  pieces: histogram observe, bound {observe:.2f} µs; with .labels() each call {labelled:.2f} µs; "
            f"writer enqueue {enqueue:.2f} µs"
        )
        print("goal: metrics + logging <= 10 µs per prediction")
        store.close()


if __name__ == "__main__":
    main()
