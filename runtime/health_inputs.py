"""Gather the plain values the health report is built from: the newest host sample, the
watched processes, the state of collectors, writer and store, the watched PostgreSQLs and the
firing alerts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from data.queries import alerts as alert_queries
from data.queries import system as q
from data.store import Store
from data.writer import Writer
from state.status import StatusBoard


def writer_state(writer: Writer) -> dict[str, Any]:
    s = writer.stats
    length = writer.queue_length
    status = "ok"
    if s.last_error or length > 0.8 * writer.capacity:
        status = "warning"
    return {
        "status": status,
        "queue_length": length,
        "capacity": writer.capacity,
        "rows_written": s.rows_written,
        "dropped": s.dropped,
        "rejected": s.rejected,
        "failures": s.failures,
        "last_flush": s.last_flush_at,
        "last_batch_seconds": s.last_batch_seconds,
        "error": s.last_error,
    }


def store_state(store: Store) -> tuple[dict[str, Any], dict | None, list[dict]]:
    """The store's own status, and (if it answers) the newest sample and process rows. A full disk makes it
    critical even while reads still answer: every write is failing."""
    disk_full = store.disk.reason
    try:
        sample = q.latest_sample(store)
        processes = q.latest_processes(store)
    except Exception as exc:  # a failing store is reported, not raised into the page
        error = disk_full or f"{type(exc).__name__}: {exc}"
        return {"status": "critical", "path": str(store.path), "error": error}, None, []
    size = store.path.stat().st_size if store.path.exists() else 0
    return (
        {
            "status": "critical" if disk_full else "ok",
            "path": str(store.path),
            "size_bytes": size,
            "error": disk_full,
            "cursors_in_use": store.active_cursors,
            "cursor_pool": store.pool_size,
        },
        sample,
        processes,
    )


def firing_alerts(store: Store) -> list[dict[str, Any]]:
    """Firing alerts; a failing store is already reported as a component, so here it means none known."""
    try:
        return alert_queries.list_alerts(store, "firing", None, limit=100)
    except Exception:
        return []


def health_inputs(
    store: Store, writer: Writer, board: StatusBoard, postgres: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    store_info, sample, processes = store_state(store)
    return {
        "alerts": firing_alerts(store),
        "postgres": {target: {"up": s.get("up"), "error": s.get("error")} for target, s in (postgres or {}).items()},
        "sample": sample,
        "processes": processes,
        "collectors": {name: asdict(status) for name, status in board.snapshot().items()},
        "writer": writer_state(writer),
        "store": store_info,
    }
