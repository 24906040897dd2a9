"""Timing of every named store query, kept cheap enough for the hot path (goal: <= 5 us a query).

`record` bumps one histogram bucket (bisect in C), a count, a sum, appends the duration to the
current window and keeps the window's slowest queries in a small heap; percentiles are computed
only when the database collector drains the window, as client_python sums buckets only when
/metrics is read.
"""

from __future__ import annotations

import heapq
import threading
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Store queries take ~50 us (a point read) to seconds (a month of raw rows).
BUCKETS_SECONDS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
WINDOW_CAP = 20_000  # durations kept per name and window for percentiles; count and max stay exact
SLOW_KEEP = 20


class _NameStats:
    __slots__ = ("buckets", "count", "sum_seconds", "window", "window_calls", "window_max", "window_rows")

    def __init__(self) -> None:
        self.buckets = [0] * (len(BUCKETS_SECONDS) + 1)
        self.count = 0
        self.sum_seconds = 0.0
        self.window: list[float] = []
        self.window_calls = 0
        self.window_max = 0.0
        self.window_rows = 0


@dataclass(frozen=True)
class WindowStats:
    query: str
    calls: int
    total_seconds: float
    p50_seconds: float
    p95_seconds: float
    max_seconds: float
    rows_returned: int


@dataclass(frozen=True)
class SlowQuery:
    at: datetime
    query: str
    duration_seconds: float
    rows_returned: int


@dataclass
class HistogramSnapshot:
    buckets: list[int] = field(default_factory=list)  # per bucket, not cumulative; the last is +Inf
    count: int = 0
    sum_seconds: float = 0.0


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (DuckDB's quantile_cont, NumPy's default)."""
    if not ordered:
        return 0.0
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class QueryTimings:
    def __init__(self, slow_keep: int = SLOW_KEEP) -> None:
        self._lock = threading.Lock()
        self._names: dict[str, _NameStats] = {}
        self._slow: list[tuple[float, int, str, int, float]] = []  # min-heap on duration; epoch seconds last
        self._seq = 0
        self.slow_keep = slow_keep

    def record(self, name: str, seconds: float, rows: int) -> None:
        """The hot path: one lock, one bisect, a few additions."""
        with self._lock:
            s = self._names.get(name)
            if s is None:
                s = self._names[name] = _NameStats()
            s.buckets[bisect_left(BUCKETS_SECONDS, seconds)] += 1
            s.count += 1
            s.sum_seconds += seconds
            s.window_calls += 1
            s.window_rows += rows
            if seconds > s.window_max:
                s.window_max = seconds
            if len(s.window) < WINDOW_CAP:
                s.window.append(seconds)
            slow = self._slow
            if len(slow) < self.slow_keep or seconds > slow[0][0]:
                self._seq += 1
                item = (seconds, self._seq, name, rows, time.time())  # a datetime costs ~1 us: made at drain
                (heapq.heappush if len(slow) < self.slow_keep else heapq.heapreplace)(slow, item)

    def drain(self) -> tuple[list[WindowStats], list[SlowQuery]]:
        """The window since the last drain, per name, and its slowest queries (slowest first)."""
        with self._lock:
            taken = [
                (name, s.window, s.window_calls, s.window_max, s.window_rows) for name, s in self._names.items() if s.window_calls
            ]
            for s in self._names.values():
                s.window, s.window_calls, s.window_max, s.window_rows = [], 0, 0.0, 0
            slow, self._slow = self._slow, []
        stats = []
        for name, window, calls, peak, rows in taken:
            ordered = sorted(window)
            stats.append(
                WindowStats(
                    name,
                    calls,
                    sum(ordered) * calls / len(ordered),
                    _quantile(ordered, 0.5),
                    _quantile(ordered, 0.95),
                    peak,
                    rows,
                )
            )
        slowest = [
            SlowQuery(datetime.fromtimestamp(at, UTC).replace(tzinfo=None), name, seconds, rows)
            for seconds, _, name, rows, at in sorted(slow, reverse=True)
        ]
        return stats, slowest

    def histograms(self) -> dict[str, HistogramSnapshot]:
        """Cumulative per-name histograms since start, for /metrics."""
        with self._lock:
            return {name: HistogramSnapshot(list(s.buckets), s.count, s.sum_seconds) for name, s in self._names.items()}

    @property
    def total_queries(self) -> int:
        return sum(s.count for s in list(self._names.values()))
