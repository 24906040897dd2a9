"""The rules as a Prometheus alerting-rules file over Predwatch's own /metrics names, so a team
that moves to Prometheus + Alertmanager keeps its thresholds, and the one label set both sides use:
Predwatch's webhook alerts carry the same alertname, rule, severity, subject labels and annotations
as the exported rules' alerts. YAML is written by hand (PyYAML is not a dependency): every string is
emitted as a JSON string, which is valid YAML."""

# No `from __future__ import annotations` here: it would bind the name of this module's annotations().
import json
import re
from collections.abc import Sequence

from analytics.alert_rules import Rule, duration_text, subject_labels

GROUP = "predwatch"
# How long an exported alert holds its last value when missing data keeps the state and the rule sets no
# `no_data_for`: a failed scrape or a restart marks every series of the instance stale at once.
DEFAULT_GAP_SECONDS = 600.0
RANK_GAUGE = "feature_importance_rank"  # the drift rule's ranking (analytics.alert_rules.METRICS)


def gap_seconds(rule: Rule) -> float:
    """The data gap an exported alert rides out: none with no_data "ok" (missing data ends it), else the
    rule's no_data_for (where its own no-data alert takes over), or DEFAULT_GAP_SECONDS."""
    if rule.no_data == "ok" or rule.spec.windowed:  # a rate over the window already spans a short gap
        return 0.0
    return rule.no_data_for_seconds or DEFAULT_GAP_SECONDS


def _query(rule: Rule) -> str:
    return rule.spec.promql.format(window=duration_text(rule.window_seconds), alert=alert_name(rule))


def _held(rule: Rule, query: str) -> str:
    """Each gauge as its last value within the gap: through a failed scrape or a restart the value
    stands (a firing alert fires on, a pending one keeps its clock), as Predwatch's keep_state does, and
    a fresh sample that fails the condition resolves at once (keep_firing_for would also hold that)."""
    gap = duration_text(gap_seconds(rule))
    return re.sub(rf"\b({re.escape(rule.metric)}|{RANK_GAUGE})\b", rf"last_over_time(\1[{gap}])", query)


def expression(rule: Rule) -> str:
    query = _query(rule)
    held = _held(rule, query) if gap_seconds(rule) > 0 else query
    expr = f"({held}) {rule.comparison} {rule.threshold:g}"
    if rule.spec.windowed and rule.min_samples > 1:  # the sample-size gate, over the same window
        window = duration_text(rule.window_seconds)
        expr += f" and on(instance) sum by (instance) (increase(predictions_total[{window}])) >= {rule.min_samples}"
    if rule.spec.error_gauge and rule.standard_errors > 0:
        expr += _beyond_noise(rule, held)
    if rule.no_data == "alerting" and gap_seconds(rule) > 0:
        # missing data counts as holding: a subject seen within the gap but not now, labelled as its alert
        by = ", ".join(("instance", *rule.spec.subjects))
        expr += f" or ({held}) unless on({by}) ({query})"
    return expr


def _beyond_noise(rule: Rule, held: str) -> str:
    """Predwatch's k-standard-errors test (Rule.condition): past k of the value's standard errors, or no
    error known for the subject."""
    by = ", ".join(("instance", *rule.spec.subjects))
    error = f"max by ({by}) ({rule.spec.error_gauge})"
    if gap_seconds(rule) > 0:
        error = f"max by ({by}) (last_over_time({rule.spec.error_gauge}[{duration_text(gap_seconds(rule))}]))"
    return f" and on({by}) (abs({held}) > {rule.standard_errors:g} * {error} or ({held}) unless on({by}) {error})"


def alert_name(rule: Rule) -> str:
    """Prometheus alert names are one word: cpu + critical -> PredwatchCpuCritical."""
    words = [*rule.name.split("_"), rule.severity]
    return "Predwatch" + "".join(w[:1].upper() + w[1:] for w in words if w)


def static_labels(rule: Rule) -> dict[str, str]:
    """The labels an exported rule sets; Prometheus adds `instance` and the subject's labels from the series."""
    return {"severity": rule.severity, "rule": rule.name, **rule.labels}


def alert_labels(rule: Rule, subject: str | None, instance: str | None) -> dict[str, str]:
    """The labels of one of Predwatch's own alerts, as Prometheus would give the exported rule's alert."""
    labels = {"alertname": alert_name(rule), **static_labels(rule), **subject_labels(subject)}
    if instance:
        labels["instance"] = instance
    return labels


def summary(rule: Rule) -> str:
    return f"{rule.spec.description} {rule.comparison} {rule.threshold:g} {rule.spec.unit}".strip()


def annotations(rule: Rule, value: object = "{{ $value }}") -> dict[str, str]:
    """summary, description (rendered from the threshold in force) and value."""
    return {"summary": summary(rule), "description": rule.rendered_description() or summary(rule), "value": f"{value}"}


def _rule_yaml(rule: Rule) -> list[str]:
    q = json.dumps
    lines = [f"      - alert: {q(alert_name(rule))}", f"        expr: {q(expression(rule))}"]
    if rule.for_seconds > 0:
        lines.append(f"        for: {duration_text(rule.for_seconds)}")
    if rule.keep_firing_for_seconds > 0:
        lines.append(f"        keep_firing_for: {duration_text(rule.keep_firing_for_seconds)}")
    lines.append("        labels:")
    lines += [f"          {q(k)}: {q(v)}" for k, v in static_labels(rule).items()]
    lines.append("        annotations:")
    lines += [f"          {k}: {q(v)}" for k, v in annotations(rule).items()]
    return lines


def to_prometheus_yaml(rules: Sequence[Rule]) -> str:
    lines = [
        "# Predwatch alert rules for Prometheus (generated by `python app.py export-rules`).",
        "# Check with: promtool check rules FILE",
        "groups:",
        f"  - name: {GROUP}",
        "    rules:",
    ]
    for rule in rules:
        lines += _rule_yaml(rule)
    lines += INSTANCE_DOWN
    return "\n".join(lines) + "\n"


# A Predwatch that stops answering its scrapes: no rule of its own can say so.
INSTANCE_DOWN = [
    '      - alert: "PredwatchInstanceDown"',
    '        expr: "up{job=\\"predwatch\\"} == 0"',
    "        for: 1m",
    "        labels:",
    '          "severity": "critical"',
    '          "rule": "instance_down"',
    "        annotations:",
    '          summary: "Predwatch instance {{ $labels.instance }} does not answer its scrapes"',
    '          description: "Prometheus could not scrape {{ $labels.instance }} for 1 minute"',
    '          value: "{{ $value }}"',
]
