"""The fleet's PromQL builders and Prometheus answer parsing (pure, no server)."""

from __future__ import annotations

import pytest

from external import promql


def test_selector_quotes_values_so_they_cannot_break_out_of_the_matcher() -> None:
    assert promql.selector(None) == ""
    assert promql.selector("host:8050") == '{instance="host:8050"}'
    hostile = 'x"} or vector(1) or foo{a="'
    built = promql.selector(hostile, status="error")
    assert built == '{instance="x\\"} or vector(1) or foo{a=\\"",status="error"}'


def test_panel_queries_filter_by_instance_and_use_the_window() -> None:
    queries = promql.panel_queries("predictions", "h:1", "60s")
    assert set(queries) == set(promql.PREDICTION_QUERIES) | set(promql.QUALITY_QUERIES)
    assert queries["instance_auc"] == 'model_auc{instance="h:1"}'
    assert queries["fleet_auc"] == "model:score_auc:fleet1h"
    assert queries["request_rate_per_second"] == 'sum by (instance) (rate(predictions_total{instance="h:1"}[60s]))'
    assert 'predictions_total{instance="h:1",status="error"}[60s]' in queries["error_rate_percent"]
    assert queries["latency_p95_seconds"].startswith("histogram_quantile(0.95, sum by (instance, le)")
    everything = promql.panel_queries("system", None, "60s")
    assert not any("instance=" in q or "{sel}" in q or "{window}" in q for q in everything.values())
    assert "rate(process_cpu_seconds_total[60s])" in everything["process_cpu_percent"]


@pytest.mark.parametrize(("step", "scrape", "expected"), [(1, 15, "60s"), (120, 15, "120s"), (1, 1, "4s")])
def test_rate_window_spans_four_scrapes_and_one_step(step: float, scrape: float, expected: str) -> None:
    assert promql.window_text(step, scrape) == expected


def test_step_gives_about_240_points_and_at_least_one_second() -> None:
    assert promql.step_seconds(300) == 1
    assert promql.step_seconds(86_400) == 360


def test_parse_matrix_drops_nan_points_and_keeps_instances() -> None:
    body = {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [
                {"metric": {"instance": "a:1"}, "values": [[100, "1.5"], [101, "NaN"], [102, "2"]]},
                {"metric": {"instance": "b:2"}, "values": [[100, "+Inf"]]},
            ],
        },
    }
    rows = promql.samples(promql.parse_result(body))
    assert rows == [promql.Sample("a:1", 100.0, 1.5), promql.Sample("a:1", 102.0, 2.0)]


def test_parse_vector_and_error_answers() -> None:
    vector = {"status": "success", "data": {"resultType": "vector", "result": [{"metric": {"instance": "a"}, "value": [5, "3"]}]}}
    assert promql.parse_result(vector) == [({"instance": "a"}, [(5.0, 3.0)])]
    with pytest.raises(promql.PromResponseError, match="bad_data: parse error"):
        promql.parse_result({"status": "error", "errorType": "bad_data", "error": "parse error"})


def test_series_are_named_by_instance_or_fleet_then_model_feature_and_window() -> None:
    assert promql.series_name({"instance": "a:1"}) == "a:1"
    assert promql.series_name({"model": "m", "feature": "income"}) == "fleet m income"
    assert promql.series_name({"instance": "a:1", "model": "m", "window_seconds": "900"}) == "a:1 m 900 s"
