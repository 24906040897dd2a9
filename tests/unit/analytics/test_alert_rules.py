"""Alert rules with a fake clock: parsing, the lifecycle, and the backtest against the lifecycle."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from analytics.alert_backtest import backtest
from analytics.alert_lifecycle import FIRING, INACTIVE, PENDING, AlertState, evaluate
from analytics.alert_rules import Rule, RulesError, load_rule_sources, parse_duration, parse_rules
from data.alert_rules_source import rule_sources

T0 = datetime(2026, 1, 1, 12, 0, 0)
CPU = Rule("cpu", "critical", "cpu_percent", ">", 90.0, for_seconds=300)


def run(rule: Rule, samples: list[tuple[float, float]], state: AlertState | None = None):
    """Evaluate at each (seconds after T0, value); return the final state and every transition."""
    state = state or AlertState()
    moves = []
    for at, value in samples:
        state, step = evaluate(rule, value, T0 + timedelta(seconds=at), state, interval_seconds=1.0)
        moves += step
    return state, moves


def test_shipped_defaults_are_design_section_7():
    rules = {r.id: r for r in load_rule_sources(rule_sources(None))}
    expected = {
        "cpu:critical": (90, 300),
        "cpu:warning": (70, 600),
        "memory:critical": (85, 180),
        "memory:warning": (70, 300),
        "disk:critical": (90, 0),
        "disk:warning": (80, 0),
        "latency:critical": (1.0, 0),
        "errors:warning": (5, 0),
        "accuracy:warning": (2, 0),
        "drift:warning": (0.25, 0),
        "process_down:critical": (1, 0),
        # beyond the design's table: the PCA reconstruction error outside its reference band for a minute
        "multivariate_drift:warning": (1.0, 60),
        # and the estimated performance's error beyond 3 standard errors for a minute
        "estimator_error:warning": (3, 60),
        # regression and multiclass models against their reference's figures
        "regression_error:warning": (1.5, 0),
        "macro_f1:warning": (0.05, 0),
    }
    assert {k: (r.threshold, r.for_seconds) for k, r in rules.items()} == expected
    assert rules["latency:critical"].min_samples == 20
    assert rules["errors:warning"].window_seconds == 300


def test_cpu_at_95_pending_at_4m59_firing_at_5m01():
    state, moves = run(CPU, [(s, 95.0) for s in range(0, 300)])  # 0 .. 4 min 59 s
    assert state.state == PENDING
    assert state.active_at == T0
    assert [m.to_state for m in moves] == [PENDING]
    state, moves = run(CPU, [(299.0 + 2, 95.0)], state)  # 5 min 01 s
    assert state.state == FIRING
    assert state.fired_at == T0 + timedelta(seconds=301)
    assert [(m.from_state, m.to_state) for m in moves] == [(PENDING, FIRING)]


def test_one_sample_below_the_threshold_resets_the_clock():
    state, _ = run(CPU, [(s, 95.0) for s in range(0, 200)] + [(200, 50.0)] + [(s, 95.0) for s in range(201, 400)])
    assert state.state == PENDING
    assert state.active_at == T0 + timedelta(seconds=201)
    state, _ = run(CPU, [(501, 95.0)], state)
    assert state.state == FIRING


def test_a_gap_longer_than_the_duration_does_not_fire():
    state, _ = run(CPU, [(0, 95.0), (10, 95.0), (10 + 301, 95.0)])
    assert state.state == PENDING
    assert state.active_at == T0 + timedelta(seconds=311)
    state, _ = run(CPU, [(0, 95.0), (150, 95.0), (301, 95.0)])  # gaps shorter than 5 min: held throughout
    assert state.state == FIRING


def test_resolves_once_and_keep_firing_for_holds_it():
    state, moves = run(CPU, [(0, 95.0), (300, 95.0), (301, 10.0), (302, 10.0)])
    assert [m.to_state for m in moves] == [PENDING, FIRING, "resolved"]
    assert state.state == INACTIVE
    sticky = Rule("cpu", "critical", "cpu_percent", ">", 90.0, keep_firing_for_seconds=30)
    state, moves = run(sticky, [(0, 95.0), (10, 10.0), (20, 95.0), (30, 10.0), (49, 10.0), (50, 10.0)])
    assert [m.to_state for m in moves] == [PENDING, FIRING, "resolved"]
    assert moves[-1].at == T0 + timedelta(seconds=50)


def test_sample_size_gate_and_missing_values_never_hold():
    gated = Rule("latency", "critical", "latency_seconds_avg", ">", 1.0, min_samples=20)
    assert not gated.holds(5.0, samples=19)
    assert gated.holds(5.0, samples=20)
    assert not CPU.holds(None)
    assert not CPU.holds(float("nan"))


def test_user_file_overrides_defaults_and_adds_rules():
    user = (
        '[[rule]]\nname = "cpu"\nseverity = "critical"\nthreshold = 95\n\n'
        '[[rule]]\nname = "disk"\nseverity = "critical"\nenabled = false\n\n'
        '[[rule]]\nname = "hot"\nseverity = "warning"\nmetric = "cpu_percent"\ncomparison = ">="\n'
        'threshold = 1\nfor = "2s"\nlabels = {team = "ml"}\n'
    )
    rules = {r.id: r for r in load_rule_sources([*rule_sources(None), ("user.toml", user)])}
    assert rules["cpu:critical"].threshold == 95
    assert rules["cpu:critical"].for_seconds == 300
    assert "disk:critical" not in rules
    assert rules["hot:warning"].for_seconds == 2
    assert rules["hot:warning"].labels == {"team": "ml"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[rule]]\nname = "a"\nseverity = "warning"\nmetric = "cpu_percent"\ncomparison = ">"\nthreshold = 1\n'
            '\n[[rule]]\nname = "b"\nseverity = "warning"\nmetric = "gpu_percent"\n',
            "rules.toml line 11: metric: unknown metric",
        ),
        (
            '[[rule]]\nname = "a"\nseverity = "warning"\nmetric = "cpu_percent"\ncomparison = ">"\nthreshold = 1\n'
            'for = "five minutes"\n',
            "rules.toml line 7: for:",
        ),
        ('[[rule]]\nname = "a"\nseverity = "loud"\n', "rules.toml line 3: severity"),
        ('[[rule]]\nname = "a"\nthreshold = \n', "rules.toml: Invalid value (at line 3"),
        ('[[rule]]\nname = "new"\nseverity = "warning"\nthreshold = 3\n', "rules.toml line 1: rule 'new' is new and lacks"),
        ('[[rule]]\nname = "a"\ncolour = "red"\n', "rules.toml line 3: unknown key 'colour'"),
    ],
)
def test_bad_files_name_the_line_and_the_problem(text, message):
    with pytest.raises(RulesError) as err:
        parse_rules(text, "rules.toml")
    assert message in str(err.value)


def test_durations():
    given = ("5m", "90s", "1.5h", 0, 12, "250ms", "1d")
    assert [parse_duration(x) for x in given] == [300, 90, 5400, 0, 12, 0.25, 86400]
    with pytest.raises(ValueError):
        parse_duration("-5m")


RULES = [
    Rule("c1", "critical", "cpu_percent", ">", 80, for_seconds=60),
    Rule("c2", "warning", "cpu_percent", ">=", 60, for_seconds=20),
    Rule("c3", "warning", "cpu_percent", "<", 30, for_seconds=0, keep_firing_for_seconds=7),
    Rule("c4", "critical", "cpu_percent", ">", 50, for_seconds=5, keep_firing_for_seconds=3, min_samples=3),
]


@pytest.mark.parametrize("gaps", [True, False], ids=["with-gaps", "no-gaps"])  # the loop and the all-NumPy path
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_backtest_matches_evaluating_every_sample(rule, gaps):
    rng = np.random.default_rng(7)
    t = np.cumsum(rng.choice([1.0] * 200 + ([2.0, 40.0, 400.0] if gaps else [2.0]), size=6000))
    levels = np.repeat(rng.uniform(0, 100, size=60), rng.integers(1, 200, size=60))[: t.size]
    values = np.clip(np.resize(levels, t.size) + rng.normal(0, 3, size=t.size), 0, 100)
    values[rng.random(t.size) < 0.01] = np.nan
    counts = rng.integers(0, 400, size=t.size)  # a few samples below the gates
    state, expected, start = AlertState(), [], None
    for at, value, n in zip(t, values, counts, strict=True):
        state, moves = evaluate(
            rule,
            None if np.isnan(value) else float(value),
            T0 + timedelta(seconds=float(at)),
            state,
            samples=int(n),
            interval_seconds=1.0,
        )
        for m in moves:
            offset = (m.at - T0).total_seconds()
            if m.to_state == FIRING:
                start = offset
            elif m.to_state == "resolved":
                expected.append((start, offset))
                start = None
    if start is not None:
        expected.append((start, None))
    result = backtest(rule, t, values, counts, interval_seconds=1.0)
    assert result.periods == expected
    assert result.fired == len(expected) > 0


# No data is its own outcome: keep_state (default), alerting, ok.


def test_missing_data_keeps_a_firing_alert_firing_and_a_pending_clock_running():
    state, moves = run(CPU, [(0, 95.0), (300, 95.0)])
    assert state.state == FIRING
    state, moves = run(CPU, [(s, None) for s in range(301, 2000, 10)], state)  # a long gap: no sample at all
    assert state.state == FIRING
    assert moves == []
    pending, _ = run(CPU, [(0, 95.0), (100, 95.0)])
    pending, moves = run(CPU, [(130, None), (160, None), (190, None)], pending)  # a 90 s collector stall
    assert pending.state == PENDING
    assert pending.active_at == T0
    assert moves == []
    state, moves = run(CPU, [(300, 95.0)], pending)
    assert state.state == FIRING
    assert state.fired_at == T0 + timedelta(seconds=300)  # the original start + for


def test_too_few_samples_is_no_data_not_a_false_condition():
    gated = Rule("latency", "critical", "latency_seconds_avg", ">", 1.0, min_samples=20)
    state, _ = evaluate(gated, 5.0, T0, AlertState(), samples=25)
    assert state.state == FIRING
    state, moves = evaluate(gated, 5.0, T0 + timedelta(seconds=10), state, samples=3)
    assert state.state == FIRING
    assert moves == []
    state, moves = evaluate(gated, 0.1, T0 + timedelta(seconds=20), state, samples=30)
    assert [m.to_state for m in moves] == ["resolved"]


def test_no_data_alerting_and_ok_modes():
    alerting = Rule("cpu", "critical", "cpu_percent", ">", 90.0, for_seconds=60, no_data="alerting")
    state, moves = run(alerting, [(0, None), (30, None), (60, None)])
    assert state.state == FIRING
    assert [m.to_state for m in moves] == [PENDING, FIRING]
    ok = Rule("cpu", "critical", "cpu_percent", ">", 90.0, no_data="ok")
    state, moves = run(ok, [(0, 95.0), (10, None)])
    assert [m.to_state for m in moves] == [PENDING, FIRING, "resolved"]
    assert state.state == INACTIVE
    # the collector's start-up override: restored state stands whatever the rule says
    state, _ = run(ok, [(0, 95.0)])
    state, moves = evaluate(ok, None, T0 + timedelta(seconds=10), state, no_data="keep_state")
    assert state.state == FIRING
    assert moves == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[rule]]\nname = "cpu"\nseverity = "critical"\nmetric = "cpu_percent"\ncomparison = ">"\nthreshold = 1\n'
            'no_data = "ignore"\n',
            "rules.toml line 7: no_data: no_data must be one of keep_state, alerting, ok",
        ),
        ('[[rule]]\nname = "cpu"\nseverity = "critical"\nno_data_for = "soon"\n', "rules.toml line 4: no_data_for:"),
        (
            '[[rule]]\nname = "cpu"\nseverity = "critical"\nlabels = {model = "x"}\n',
            "rules.toml line 4: labels: labels may not set model",
        ),
        (
            '[[rule]]\nname = "cpu"\nseverity = "critical"\ndescription = "above {limit}"\n',
            "rules.toml line 4: description: description 'above {limit}': unknown placeholder",
        ),
    ],
)
def test_bad_no_data_labels_and_placeholders_name_the_line(text, message):
    with pytest.raises(RulesError) as err:
        parse_rules(text, "rules.toml")
    assert message in str(err.value)


def test_descriptions_are_rendered_from_the_threshold_in_force():
    user = '[[rule]]\nname = "cpu"\nseverity = "critical"\nthreshold = 1\nfor = "10s"\n'
    rules = {r.id: r for r in load_rule_sources([*rule_sources(None), ("user.toml", user)])}
    assert rules["cpu:critical"].rendered_description() == "CPU above 1 % for 10s"
    assert rules["cpu:warning"].rendered_description() == "CPU above 70 % for 10m"


@pytest.mark.parametrize("mode", ["keep_state", "alerting", "ok"])
def test_backtest_matches_evaluating_every_sample_under_each_no_data_mode(mode):
    test_backtest_matches_evaluating_every_sample(replace(RULES[3], no_data=mode), gaps=True)


def test_standard_errors_is_a_rule_key_overriding_the_default_of_two() -> None:
    (base,) = parse_rules(
        '[[rule]]\nname = "acc"\nseverity = "warning"\nmetric = "accuracy_drop_points"\ncomparison = ">"\nthreshold = 2'
    )
    (tuned,) = parse_rules('[[rule]]\nname = "acc"\nstandard_errors = 3.5', base=[base])
    assert (base.standard_errors, tuned.standard_errors) == (2.0, 3.5)


def test_a_negative_standard_errors_is_refused_naming_the_key() -> None:
    with pytest.raises(RulesError, match="standard_errors must be a number >= 0"):
        parse_rules('[[rule]]\nname = "acc"\nstandard_errors = -1\nmetric = "cpu_percent"')


@pytest.mark.parametrize(("error", "expected"), [(None, FIRING), (1.0, FIRING), (2.0, INACTIVE)])
def test_a_value_with_a_standard_error_holds_beyond_k_of_them(error: float | None, expected: str) -> None:
    rule = Rule("acc", "warning", "accuracy_drop_points", ">", 2.0)
    state, _ = evaluate(rule, 3.0, T0, AlertState(), error=error)
    assert state.state == expected
