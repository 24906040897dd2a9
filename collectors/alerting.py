"""The alerting collector: every few seconds, read each rule's metric, run the lifecycle, store
every change (so pending and firing survive a restart), log and count transitions, notify."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from analytics.alert_lifecycle import FIRING, INACTIVE, PENDING, RESOLVED, AlertState, Transition, evaluate
from analytics.alert_rules import Rule
from data.queries import alert_metrics
from data.queries import alerts as q
from data.store import Store
from external.webhook import WebhookNotifier
from telemetry.alerts import AlertGauges
from telemetry.metrics import Telemetry

log = logging.getLogger(__name__)
RENOTIFY_LOOKBACK = timedelta(hours=1)  # after a restart, re-send unsent resolves only this recent


def _state_from_row(row: dict[str, Any]) -> AlertState:
    return AlertState(row["state"], row["started_at"], row["fired_at"], row["last_true_at"], row["value"], row["subject"])


class AlertingCollector:
    name = "alerting"

    def __init__(self, rules: Sequence[Rule], store: Store, telemetry: Telemetry, interval: float = 5.0,
                 stale_seconds: float = 10.0, notifier: WebhookNotifier | None = None,
                 repeat_interval: float = 4 * 3600.0) -> None:
        self.rules = list(rules)
        self.store, self.interval, self.stale_seconds = store, interval, stale_seconds
        self.notifier, self.repeat_interval = notifier, repeat_interval
        self.states: dict[str, AlertState] = {r.id: AlertState() for r in self.rules}
        self.rows: dict[str, dict[str, Any]] = {}  # rule id -> its active alert's stored row
        self.gauges = AlertGauges(self.rules)
        self.transitions = self.gauges.transitions
        telemetry.registry.register(self.gauges)
        self._restored = False

    def restore(self, now: datetime) -> None:
        """Take up pending and firing alerts where the last run left them (their clocks keep running)."""
        known = {r.id for r in self.rules}
        for row in q.active(self.store):
            if row["rule"] in known:
                self.states[row["rule"]] = _state_from_row(row)
                self.rows[row["rule"]] = row
        if self.notifier is not None:
            for row in q.unnotified(self.store):
                if row["state"] == FIRING or (row["resolved_at"] or now) >= now - RENOTIFY_LOOKBACK:
                    self.notifier.enqueue(row, row["state"])
        self._restored = True
        self.gauges.update(self.states, {})

    def _row(self, rule: Rule, state: AlertState, now: datetime) -> dict[str, Any]:
        row = self.rows.get(rule.id)
        if row is None:
            row = {"id": f"{rule.id}@{state.active_at.isoformat()}", "rule": rule.id, "name": rule.name,
                   "severity": rule.severity, "metric": rule.metric, "threshold": rule.threshold,
                   "description": rule.description, "started_at": state.active_at}
            self.rows[rule.id] = row
        row.update(state=state.state, value=state.value, subject=state.subject, fired_at=state.fired_at,
                   last_true_at=state.last_true_at, last_eval_at=now)
        return row

    def _apply(self, rule: Rule, moves: list[Transition], state: AlertState, now: datetime,
               changed: list[dict], stored: list[dict]) -> None:
        """Turn one rule's transitions into stored rows, log lines, counts and notifications."""
        for move in moves:
            if move.from_state == INACTIVE:
                self.rows.pop(rule.id, None)
            row = self._row(rule, AlertState(PENDING, move.active_at, None, move.at, move.value), now) \
                if move.to_state == PENDING else self.rows[rule.id]
            if move.to_state == FIRING:
                row.update(state=FIRING, fired_at=move.at)
            if move.to_state in (RESOLVED, INACTIVE):
                row.update(state=move.to_state, resolved_at=move.at, value=move.value, last_eval_at=now)
                changed.append(dict(row))
                self.rows.pop(rule.id, None)
            stored.append({"ts": move.at, "alert_id": row["id"], "rule": rule.id, "severity": rule.severity,
                           "from_state": move.from_state, "to_state": move.to_state, "value": move.value})
            self.transitions.labels(rule.name, rule.severity, move.to_state).inc()
            level = logging.WARNING if move.to_state == FIRING else logging.INFO
            log.log(level, "alert %s %s -> %s (value %s, threshold %s %s)", rule.id, move.from_state,
                    move.to_state, move.value, rule.comparison, rule.threshold)
            if self.notifier is not None and move.to_state in (FIRING, RESOLVED):
                self.notifier.enqueue(row, move.to_state)
        if state.active:
            changed.append(dict(self._row(rule, state, now)))

    def _repeat(self, now: datetime) -> None:
        due = now - timedelta(seconds=self.repeat_interval)
        for row in self.rows.values():
            if row["state"] == FIRING and row.get("notified_state") == FIRING and row["notified_at"] <= due:
                self.notifier.enqueue(row, FIRING)

    def _notify(self, now: datetime) -> None:
        self._repeat(now)
        for alert_id, status in self.notifier.deliver(now):
            q.mark_notified(self.store, alert_id, status, now)
            for row in self.rows.values():
                if row["id"] == alert_id:
                    row.update(notified_state=status, notified_at=now)

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        if not self._restored:
            self.restore(now)
        windows = [r.window_seconds for r in self.rules if r.spec.windowed]
        values = alert_metrics.current_values(self.store, now, self.stale_seconds, windows)
        changed: list[dict] = []
        stored: list[dict] = []
        for rule in self.rules:
            key = (rule.metric, rule.window_seconds if rule.spec.windowed else 0.0)
            value, samples, subject = values.get(key, (None, 0, None))
            state, moves = evaluate(rule, value, now, self.states[rule.id], samples, self.interval, subject)
            self.states[rule.id] = state
            self._apply(rule, moves, state, now, changed, stored)
        q.save(self.store, changed, stored)
        self.gauges.update(self.states, alert_metrics.latest_values(values))
        if self.notifier is not None:
            self._notify(now)
        return {}


def alerting_collector(settings: Any, rules: Sequence[Rule], store: Store, telemetry: Telemetry) -> AlertingCollector:
    """The app's alerting collector over the rules in force (loaded, and checked, by Runtime.open)."""
    notifier = None
    if settings.alert_webhook:
        notifier = WebhookNotifier(settings.alert_webhook, backoff_seconds=settings.alert_interval,
                                   external_url=f"http://{settings.host}:{settings.port}")
    # A host sample is normally at most one interval plus one writer flush old; allow a few of those.
    stale = 3 * settings.sample_delay + settings.alert_interval
    return AlertingCollector(rules, store, telemetry, settings.alert_interval, stale,
                             notifier, settings.repeat_interval)
