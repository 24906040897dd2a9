"""The alert lifecycle, as Prometheus runs it: inactive -> pending (condition true) -> firing (true at
every evaluation for `for`) -> resolved. Pure and clock-free: the caller passes `now`.

A missing value is its own outcome (the rule's `no_data`): `keep_state` leaves the alert as it is (a
pending alert keeps its clock, a firing one keeps firing), `alerting` counts as the condition holding,
`ok` as the condition false. Only `ok` lets missing data end an alert."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from analytics.alert_rules import Rule

INACTIVE, PENDING, FIRING, RESOLVED = "inactive", "pending", "firing", "resolved"
KEEP_STATE, ALERTING, OK = "keep_state", "alerting", "ok"


@dataclass(frozen=True)
class AlertState:
    """One rule's current alert. `active_at` is when the condition started holding (pending)."""

    state: str = INACTIVE
    active_at: datetime | None = None
    fired_at: datetime | None = None
    last_true_at: datetime | None = None
    value: float | None = None
    subject: str | None = None

    @property
    def active(self) -> bool:
        return self.state in (PENDING, FIRING)


@dataclass(frozen=True)
class Transition:
    rule_id: str
    from_state: str
    to_state: str
    at: datetime
    value: float | None
    active_at: datetime | None


def gap_limit_seconds(rule: Rule, interval_seconds: float) -> float:
    """A pending alert restarts its clock when no evaluation held for longer than this: the rule's
    duration, but never less than two evaluation intervals (a 3 s rule evaluated every 5 s can fire)."""
    return max(rule.for_seconds, 2.0 * interval_seconds)


def _start(
    rule: Rule, value: float | None, now: datetime, subject: str | None, prior: str
) -> tuple[AlertState, list[Transition]]:
    pending = AlertState(PENDING, now, None, now, value, subject)
    moves = [Transition(rule.id, prior, PENDING, now, value, now)]
    if rule.for_seconds <= 0:  # no duration: straight to firing, as Prometheus does with for: 0
        moves.append(Transition(rule.id, PENDING, FIRING, now, value, now))
        return replace(pending, state=FIRING, fired_at=now), moves
    return pending, moves


def outcome(
    rule: Rule, value: float | None, samples: int = 1, no_data: str | None = None, error: float | None = None
) -> bool | None:
    """True or False when there is data (or no_data says what missing data means); None: keep the state.
    `no_data` overrides the rule's own mode (after a restart, until the metric has a fresh sample); `error`
    is the value's standard error, when its metric has one."""
    if value is not None and rule.has_data(value, samples):
        return rule.condition(value, error)
    return {ALERTING: True, OK: False}.get(no_data or rule.no_data)


def evaluate(
    rule: Rule,
    value: float | None,
    now: datetime,
    state: AlertState,
    samples: int = 1,
    interval_seconds: float = 0.0,
    subject: str | None = None,
    no_data: str | None = None,
    error: float | None = None,
) -> tuple[AlertState, list[Transition]]:
    """One evaluation of `rule` at `now` on `value` (with its standard error, when its metric has one);
    returns the new state and its transitions."""
    held = outcome(rule, value, samples, no_data, error)
    if held is None:  # no data, keep_state: nothing happened that the alert can be judged on
        return state, []
    if held:
        if state.state == FIRING:
            return replace(state, last_true_at=now, value=value, subject=subject), []
        gap = (now - state.last_true_at).total_seconds() if state.last_true_at else 0.0
        if state.state != PENDING or state.active_at is None:  # (a pending state without a start starts over)
            return _start(rule, value, now, subject, INACTIVE)
        if gap > gap_limit_seconds(rule, interval_seconds):
            # a hole in the data longer than the duration: what happened in it is unknown, so start over
            back = Transition(rule.id, PENDING, INACTIVE, now, value, state.active_at)
            new, moves = _start(rule, value, now, subject, INACTIVE)
            return new, [back, *moves]
        kept = replace(state, last_true_at=now, value=value, subject=subject)
        if (now - state.active_at).total_seconds() >= rule.for_seconds:
            return replace(kept, state=FIRING, fired_at=now), [Transition(rule.id, PENDING, FIRING, now, value, state.active_at)]
        return kept, []
    if state.state == PENDING:
        return AlertState(), [Transition(rule.id, PENDING, INACTIVE, now, value, state.active_at)]
    if state.state == FIRING:
        since_true = (now - state.last_true_at).total_seconds() if state.last_true_at else float("inf")
        if since_true < rule.keep_firing_for_seconds:
            return state, []
        return AlertState(), [Transition(rule.id, FIRING, RESOLVED, now, value, state.active_at)]
    return state, []
