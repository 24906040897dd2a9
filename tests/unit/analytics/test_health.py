"""Status levels and the health report, from plain values."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from analytics.health import build_report, freshness_status, resource_report
from analytics.thresholds import classify_metric, levels_by_metric, worst
from runtime.rules import load_rules

NOW = datetime(2026, 11, 27, 12, 0, 0)
LEVELS = levels_by_metric(load_rules(None))  # the shipped rules: the one threshold table


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("cpu_percent", 70.0, "ok"),
        ("cpu_percent", 70.1, "warning"),
        ("cpu_percent", 90.0, "warning"),
        ("cpu_percent", 90.1, "critical"),
        ("memory_percent", 70.5, "warning"),
        ("memory_percent", 85.5, "critical"),
        ("disk_used_percent", 79.0, "ok"),
        ("disk_used_percent", 80.5, "warning"),
        ("disk_used_percent", 91.0, "critical"),
        ("latency_seconds_avg", 1.5, "critical"),
        ("error_percent", 6.0, "warning"),
        ("cpu_percent", None, "unknown"),
    ],
)
def test_badges_use_the_shipped_rules_thresholds(metric: str, value: float | None, expected: str) -> None:
    assert classify_metric(value, metric, LEVELS) == expected


def test_an_overridden_rule_moves_the_badge(tmp_path) -> None:
    user = tmp_path / "rules.toml"
    user.write_text('[[rule]]\nname = "cpu"\nseverity = "critical"\nthreshold = 50\n')
    levels = levels_by_metric(load_rules(user))
    assert classify_metric(55.0, "cpu_percent", levels) == "critical"
    assert classify_metric(55.0, "cpu_percent", LEVELS) == "ok"


def test_worst_orders_levels() -> None:
    assert worst([]) == "ok"
    assert worst(["ok", "warning"]) == "warning"
    assert worst(["warning", "critical", "ok"]) == "critical"
    assert worst(["ok", "something-else"]) == "warning"


def test_freshness() -> None:
    assert freshness_status(None, 1.0) == ("ok", None)
    assert freshness_status(4.0, 1.0)[0] == "ok"
    assert freshness_status(6.0, 1.0)[0] == "warning"
    assert freshness_status(31.0, 1.0)[0] == "critical"


def _inputs(cpu: float, age_s: float = 1.0, up: bool = True, writer: str = "ok") -> dict:
    sample = {
        "ts": NOW - timedelta(seconds=age_s),
        "cpu_percent": cpu,
        "memory_percent": 40.0,
        "disk_used_percent": 50.0,
        "cpu_per_core_percent": [cpu, cpu],
        "load_1m": 0.5,
        "memory_used_bytes": 1,
        "memory_total_bytes": 2,
    }
    return {
        "sample": sample,
        "processes": [{"name": "predwatch", "pid": 1, "up": up, "ts": NOW}],
        "collectors": {"system": {"name": "system", "status": "ok", "last_success": NOW, "error": None}},
        "writer": {"status": writer, "queue_length": 0},
        "store": {"status": "ok", "path": "x"},
    }


def test_report_shape_and_overall_status() -> None:
    report = build_report(_inputs(10.0), NOW, 1.0, LEVELS)
    assert report["status"] == "ok"
    assert report["timestamp"] == "2026-11-27T12:00:00.000Z"
    assert set(report["resources"]) == {"cpu", "memory", "disk"}
    assert report["resources"]["cpu"]["percent"] == 10.0
    assert report["resources"]["cpu"]["status"] == "ok"
    assert set(report["components"]) == {"collector", "store", "writer", "processes"}
    assert report["components"]["collector"]["last_success"] == "2026-11-27T12:00:00.000Z"


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (_inputs(95.0), "critical"),
        (_inputs(75.0), "warning"),
        (_inputs(10.0, up=False), "critical"),
        (_inputs(10.0, age_s=10.0), "warning"),
        (_inputs(10.0, writer="warning"), "warning"),
    ],
)
def test_overall_status_is_the_worst_part(inputs: dict, expected: str) -> None:
    assert build_report(inputs, NOW, 1.0, LEVELS)["status"] == expected


def test_no_sample_yet_is_unknown_not_an_error() -> None:
    inputs = _inputs(0.0) | {"sample": None, "processes": []}
    report = build_report(inputs, NOW, 1.0, LEVELS)
    assert report["status"] == "ok"
    assert all(r["status"] == "unknown" and r["percent"] is None for r in report["resources"].values())
    assert resource_report(None, LEVELS)["cpu"] == {"percent": None, "status": "unknown"}
