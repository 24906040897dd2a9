"""Peak extra resident memory of a block of code: a thread samples the process's RSS every 2 ms
(DuckDB and NumPy allocate outside Python's heap, so tracemalloc would miss most of it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

MB = 1024 * 1024


@contextmanager
def rss_peak() -> Iterator[dict[str, float]]:
    """Yields a dict whose `extra_mb` is set on exit: peak RSS during the block minus RSS before it."""
    proc = psutil.Process()
    base = proc.memory_info().rss
    result = {"extra_mb": 0.0}
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.002):
            peak[0] = max(peak[0], proc.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()
        peak[0] = max(peak[0], proc.memory_info().rss)
        result["extra_mb"] = (peak[0] - base) / MB
