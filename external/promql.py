"""PromQL for the fleet views: pure builders over Predwatch's own /metrics names, and the parsing
of Prometheus' HTTP API answers into plain rows. No I/O here: external/prometheus.py sends them
and external/fleet.py joins the two."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Each fleet panel: name -> (PromQL template, unit). `{sel}` is the instance selector (possibly empty),
# `{window}` the rate window. Rates are summed per instance so a fleet has one line per instance.
SYSTEM_QUERIES: dict[str, tuple[str, str]] = {
    # The alert gauges (`cpu_percent`, `memory_percent`) carry the host's figures as of the last evaluation.
    "host_cpu_percent": ("max by (instance) (cpu_percent{sel})", "%"),
    "host_memory_percent": ("max by (instance) (memory_percent{sel})", "%"),
    # Predwatch's own process: CPU seconds per second is a share of one core; x100 makes it a percentage.
    "process_cpu_percent": ("100 * sum by (instance) (rate(process_cpu_seconds_total{sel}[{window}]))", "%"),
    "process_resident_memory_bytes": ("sum by (instance) (process_resident_memory_bytes{sel})", "bytes"),
}
PREDICTION_QUERIES: dict[str, tuple[str, str]] = {
    "request_rate_per_second": ("sum by (instance) (rate(predictions_total{sel}[{window}]))", "req/s"),
    "error_rate_percent": (
        "100 * sum by (instance) (rate(predictions_total{err}[{window}]))"
        " / sum by (instance) (rate(predictions_total{sel}[{window}]))",
        "%",
    ),
    "latency_p50_seconds": (
        "histogram_quantile(0.5, sum by (instance, le) (rate(prediction_duration_seconds_bucket{sel}[{window}])))",
        "s",
    ),
    "latency_p95_seconds": (
        "histogram_quantile(0.95, sum by (instance, le) (rate(prediction_duration_seconds_bucket{sel}[{window}])))",
        "s",
    ),
    "latency_p99_seconds": (
        "histogram_quantile(0.99, sum by (instance, le) (rate(prediction_duration_seconds_bucket{sel}[{window}])))",
        "s",
    ),
}
# Model quality: the fleet's own figures, recorded by deploy/fleet-rules.yml over the last hour from
# every instance's merged counts, beside each instance's latest gauges. Their series are named by instance
# ("fleet" for the merged ones), model, feature and window (`series_name`).
QUALITY_QUERIES: dict[str, tuple[str, str]] = {
    "fleet_auc": ("model:score_auc:fleet1h", "AUC"),
    "instance_auc": ("model_auc{sel}", "AUC"),
    "fleet_psi": ("topk(5, model_feature:psi:fleet1h)", "PSI"),
    "instance_psi": ("topk(5, max by (instance, model, feature) (feature_psi{sel}))", "PSI"),
}
PANELS = {"system": SYSTEM_QUERIES, "predictions": {**PREDICTION_QUERIES, **QUALITY_QUERIES}}
# Finds the instances and whether each answers: `up` (1 or 0) of every target that exposed Predwatch's
# prediction counter in the last hour, so a stopped instance is listed as down instead of vanishing.
INSTANCES_QUERY = "max by (instance) (up) and on (instance) count by (instance) (last_over_time(predictions_total[1h]))"


def quote(value: str) -> str:
    """A PromQL string literal; JSON escaping (backslash, quote, control characters) is valid PromQL."""
    return json.dumps(value)


def selector(instance: str | None, **labels: str) -> str:
    """`{instance="...",k="v"}` for the chosen instance and extra labels, or "" for all of them."""
    matchers = {**({"instance": instance} if instance else {}), **labels}
    if not matchers:
        return ""
    return "{" + ",".join(f"{k}={quote(v)}" for k, v in matchers.items()) + "}"


def window_text(step_seconds: float, scrape_interval_seconds: float = 15.0) -> str:
    """The rate window: at least four scrapes (Prometheus' advice) and at least one chart step."""
    return f"{int(max(4 * scrape_interval_seconds, step_seconds, 1))}s"


def build(template: str, instance: str | None, window: str) -> str:
    return (
        template.replace("{sel}", selector(instance))
        .replace("{err}", selector(instance, status="error"))
        .replace("{window}", window)
    )


def panel_queries(panel: str, instance: str | None, window: str) -> dict[str, str]:
    """Every query of one fleet panel ("system" or "predictions") for one instance (None: all)."""
    return {name: build(template, instance, window) for name, (template, _unit) in PANELS[panel].items()}


def step_seconds(span_seconds: float, points: int = 240) -> int:
    """A step giving about `points` points over the span (Prometheus caps a range at 11,000)."""
    return max(1, int(round(span_seconds / points)))


@dataclass(frozen=True)
class Sample:
    instance: str
    ts: float  # Unix seconds
    value: float


class PromResponseError(ValueError):
    """Prometheus answered, but not with a successful matrix/vector result."""


def parse_result(body: Mapping[str, Any]) -> list[tuple[dict[str, str], list[tuple[float, float]]]]:
    """(labels, [(unix seconds, value)]) per series of a query or query_range answer; NaN points dropped."""
    if body.get("status") != "success":
        raise PromResponseError(f"{body.get('errorType', 'error')}: {body.get('error', 'no success status')}")
    data = body.get("data") or {}
    kind = data.get("resultType")
    out = []
    for series in data.get("result") or []:
        points = series.get("values") if kind == "matrix" else [series.get("value")]
        parsed = [(float(t), float(v)) for t, v in points or [] if v not in ("NaN", "+Inf", "-Inf")]
        out.append((dict(series.get("metric") or {}), parsed))
    return out


def series_name(labels: Mapping[str, str]) -> str:
    """The instance ("fleet" for a series merged over instances), then the model, feature and window it is of."""
    parts = [labels.get("instance", "fleet"), *(labels[k] for k in ("model", "feature") if k in labels)]
    return " ".join(parts + ([f"{labels['window_seconds']} s"] if "window_seconds" in labels else []))


def samples(series: Sequence[tuple[dict[str, str], list[tuple[float, float]]]]) -> list[Sample]:
    return [Sample(series_name(labels), t, v) for labels, points in series for t, v in points]
