"""GET /api/alerts (current and past alerts), /api/alerts/rules (the rules in force) and
/api/alerts/backtest (when a rule, possibly with another threshold or duration, would have fired)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, jsonify, request

from analytics.alert_backtest import backtest
from analytics.alert_rules import Rule, parse_duration, subject_labels
from api import params
from api.errors import ApiError
from data.clock import iso_utc, utcnow
from data.queries import alert_metrics
from data.queries import alerts as q
from data.store import Store

MAX_LIMIT = 1000
TIMES = ("started_at", "fired_at", "resolved_at", "last_true_at", "last_eval_at")


def _iso(row: dict[str, Any]) -> dict[str, Any]:
    """Times as ISO UTC; `labels` the alert's subject (model, feature, process), as its webhook carries them."""
    out = {k: iso_utc(v) if k in TIMES else v for k, v in row.items()}
    out["labels"] = subject_labels(row.get("subject"))
    return out


def blueprint(store: Store, rules: list[Rule], rules_source: str) -> Blueprint:
    """The routes over the rules in force (loaded, and checked, at start) and where they came from."""
    routes = Blueprint("alerts", __name__, url_prefix="/api")

    @routes.get("/alerts")
    def alerts() -> Response:
        return _alerts(store)

    @routes.get("/alerts/rules")
    def alert_rules() -> Response:
        return jsonify({"rules": [r.as_dict() for r in rules], "source": rules_source})

    @routes.get("/alerts/backtest")
    def alert_backtest() -> Response:
        return _backtest(store, _edited_rule(rules))

    return routes


def _alerts(store: Store) -> Response:
    state = params.choice("state", q.STATES)
    severity = params.choice("severity", q.SEVERITIES)
    limit = params.bounded_int("limit", 100, 1, MAX_LIMIT)
    rows = [_iso(r) for r in q.list_alerts(store, state, severity, limit)]
    counts = q.firing_counts(store)
    return jsonify({"alerts": rows, "count": len(rows), "firing": sum(counts.values()), "firing_by_severity": counts})


def _float_param(name: str) -> float | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(400, "bad_parameter", f"{name} must be a number", [{"field": name}]) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ApiError(400, "bad_parameter", f"{name} must be a finite number", [{"field": name}])
    return value


def _edited_rule(rules: list[Rule]) -> Rule:
    rule_id = params.text("rule")
    found = {r.id: r for r in rules}
    if rule_id not in found:
        raise ApiError(
            400,
            "bad_parameter",
            "rule must be the id of a rule in force (GET /api/alerts/rules)",
            [{"field": "rule", "allowed": list(found)}],
        )
    rule = found[rule_id]
    threshold = _float_param("threshold")
    raw_for = request.args.get("for")
    try:
        for_seconds = rule.for_seconds if raw_for is None else parse_duration(raw_for)
    except ValueError as exc:
        raise ApiError(400, "bad_parameter", f"for: {exc}", [{"field": "for"}]) from None
    return replace(rule, threshold=rule.threshold if threshold is None else threshold, for_seconds=for_seconds)


def _backtest(store: Store, rule: Rule) -> Response:
    seconds = params.window_seconds("24h")
    now = utcnow()
    series = alert_metrics.metric_series(store, rule.metric, now - timedelta(seconds=seconds), now, rule.window_seconds)
    t = series["ts"].astype("datetime64[us]").astype("int64").to_numpy() / 1e6
    result = backtest(rule, t, series["value"].to_numpy(dtype=float), series["samples"].to_numpy(dtype=float))
    periods = [
        {"fired_at": iso_utc(_from_epoch(a)), "resolved_at": iso_utc(_from_epoch(b)) if b else None} for a, b in result.periods
    ]
    return jsonify(
        {"rule": rule.as_dict(), "window_seconds": seconds, "samples": result.samples, "fired": result.fired, "periods": periods}
    )


def _from_epoch(seconds: float) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)
