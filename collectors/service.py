"""Samples the prediction service's state gauges (requests in flight, active models) so they
can be charted over time; Prometheus reads the same gauges live."""

from __future__ import annotations

from datetime import datetime

from telemetry.metrics import PredictionMetrics


class ServiceCollector:
    name = "service"

    def __init__(self, metrics: PredictionMetrics, active_models: int, interval: float = 1.0) -> None:
        self.metrics = metrics
        self.active_models = active_models
        self.interval = interval

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        in_flight = int(self.metrics.in_flight._value.get())  # the gauge's own value; no public getter
        return {"service_samples": [(now, in_flight, self.active_models)]}
