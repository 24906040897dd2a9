"""The collector runner: a failing collector is logged, counted and retried, never fatal."""

from __future__ import annotations

import os
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from collectors.runner import BACKGROUND_NICE, CollectorRunner
from data.store import Store
from data.writer import Writer
from state.status import StatusBoard
from telemetry.metrics import Telemetry

NOW = datetime(2026, 11, 27, 12, 0, 0)


class Flaky:
    """Fails on the passes listed in `fail_on`, else returns one process row."""

    name = "flaky"

    def __init__(self, interval: float, fail_on: set[int]) -> None:
        self.interval = interval
        self.fail_on = fail_on
        self.calls = 0
        self.enough = threading.Event()

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        self.calls += 1
        if self.calls >= 6:
            self.enough.set()
        if self.calls in self.fail_on:
            raise OSError("psutil could not read /proc")
        return {"process_samples": [(now, "x", self.calls, True, 0.0, 0, 1, 1)]}


@pytest.fixture
def parts(tmp_path: Path):
    store = Store(tmp_path / "r.duckdb")
    writer = Writer(store)
    telemetry, board = Telemetry(), StatusBoard()
    yield store, writer, telemetry, board
    store.close()


def test_failure_is_counted_reported_and_the_next_pass_recovers(parts) -> None:
    store, writer, telemetry, board = parts
    runner = CollectorRunner(writer, telemetry, board, clock=lambda: NOW)
    flaky = Flaky(1.0, fail_on={1})
    runner.add(flaky)
    assert runner.run_once(flaky) is False
    status = board.snapshot()["flaky"]
    assert status.status == "warning"
    assert "could not read" in status.error
    assert telemetry.registry.get_sample_value("collector_errors_total", {"collector": "flaky"}) == 1
    assert runner.run_once(flaky) is True
    status = board.snapshot()["flaky"]
    assert status.status == "ok"
    assert status.error is None
    assert status.last_success == NOW
    assert telemetry.registry.get_sample_value("scrape_duration_seconds_count", {"collector": "flaky"}) == 2
    assert writer.queue_length == 1


def test_three_failures_in_a_row_are_critical(parts) -> None:
    _, writer, telemetry, board = parts
    runner = CollectorRunner(writer, telemetry, board, clock=lambda: NOW)
    flaky = Flaky(1.0, fail_on={1, 2, 3})
    runner.add(flaky)
    for _ in range(3):
        runner.run_once(flaky)
    assert board.snapshot()["flaky"].status == "critical"
    assert board.snapshot()["flaky"].consecutive_failures == 3


def test_thread_survives_failures_and_keeps_collecting(parts) -> None:
    store, writer, telemetry, board = parts
    runner = CollectorRunner(writer, telemetry, board)
    flaky = Flaky(0.01, fail_on={2, 3, 5})
    runner.add(flaky)
    runner.start()
    try:
        assert flaky.enough.wait(10), "the collector thread stopped after a failure"
        assert runner.running
    finally:
        runner.stop()
    assert not runner.running
    assert board.snapshot()["flaky"].status == "stopped"
    writer.flush()
    assert store.fetch_one("n", "SELECT count(*) FROM process_samples")[0] == flaky.calls - 3


def test_starting_twice_is_refused(parts) -> None:
    _, writer, telemetry, board = parts
    runner = CollectorRunner(writer, telemetry, board)
    runner.add(Flaky(1.0, set()))
    runner.start()
    try:
        with pytest.raises(RuntimeError):
            runner.start()
    finally:
        runner.stop()


def test_three_failures_are_critical_but_an_optional_source_stays_a_warning() -> None:
    board, now = StatusBoard(), datetime(2026, 3, 1, 12, 0, 0)
    board.register("system")
    board.register("prometheus", optional=True)
    for _ in range(3):
        board.failure("system", now, "boom")
        board.failure("prometheus", now, "unreachable")
    snapshot = board.snapshot()
    assert (snapshot["system"].status, snapshot["prometheus"].status) == ("critical", "warning")
    board.success("prometheus", now)
    assert board.snapshot()["prometheus"].status == "ok"


class NiceProbe:
    """Records the nice value of the thread that runs its passes."""

    name, interval = "probe", 60.0

    def __init__(self) -> None:
        self.nice: int | None = None
        self.comm = ""
        self.ran = threading.Event()

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        self.nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        self.comm = Path(f"/proc/self/task/{threading.get_native_id()}/comm").read_text().strip()
        self.ran.set()
        return {}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_collector_threads_run_nicer_than_the_request_threads(parts) -> None:
    _, writer, telemetry, board = parts
    runner, probe = CollectorRunner(writer, telemetry, board), NiceProbe()
    runner.add(probe)
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    runner.start()
    try:
        assert probe.ran.wait(10)
    finally:
        runner.stop()
    assert probe.nice == min(19, here + BACKGROUND_NICE)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == here  # this thread is untouched
    assert probe.comm == "pw-probe"  # the OS sees the thread's name: bench.footprint splits CPU by it
