"""GET /api/alerts (current and past alerts), /api/alerts/rules (the rules in force),
/api/alerts/backtest (when a rule, possibly with another threshold or duration, would have fired, how
often a week and how soon it caught known fault episodes) and /api/alerts/backtest/summary (every rule)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
from flask import Blueprint, Response, jsonify

from analytics.alert_backtest import Backtest, backtest
from analytics.alert_quality import FAULT_KINDS, Coverage, Quality, coverage, episodes_for, quality
from analytics.alert_rules import Rule, subject_labels
from api import backtest_params, params
from data.clock import iso_utc, utcnow
from data.queries import alert_metrics, demo_episodes
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
        return _backtest(store, backtest_params.edited_rule(rules))

    @routes.get("/alerts/backtest/summary")
    def alert_backtest_summary() -> Response:
        return _summary(store, rules)

    return routes


def _alerts(store: Store) -> Response:
    state = params.choice("state", q.STATES)
    severity = params.choice("severity", q.SEVERITIES)
    limit = params.bounded_int("limit", 100, 1, MAX_LIMIT)
    rows = [_iso(r) for r in q.list_alerts(store, state, severity, limit)]
    counts = q.firing_counts(store)
    return jsonify({"alerts": rows, "count": len(rows), "firing": sum(counts.values()), "firing_by_severity": counts})


EPOCH = datetime(1970, 1, 1)
Episodes = list[tuple[str | None, float, float]]


def _epoch(value: datetime) -> float:
    return (value - EPOCH).total_seconds()


def _from_epoch(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


class _Replay:
    """One answer's reads: the history, its episodes (the caller's or the demo's) and each metric's series
    read once, all inside one snapshot."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.since, self.until = backtest_params.history(utcnow())  # the parameters, checked before any read
        self._caller = backtest_params.episodes()
        self.source = "demo_switches" if self._caller is None else "caller"
        self.episodes: Episodes = []
        self._series: dict[tuple[str, float], tuple[np.ndarray, np.ndarray, np.ndarray, Coverage, np.ndarray | None]] = {}

    def read_episodes(self) -> None:
        caller, store = self._caller, self.store
        pairs: list[tuple[str | None, datetime, datetime]]
        if caller is None:
            found = demo_episodes.episodes(store, self.since, self.until)
            pairs = [(e.kind, e.start, min(e.end or self.until, self.until)) for e in found]
        else:
            pairs = [(None, a, min(b, self.until)) for a, b in caller if self.since <= a < self.until]
        self.episodes = [(k, _epoch(a), _epoch(b)) for k, a, b in pairs]

    def series(self, rule: Rule) -> tuple[np.ndarray, np.ndarray, np.ndarray, Coverage, np.ndarray | None]:
        key = (rule.metric, rule.window_seconds)
        if key not in self._series:
            frame = alert_metrics.metric_series(self.store, rule.metric, self.since, self.until, rule.window_seconds)
            t = frame["ts"].astype("datetime64[us]").astype("int64").to_numpy() / 1e6
            values = frame["value"].to_numpy(dtype=float)
            errors = frame["error"].to_numpy(dtype=float) if "error" in frame else None
            self._series[key] = (t, values, frame["samples"].to_numpy(dtype=float), coverage(t, values), errors)
        return self._series[key]

    def run(self, rule: Rule) -> tuple[Backtest, Quality]:
        t, values, counts, cov, errors = self.series(rule)
        result = backtest(rule, t, values, counts, errors=errors)
        return result, quality(result.periods, cov, episodes_for(rule.metric, self.episodes))

    def history(self) -> dict[str, Any]:
        return {
            "from": iso_utc(self.since),
            "to": iso_utc(self.until),
            "window_seconds": (self.until - self.since).total_seconds(),
            "episodes_from": self.source,
            "episodes_known": len(self.episodes),
        }


def _figures(result: Backtest, found: Quality) -> dict[str, Any]:
    return {"samples": result.samples, **found.as_dict()}


def _backtest(store: Store, rule: Rule) -> Response:
    replay = _Replay(store)
    with store.snapshot():
        replay.read_episodes()
        result, found = replay.run(rule)
    periods = [
        {"fired_at": iso_utc(_from_epoch(a)), "resolved_at": iso_utc(_from_epoch(b)) if b else None} for a, b in result.periods
    ]
    kinds = list(FAULT_KINDS.get(rule.metric, ())) if replay.source == "demo_switches" else None
    return jsonify(
        {"rule": rule.as_dict(), **replay.history(), "fault_kinds": kinds, **_figures(result, found), "periods": periods}
    )


def _summary(store: Store, rules: list[Rule]) -> Response:
    replay = _Replay(store)
    with store.snapshot():
        replay.read_episodes()
        answers = [{"rule": rule.id, "metric": rule.metric, **_figures(*replay.run(rule))} for rule in rules]
    kinds = {k: list(v) for k, v in FAULT_KINDS.items()} if replay.source == "demo_switches" else None
    return jsonify({**replay.history(), "fault_kinds": kinds, "rules": answers})
