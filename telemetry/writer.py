"""The writer's counters on /metrics: the writer keeps plain integers on its hot path, and they
are read here at scrape time."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from telemetry.metrics import family

KEYS = ("rows_written", "dropped", "rejected", "failures")


class WriterCounters(Collector):
    def __init__(self, read: Callable[[], dict[str, float]]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        values = self._read()
        for key in KEYS:
            yield family(f"writer_{key}", value=values.get(key, 0))
