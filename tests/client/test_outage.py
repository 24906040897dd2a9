"""Predwatch stops and comes back while a service logs: nothing is lost or stored twice while the queue
has room, and when it has none the oldest records go, counted exactly, without the caller waiting."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from predwatch_client import PredictionLogger
from tests.client.helpers import TOKEN, prediction_ids, start_on
from tests.conftest import free_port
from tests.waiting import eventually

THREADS, PER_THREAD = 4, 2_500
OUTAGE_SECONDS = 3.0  # the issue says 10 s; 3 s shows the same (many retries) in a third of the time


def log_from_threads(log: PredictionLogger, start: int, stop: int) -> None:
    """Each of 4 threads logs its ids t{thread}-{start..stop-1}; returns when all have."""

    def work(thread: int) -> None:
        for i in range(start, stop):
            log.prediction(
                id=f"t{thread}-{i}",
                features={"a": float(i), "b": float(thread)},
                score=(i % 100) / 100,
                predicted_label=i % 2,
                latency_seconds=0.002,
            )

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a logging thread blocked"


@pytest.mark.slow
def test_10000_predictions_from_4_threads_across_a_restart_are_stored_exactly_once(start_server, tmp_path) -> None:
    port, db = free_port(), tmp_path / "outage.duckdb"
    server = start_on(start_server, port, db)
    log = PredictionLogger(
        server.url,
        token=TOKEN,
        model="outage",
        model_version="1",
        batch_size=500,
        flush_interval=0.1,
        max_queue=20_000,
        max_backoff=0.5,
    )
    log_from_threads(log, 0, 500)
    eventually(lambda: log.sent > 0, timeout=30, message="a first batch delivered")
    assert server.stop() == 0

    log_from_threads(log, 500, 2_000)  # while Predwatch is down
    stopped = time.monotonic()
    eventually(
        lambda: log.retried >= 3 and time.monotonic() - stopped >= OUTAGE_SECONDS, timeout=30, message="retries during the outage"
    )
    server = start_on(start_server, port, db)
    log_from_threads(log, 2_000, PER_THREAD)
    total = THREADS * PER_THREAD
    eventually(
        lambda: log.sent == total, timeout=60, message=lambda: f"all {total} sent (sent {log.sent}, dropped {log.dropped})"
    )
    assert log.close(10)
    assert (log.dropped, log.rejected) == (0, 0)
    assert server.stop() == 0

    ids = prediction_ids(db, "outage")
    assert len(ids) == total
    assert set(ids) == {f"t{t}-{i}" for t in range(THREADS) for i in range(PER_THREAD)}
    assert max(Counter(ids).values()) == 1


def test_a_full_queue_drops_the_oldest_records_counted_exactly(start_server, tmp_path) -> None:
    """The sender is idle (no full batch, a long interval), so the count is exact to the record."""
    port, db = free_port(), tmp_path / "overflow.duckdb"
    log = PredictionLogger(
        f"http://127.0.0.1:{port}", token=TOKEN, model="overflow", batch_size=5_000, flush_interval=3600, max_queue=1_000
    )
    caller = threading.Thread(target=lambda: [log.prediction(id=str(i), score=0.5) for i in range(5_000)])
    caller.start()  # nothing listens on the port: Predwatch is down
    caller.join(60)
    assert not caller.is_alive(), "the service thread blocked"
    assert (log.queued, log.dropped) == (1_000, 4_000)

    server = start_on(start_server, port, db)
    assert log.close(30)
    assert (log.sent, log.dropped, log.rejected) == (1_000, 4_000, 0)
    assert server.stop() == 0
    assert sorted(map(int, prediction_ids(db, "overflow"))) == list(range(4_000, 5_000))  # the newest kept


def test_overflow_while_the_sender_retries_loses_only_what_it_counts(start_server, tmp_path) -> None:
    """The realistic case: a batch is in flight (retried) while the queue overflows behind it."""
    port, db = free_port(), tmp_path / "retrying.duckdb"
    log = PredictionLogger(
        f"http://127.0.0.1:{port}",
        token=TOKEN,
        model="retrying",
        batch_size=200,
        flush_interval=0.05,
        max_queue=1_000,
        max_backoff=0.2,
    )
    log_from_threads(log, 0, 250)
    eventually(lambda: log.retried >= 2, timeout=30, message="the sender retrying")
    log_from_threads(log, 250, 1_500)
    total = THREADS * 1_500
    assert log.dropped >= total - 1_000 - 200  # the queue, plus at most one batch in the sender's hands

    server = start_on(start_server, port, db)
    assert log.close(30)
    assert log.sent + log.dropped == total
    assert log.rejected == 0
    assert server.stop() == 0
    assert len(set(prediction_ids(db, "retrying"))) == log.sent
