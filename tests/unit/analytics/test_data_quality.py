"""Pure data-quality rules: thresholds, shares, volume baselines, index use."""

from __future__ import annotations

import pytest

from analytics.data_quality import QualityConfig, count_rule, index_usage, scan_ratio, volume_rule


def test_count_rule_strict_fails_on_one_row():
    result = count_rule("score_range", "predictions", 1, 100, "p1", "scores outside [0, 1]")
    assert (result.passed, result.offending, result.example_id) == (False, 1, "p1")
    assert result.detail == "1 scores outside [0, 1] (1.0% of 100)"


def test_count_rule_passes_with_no_rows_and_drops_the_example():
    result = count_rule("score_range", "predictions", 0, 0, "ignored", "bad")
    assert result.passed
    assert result.example_id is None
    assert result.detail == "0 bad"


@pytest.mark.parametrize(("offending", "passed"), [(20, True), (21, False)])
def test_count_rule_allowed_share_is_inclusive(offending, passed):
    assert count_rule("overdue_labels", "predictions", offending, 100, "x", "late", 0.2).passed is passed


def test_volume_rule_needs_history_and_a_baseline():
    config = QualityConfig(volume_min_ratio=0.5, volume_min_baseline=20)
    assert volume_rule(0, 500, 100, 900, config).passed  # less than one window of history
    assert volume_rule(0, 10, 3600, 900, config).passed  # expects 2.5 rows: too few to judge
    drop = volume_rule(10, 400, 3600, 900, config)
    assert (drop.passed, drop.offending) == (False, 90)
    assert volume_rule(50, 400, 3600, 900, config).passed  # exactly half of 100


def test_index_usage_and_scan_ratio():
    assert index_usage(0, 1000) == "unused"
    assert index_usage(None, None) == "unused"
    assert index_usage(5, 1000) == "rare"
    assert index_usage(500, 1000) == "used"
    assert scan_ratio(10_000, 1) == 10_000.0
    assert scan_ratio(10, 0) == 10.0
    assert scan_ratio(None, 3) is None
