"""Alert state on /metrics: `alerts_firing{rule,severity,model,feature,process}` and `alerts_pending{...}`
(0 or 1; one series per alert subject, the subject labels empty for host and prediction rules),
`alert_transitions_total{rule,severity,state}`, and the values the rules watch under the names and
labels the exported Prometheus rules use (`cpu_percent`, `drift_psi_max{model,feature}`, ...), as of
the last evaluation. `drift_psi_max` carries every feature with a fresh PSI and `feature_importance_rank`
each feature's rank, so the exported rule ranks in PromQL: no series comes and goes with the ranking."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from analytics.alert_lifecycle import FIRING, PENDING, AlertState
from analytics.alert_rules import METRICS, Rule, subject_labels
from data.queries.alert_metrics import SubjectValue, subject_text
from data.queries.drift_ranks import RankedDrift
from telemetry.metrics import SCRAPED, alert_transitions_counter, family, labelled

# The unwindowed metrics: PromQL reads these gauges (METRICS[...].promql); windowed ones come from
# Predwatch's prediction counters and histograms.
VALUE_GAUGES = [name for name, spec in METRICS.items() if not spec.windowed]
# A value's standard error beside it, for the exported rule's k-standard-errors test: gauge -> its metric.
ERROR_GAUGES = {spec.error_gauge: name for name, spec in METRICS.items() if spec.error_gauge}
SUBJECT_LABELS = SCRAPED["alerts_firing"][2][2:]  # model, feature, process
Values = Mapping[str, Sequence[SubjectValue]]  # metric -> each subject's value


def _subject_values(subject: str | None) -> list[str]:
    labels = subject_labels(subject)
    return [labels.get(name, "") for name in SUBJECT_LABELS]


class AlertGauges(Collector):
    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = list(rules)
        self._lock = threading.Lock()
        self._states: dict[tuple[str, str | None], str] = {}
        self._values: dict[str, list[SubjectValue]] = {}
        self._ranks: list[tuple[str, str, int]] = []  # model, feature, rank
        self.transitions = alert_transitions_counter()  # exposed through collect() below

    def update(
        self, states: Mapping[tuple[str, str | None], AlertState], values: Values, drift: Sequence[RankedDrift] = ()
    ) -> None:
        """`drift`: every feature's PSI and rank; its PSI replaces the top five's in `drift_psi_max`."""
        with self._lock:
            self._states = {key: s.state for key, s in states.items()}
            self._values = {
                k: [SubjectValue(r.subject, float(r.value)) for r in rows] for k, rows in values.items() if k in VALUE_GAUGES
            }
            for gauge, metric in ERROR_GAUGES.items():
                self._values[gauge] = [SubjectValue(r.subject, r.error) for r in values.get(metric, ()) if r.error is not None]
            if drift:
                every = [SubjectValue(subject_text(model=d.model, feature=d.feature), d.psi) for d in drift if d.psi is not None]
                self._values["drift_psi_max"] = every
            self._ranks = [(d.model, d.feature, d.rank) for d in drift if d.rank is not None]

    def _alert_families(self, states: dict[tuple[str, str | None], str]) -> Iterator[Metric]:
        firing, pending = labelled(GaugeMetricFamily, "alerts_firing"), labelled(GaugeMetricFamily, "alerts_pending")
        for rule in self._rules:
            subjects = {s for (rule_id, s) in states if rule_id == rule.id} | {None}  # a 0 series for every rule
            for subject in sorted(subjects, key=lambda s: s or ""):
                state = states.get((rule.id, subject))
                labels = [rule.name, rule.severity, *_subject_values(subject)]
                firing.add_metric(labels, 1.0 if state == FIRING else 0.0)
                pending.add_metric(labels, 1.0 if state == PENDING else 0.0)
        yield firing
        yield pending

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            states, values, ranks = dict(self._states), dict(self._values), list(self._ranks)
        yield from self._alert_families(states)
        yield from self.transitions.collect()
        rank = labelled(GaugeMetricFamily, "feature_importance_rank")
        for model, feature, place in ranks:
            rank.add_metric([model, feature], place)
        yield rank
        for name in [*VALUE_GAUGES, *ERROR_GAUGES]:
            if not values.get(name):
                continue
            spec = METRICS[ERROR_GAUGES.get(name, name)]
            unit = f" ({spec.unit})" if spec.unit else ""
            help_text = f"{spec.description}{unit}, as the alert rules last saw it"
            if name in ERROR_GAUGES:
                help_text = f"the standard error of {help_text}"
            if not spec.subjects:
                yield family(name, values[name][0].value, help_text)
                continue
            gauge = labelled(GaugeMetricFamily, name, help_text, spec.subjects)
            for reading in values[name]:
                labels = subject_labels(reading.subject)
                gauge.add_metric([labels.get(k, "") for k in spec.subjects], reading.value)
            yield gauge
