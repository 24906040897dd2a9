"""The exported rules' PromQL: gauges held through a data gap as each rule's no_data says, the drift
rule ranked in PromQL with its own alert keeping a feature that left the top five."""

from __future__ import annotations

from dataclasses import replace

from analytics.alert_export import expression, to_prometheus_yaml
from analytics.alert_rules import Rule

CPU = Rule("cpu", "critical", "cpu_percent", ">", 90.0, for_seconds=300)
DRIFT = Rule("drift", "warning", "drift_psi_max", ">", 0.25, no_data_for_seconds=0)
LATENCY = Rule("latency", "critical", "latency_seconds_avg", ">", 1.0, min_samples=20, no_data="ok")


def test_keep_state_holds_the_last_value_through_the_no_data_window_or_ten_minutes():
    assert expression(CPU) == "(max by (instance) (last_over_time(cpu_percent[10m]))) > 90"
    assert "last_over_time(cpu_percent[3m])" in expression(replace(CPU, no_data_for_seconds=180))
    assert "last_over_time(cpu_percent[10m])" in expression(replace(CPU, no_data_for_seconds=0))


def test_ok_and_windowed_rules_are_not_held():
    assert "last_over_time" not in expression(replace(CPU, no_data="ok"))
    assert "last_over_time" not in expression(LATENCY)
    assert "last_over_time" not in expression(replace(LATENCY, no_data="keep_state"))  # a rate spans short gaps


def test_alerting_counts_a_subject_missing_now_as_holding():
    expr = expression(replace(DRIFT, no_data="alerting"))
    assert expr.endswith(
        " unless on(instance, model, feature) (max by (instance, model, feature) (drift_psi_max) and on(instance, model,"
        ' feature) (feature_importance_rank <= 5 or ALERTS{alertname="PredwatchDriftWarning"}) or max by (instance,'
        " model, feature) (drift_psi_max) unless on(instance, model) feature_importance_rank)"
    )


def test_drift_ranks_in_promql_and_keeps_its_own_active_alerts():
    expr = expression(DRIFT)
    assert "last_over_time(feature_importance_rank[10m]) <= 5" in expr
    assert 'ALERTS{alertname="PredwatchDriftWarning"}' in expr
    assert 'ALERTS{alertname="PredwatchDriftCritical"}' in expression(replace(DRIFT, severity="critical"))


def test_keep_firing_for_is_the_rules_own_only():
    assert "keep_firing_for" not in to_prometheus_yaml([CPU])  # it would also delay a real resolve
    assert "keep_firing_for: 2m\n" in to_prometheus_yaml([replace(CPU, keep_firing_for_seconds=120)])
