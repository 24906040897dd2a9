"""Alert state on /metrics: `alerts_firing{rule,severity}` and `alerts_pending{rule,severity}` (0 or 1),
`alert_transitions_total{rule,severity,state}`, and the values the rules watch under the names the
exported Prometheus rules use (`cpu_percent`, ...), as of the last evaluation."""
from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence

from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from analytics.alert_lifecycle import FIRING, PENDING, AlertState
from analytics.alert_rules import METRICS, Rule
from telemetry.metrics import alert_transitions_counter, family

# The unwindowed metrics: PromQL reads these gauges (METRICS[...].promql); windowed ones come from
# Predwatch's prediction counters and histograms.
VALUE_GAUGES = [name for name, spec in METRICS.items() if not spec.windowed]


class AlertGauges(Collector):
    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = list(rules)
        self._lock = threading.Lock()
        self._states: dict[str, str] = {}
        self._values: dict[str, float] = {}
        self.transitions = alert_transitions_counter()  # exposed through collect() below

    def update(self, states: Mapping[str, AlertState], values: Mapping[str, float]) -> None:
        with self._lock:
            self._states = {rule_id: s.state for rule_id, s in states.items()}
            self._values = {k: float(v) for k, v in values.items() if k in VALUE_GAUGES}

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            states, values = dict(self._states), dict(self._values)
        firing, pending = family("alerts_firing"), family("alerts_pending")
        for rule in self._rules:
            state = states.get(rule.id)
            firing.add_metric([rule.name, rule.severity], 1.0 if state == FIRING else 0.0)
            pending.add_metric([rule.name, rule.severity], 1.0 if state == PENDING else 0.0)
        yield firing
        yield pending
        yield from self.transitions.collect()
        for name in VALUE_GAUGES:
            if name in values:
                yield family(name, values[name], f"{METRICS[name].description} ({METRICS[name].unit}), "
                                                 "as the alert rules last saw it")
