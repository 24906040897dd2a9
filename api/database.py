"""GET /api/database_health (the store and each watched PostgreSQL) and GET /api/data_quality."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, jsonify

from analytics.data_quality import CHECKS, scan_ratio
from api import params
from data import retention
from data.clock import iso_utc, utcnow
from data.queries import data_quality as dq
from data.queries import database as q
from data.queries import postgres as pg
from data.store import Store
from data.writer import Writer
from external.postgres import redact

HISTORY_LIMIT = 5000


def _json(value: Any) -> Any:
    """Datetimes as ISO UTC strings, recursively."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def blueprint(store: Store, writer: Writer, postgres_targets: Sequence[tuple[str, str]]) -> Blueprint:
    """The routes over the store, its writer and the watched PostgreSQLs (name, DSN)."""
    routes = Blueprint("database", __name__, url_prefix="/api")

    @routes.get("/database_health")
    def database_health() -> Response:
        window = params.window_seconds("15m")
        return jsonify(
            _json(
                {
                    "computed_at": utcnow(),
                    "window_seconds": window,
                    "store": _store_health(store, writer, window),
                    "postgres": _targets(store, postgres_targets),
                }
            )
        )

    @routes.get("/data_quality")
    def data_quality() -> Response:
        return _data_quality(store)

    return routes


def _store_health(store: Store, writer: Writer, window: int) -> dict[str, Any]:
    now = utcnow()
    since = now - timedelta(seconds=window)
    sizes = q.file_sizes(store.path)
    scans = [{**s, "scan_ratio": scan_ratio(s["rows_scanned"], s["rows_returned"])} for s in q.latest_scans(store)]
    return {
        "path": str(store.path),
        "db_file_bytes": sizes.db_bytes,
        "wal_bytes": sizes.wal_bytes,
        "connections": {
            "cursors_in_use": store.active_cursors,
            "cursor_pool_size": store.pool_size,
            "cursor_waits": store.cursor_waits,
        },
        "writer": {"queue_length": writer.queue_length, "last_batch_seconds": writer.stats.last_batch_seconds},
        "latest_sample": q.latest_sample(store),
        "queries": q.query_totals(store, since),
        "slowest_queries": q.slowest_queries(store, since),
        "tables": q.latest_tables(store),
        "indexes": q.indexes(store),
        "scan_efficiency": scans,
        "retention_lag_seconds": retention.lag_seconds(store, now),  # how far the rollups trail now
    }


def _targets(store: Store, postgres_targets: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    latest = {row["target"]: row for row in pg.latest_samples(store)}
    found = []
    for name, dsn in postgres_targets:
        sample = latest.get(name)
        status = "pending" if sample is None else ("up" if sample["up"] else "down")
        found.append(
            {
                "target": name,
                "dsn": redact(dsn),
                "status": status,
                "sample": sample,
                "tables": pg.latest_tables(store, name) if sample else [],
                "indexes": pg.latest_indexes(store, name) if sample else [],
                "statements": pg.latest_statements(store, name) if sample else [],
                "statements_note": sample["statements_note"] if sample else None,
            }
        )
    return found


def _data_quality(store: Store) -> Response:
    with_history = params.choice("history", ("true", "false"), "false") == "true"
    check = params.choice("check", CHECKS)
    limit = params.bounded_int("limit", 500, 1, HISTORY_LIMIT)
    window = params.window_seconds("24h")  # checked even without history: a bad value is a 400, not ignored
    now = utcnow()
    latest = [r for r in dq.latest_results(store) if check is None or r["check_name"] == check]
    body: dict[str, Any] = {"computed_at": now, "checks": latest, "failing": sum(1 for r in latest if not r["passed"])}
    if with_history:
        body["history"] = dq.history(store, now - timedelta(seconds=window), check, limit)
    return jsonify(_json(body))
