"""Prometheus gauges of the latest model evaluation: AUC, accuracy and each feature's PSI.
Set by the evaluation job after each pass; an undefined figure removes its series (no NaN)."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge


class QualityMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.auc = Gauge("model_auc", "Latest ROC AUC of a model over an evaluation window",
                         ["model", "window_seconds"], registry=registry)
        self.accuracy = Gauge("model_accuracy", "Latest accuracy (0-1) of a model's labelled predictions",
                              ["model", "window_seconds"], registry=registry)
        self.psi = Gauge("feature_psi", "Latest population stability index of a feature against the reference",
                         ["model", "feature", "window_seconds"], registry=registry)

    @staticmethod
    def put(gauge: Gauge, value: float | None, *labels: str) -> None:
        if value is None:
            try:
                gauge.remove(*labels)
            except KeyError:
                pass
        else:
            gauge.labels(*labels).set(value)
