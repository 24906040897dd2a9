"""The alerting collector: every few seconds, read each rule's metric, run the lifecycle once per
subject (model, feature, process; one for host and prediction metrics), store every change (so
pending and firing survive a restart), log and count transitions, notify.

Missing data is its own outcome (analytics.alert_lifecycle): by default it keeps the alert's state.
A rule whose metric has had no data for its `no_data_for` raises a `<name>_no_data` alert of its own,
so a silent collector is seen. After a start, a restored alert keeps its state until its metric has
a fresh sample, whatever the rule's `no_data` says."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from analytics.alert_export import alert_labels
from analytics.alert_export import annotations as alert_annotations  # not the __future__ import's name
from analytics.alert_lifecycle import (
    FIRING,
    INACTIVE,
    KEEP_STATE,
    PENDING,
    RESOLVED,
    AlertState,
    Transition,
    evaluate,
)
from analytics.alert_rules import Rule, duration_text
from data.queries import alert_buckets, alert_metrics, drift_ranks
from data.queries import alerts as q
from data.store import Store
from external.webhook import WebhookNotifier
from settings import Settings
from telemetry.exposition import expose_alerts
from telemetry.metrics import Telemetry

log = logging.getLogger(__name__)
RENOTIFY_LOOKBACK = timedelta(hours=1)  # after a restart, re-send unsent resolves only this recent
Key = tuple[str, str | None]  # (rule id, subject)


def no_data_rule(rule: Rule) -> Rule | None:
    """The rule's no-data alert: its value is the seconds since the rule last had data."""
    if rule.no_data_for_seconds <= 0:
        return None
    return replace(
        rule,
        name=f"{rule.name}_no_data",
        comparison=">=",
        threshold=rule.no_data_for_seconds,
        for_seconds=0.0,
        keep_firing_for_seconds=0.0,
        min_samples=1,
        no_data=KEEP_STATE,
        no_data_for_seconds=0.0,
        description=f"no data for rule {rule.id} ({rule.metric}) for "
        f"{duration_text(rule.no_data_for_seconds)} or more: is its collector running?",
    )


def _state_from_row(row: dict[str, Any]) -> AlertState:
    return AlertState(row["state"], row["started_at"], row["fired_at"], row["last_true_at"], row["value"], row["subject"])


class AlertingCollector:
    name = "alerting"

    def __init__(
        self,
        rules: Sequence[Rule],
        store: Store,
        telemetry: Telemetry,
        interval: float = 5.0,
        stale_seconds: float = 10.0,
        notifier: WebhookNotifier | None = None,
        repeat_interval: float = 4 * 3600.0,
        instance: str | None = None,
    ) -> None:
        self.rules = list(rules)
        self.no_data_rules = {r.id: nd for r in self.rules if (nd := no_data_rule(r)) is not None}
        self.by_id = {r.id: r for r in [*self.rules, *self.no_data_rules.values()]}
        self.store, self.interval, self.stale_seconds = store, interval, stale_seconds
        self.notifier, self.repeat_interval, self.instance = notifier, repeat_interval, instance
        self.states: dict[Key, AlertState] = {}
        self.rows: dict[Key, dict[str, Any]] = {}  # (rule id, subject) -> its active alert's stored row
        self.restored: set[Key] = set()  # restored alerts whose metric has had no fresh sample yet
        self.last_data: dict[str, datetime] = {}  # rule id -> newest evaluation that had data
        self.started_at: datetime | None = None
        self.gauges = expose_alerts(telemetry, list(self.by_id.values()))
        self.transitions = self.gauges.transitions
        self._restored = False
        self.recent: alert_buckets.RecentBuckets | None = None  # 10 s prediction buckets of the longest window

    def state(self, rule_id: str, subject: str | None = None) -> AlertState:
        return self.states.get((rule_id, subject), AlertState())

    def _enqueue(self, notifier: WebhookNotifier, row: dict[str, Any], status: str) -> None:
        rule = self.by_id.get(row["rule"])
        if rule is None:  # a rule since removed from the file: its stored name and severity still label it
            rule = Rule(row["name"], row["severity"], row["metric"], ">", row["threshold"] or 0.0)
        notifier.enqueue(
            row, status, alert_labels(rule, row.get("subject"), self.instance), alert_annotations(rule, row.get("value"))
        )

    def restore(self, now: datetime) -> None:
        """Take up pending and firing alerts where the last run left them (their clocks keep running)."""
        for row in q.active(self.store):
            if row["rule"] in self.by_id:
                key = (row["rule"], row["subject"])
                self.states[key], self.rows[key] = _state_from_row(row), row
                self.restored.add(key)
        if self.notifier is not None:
            for row in q.unnotified(self.store):
                if row["state"] == FIRING or (row["resolved_at"] or now) >= now - RENOTIFY_LOOKBACK:
                    self._enqueue(self.notifier, row, row["state"])
        self._restored = True
        self.gauges.update(self.states, {})

    def _row(self, rule: Rule, state: AlertState, now: datetime) -> dict[str, Any]:
        key = (rule.id, state.subject)
        row = self.rows.get(key)
        if row is None:
            if state.active_at is None:  # the lifecycle starts every pending alert with its start time
                raise ValueError(f"alert {rule.id} has no start time")
            subject = f"{{{state.subject}}}" if state.subject else ""
            row = {
                "id": f"{rule.id}{subject}@{state.active_at.isoformat()}",
                "rule": rule.id,
                "name": rule.name,
                "severity": rule.severity,
                "metric": rule.metric,
                "threshold": rule.threshold,
                "description": rule.rendered_description(),
                "started_at": state.active_at,
            }
            self.rows[key] = row
        row.update(
            state=state.state,
            value=state.value,
            subject=state.subject,
            fired_at=state.fired_at,
            last_true_at=state.last_true_at,
            last_eval_at=now,
        )
        return row

    def _apply(
        self,
        rule: Rule,
        subject: str | None,
        moves: list[Transition],
        state: AlertState,
        now: datetime,
        changed: list[dict],
        stored: list[dict],
    ) -> None:
        """Turn one alert's transitions into stored rows, log lines, counts and notifications."""
        key = (rule.id, subject)
        for move in moves:
            if move.from_state == INACTIVE:
                self.rows.pop(key, None)
            row = (
                self._row(rule, AlertState(PENDING, move.active_at, None, move.at, move.value, subject), now)
                if move.to_state == PENDING
                else self.rows[key]
            )
            if move.to_state == FIRING:
                row.update(state=FIRING, fired_at=move.at)
            if move.to_state in (RESOLVED, INACTIVE):
                row.update(state=move.to_state, resolved_at=move.at, value=move.value, last_eval_at=now)
                changed.append(dict(row))
                self.rows.pop(key, None)
            stored.append(
                {
                    "ts": move.at,
                    "alert_id": row["id"],
                    "rule": rule.id,
                    "severity": rule.severity,
                    "from_state": move.from_state,
                    "to_state": move.to_state,
                    "value": move.value,
                }
            )
            self.transitions.labels(rule.name, rule.severity, move.to_state).inc()
            level = logging.WARNING if move.to_state == FIRING else logging.INFO
            log.log(
                level,
                "alert %s%s %s -> %s (value %s, threshold %s %s)",
                rule.id,
                f" {subject}" if subject else "",
                move.from_state,
                move.to_state,
                move.value,
                rule.comparison,
                rule.threshold,
            )
            if self.notifier is not None and move.to_state in (FIRING, RESOLVED):
                self._enqueue(self.notifier, row, move.to_state)
        if state.active:
            changed.append(dict(self._row(rule, state, now)))

    def _step(
        self,
        rule: Rule,
        subject: str | None,
        value: float | None,
        samples: int,
        now: datetime,
        out: tuple[list[dict], list[dict]],
        error: float | None = None,
    ) -> None:
        key = (rule.id, subject)
        if rule.has_data(value, samples):
            self.restored.discard(key)
        mode = KEEP_STATE if key in self.restored else None
        state, moves = evaluate(rule, value, now, self.state(*key), samples, self.interval, subject, mode, error)
        if state.state == INACTIVE:
            self.states.pop(key, None)
        else:
            self.states[key] = state
        self._apply(rule, subject, moves, state, now, *out)

    def _evaluate(
        self, rule: Rule, observed: list[alert_metrics.Observation], now: datetime, out: tuple[list[dict], list[dict]]
    ) -> None:
        """One rule over every subject it has a value for or an alert about (a subject gone quiet is
        missing data for its alert, not a resolve), then its no-data alert."""
        found = {o.subject: o for o in observed}
        if not rule.spec.subjects:
            found.setdefault(None, alert_metrics.Observation(None, 0, None))
        subjects = set(found) | {s for (rule_id, s) in self.states if rule_id == rule.id}
        for subject in sorted(subjects, key=lambda s: s or ""):
            seen = found.get(subject, alert_metrics.Observation(None, 0, subject))
            self._step(rule, subject, seen.value, seen.samples, now, out, seen.error)
        if any(rule.has_data(o.value, o.samples) for o in found.values()):
            self.last_data[rule.id] = now
        no_data = self.no_data_rules.get(rule.id)
        if no_data is not None:
            since = self.last_data.get(rule.id)
            gap = (now - (since or self.started_at or now)).total_seconds()
            # Not yet seen since this start and not yet long enough: unknown, so a restored alert stands.
            self._step(no_data, None, None if since is None and gap < no_data.threshold else gap, 1, now, out)

    def _repeat(self, notifier: WebhookNotifier, now: datetime) -> None:
        due = now - timedelta(seconds=self.repeat_interval)
        for row in self.rows.values():
            if row["state"] == FIRING and row.get("notified_state") == FIRING and row["notified_at"] <= due:
                self._enqueue(notifier, row, FIRING)

    def _notify(self, notifier: WebhookNotifier, now: datetime) -> None:
        self._repeat(notifier, now)
        for alert_id, status in notifier.deliver(now):
            q.mark_notified(self.store, alert_id, status, now)
            for row in self.rows.values():
                if row["id"] == alert_id:
                    row.update(notified_state=status, notified_at=now)

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        if not self._restored:
            self.restore(now)
        self.started_at = self.started_at or now
        windows = [r.window_seconds for r in self.rules if r.spec.windowed]
        if windows:  # the latency and error-rate rules read 10 s buckets: bring them up to now first
            if self.recent is None or self.recent.span.total_seconds() < max(windows):
                self.recent = alert_buckets.RecentBuckets(self.store, timedelta(seconds=max(windows)))
            self.recent.refresh(now)
        values = alert_metrics.current_values(self.store, now, self.stale_seconds, windows, recent=self.recent)
        out: tuple[list[dict], list[dict]] = ([], [])
        for rule in self.rules:
            key = (rule.metric, rule.window_seconds if rule.spec.windowed else 0.0)
            self._evaluate(rule, values.get(key, []), now, out)
        q.save(self.store, *out)
        # every feature's PSI and rank for /metrics (the exported drift rule ranks in PromQL)
        ranked = drift_ranks.ranked_drift(self.store, now) if ("drift_psi_max", 0.0) in values else []
        self.gauges.update(self.states, alert_metrics.latest_values(values), ranked)
        if self.notifier is not None:
            self._notify(self.notifier, now)
        return {}


def alerting_collector(settings: Settings, rules: Sequence[Rule], store: Store, telemetry: Telemetry) -> AlertingCollector:
    """The app's alerting collector over the rules in force (loaded, and checked, by Runtime.open)."""
    instance = f"{settings.host}:{settings.port}"  # what Prometheus calls this target's `instance`
    notifier = None
    if settings.alert_webhook:
        notifier = WebhookNotifier(
            settings.alert_webhook, backoff_seconds=settings.alert_interval, external_url=f"http://{instance}"
        )
    # A host sample is normally at most one interval plus one writer flush old; allow a few of those.
    stale = 3 * settings.sample_delay + settings.alert_interval
    return AlertingCollector(
        rules, store, telemetry, settings.alert_interval, stale, notifier, settings.repeat_interval, instance
    )
