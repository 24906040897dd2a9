"""Backtest: when would a rule have fired over a stored series? One vectorised pass per rule that
gives the same periods as calling `alert_lifecycle.evaluate` at every sample (a test checks it)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.alert_lifecycle import ALERTING, KEEP_STATE, gap_limit_seconds
from analytics.alert_rules import COMPARISONS, Rule


@dataclass(frozen=True)
class Backtest:
    rule_id: str
    periods: list[tuple[float, float | None]]  # (fired_at, resolved_at or None while still firing), seconds
    samples: int

    @property
    def fired(self) -> int:
        return len(self.periods)


def _held(
    rule: Rule, values: np.ndarray, counts: np.ndarray | None, errors: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Whether the condition holds at each sample, and which samples have data at all (the lifecycle's
    `outcome`): no data counts as holding under `alerting`, as false under `ok`. A sample's standard error
    (NaN: none) asks for |value| beyond the rule's `standard_errors` of them too (Rule.condition)."""
    has_data = ~np.isnan(values)
    if counts is not None:
        has_data &= counts >= rule.min_samples
    with np.errstate(invalid="ignore"):
        held = COMPARISONS[rule.comparison](values, rule.threshold) & has_data
        if errors is not None:
            held &= np.isnan(errors) | (np.abs(values) > rule.standard_errors * errors)
    if rule.no_data == ALERTING:
        held |= ~has_data
    return held, has_data


def _runs(held: np.ndarray, t: np.ndarray, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Start and end indices of runs of held samples not broken by a gap longer than `limit`."""
    idx = np.flatnonzero(held)
    if idx.size == 0:
        return idx, idx
    breaks = (np.diff(idx) > 1) | (np.diff(t[idx]) > limit)
    starts = np.concatenate(([idx[0]], idx[1:][breaks]))
    ends = np.concatenate((idx[:-1][breaks], [idx[-1]]))
    return starts, ends


def _resolved_at(t: np.ndarray, last_true: int, stop: int, keep: float) -> int | None:
    """The first sample in (last_true, stop) at least `keep` seconds after the last true one."""
    k = int(np.searchsorted(t, t[last_true] + keep, side="left"))
    k = max(k, last_true + 1)
    return k if k < stop else None


def _independent_runs(rule: Rule, t: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[tuple[float, float | None]]:
    """The common case, all in NumPy: every run ends at a sample that does not hold (no run continues
    across a gap while firing) and nothing keeps firing, so each run fires or not on its own."""
    fire = np.searchsorted(t, t[starts] + rule.for_seconds, side="left")
    ok = fire <= ends
    fired_at, after = t[fire[ok]], ends[ok] + 1
    resolved = np.where(after < t.size, t[np.minimum(after, t.size - 1)], np.nan)
    return [(a, None if b != b else b) for a, b in zip(fired_at.tolist(), resolved.tolist(), strict=True)]


def backtest(
    rule: Rule,
    t_seconds: np.ndarray,
    values: np.ndarray,
    counts: np.ndarray | None = None,
    interval_seconds: float | None = None,
    errors: np.ndarray | None = None,
) -> Backtest:
    """`t_seconds` ascending (epoch or any origin), `values` the metric at each, `counts` the samples
    behind each value (for the min-samples gate), `errors` each value's standard error where its metric
    has one (NaN where not). The interval defaults to the median step."""
    t = np.asarray(t_seconds, dtype=float)
    v = np.asarray(values, dtype=float)
    if interval_seconds is None:
        interval_seconds = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    total = int(t.size)
    held, has_data = _held(rule, v, counts, None if errors is None else np.asarray(errors, dtype=float))
    if rule.no_data == KEEP_STATE:  # a sample without data changes nothing: as if it were not there
        t, held = t[has_data], held[has_data]
    starts, ends = _runs(held, t, gap_limit_seconds(rule, interval_seconds))
    if rule.keep_firing_for_seconds <= 0 and np.all(starts[1:] > ends[:-1] + 1):
        return Backtest(rule.id, _independent_runs(rule, t, starts, ends), total)
    periods: list[tuple[float, float | None]] = []
    firing_end = -1  # index of the last true sample of the current firing stretch, -1 when not firing
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if firing_end >= 0:
            k = _resolved_at(t, firing_end, s, rule.keep_firing_for_seconds)
            if k is None:
                firing_end = e
                continue
            periods[-1] = (periods[-1][0], float(t[k]))
            firing_end = -1
        f = int(np.searchsorted(t, t[s] + rule.for_seconds, side="left"))
        if f <= e:
            periods.append((float(t[f]), None))
            firing_end = e
    if firing_end >= 0:
        k = _resolved_at(t, firing_end, t.size, rule.keep_firing_for_seconds)
        if k is not None:
            periods[-1] = (periods[-1][0], float(t[k]))
    return Backtest(rule.id, periods, total)
