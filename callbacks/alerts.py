"""Alerts page and the navbar's alert badge: read inputs, query data/queries/alerts, build figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
from dash import Dash, Input, Output, State

from analytics.alert_backtest import backtest
from analytics.alert_quality import FAULT_KINDS, Quality, coverage, episodes_for, quality
from analytics.alert_rules import Rule, parse_duration
from callbacks.livegraph import figure_outputs, keep_zoom
from callbacks.timerange import window
from dashboard import ids
from dashboard.figures_alerts import make_alert_timeline_figure, make_backtest_figure
from dashboard.tables_alerts import active_table, alert_badge, backtest_panel, rules_table
from data.clock import utcnow
from data.queries import alert_metrics, demo_episodes
from data.queries import alerts as q
from data.store import Store

EPOCH = datetime(1970, 1, 1)


def edited_rule(rule: Rule, threshold: float | None, for_text: str | None) -> Rule:
    """The rule with the page's threshold and duration; a blank or unreadable field keeps the rule's own."""
    try:
        for_seconds = parse_duration(for_text) if for_text else rule.for_seconds
    except ValueError:
        for_seconds = rule.for_seconds
    return replace(rule, threshold=rule.threshold if threshold is None else float(threshold), for_seconds=for_seconds)


def _epoch(value: datetime) -> float:
    return (value - EPOCH).total_seconds()


def run_backtest(store: Store, rule: Rule, since: datetime, until: datetime) -> tuple:
    """The stored series of the rule's metric, the periods the rule would have fired in it, and its quality
    against the demo's recorded fault episodes of the kinds its metric should catch."""
    with store.snapshot():  # the series and the episodes from one state
        series = alert_metrics.metric_series(store, rule.metric, since, until, rule.window_seconds)
        found = demo_episodes.episodes(store, since, until)
    t = (series["ts"].astype("datetime64[us]").astype("int64").to_numpy() / 1e6) if len(series) else np.array([])
    values = series["value"].to_numpy(dtype=float)
    errors = series["error"].to_numpy(dtype=float) if "error" in series else None
    result = backtest(rule, t, values, series["samples"].to_numpy(dtype=float), errors=errors)
    periods = [(EPOCH + timedelta(seconds=a), EPOCH + timedelta(seconds=b) if b else until) for a, b in result.periods]
    episodes = [(e.kind, _epoch(e.start), _epoch(min(e.end or until, until))) for e in found]
    figures: Quality = quality(result.periods, coverage(t, values), episodes_for(rule.metric, episodes))
    return series, periods, result, figures


def register(app: Dash, store: Store, rules: list[Rule]) -> None:
    """The page's callbacks over the store and the alert rules in force."""
    by_id = {r.id: r for r in rules}
    keep_zoom(app, ids.ALERTS_TIMELINE_GRAPH, ids.BACKTEST_GRAPH)

    @app.callback(Output(ids.ALERT_BADGE, "children"), Input(ids.TICK, "data"))
    def badge(_n: int) -> object:
        return alert_badge(q.firing_counts(store))

    @app.callback(
        *figure_outputs(ids.ALERTS_TIMELINE_GRAPH),
        Output(ids.ALERTS_ACTIVE, "children"),
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
    )
    def live(_n: int, range_key: str) -> tuple:
        since, until = window(range_key, utcnow())
        active = q.list_alerts(store, "firing", None) + q.list_alerts(store, "pending", None)
        return make_alert_timeline_figure(q.periods(store, since, until), range_key), active_table(active)

    @app.callback(
        Output(ids.ALERTS_RULES, "children"),
        Output(ids.BACKTEST_RULE, "options"),
        Output(ids.BACKTEST_RULE, "value"),
        Input(ids.ALERTS_RULES, "id"),
        State(ids.BACKTEST_RULE, "value"),
    )
    def rules_in_force(_id: str, chosen: str | None) -> tuple:
        options = [{"label": f"{r.id} ({r.metric} {r.comparison} {r.threshold:g})", "value": r.id} for r in by_id.values()]
        chosen = chosen if chosen in by_id else next(iter(by_id), None)  # ?rule= may name no rule in force
        return rules_table([r.as_dict() for r in by_id.values()]), options, chosen

    @app.callback(
        *figure_outputs(ids.BACKTEST_GRAPH),
        Output(ids.BACKTEST_SUMMARY, "children"),
        Output(ids.BACKTEST_THRESHOLD, "placeholder"),
        Input(ids.BACKTEST_RULE, "value"),
        Input(ids.BACKTEST_THRESHOLD, "value"),
        Input(ids.BACKTEST_FOR, "value"),
        Input(ids.RANGE, "value"),
    )
    def replay(rule_id: str | None, threshold: float | None, for_text: str | None, range_key: str) -> tuple:
        rule = by_id.get(rule_id or "") or next(iter(by_id.values()))
        rule = edited_rule(rule, threshold, for_text)
        since, until = window(range_key, utcnow())
        series, periods, result, figures = run_backtest(store, rule, since, until)
        title = f"Backtest of {rule.id}: {rule.metric} {rule.comparison} {rule.threshold:g} for {rule.for_seconds:g} s"
        figure = make_backtest_figure(series, periods, rule.threshold, title, rule.spec.unit, range_key)
        kinds = FAULT_KINDS.get(rule.metric, ())
        panel = backtest_panel(result.fired, result.samples, rule.id, figures.as_dict(), kinds, (until - since).total_seconds())
        return figure, panel, f"{by_id[rule.id].threshold:g}"
