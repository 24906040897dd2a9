"""Writer throughput: rows/s through Predwatch's batched writer vs DuckDB `executemany`.

Bulk: N rows of the real `system_samples` and `process_samples` tables through
`Writer.write_now` (rows -> Arrow -> one insert) and through `enqueue` + `flush`, each on a fresh
temporary DuckDB file, against row-by-row `executemany` on a smaller sample of the same rows
(extrapolated as rows/s). Hot path: mean ns per `Writer.enqueue` call, alone, from two threads at
once, and while the writer thread flushes, against a bare `deque.append`.

Prints figures and ratios; asserts nothing about wall time.

    .venv/bin/python -m bench.writer_throughput [--rows 1000000] [--executemany-rows 5000] [--calls 1000000]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import tempfile
import threading
import time
import timeit
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from data.arrow_batches import insert_arrow, rows_to_arrow
from data.store import Store
from data.writer import Writer

ROOT = Path(__file__).resolve().parent.parent

GOAL_BULK_ROWS_PER_S = 1_000_000
GOAL_ENQUEUE_NS = 2_000
HOT_TABLE = "process_samples"
HOT_ROW = (datetime(2025, 1, 1), "model-server", 4242, True, 12.5, 512_000_000, 24, 57)


# -- realistic rows ------------------------------------------------------------------------------
def system_rows(n: int, cores: int) -> list[tuple]:
    """Rows shaped like SystemCollector's sample: one per second, a per-core list of `cores` values."""
    start, second = datetime(2025, 1, 1), timedelta(seconds=1)
    return [
        (
            start + i * second,
            12.5 + i % 50,
            [10.0 + (i + c) % 7 for c in range(cores)],
            40.1 + i % 3,
            8_000_000_000 + i,
            16_000_000_000 - i,
            24_000_000_000,
            0.5,
            1_048_576,
            55.2,
            1024.0 * (i % 9),
            2048.0,
            512.0 * (i % 5),
            256.0,
            0.5,
            0.4,
            0.3,
        )
        for i in range(n)
    ]


def process_rows(n: int) -> list[tuple]:
    """Rows shaped like ProcessWatcher's: five watched names sampled every second."""
    start, names = datetime(2025, 1, 1), ("predwatch", "gunicorn", "model-server", "redis", "nginx")
    return [
        (
            start + timedelta(seconds=i // 5),
            names[i % 5],
            1000 + i % 5,
            True,
            1.5 * (i % 40),
            300_000_000 + i,
            8 + i % 4,
            40 + i % 9,
        )
        for i in range(n)
    ]


# -- helpers --------------------------------------------------------------------------------------
@contextmanager
def fresh_writer(capacity: int) -> Iterator[Writer]:
    """A Writer on its own temporary database, so every measurement starts from an empty file."""
    with tempfile.TemporaryDirectory(prefix="predwatch-bench-") as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        try:
            yield Writer(store, capacity=capacity, flush_interval=0.1)
        finally:
            store.close()


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # this process's CPU time, all threads: above wall when DuckDB works in parallel,
    # well below it when other processes keep this one off the cores (the wall figure is then noisy)

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.wall + other.wall, self.cpu + other.cpu)


def timed(fn: Callable[[], object]) -> Timing:
    # Each step starts from the same garbage-collector state: with a million rows alive, whether a full
    # collection lands inside a step otherwise moves its time by a second or more between runs.
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def stored_rows(writer: Writer, table: str) -> int:
    return writer.store.fetch_one("bench", f"SELECT count(*) FROM {table}")[0]


@dataclass
class BulkResult:
    table: str
    rows: int
    write_now: Timing
    to_arrow: Timing
    transpose: Timing
    insert: Timing
    enqueue: Timing
    flush: Timing
    executemany_rows: int
    executemany: Timing


# -- bulk -----------------------------------------------------------------------------------------
def bench_write_now(table: str, rows: Sequence[tuple]) -> Timing:
    with fresh_writer(len(rows)) as writer:
        writer.schema(table)  # the schema lookup is cached after the first write; keep it out
        elapsed = timed(lambda: writer.write_now({table: rows}))
        assert stored_rows(writer, table) == len(rows)
    return elapsed


def bench_breakdown(table: str, rows: Sequence[tuple]) -> tuple[Timing, Timing, Timing]:
    """Where write_now's time goes: rows_to_arrow (of which the zip(*rows) transpose), the insert."""
    with fresh_writer(len(rows)) as writer:
        schema = writer.schema(table)
        transpose = timed(lambda: list(zip(*rows, strict=True)))  # as rows_to_arrow does
        batch: list[pa.Table] = []
        to_arrow = timed(lambda: batch.append(rows_to_arrow(schema, rows)))

        def insert_batch() -> None:
            with writer.store.transaction("seed") as cur:
                insert_arrow(cur, table, batch[0])

        insert = timed(insert_batch)
    return to_arrow, transpose, insert


def bench_enqueue_flush(table: str, rows: Sequence[tuple]) -> tuple[Timing, Timing]:
    """The collectors' path: every row enqueued one by one, then one flush (the writer thread's job)."""
    with fresh_writer(len(rows) + 1) as writer:
        writer.schema(table)
        put = writer.enqueue

        def enqueue_all() -> None:
            for row in rows:
                put(table, row)

        enqueue = timed(enqueue_all)
        flush = timed(writer.flush)
        assert writer.stats.dropped == 0 and stored_rows(writer, table) == len(rows)
    return enqueue, flush


def bench_executemany(table: str, rows: Sequence[tuple]) -> Timing:
    """The baseline: DuckDB's executemany, one parameterised INSERT per row, in one transaction
    (its best case: outside a transaction every row commits on its own and is about half as fast)."""
    with fresh_writer(1) as writer:
        width = len(rows[0])
        sql = f"INSERT INTO {table} VALUES ({', '.join('?' * width)})"

        def run() -> None:
            with writer.store.transaction("seed") as cur:
                cur.executemany(sql, rows)

        elapsed = timed(run)
        assert stored_rows(writer, table) == len(rows)
    return elapsed


def bench_table(table: str, rows: list[tuple], sample: int) -> BulkResult:
    print(f"  {table}: write_now ...", flush=True)
    write_now = bench_write_now(table, rows)
    to_arrow, transpose, insert = bench_breakdown(table, rows)
    print(f"  {table}: enqueue + flush ...", flush=True)
    enqueue, flush = bench_enqueue_flush(table, rows)
    print(f"  {table}: executemany on {sample:,} rows ...", flush=True)
    executemany = bench_executemany(table, rows[:sample])
    return BulkResult(
        table, len(rows), write_now, to_arrow, transpose, insert, enqueue, flush, min(sample, len(rows)), executemany
    )


# -- hot path -------------------------------------------------------------------------------------
def enqueue_mean_ns(calls: int, repeat: int = 3) -> tuple[float, float]:
    """Best-of-`repeat` mean ns per `writer.enqueue` and per bare `deque.append`, single thread."""
    with fresh_writer(1) as template:

        def make() -> Writer:  # a new, empty writer per repeat so the capacity check never drops
            return Writer(template.store, capacity=calls + 1)

        timer = timeit.Timer("w.enqueue(t, r)", setup="w = make()", globals={"make": make, "t": HOT_TABLE, "r": HOT_ROW})
        enqueue_ns = min(timer.repeat(repeat, calls)) / calls * 1e9
    base = timeit.Timer("q.append(r)", setup="q.clear()", globals={"q": deque(), "r": HOT_ROW})
    append_ns = min(base.repeat(repeat, calls)) / calls * 1e9
    return enqueue_ns, append_ns


def enqueue_threads_ns(calls: int, threads: int) -> tuple[float, float]:
    """`threads` threads enqueue `calls` rows each at once. Returns (mean ns per call as one thread
    sees it, wall ns per call over all threads): with the GIL the first grows, the second shouldn't."""
    with fresh_writer(calls * threads + 1) as writer:
        barrier = threading.Barrier(threads)
        per_thread: list[float] = []
        timer = timeit.Timer("w.enqueue(t, r)", globals={"w": writer, "t": HOT_TABLE, "r": HOT_ROW})

        def work() -> None:
            barrier.wait()
            per_thread.append(timer.timeit(calls))

        workers = [threading.Thread(target=work) for _ in range(threads)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        wall = time.perf_counter() - started
        assert writer.stats.dropped == 0 and writer.queue_length == calls * threads
    return sum(per_thread) / len(per_thread) / calls * 1e9, wall / (calls * threads) * 1e9


def enqueue_while_flushing(calls: int) -> tuple[float, float, float, int]:
    """Enqueue with the writer thread running (flush every 0.1 s into the temp db), as in the app.
    Returns (mean ns, p99 ns, max ns per call, rows flushed); per-call times include the clock read."""
    with fresh_writer(calls + 1) as writer:
        writer.schema(HOT_TABLE)
        writer.start()
        latencies = [0] * calls
        clock, enqueue = time.perf_counter_ns, writer.enqueue
        for i in range(calls):
            before = clock()
            enqueue(HOT_TABLE, HOT_ROW)
            latencies[i] = clock() - before
        writer.stop()
        flushed = writer.stats.rows_written
    latencies.sort()
    return sum(latencies) / calls, latencies[int(calls * 0.99)], latencies[-1], flushed


# -- report ---------------------------------------------------------------------------------------
def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else float("inf")


def goal(ok: bool) -> str:
    return "met" if ok else "NOT met"


def bulk_lines(r: BulkResult) -> list[tuple[str, int, Timing]]:
    """(label, rows, timing) per line; indented labels are parts of the path above them."""
    return [
        ("executemany, 1 txn (baseline, sample)", r.executemany_rows, r.executemany),
        ("Writer.write_now (rows->Arrow->insert)", r.rows, r.write_now),
        ("  of which rows_to_arrow", r.rows, r.to_arrow),
        ("    of which zip(*rows) transpose", r.rows, r.transpose),
        ("  of which Arrow insert + commit", r.rows, r.insert),
        ("Writer.enqueue x N + flush", r.rows, r.enqueue + r.flush),
        ("  of which enqueue loop", r.rows, r.enqueue),
        ("  of which flush (drain+Arrow+insert)", r.rows, r.flush),
    ]


def print_bulk(results: Sequence[BulkResult]) -> None:
    print("\nBulk inserts (rows/s from wall time; higher is better)")
    header = f"{'table':<16} {'path':<40} {'rows':>10} {'wall s':>8} {'cpu s':>7} {'rows/s':>11} {'x executemany':>14}"
    print(header)
    print("-" * len(header))
    for r in results:
        base = rate(r.executemany_rows, r.executemany.wall)
        for label, rows, t in bulk_lines(r):
            speed = rate(rows, t.wall)
            ratio = "" if label.startswith(" ") else f"{speed / base:,.0f}x"  # parts of a path get no ratio
            print(f"{r.table:<16} {label:<40} {rows:>10,} {t.wall:>8.3f} {t.cpu:>7.3f} {speed:>11,.0f} {ratio:>14}")
    print(
        "executemany is timed on the sample and its rows/s extrapolated to N. The 'of which' lines are separate\n"
        "runs of the same steps on a fresh database, so they need not add up. cpu s is this process's CPU time\n"
        "(all threads): well under wall s means other processes held the cores and the wall figure is inflated."
    )


def print_hot_path(
    single: tuple[float, float], two: tuple[float, float], flushing: tuple[float, float, float, int], calls: int
) -> None:
    enqueue_ns, append_ns = single
    print(f"\nHot path: Writer.enqueue('{HOT_TABLE}', row), {calls:,} calls per run (ns per call; lower is better)")
    print(f"  bare deque.append (baseline), 1 thread, best of 3:   {append_ns:8.1f} ns")
    print(
        f"  Writer.enqueue, 1 thread, best of 3:                 {enqueue_ns:8.1f} ns"
        f"   ({enqueue_ns / append_ns:.1f}x deque.append)"
    )
    print(f"  Writer.enqueue, 2 threads at once, as a thread sees: {two[0]:8.1f} ns   (wall time / all calls: {two[1]:.1f} ns)")
    mean, p99, worst, flushed = flushing
    print(
        f"  Writer.enqueue, 1 thread, writer thread flushing:    {mean:8.1f} ns mean, p99 {p99:,.0f} ns,"
        f" max {worst / 1e6:,.1f} ms"
    )
    print(
        f"    ({flushed:,} rows flushed meanwhile, in batches of whatever queued in 0.1 s; per-call clock read included;\n"
        "     max is the longest single call: the enqueuing thread waits for the GIL while a flush converts a batch)"
    )


def print_goals(results: Sequence[BulkResult], enqueue_ns: float, two_threads_ns: float, flushing_ns: float) -> None:
    print("\nGoals (from the issue; reported, not asserted)")
    for r in results:
        for label, t in (("write_now", r.write_now), ("enqueue+flush", r.enqueue + r.flush)):
            speed = rate(r.rows, t.wall)
            print(
                f"  bulk >= {GOAL_BULK_ROWS_PER_S:,} rows/s, {r.table} {label}: {speed:,.0f} rows/s -> "
                f"{goal(speed >= GOAL_BULK_ROWS_PER_S)}"
            )
    print(f"  enqueue <= {GOAL_ENQUEUE_NS:,} ns, 1 thread: {enqueue_ns:.0f} ns -> {goal(enqueue_ns <= GOAL_ENQUEUE_NS)}")
    print(f"  enqueue <= {GOAL_ENQUEUE_NS:,} ns, 2 threads: {two_threads_ns:.0f} ns -> {goal(two_threads_ns <= GOAL_ENQUEUE_NS)}")
    print(
        f"  enqueue <= {GOAL_ENQUEUE_NS:,} ns, 1 thread while flushing (stress: calls back to back): "
        f"{flushing_ns:.0f} ns -> {goal(flushing_ns <= GOAL_ENQUEUE_NS)}"
    )


def print_environment(args: argparse.Namespace) -> None:
    load = os.getloadavg()
    print(
        f"Predwatch writer throughput: Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"PyArrow {pa.__version__}, {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"N = {args.rows:,} rows per table, executemany sample = {args.executemany_rows:,} rows, hot path = {args.calls:,} calls"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per table for the bulk runs")
    parser.add_argument(
        "--executemany-rows",
        type=int,
        default=5_000,
        help="rows for the executemany baseline (it manages ~1k rows/s; extrapolated)",
    )
    parser.add_argument("--calls", type=int, default=1_000_000, help="enqueue calls per hot-path run")
    args = parser.parse_args(argv)
    if min(args.rows, args.executemany_rows, args.calls) < 1:
        parser.error("--rows, --executemany-rows and --calls must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print_environment(args)
    results = []
    for table, make in (("system_samples", lambda n: system_rows(n, os.cpu_count() or 2)), ("process_samples", process_rows)):
        print(f"building {args.rows:,} {table} rows ...", flush=True)
        rows = make(args.rows)
        results.append(bench_table(table, rows, args.executemany_rows))
        del rows
    print("hot path ...", flush=True)
    single = enqueue_mean_ns(args.calls)
    two = enqueue_threads_ns(args.calls, threads=2)
    flushing = enqueue_while_flushing(args.calls)
    print_bulk(results)
    print_hot_path(single, two, flushing, args.calls)
    print_goals(results, single[0], two[0], flushing[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
