"""Runs each collector on its own thread at its interval.

A failing pass is logged, counted and reported on the status board, and the thread goes on
(as Glances disables a failing plugin rather than dying). Rows go to the writer's queue.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from data.clock import utcnow
from data.writer import Writer
from state.status import StatusBoard
from telemetry.metrics import Telemetry

log = logging.getLogger(__name__)
# Collector threads run this much nicer than the request threads (Linux gives each thread its own nice
# value), so on a saturated host the dashboard's requests get the cores first. Moderate, not 19: a
# collector holding the GIL while descheduled would hold the request threads back too.
BACKGROUND_NICE = 5


def lower_thread_priority(step: int = BACKGROUND_NICE) -> int | None:
    """Raise the calling thread's nice value by `step` (Linux); the new value, or None where unsupported."""
    if not hasattr(os, "setpriority") or not hasattr(threading, "get_native_id"):
        return None
    tid = threading.get_native_id()
    try:
        nice = min(19, os.getpriority(os.PRIO_PROCESS, tid) + step)
        os.setpriority(os.PRIO_PROCESS, tid, nice)  # on Linux PRIO_PROCESS with a thread id: that thread only
    except OSError:
        return None
    return nice


def name_os_thread(name: str) -> bool:
    """Give the calling thread `name` (15 bytes at most) where the OS shows it: /proc/PID/task/TID/comm, top -H,
    so per-thread CPU can be told apart (bench.footprint splits the demo's traffic from its monitoring)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(15, name.encode()[:15], 0, 0, 0) == 0  # PR_SET_NAME; Python 3.11 does not do it
    except (OSError, AttributeError):
        return False


class Collector(Protocol):
    name: str
    interval: float

    def collect(self, now: datetime) -> Mapping[str, Sequence[tuple]]: ...


class CollectorRunner:
    def __init__(self, writer: Writer, telemetry: Telemetry, board: StatusBoard, clock: Callable[[], datetime] = utcnow) -> None:
        self.writer = writer
        self.telemetry = telemetry
        self.board = board
        self.clock = clock
        self.collectors: list[Collector] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def add(self, collector: Collector) -> None:
        self.collectors.append(collector)
        self.board.register(collector.name)

    def run_once(self, collector: Collector) -> bool:
        """One pass: collect, enqueue, report. Never raises."""
        now = self.clock()
        started = time.perf_counter()
        try:
            batches = collector.collect(now)
            for table, rows in batches.items():
                self.writer.enqueue_many(table, rows)
        except Exception as exc:
            self.telemetry.collector_errors.labels(collector.name).inc()
            self.board.failure(collector.name, now, f"{type(exc).__name__}: {exc}")
            log.warning("collector %s failed: %s", collector.name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            return False
        finally:
            self.telemetry.scrape_duration.labels(collector.name).observe(time.perf_counter() - started)
        self.board.success(collector.name, now)
        return True

    def _loop(self, collector: Collector) -> None:
        lower_thread_priority()
        name_os_thread(f"pw-{collector.name}")
        due = time.monotonic()
        while not self._stop.is_set():
            self.run_once(collector)
            due += collector.interval
            late = time.monotonic() - due
            if late > collector.interval:  # fell behind (suspended, overloaded): skip, don't burst
                due = time.monotonic()
            self._stop.wait(max(0.0, due - time.monotonic()))
        self.board.stopped(collector.name)

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def start(self) -> None:
        if self._threads:
            raise RuntimeError("collectors already started")
        self._stop.clear()
        for collector in self.collectors:
            thread = threading.Thread(
                target=self._loop, args=(collector,), daemon=True, name=f"predwatch-collector-{collector.name}"
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []
