"""/metrics counts that make model quality mergeable across a fleet, built at scrape time from
the running totals of data/queries/fleet_counts.py (kept in DuckDB, so they only grow, across retention
and restarts too). The evaluation pass brings the totals up to date right after its profile refresh; a
scrape only reads them (no write transaction on a read), and rebuilds the families only when the totals'
version changed since the last scrape; every other scrape reuses them. deploy/fleet-rules.yml sums them
by (model, le) over instances into fleet AUC, accuracy and PSI.

Per model: `model_score` (50 fixed buckets x outcome positive|negative, with _count and _sum: 106
series), `model_labelled_predictions` (predicted x outcome: 4). Per feature with a reference (the score
too, as `__score__`): `model_feature_value` buckets at the distinct PSI decile edges plus +Inf (at most
10) and `model_feature_reference_share` per bin (at most 10). Per instance: 50 `model_score_bucket_lower`.
A model's score histograms exist from its first profiled prediction (zeros until an outcome arrives, so
increase() counts the first outcomes too). A model without reference edges exports no feature
histogram (/api/drift says why).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import cast

import numpy as np
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from data.queries import fleet_counts as fc
from data.queries import fleet_task_counts as ftc
from data.queries import model_tasks
from data.store import Store
from telemetry.metrics import labelled

# floatToGoString carries no annotations in prometheus_client: it writes a bound as the `le` label does
# (0.5, 1e+06, +Inf), so these labels match the ones prometheus_client's own histograms write.
_go_float = cast(Callable[[float], str], floatToGoString)
OUTCOMES = {1: "positive", 0: "negative"}
SCORE_LE = [_go_float(edge) for edge in fc.SCORE_EDGES]
ERROR_LE = [*(_go_float(10.0**d) for d in ftc.DECADES), "+Inf"]
ERROR_KEYS = [*(str(d) for d in ftc.DECADES), ftc.TOP]
CLASS_KINDS = {"class_true": "true", "class_predicted": "predicted", "class_correct": "correct"}


class FleetMetrics(Collector):
    def __init__(self, store: Store) -> None:
        self.store = store
        self._cached: tuple[str, list[Metric]] | None = None
        self._lock = threading.Lock()

    def collect(self) -> Iterator[Metric]:
        """The families of the stored totals, rebuilt only when the totals were updated since the last scrape."""
        with self._lock:  # one scrape at a time rebuilds; the others wait and reuse its families
            version = fc.version(self.store)
            if self._cached is None or self._cached[0] != version:
                self._cached = (version, [*self._scores(), *self._features(), *self._tasks()])
            families = self._cached[1]
        yield from families

    def _scores(self) -> list[Metric]:
        lower = labelled(GaugeMetricFamily, "model_score_bucket_lower")
        for le, below in zip([*SCORE_LE[1:], "+Inf"], SCORE_LE, strict=True):
            lower.add_metric([le, below], 1.0)
        lower.add_metric([SCORE_LE[0], "0.0"], 1.0)
        histogram = labelled(HistogramMetricFamily, "model_score")
        by_label = labelled(CounterMetricFamily, "model_labelled_predictions")
        counts: dict[str, np.ndarray] = {}
        sums: dict[str, np.ndarray] = {}
        # score histograms by outcome are a binary classifier's; another task's rows may have reached the score
        # profile before its task was recorded (the demo writes its task through the writer queue)
        recorded = model_tasks.tasks(self.store)
        for t in fc.score_totals(self.store):
            if model_tasks.task_of(recorded, t.model) != "binary":
                continue
            of_model = counts.setdefault(t.model, np.zeros((2, 2, fc.SCORE_BUCKETS), dtype=np.int64))
            of_model[t.outcome, t.predicted, t.bucket] += t.n
            sums.setdefault(t.model, np.zeros(2))[t.outcome] += t.score_sum
        for model, c in counts.items():
            for outcome, name in OUTCOMES.items():
                cumulative = np.cumsum(c[outcome].sum(axis=0))
                buckets = [*zip(SCORE_LE, cumulative.tolist(), strict=True), ("+Inf", int(cumulative[-1]))]
                histogram.add_metric([model, name], buckets, float(sums[model][outcome]))
                for predicted, predicted_name in OUTCOMES.items():
                    by_label.add_metric([model, predicted_name, name], float(c[outcome, predicted].sum()))
        return [histogram, by_label, lower]

    def _features(self) -> list[Metric]:
        histogram = labelled(HistogramMetricFamily, "model_feature_value")
        shares = labelled(GaugeMetricFamily, "model_feature_reference_share")
        references = fc.reference_bins(self.store)
        totals: dict[tuple[str, str], np.ndarray] = {}
        for f in fc.feature_totals(self.store):
            if 0 <= f.psi_bin < 10:
                totals.setdefault((f.model, f.feature), np.zeros(10, dtype=np.int64))[f.psi_bin] += f.n
        for key, ref in sorted(references.items()):
            le = [_go_float(float(e)) for e in ref.edge] + ["+Inf"]
            bin_of = np.searchsorted(ref.pb_at, np.arange(10), side="left")  # PSI bin -> le bin
            current = np.bincount(bin_of, weights=totals.get(key, np.zeros(10)), minlength=len(le))
            reference = np.bincount(bin_of, weights=ref.reference, minlength=len(le))
            histogram.add_metric(list(key), list(zip(le, np.cumsum(current).tolist(), strict=True)), None)
            total = reference.sum()
            for j, (upper, below) in enumerate(zip(le, ["-Inf", *le[:-1]], strict=True)):
                shares.add_metric([*key, upper, below], float(reference[j] / total) if total else 0.0)
        return [histogram, shares]

    def _tasks(self) -> list[Metric]:
        """Regression |error| histograms and squared-error sums; multiclass per-class counts (every kind of a
        class seen, zeros too, so the fleet rules' per-class F1 finds all three)."""
        errors = labelled(HistogramMetricFamily, "model_regression_abs_error")
        squared = labelled(CounterMetricFamily, "model_regression_squared_error")
        classes = labelled(CounterMetricFamily, "model_class_labelled")
        found: dict[str, dict[tuple[str, str], float]] = {}
        for t in ftc.task_totals(self.store):
            found.setdefault(t.model, {})[t.series, t.key] = t.value
        for model, values in sorted(found.items()):
            if ("labelled", "") in values:
                counts = np.cumsum([values.get(("abs_error_bucket", k), 0.0) for k in ERROR_KEYS])
                errors.add_metric([model], list(zip(ERROR_LE, counts.tolist(), strict=True)), values[("abs_error_sum", "")])
                squared.add_metric([model], values.get(("squared_error_sum", ""), 0.0))
            names = sorted({key for series, key in values if series in CLASS_KINDS})
            for name in names:
                for series, kind in CLASS_KINDS.items():
                    classes.add_metric([model, name, kind], values.get((series, name), 0.0))
        return [errors, squared, classes]
