"""Helpers for the client tests: a server on a port chosen by the test (so it can be restarted where
the client already points), and reading what the server stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from tests.conftest import LiveServer

TOKEN = "client-test-token"


def start_on(start_server: Callable[..., LiveServer], port: int, db: Path, *args: str) -> LiveServer:
    """`python app.py --port PORT` (the last --port wins) on `db`, with write routes behind TOKEN."""
    server = start_server("--port", str(port), "--api-token", TOKEN, *args, db=db, ready=False)
    server.port, server.url = port, f"http://127.0.0.1:{port}"
    return server.wait_ready()


def stored(db: Path, sql: str, *params: object) -> list[tuple]:
    """Read the database file after its server has stopped (DuckDB allows one process on a file)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def prediction_ids(db: Path, model: str) -> list[str]:
    return [row[0] for row in stored(db, "SELECT id FROM predictions WHERE model = ?", model)]
