"""The Prometheus registry and Predwatch's metric objects.

Each app gets its own `CollectorRegistry`, so tests can build many apps in one process.
Gauges that describe state (queue length, cursors in use) are computed when scraped.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.gc_collector import GCCollector
from prometheus_client.registry import Collector

from data.prediction_metrics import PredictionMetrics
from data.quality_metrics import QualityMetrics

# A system pass takes ~0.1-1 ms; HTTP requests ~1 ms to seconds.
COLLECT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Telemetry:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        if GC_COLLECTOR is not None:
            GCCollector(registry=r)
        self.scrape_duration = Histogram(
            "scrape_duration_seconds", "Time of one collection pass, by collector",
            ["collector"], buckets=COLLECT_BUCKETS, registry=r,
        )
        self.collector_errors = Counter(
            "collector_errors_total", "Collection passes that raised, by collector", ["collector"], registry=r
        )
        self.queue_length = Gauge("queue_length", "Rows waiting in the writer queue", registry=r)
        self.active_connections = Gauge("active_connections", "Store cursors executing a statement", registry=r)
        self.http_requests = Counter(
            "http_requests_total", "HTTP requests by route, method and status", ["route", "method", "status"], registry=r
        )
        self.http_duration = Histogram(
            "http_request_duration_seconds", "HTTP request time by route", ["route"], buckets=HTTP_BUCKETS, registry=r
        )
        self.predictions = PredictionMetrics(r)
        self.quality = QualityMetrics(r)

    def bind_state(self, queue_length: Callable[[], float], active_cursors: Callable[[], float],
                   writer_counts: Callable[[], dict[str, float]]) -> None:
        """Make the state metrics read live values at scrape time."""
        self.queue_length.set_function(queue_length)
        self.active_connections.set_function(active_cursors)
        self.registry.register(_WriterCounters(writer_counts))


class _WriterCounters(Collector):
    """The writer keeps plain integers on its hot path; they are exposed as counters here."""

    HELP = {
        "rows_written": "Rows the writer has stored",
        "dropped": "Rows dropped because the writer queue was full",
        "rejected": "Rows the store refused (set aside so the others are stored)",
        "failures": "Writer flushes that failed (their rows are retried)",
    }

    def __init__(self, read: Callable[[], dict[str, float]]) -> None:
        self._read = read

    def collect(self) -> Iterator[CounterMetricFamily]:
        values = self._read()
        for key, text in self.HELP.items():
            yield CounterMetricFamily(f"writer_{key}", text, value=values.get(key, 0))
