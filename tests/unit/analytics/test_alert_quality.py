"""Alert quality from hand-made periods, series and episodes: covered time without gaps, alerts per week,
firing share, detection delay (the first firing after an episode's start), missed and unobserved episodes."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.alert_quality import (
    FAULT_KINDS,
    WEEK_SECONDS,
    coverage,
    covered_steps,
    detection,
    episodes_for,
    firing_seconds,
    quality,
)
from predictor.demo import SWITCHES


def test_a_gap_is_not_covered_time() -> None:
    t = np.array([0.0, 10, 20, 30, 400, 410, 420])  # 370 s without a sample after 30
    starts, lengths = covered_steps(t)
    assert starts.tolist() == [0, 10, 20, 400, 410]
    assert float(lengths.sum()) == 50.0
    assert covered_steps(np.array([5.0]))[1].size == 0


def test_alerts_per_week_counts_periods_over_covered_weeks_only() -> None:
    day = 86400.0
    t = np.concatenate([np.arange(0, day + 1, 60.0), np.arange(3 * day, 4 * day + 1, 60.0)])  # two days, a 2 d gap
    values = np.zeros(t.size)
    periods = [(600.0, 1200.0), (3 * day + 60, None)]  # the second still firing at the end
    q = quality(periods, coverage(t, values))
    assert q.covered_seconds == 2 * day
    assert q.alerts_per_week == pytest.approx(2 / (2 * day / WEEK_SECONDS)) == pytest.approx(7.0)
    assert q.firing_seconds == 600 + (day - 60)  # the open period runs to the last sample; the gap is not in it
    assert q.firing_share == pytest.approx((600 + day - 60) / (2 * day))
    assert q.fired == 2


def test_samples_without_a_value_are_a_gap() -> None:
    t = np.arange(0, 100.0, 10)
    values = np.where((t >= 30) & (t <= 60), np.nan, 1.0)
    assert quality([], coverage(t, values)).covered_seconds == 40.0  # 0-20 and 70-90: 4 steps of 10 s
    assert quality([], coverage(t[:1], values[:1])).alerts_per_week is None


def test_delay_is_the_first_firing_after_the_start_and_missed_when_none_inside() -> None:
    t = np.arange(0, 1000.0, 10)
    periods = [(50.0, 80.0), (130.0, 150.0), (170.0, 200.0), (700.0, None)]
    episodes = [(100.0, 300.0), (400.0, 500.0), (60.0, 90.0), (690.0, 720.0)]
    d = detection(periods, t, episodes)
    # (100, 300): first firing after 100 is 130 -> 30 s; (400, 500): none inside -> missed;
    # (60, 90): already firing at 60 since 50, no new firing inside -> missed; (690, 720): 700 -> 10 s
    assert (d.episodes, d.detected, d.missed, d.unobserved) == (4, 2, 2, 0)
    assert d.median_delay_seconds == 20.0
    assert d.max_delay_seconds == 30.0


def test_a_firing_after_the_end_is_a_miss_and_an_episode_in_a_gap_is_unobserved() -> None:
    t = np.array([0.0, 10, 20, 30, 40, 500, 510])
    d = detection([(35.0, 40.0), (500.0, None)], t, [(0.0, 30.0), (100.0, 200.0)])
    assert (d.episodes, d.detected, d.missed, d.unobserved) == (1, 0, 1, 1)
    assert d.median_delay_seconds is None and d.max_delay_seconds is None


def test_no_episodes_gives_an_empty_detection() -> None:
    d = quality([(5.0, 6.0)], coverage(np.arange(10.0), np.zeros(10))).detection
    assert (d.episodes, d.detected, d.missed, d.median_delay_seconds) == (0, 0, 0, None)


def test_each_metric_catches_its_faults_and_a_callers_episodes_apply_to_every_rule() -> None:
    assert {k for kinds in FAULT_KINDS.values() for k in kinds} == set(SWITCHES)
    episodes = [("load_spike", 0.0, 1.0), ("input_drift", 2.0, 3.0), (None, 4.0, 5.0)]
    assert episodes_for("latency_seconds_avg", episodes) == [(0.0, 1.0), (4.0, 5.0)]
    assert episodes_for("drift_psi_max", episodes) == [(2.0, 3.0), (4.0, 5.0)]
    assert episodes_for("cpu_percent", episodes) == [(4.0, 5.0)]


def test_firing_time_equals_summing_each_covered_step_inside_a_period() -> None:
    rng = np.random.default_rng(3)
    t = np.sort(rng.choice(np.arange(0, 20000.0), size=3000, replace=False))
    cov = coverage(t, np.zeros(t.size))
    bounds = np.sort(rng.choice(np.arange(0, 20000.0), size=40, replace=False))
    periods: list[tuple[float, float | None]] = [(a, b) for a, b in zip(bounds[0::2], bounds[1::2], strict=True)]
    periods[-1] = (periods[-1][0], None)
    inside = np.zeros(cov.starts.size, dtype=bool)
    for a, b in periods:
        inside |= (cov.starts >= a) & (cov.starts < (np.inf if b is None else b))
    assert firing_seconds(periods, cov) == pytest.approx(float(cov.lengths[inside].sum()))
    assert 0 < firing_seconds(periods, cov) < cov.seconds
