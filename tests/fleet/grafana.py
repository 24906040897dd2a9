"""The metric names a Grafana dashboard's PromQL reads (for checking them against /metrics)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana-predwatch.json"
# Words PromQL uses that look like metric names: functions, aggregations, keywords, and label names.
_NOT_METRICS = {
    "sum",
    "by",
    "rate",
    "histogram_quantile",
    "max",
    "min",
    "avg",
    "count",
    "without",
    "on",
    "increase",
    "and",
    "or",
    "unless",
    "instance",
    "le",
    "status",
    "kind",
    "model",
    "feature",
    "window_seconds",
    "rule",
    "severity",
    "vector",
    "ignoring",
    "group_left",
    "group_right",
    "topk",
}
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def expressions(dashboard: dict) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def metric_names(expr: str) -> set[str]:
    """Identifiers outside strings, braces and brackets that are not PromQL words or numbers."""
    bare = re.sub(r'"[^"]*"|\{[^}]*\}|\[[^\]]*\]|\$\w+', " ", expr)
    return {n for n in _NAME.findall(bare) if n not in _NOT_METRICS}


def recorded_names() -> set[str]:
    """The series deploy/fleet-rules.yml records: Prometheus computes them, /metrics does not carry them."""
    rules = yaml.safe_load((ROOT / "deploy" / "fleet-rules.yml").read_text())
    return {r["record"] for group in rules["groups"] for r in group["rules"] if "record" in r}


def load() -> dict:
    return json.loads(GRAFANA.read_text())


def exposed_names(exposition: str) -> set[str]:
    """Sample names on a /metrics page (histograms expose name_bucket/_sum/_count)."""
    names = set()
    for line in exposition.splitlines():
        if line.startswith("# TYPE "):
            names.add(line.split()[2])
        elif line and not line.startswith("#"):
            names.add(_NAME.match(line).group(0))
    return names
