"""The one health answer of an app: the Overview's status and /api/system_health read the same report.

Built from every input at once (host sample, processes, collectors on the status board, writer, store,
watched PostgreSQLs, firing alerts), so page and API cannot disagree about the same moment. The report
runs several store queries; under load (load balancers, dashboards and scrapers polling at once) it is
computed at most once per `cache_seconds` and shared, with its age."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from analytics.health import build_report
from analytics.thresholds import Levels
from data.clock import utcnow
from data.store import Store
from data.writer import Writer
from runtime.health_inputs import health_inputs
from state.databases import DatabaseState
from state.status import StatusBoard


class HealthAnswer(NamedTuple):
    """The /api/system_health document (with `computed_at`) and how long ago it was computed."""

    report: dict[str, Any]
    age_seconds: float


class HealthService:
    def __init__(
        self,
        store: Store,
        writer: Writer,
        board: StatusBoard,
        databases: DatabaseState,
        levels: Mapping[str, Levels],
        sample_delay: float,
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.writer, self.board, self.databases = store, writer, board, databases
        self.levels = dict(levels)
        self.sample_delay = sample_delay
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()  # one thread computes while the others wait for its answer
        self._cached: tuple[float, dict[str, Any]] | None = None

    def report(self, now: datetime | None = None) -> HealthAnswer:
        """The health report at `now` (default: the current time), or the one computed less than
        `cache_seconds` ago."""
        with self._lock:
            if self._cached is None or self._clock() - self._cached[0] > self.cache_seconds:
                self._cached = (self._clock(), self.compute(now or utcnow()))
            computed, report = self._cached
            return HealthAnswer(report, self._clock() - computed)

    def compute(self, now: datetime) -> dict[str, Any]:
        """The whole status at `now`, uncached."""
        inputs = health_inputs(self.store, self.writer, self.board, self.databases.postgres)
        report = build_report(inputs, now, self.sample_delay, self.levels)
        return {**report, "computed_at": report["timestamp"]}
