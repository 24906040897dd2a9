"""The PostgreSQL target against a real server: index use, a deliberate sequential scan, the
pg_stat_statements note, and unreachable targets reported down within their timeout."""

from __future__ import annotations

import socket
import time
from datetime import datetime

import pytest

from collectors.postgres import PostgresCollector
from external.postgres import read_target
from state.databases import DatabaseState
from tests.waiting import eventually

psycopg = pytest.importorskip("psycopg")
NOW = datetime(2026, 3, 2, 12, 0, 0)


def _workload(dsn: str) -> None:
    """orders: an index used by point lookups and one never used; a full scan of events."""
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int, note text)")
        con.execute("CREATE INDEX orders_customer_idx ON orders (customer)")
        con.execute("CREATE INDEX orders_note_idx ON orders (note)")
        con.execute("CREATE TABLE events (id int, payload text)")
        con.execute("INSERT INTO orders SELECT g, g % 100, 'n' || g FROM generate_series(1, 5000) g")
        con.execute("INSERT INTO events SELECT g, 'p' || g FROM generate_series(1, 3000) g")
        con.execute("ANALYZE")
        con.execute("SET enable_seqscan = off")  # the planner must use the customer index here
        for customer in range(5):
            con.execute("SELECT count(*) FROM orders WHERE customer = %s", [customer]).fetchone()
        con.execute("SET enable_seqscan = on")
        con.execute("SELECT count(*) FROM events WHERE payload LIKE %s", ["%9%"]).fetchone()
        con.execute("SELECT pg_stat_force_next_flush()")


def test_index_use_and_a_sequential_scan_show_up(postgres_db):
    _workload(postgres_db)
    collector = PostgresCollector("main", postgres_db, DatabaseState(), timeout_seconds=3)

    def collected() -> dict | None:
        """Statistics reach the views asynchronously: poll the real reading until it shows them."""
        rows = collector.collect(NOW)
        idx = {r[4]: r for r in rows["pg_index_stats"]}
        ready = (
            bool(idx)
            and (idx.get("orders_customer_idx", (0,) * 8)[5] or 0) >= 5
            and any(r[3] == "events" and (r[4] or 0) >= 1 for r in rows["pg_table_stats"])
        )
        return rows if ready else None

    rows = eventually(collected, timeout=10, interval=0.2, message="index and table statistics in the views")
    sample = rows["pg_samples"][0]
    assert sample[1:4] == ("main", True, None)
    assert sample[5] >= 1  # max_connections
    assert 1 <= sample[6] <= sample[5]  # connections in use
    assert sample[13] is None or 0 <= sample[13] <= 1  # cache hit ratio
    assert sample[14] > 0  # database size
    indexes = {r[4]: r for r in rows["pg_index_stats"]}
    assert indexes["orders_customer_idx"][5] >= 5
    assert indexes["orders_customer_idx"][7] == "used"
    assert indexes["orders_note_idx"][5] == 0
    assert indexes["orders_note_idx"][7] == "unused"
    events = next(r for r in rows["pg_table_stats"] if r[3] == "events")
    assert events[4] >= 1  # seq scans
    assert events[5] >= 3000  # rows they read
    assert events[6] == 0  # index scans
    assert collector.state.postgres["main"]["up"] is True


def test_statements_are_reported_not_available_without_the_extension(postgres_db):
    reading = read_target(postgres_db, 3)
    with psycopg.connect(postgres_db) as con:
        installed = con.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'").fetchone()
    assert installed is None  # a fresh database: the extension is not created in it
    assert reading.up
    assert reading.statements == []
    assert reading.statements_note.startswith("not available: the pg_stat_statements extension is not installed")


def test_a_refused_connection_is_down_with_its_error():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    collector = PostgresCollector("gone", f"host=127.0.0.1 port={port} user=postgres dbname=x", timeout_seconds=2)
    started = time.monotonic()
    rows = collector.collect(NOW)
    assert time.monotonic() - started < 2
    sample = rows["pg_samples"][0]
    assert sample[2] is False
    assert "refused" in sample[3].lower()
    assert rows["pg_table_stats"] == []
    assert collector.state.postgres["gone"]["up"] is False


def test_a_server_that_never_answers_is_down_within_its_timeout():
    """A listening socket that accepts and never speaks: libpq waits for the startup reply."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        reading = read_target(f"host=127.0.0.1 port={port} user=postgres dbname=x", 2)
        elapsed = time.monotonic() - started
    assert not reading.up
    assert "timeout" in reading.error.lower()
    assert 1.5 <= elapsed < 4.0
