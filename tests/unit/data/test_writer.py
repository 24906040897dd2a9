"""The batched writer on a real temporary DuckDB file."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from data.arrow_batches import SMALL_BATCH
from data.store import Store
from data.writer import Writer
from tests.waiting import eventually

T0 = datetime(2026, 11, 27, 12, 0, 0)


def proc_row(i: int, name: str = "p") -> tuple:
    return (T0 + timedelta(seconds=i), name, i, True, float(i), 1000 * i, 4, 10)


def count(store: Store, table: str = "process_samples") -> int:
    return store.fetch_one("count", f"SELECT count(*) FROM {table}")[0]


def test_enqueued_rows_are_stored_on_flush_with_their_values(store: Store) -> None:
    writer = Writer(store)
    for i in range(1000):
        assert writer.enqueue("process_samples", proc_row(i))
    assert writer.queue_length == 1000
    assert count(store) == 0
    assert writer.flush() == 1000
    assert writer.queue_length == 0
    row = store.fetch_one("r", "SELECT ts, name, pid, up, cpu_percent, rss_bytes FROM process_samples WHERE pid = 7")
    assert row == (T0 + timedelta(seconds=7), "p", 7, True, 7.0, 7000)
    assert writer.stats.rows_written == 1000
    assert writer.stats.batches == 1


def test_list_columns_round_trip(store: Store) -> None:
    writer = Writer(store)
    sample = (T0, 12.5, [10.0, 15.0]) + (None,) * 14
    writer.write_now({"system_samples": [sample]})
    assert store.fetch_one("r", "SELECT cpu_percent, cpu_per_core_percent FROM system_samples") == (12.5, [10.0, 15.0])


def test_full_queue_drops_and_counts_instead_of_blocking(store: Store) -> None:
    writer = Writer(store, capacity=10)
    accepted = sum(writer.enqueue("process_samples", proc_row(i)) for i in range(25))
    assert accepted == 10
    assert writer.stats.dropped == 15
    writer.flush()
    assert count(store) == 10


def test_write_now_is_all_or_nothing(store: Store) -> None:
    writer = Writer(store)
    good = [proc_row(i) for i in range(5)]
    bad = [(T0, None, 1, True, 0.0, 0, 0, 0)]  # name is NOT NULL
    with pytest.raises(Exception):
        writer.write_now({"process_samples": good + bad})
    with pytest.raises(Exception):
        writer.write_now({"disk_samples": [(T0, "/", "d", 1, 1, 1.0)], "process_samples": bad})
    assert count(store) == 0
    assert count(store, "disk_samples") == 0


def test_a_bad_row_is_set_aside_and_the_rest_are_stored(store: Store) -> None:
    writer = Writer(store)
    for i in range(10):
        writer.enqueue("process_samples", proc_row(i))
    writer.enqueue("process_samples", (T0, None, 1, True, 0.0, 0, 0, 0))  # name is NOT NULL
    writer.enqueue("disk_samples", (T0, "/", "sda", 1, 1, 1.0))
    assert writer.flush() == 11
    assert count(store) == 10
    assert count(store, "disk_samples") == 1
    assert writer.stats.rejected == 1
    assert writer.stats.failures == 1
    assert "NOT NULL" in writer.stats.last_error
    assert writer.queue_length == 0
    writer.enqueue("process_samples", proc_row(99))
    assert writer.flush() == 1
    assert writer.stats.last_error is None


def test_store_failure_keeps_rows_for_the_next_flush(tmp_path: Path) -> None:
    store = Store(tmp_path / "closed.duckdb")
    writer = Writer(store)
    writer.enqueue("process_samples", proc_row(1))
    writer.schema("process_samples")
    store.close()
    assert writer.flush() == 0
    assert writer.queue_length == 1
    assert writer.stats.rejected == 0
    assert writer.stats.failures == 1


def test_thread_flushes_periodically_and_stop_flushes_the_rest(store: Store) -> None:
    writer = Writer(store, flush_interval=0.02)
    writer.start()
    writer.enqueue("process_samples", proc_row(0))
    eventually(lambda: count(store) == 1, timeout=2, interval=0.01, message="the thread's periodic flush")
    writer._stop.set()  # simulate rows arriving right at shutdown
    writer.enqueue("process_samples", proc_row(1))
    writer.stop()
    assert count(store) == 2


def test_concurrent_enqueue_loses_nothing(store: Store) -> None:
    writer = Writer(store, capacity=1_000_000, flush_interval=0.01)
    writer.start()

    def produce(base: int) -> None:
        for i in range(5000):
            writer.enqueue("process_samples", proc_row(base + i))

    threads = [threading.Thread(target=produce, args=(k * 10_000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.stop()
    assert count(store) == 20_000
    assert store.fetch_one("d", "SELECT count(DISTINCT pid) FROM process_samples")[0] == 20_000


def test_write_columns_fills_missing_columns_with_null(store: Store) -> None:
    writer = Writer(store)
    writer.write_columns("process_samples", {"ts": [T0, T0], "name": ["a", "b"], "up": [True, False]})
    rows = store.fetch_all("r", "SELECT name, up, pid FROM process_samples ORDER BY name")
    assert rows == [("a", True, None), ("b", False, None)]


def test_a_small_batch_stores_what_the_arrow_path_stores(store: Store) -> None:
    """Below SMALL_BATCH rows go as column lists (no pyarrow), above as one Arrow table: the same values
    either way, NumPy scalars and arrays, NULLs and lists included."""
    writer = Writer(store)
    sample = [
        (T0, np.float64(2.5), np.array([1.0, 2.0]), None, np.int64(7)) + (None,) * 12,
        (T0, 1, [], 3.0, None) + (None,) * 12,
        (T0, None, None, None, 2**40) + (None,) * 12,
    ]
    small = [(T0 + timedelta(seconds=i), *row[1:]) for i, row in enumerate(sample)]
    large = [(T0 + timedelta(days=1, seconds=i), *sample[i % 3][1:]) for i in range(SMALL_BATCH)]
    assert writer.write_now({"system_samples": small}) == 3
    assert writer.write_now({"system_samples": large}) == SMALL_BATCH
    read = "SELECT * EXCLUDE (ts) FROM system_samples WHERE ts {} ORDER BY ts LIMIT 3"
    assert store.fetch_all("s", read.format(f"< '{T0 + timedelta(days=1)}'")) == store.fetch_all(
        "l", read.format(f">= '{T0 + timedelta(days=1)}'")
    )
    assert store.fetch_all("s", read.format(f"< '{T0 + timedelta(days=1)}'"))[0][:4] == (2.5, [1.0, 2.0], None, 7)


def test_a_small_batch_keeps_keyed_inserts_idempotent(store: Store) -> None:
    writer = Writer(store)
    outcome = [("p-1", 1, T0, T0)]
    assert writer.write_now({"outcomes": outcome}) == 1
    writer.write_now({"outcomes": outcome})
    assert count(store, "outcomes") == 1
