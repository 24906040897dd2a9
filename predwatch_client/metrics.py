"""The client's counters in the service's own prometheus_client registry, read at scrape time (the hot
path updates nothing of prometheus_client). Imported only when a registry is passed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

if TYPE_CHECKING:
    from predwatch_client.logger import PredictionLogger

COUNTERS = (
    ("predwatch_client_records_sent", "sent", "Records acknowledged by Predwatch (a repeated id included)."),
    ("predwatch_client_records_dropped", "dropped", "Records dropped: queue full, or not delivered by close()'s deadline."),
    ("predwatch_client_records_rejected", "rejected", "Records Predwatch refused as bad (4xx); logged, not retried."),
    ("predwatch_client_retries", "retried", "Requests sent again after a connection error or a 5xx/408/429."),
)


class ClientCollector:
    def __init__(self, logger: PredictionLogger) -> None:
        self.logger = logger

    def collect(self) -> Iterator[Metric]:
        for name, attribute, help_text in COUNTERS:
            yield CounterMetricFamily(name, help_text, value=getattr(self.logger, attribute))
        yield GaugeMetricFamily("predwatch_client_queued_records", "Records waiting to be sent.", value=self.logger.queued)


def register(registry: Any, logger: PredictionLogger) -> ClientCollector:
    """One logger per registry: a second one's names would clash (prometheus_client refuses them)."""
    collector = ClientCollector(logger)
    registry.register(collector)
    return collector
