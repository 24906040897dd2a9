"""Read routes of the prediction service: recent predictions and live performance KPIs."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, jsonify

from api import params
from data.clock import iso_utc, utcnow
from data.queries import predictions as q
from data.store import Store

MAX_LIMIT = 1000


def _iso_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: iso_utc(v) if k == "timestamp" else v for k, v in row.items()} for row in rows]


def blueprint(store: Store, metrics_cache_seconds: float) -> Blueprint:
    """The routes over `store`; one performance answer per window is reused for `metrics_cache_seconds`."""
    routes = Blueprint("reads", __name__, url_prefix="/api")
    cache = TtlCache()

    @routes.get("/recent_predictions")
    def recent_predictions() -> Response:
        return _recent(store)

    @routes.get("/performance_metrics")
    def performance_metrics() -> Response:
        window = params.window_seconds("5m")
        body, age = cache.get(window, metrics_cache_seconds, lambda: compute_performance(store, window))
        return jsonify({**body, "cache_age_seconds": round(age, 3)})

    return routes


def _recent(store: Store) -> Response:
    limit = params.bounded_int("limit", 100, 1, MAX_LIMIT)
    model = params.text("model")
    status = params.choice("status", q.STATUSES)
    now = utcnow()
    rows = q.recent(store, limit, model, status, now)
    return jsonify(
        {"predictions": _iso_rows(rows), "count": len(rows), "limit": limit, "trend": q.success_trend(store, now, model)}
    )


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _kpis(row: dict[str, Any], seconds: float, errors: list[dict[str, Any]]) -> dict[str, Any]:
    ok = row["requests"] - row["errors"]
    return {
        "requests": row["requests"],
        "request_rate": row["requests"] / seconds,
        "latency_seconds": {k: row[k] for k in ("p50", "p95", "p99", "avg")},
        "error_rate": _ratio(row["errors"], row["requests"]),
        "errors_by_kind": {e["error_kind"]: _ratio(e["errors"], row["requests"]) for e in errors},
        "success_rate": _ratio(row["successes"], row["labelled"]),
        "accuracy": _ratio(row["successes"], row["labelled"]),
        "labelled_share": _ratio(row["labelled"], ok),
    }


def compute_performance(store: Store, window: int) -> dict[str, Any]:
    now = utcnow()
    since = now - timedelta(seconds=window)
    per_model = q.performance(store, since, now)
    errors = q.errors_by_kind(store, since, now)
    models = {r["model"]: _kpis(r, window, [e for e in errors if e["model"] == r["model"]]) for r in per_model}
    total = {
        "requests": sum(r["requests"] for r in per_model),
        "errors": sum(r["errors"] for r in per_model),
        "labelled": sum(r["labelled"] for r in per_model),
        "successes": sum(r["successes"] for r in per_model),
    }
    overall = _kpis({**total, "p50": None, "p95": None, "p99": None, "avg": None}, window, [])
    overall["errors_by_kind"] = {}
    for e in errors:
        overall["errors_by_kind"][e["error_kind"]] = overall["errors_by_kind"].get(e["error_kind"], 0) + e["errors"]
    overall["errors_by_kind"] = {k: _ratio(v, total["requests"]) for k, v in overall["errors_by_kind"].items()}
    overall.pop("latency_seconds")
    return {"window_seconds": window, "computed_at": iso_utc(now), "overall": overall, "models": models}


class TtlCache:
    """One computed answer per key, reused for `ttl` seconds; one thread computes while others wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any, ttl: float, compute: Any) -> tuple[Any, float]:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or time.monotonic() - hit[0] > ttl:
                hit = self._items[key] = (time.monotonic(), compute())
            return hit[1], time.monotonic() - hit[0]
