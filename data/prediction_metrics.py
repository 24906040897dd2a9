"""Prometheus metrics of the prediction path. Label children are bound once per model, so the
hot path pays one `observe`/`inc` each (~0.7 µs) instead of a `.labels()` lookup (~1.6 µs)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class ModelMetrics:
    """The bound children for one model."""

    ok: object
    error: object
    duration: object
    inference: object


class PredictionMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.total = Counter("predictions_total", "Predictions by model and status (ok or error)",
                             ["model", "status"], registry=registry)
        self.errors = Counter("prediction_errors_total", "Failed predictions by model and error kind",
                              ["model", "kind"], registry=registry)
        self.duration = Histogram("prediction_duration_seconds", "Whole prediction request time",
                                  ["model"], buckets=LATENCY_BUCKETS, registry=registry)
        self.inference = Histogram("model_prediction_latency_seconds", "Model inference time only",
                                   ["model"], buckets=LATENCY_BUCKETS, registry=registry)
        self.in_flight = Gauge("predictions_in_flight", "Prediction requests being served now", registry=registry)
        self.active_models = Gauge("active_models", "Models serving predictions", registry=registry)
        self.outcomes = Counter("outcomes_total", "Ground-truth labels received, by kind (matched or orphan)",
                                ["kind"], registry=registry)
        self._bound: dict[str, ModelMetrics] = {}

    def bind_active_models(self, count: Callable[[], float]) -> None:
        self.active_models.set_function(count)

    def model(self, name: str) -> ModelMetrics:
        bound = self._bound.get(name)
        if bound is None:
            bound = self._bound[name] = ModelMetrics(
                self.total.labels(name, "ok"), self.total.labels(name, "error"),
                self.duration.labels(name), self.inference.labels(name))
        return bound

    def failed(self, model: str, kind: str, count: int = 1) -> None:
        self.model(model).error.inc(count)
        self.errors.labels(model, kind).inc(count)
