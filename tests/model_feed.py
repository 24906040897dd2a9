"""Feeding the built-in models real scenario traffic and running one evaluation pass (shared by the
model and drift tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from collectors.evaluation import EvaluationCollector
from data.clock import utcnow
from predictor.models import CHALLENGER, CHAMPION
from predictor.scenario import Drift, Scenario


def feed(app, n: int, seed: int, drift: Drift | None = None, label_share: float = 0.8, at: datetime | None = None) -> None:
    """n champion and n challenger predictions of the scenario; `label_share` of them get their outcome.
    `at`: the time they are stamped and received (the service's clock), else now."""
    runtime, service = app.predwatch.runtime, app.server.extensions["predwatch.service"]
    rng = np.random.default_rng(seed)
    frame, labels = Scenario().sample(n, rng, drift or Drift())
    records, now, outcomes = frame.to_dict("records"), at or utcnow(), []
    if at is not None:
        service.clock = lambda: at
    for model in (CHAMPION, CHALLENGER):
        for pred, label in zip(service.predict_many(records, model=model), labels.tolist(), strict=True):
            if rng.random() < label_share:
                outcomes.append((pred.id, label, now, now))
    runtime.writer.flush()
    runtime.writer.write_now({"outcomes": outcomes})


def evaluate(app, windows: dict[str, int], min_samples: int = 100, now: datetime | None = None) -> dict:
    """One evaluation pass, its rows stored at once."""
    runtime, service = app.predwatch.runtime, app.server.extensions["predwatch.service"]
    collector = EvaluationCollector(
        runtime.store,
        runtime.writer,
        runtime.telemetry.quality,
        service.models,
        interval=5,
        windows=windows,
        min_samples=min_samples,
    )
    out = collector.collect(now or utcnow() + timedelta(seconds=1))
    for table, rows in out.items():
        runtime.writer.enqueue_many(table, rows)
    runtime.writer.flush()
    return out
