"""Alert rules: the rule model, the metrics a rule may watch, and TOML parsing with errors that
name the source, the line and the problem. Pure: callers hand in the files' text."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

SEVERITIES = ("warning", "critical")  # ordered, least severe first
COMPARISONS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}
# Matched whole (fullmatch), ASCII digits and blanks only: the OpenAPI document states this pattern for the
# backtest's `for`, and JSON Schema's \d and \s are not Python's (other scripts' digits, a final newline).
DURATION = r"[ \t]*([0-9]{1,12}(?:\.[0-9]{1,12})?)[ \t]*(ms|s|m|h|d)?[ \t]*"
_DURATION = re.compile(DURATION)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
# What a missing value (no sample, a stale one, fewer than min_samples) does, as Grafana names it:
# keep the alert's state, count as the condition holding, or count as the condition false.
NO_DATA_MODES = ("keep_state", "alerting", "ok")


@dataclass(frozen=True)
class MetricSpec:
    """A value a rule can watch: what it is, its unit, and the same value in PromQL over /metrics."""

    description: str
    unit: str
    promql: str  # `{window}` is replaced by the rule's window, e.g. 5m; `{alert}` by its alert name
    windowed: bool = False
    subjects: tuple[str, ...] = ()  # the labels of one alert's subject (one alert per model, ...)
    error_gauge: str = ""  # the gauge of the value's standard error on /metrics, for a metric that has one


METRICS: dict[str, MetricSpec] = {
    # `by (instance)` everywhere: an exported alert carries the labels Predwatch's own does, not `job` or scrape labels.
    "cpu_percent": MetricSpec("host CPU use", "%", "max by (instance) (cpu_percent)"),
    "memory_percent": MetricSpec("host memory use", "%", "max by (instance) (memory_percent)"),
    "disk_used_percent": MetricSpec("fullest filesystem's use", "%", "max by (instance) (disk_used_percent)"),
    "latency_seconds_avg": MetricSpec(
        "average prediction latency",
        "s",
        "sum by (instance) (rate(prediction_duration_seconds_sum[{window}]))"
        " / sum by (instance) (rate(prediction_duration_seconds_count[{window}]))",
        windowed=True,
    ),
    "error_percent": MetricSpec(
        "share of prediction requests that failed",
        "%",
        '100 * sum by (instance) (rate(predictions_total{{status="error"}}[{window}]))'
        " / sum by (instance) (rate(predictions_total[{window}]))",
        windowed=True,
    ),
    "accuracy_drop_points": MetricSpec(
        "a model's accuracy drop below its reference",
        "points",
        "max by (instance, model) (accuracy_drop_points)",
        subjects=("model",),
        error_gauge="accuracy_drop_se_points",
    ),
    "drift_psi_max": MetricSpec(
        "PSI of one of a model's five most important features",
        "PSI",
        # Ranked in PromQL over every feature's PSI: a top-five feature, or one whose alert ({alert}, this
        # rule's) is already active, so a firing alert lasts while the drift does whatever the ranking does;
        # every feature of a model with no importance yet.
        "max by (instance, model, feature) (drift_psi_max) and on(instance, model, feature)"
        ' (feature_importance_rank <= 5 or ALERTS{{alertname="{alert}"}})'
        " or max by (instance, model, feature) (drift_psi_max) unless on(instance, model) feature_importance_rank",
        subjects=("model", "feature"),
    ),
    "multivariate_drift": MetricSpec(
        "a model's PCA reconstruction error as a multiple of its reference band's top",
        "",
        "max by (instance, model) (multivariate_drift)",
        subjects=("model",),
    ),
    "estimator_error": MetricSpec(
        "a model's estimated-performance error: |realized - estimated| accuracy or AUC in standard errors",
        "SE",
        "max by (instance, model) (estimator_error)",
        subjects=("model",),
    ),
    "process_up": MetricSpec(
        "a watched process's state (1 up, 0 down)", "", "min by (instance, process) (process_up)", subjects=("process",)
    ),
    # regression and multiclass models: no value for a model of another task
    "mae": MetricSpec(
        "a regression model's mean absolute error (in its labels' unit)",
        "",
        "max by (instance, model) (mae)",
        subjects=("model",),
    ),
    "rmse_ratio_to_reference": MetricSpec(
        "a regression model's RMSE as a multiple of its reference's",
        "",
        "max by (instance, model) (rmse_ratio_to_reference)",
        subjects=("model",),
    ),
    "macro_f1_drop": MetricSpec(
        "a multiclass model's macro F1 below its reference's",
        "",
        "max by (instance, model) (macro_f1_drop)",
        subjects=("model",),
    ),
}


def subject_labels(subject: str | None) -> dict[str, str]:
    """An alert's subject as labels: `model=m1,feature=f2` (data/queries/alert_metrics.subject_text)."""
    return dict(part.split("=", 1) for part in subject.split(",") if "=" in part) if subject else {}


class RulesError(ValueError):
    """A rules file cannot be used; the message names the source, the line and the problem."""


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    metric: str
    comparison: str
    threshold: float
    for_seconds: float = 0.0
    min_samples: int = 1
    keep_firing_for_seconds: float = 0.0
    window_seconds: float = 300.0
    labels: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    enabled: bool = True
    no_data: str = "keep_state"
    no_data_for_seconds: float = 600.0  # a gap this long raises the rule's no-data alert; 0: never
    # A metric that carries its standard error (accuracy_drop_points) holds only beyond this many of them too.
    standard_errors: float = 2.0

    @property
    def id(self) -> str:
        """One rule per (name, severity): `cpu:critical` and `cpu:warning` are two rules."""
        return f"{self.name}:{self.severity}"

    @property
    def spec(self) -> MetricSpec:
        return METRICS[self.metric]

    def rendered_description(self) -> str:
        """The description with {threshold}, {for}, {window}, {min_samples} filled from the rule in force,
        so an overridden threshold never keeps the default's number."""
        return render_description(self.description, self)

    def has_data(self, value: float | None, samples: int = 1) -> bool:
        """A value to judge: present, a number, and behind at least min_samples samples."""
        return value is not None and value == value and samples >= self.min_samples

    def holds(self, value: float | None, samples: int = 1, error: float | None = None) -> bool:
        """The condition, with the sample-size gate; no data is not "holds" (see has_data and no_data).
        `error`: the value's standard error, when its metric has one."""
        return value is not None and self.has_data(value, samples) and self.condition(value, error)

    def condition(self, value: float, error: float | None = None) -> bool:
        """Past the threshold and, when the value has a standard error, more than `standard_errors` of them
        from 0: a drop the window's sampling noise could make does not count."""
        beyond_noise = error is None or error != error or abs(value) > self.standard_errors * error
        return bool(COMPARISONS[self.comparison](value, self.threshold)) and beyond_noise

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "severity": self.severity,
            "metric": self.metric,
            "unit": self.spec.unit,
            "comparison": self.comparison,
            "threshold": self.threshold,
            "for_seconds": self.for_seconds,
            "keep_firing_for_seconds": self.keep_firing_for_seconds,
            "min_samples": self.min_samples,
            "window_seconds": self.window_seconds,
            "labels": dict(self.labels),
            "description": self.rendered_description(),
            "no_data": self.no_data,
            "no_data_for_seconds": self.no_data_for_seconds,
            "subjects": list(self.spec.subjects),
            "standard_errors": self.standard_errors,
        }


def duration_text(seconds: float) -> str:
    """Seconds as a Prometheus duration: 300 -> 5m, 90 -> 1m30s, 0.5 -> 500ms."""
    if seconds <= 0:
        return "0s"
    millis = round(seconds * 1000)
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        if millis >= size:
            parts.append(f"{millis // size}{unit}")
            millis %= size
    return "".join(parts)


def render_description(text: str, rule: Rule) -> str:
    """Fill a description's placeholders; raises ValueError naming an unknown one."""
    values = {
        "threshold": f"{rule.threshold:g}",
        "for": duration_text(rule.for_seconds),
        "window": duration_text(rule.window_seconds),
        "min_samples": str(rule.min_samples),
        "keep_firing_for": duration_text(rule.keep_firing_for_seconds),
        "standard_errors": f"{rule.standard_errors:g}",
    }
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"description {text!r}: unknown placeholder {exc}; known: {', '.join('{' + k + '}' for k in values)}"
        ) from None


def parse_duration(raw: object) -> float:
    """'5m', '90s', '1.5h', '0' or a number of seconds -> seconds."""
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a duration")
    if isinstance(raw, int | float):
        seconds = float(raw)
    else:
        match = _DURATION.fullmatch(str(raw))
        if not match:
            raise ValueError(f"{raw!r} is not a duration like '90s', '5m' or '1h'")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"]
    if seconds < 0:
        raise ValueError(f"{raw!r} is negative")
    return seconds


def _rule_lines(text: str) -> list[int]:
    """Line numbers (1-based) of each `[[rule]]` header, in order: tomllib gives no positions."""
    return [i for i, line in enumerate(text.splitlines(), 1) if re.match(r"^\s*\[\[\s*rule\s*\]\]", line)]


def _key_line(text: str, start: int, key: str) -> int:
    lines = text.splitlines()
    for i in range(start, len(lines) + 1):
        if i > start and re.match(r"^\s*\[", lines[i - 1]):
            break
        if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", lines[i - 1]):
            return i
    return start


_FIELDS = {
    "name",
    "severity",
    "metric",
    "comparison",
    "threshold",
    "for",
    "min_samples",
    "keep_firing_for",
    "window",
    "labels",
    "description",
    "enabled",
    "no_data",
    "no_data_for",
    "standard_errors",
}
# Labels Predwatch sets itself on every alert: a rule's `labels` may not override them.
RESERVED_LABELS = {"alertname", "rule", "severity", "instance", "model", "feature", "process"}


def _field_value(table: Mapping[str, Any], key: str) -> Any:
    value = table[key]
    if key in ("for", "keep_firing_for", "window", "no_data_for"):
        return parse_duration(value)
    if key == "severity" and value not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {value!r}")
    if key == "metric" and value not in METRICS:
        raise ValueError(f"unknown metric {value!r}; known: {', '.join(METRICS)}")
    if key == "comparison" and value not in COMPARISONS:
        raise ValueError(f"comparison must be one of {' '.join(COMPARISONS)}, not {value!r}")
    if key == "threshold" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"threshold must be a number, not {value!r}")
    if key == "standard_errors" and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0):
        raise ValueError(f"standard_errors must be a number >= 0, not {value!r}")
    if key == "min_samples" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"min_samples must be a whole number >= 1, not {value!r}")
    if key == "labels" and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
        raise ValueError("labels must be a table of strings")
    if key == "labels" and RESERVED_LABELS & set(value):
        raise ValueError(f"labels may not set {', '.join(sorted(RESERVED_LABELS & set(value)))}: Predwatch sets those itself")
    if key == "no_data" and value not in NO_DATA_MODES:
        raise ValueError(f"no_data must be one of {', '.join(NO_DATA_MODES)}, not {value!r}")
    if key in ("name", "description") and not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    if key == "description":
        render_description(value, Rule("x", "warning", "cpu_percent", ">", 0.0))
    if key == "enabled" and not isinstance(value, bool):
        raise ValueError("enabled must be true or false")
    return value


_ATTR = {
    "for": "for_seconds",
    "keep_firing_for": "keep_firing_for_seconds",
    "window": "window_seconds",
    "no_data_for": "no_data_for_seconds",
}


def _fields(table: Mapping[str, Any], text: str, source: str, line: int) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in table:
        where = f"{source} line {_key_line(text, line, key)}"
        if key not in _FIELDS:
            raise RulesError(f"{where}: unknown key {key!r}; known: {', '.join(sorted(_FIELDS))}")
        try:
            values[_ATTR.get(key, key)] = _field_value(table, key)
        except ValueError as exc:
            raise RulesError(f"{where}: {key}: {exc}") from None
    if not values.get("name") or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", values["name"]):
        raise RulesError(f"{source} line {line}: each rule needs a name of letters, digits and _")
    return values


def parse_rules(text: str, source: str = "rules", base: Sequence[Rule] = ()) -> list[Rule]:
    """Rules from one TOML text. A rule whose (name, severity) is in `base` only overrides the keys it
    gives; a new rule must give metric, comparison, threshold and severity."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{source}: {exc}") from None
    extra = set(doc) - {"rule"}
    if extra or not isinstance(doc.get("rule", []), list):
        raise RulesError(f"{source}: expected only [[rule]] tables, found {', '.join(sorted(extra)) or 'rule = ...'}")
    known = {r.id: r for r in base}
    lines = _rule_lines(text)
    out: list[Rule] = []
    for i, table in enumerate(doc.get("rule", [])):
        line = lines[i] if i < len(lines) else 1
        values = _fields(table, text, source, line)
        old = known.get(f"{values['name']}:{values.get('severity', 'warning')}")
        if old is not None:
            out.append(replace(old, **values))
            continue
        missing = [k for k in ("metric", "comparison", "threshold", "severity") if k not in values]
        if missing:
            raise RulesError(f"{source} line {line}: rule {values['name']!r} is new and lacks {', '.join(missing)}")
        out.append(Rule(**values))
    return out


def merge_rules(defaults: Iterable[Rule], overrides: Iterable[Rule]) -> list[Rule]:
    """The defaults with the user's rules laid over them by id; disabled rules dropped."""
    merged = {r.id: r for r in defaults}
    for rule in overrides:
        merged[rule.id] = rule
    return [r for r in merged.values() if r.enabled]


def load_rule_sources(sources: Sequence[tuple[str, str]]) -> list[Rule]:
    """(source name, text) pairs, the defaults first; later ones override earlier ones."""
    rules: list[Rule] = []
    for name, text in sources:
        rules = merge_rules(rules, parse_rules(text, name, rules))
    seen = [r.id for r in rules]
    if len(seen) != len(set(seen)):
        raise RulesError("two rules share a name and severity")
    return rules
