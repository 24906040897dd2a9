"""Every metric Predwatch exposes on /metrics, declared in one place with its help text and labels.

Each app gets its own `CollectorRegistry`, so tests can build many apps in one process. Metrics the
code updates as things happen are prometheus_client objects built by `Telemetry` (and the alert
transitions counter below); metrics computed when `/metrics` is scraped (writer counters, database,
alert and fleet state) are declared in `SCRAPED` and built through `family()` by the collectors of
telemetry/writer.py, database.py, alerts.py and fleet.py, which telemetry/exposition.py registers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector

# Without this every counter and histogram also exposes a `_created` gauge (its creation time), which
# Prometheus stores as one more series each: 34 of an instance's ~1,490 with the demo, carrying no data.
disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated

# A system pass takes ~0.1-1 ms, an evaluation pass up to seconds; HTTP requests ~1 ms to seconds. Collection
# passes get 6 bounds (7 buckets x ~8 collectors), not 12: their order of magnitude is what a pass time tells,
# and the 48 series it saved keep /metrics under its bound with the demo's multiclass model.
COLLECT_BUCKETS = (0.0005, 0.0025, 0.01, 0.05, 0.25, 2.5)
HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Store queries on /metrics: a bounds subset of data.query_timing.BUCKETS_SECONDS (merged exactly), per
# family (the query name before its first dot): about 100 names x 17 buckets was 60 % of an instance's series.
DB_QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.01, 0.05, 0.25, 1.0, 5.0)

# Their constructors take different arguments (a histogram has no single `value`): held as callables that
# build a Metric; labelled() returns the exact kind, whose `add_metric` the type checker then knows.
_FAMILIES: dict[str, Callable[..., Metric]] = {
    "counter": CounterMetricFamily,
    "gauge": GaugeMetricFamily,
    "histogram": HistogramMetricFamily,
}
Family = TypeVar("Family", CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily)

# name -> (type, help, labels) of the metrics computed at scrape time.
SCRAPED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "writer_rows_written": ("counter", "Rows the writer has stored", ()),
    "writer_dropped": ("counter", "Rows dropped because the writer queue was full", ()),
    "writer_rejected": ("counter", "Rows the store refused (set aside so the others are stored)", ()),
    "writer_failures": ("counter", "Writer flushes that failed (their rows are retried)", ()),
    "db_query_duration_seconds": (
        "histogram",
        "Store query time by query family (the query name before its first dot: alerts, profiles, ...)",
        ("family",),
    ),
    "db_cursor_pool_size": ("gauge", "Store cursors opened (one per thread)", ()),
    "db_cursor_waits": ("counter", "Times a thread waited for the store's cursor pool", ()),
    "db_file_size_bytes": ("gauge", "Size of the DuckDB file", ()),
    "db_wal_size_bytes": ("gauge", "Size of the DuckDB write-ahead log", ()),
    "db_disk_full": (
        "gauge",
        "1 while writes are refused for want of disk space (the store component is critical), until the refused size fits",
        (),
    ),
    "db_table_rows": ("gauge", "Rows per traffic table (newest sample); the other tables summed as table=other", ("table",)),
    "db_table_size_bytes": ("gauge", "On-disk bytes per traffic table; the other tables summed as table=other", ("table",)),
    "data_quality_check_passed": ("gauge", "1 when the newest data-quality check passed", ("check", "table")),
    "data_quality_offending_rows": ("gauge", "Rows the newest data-quality check flagged", ("check", "table")),
    "postgres_up": ("gauge", "1 when the watched PostgreSQL answered its last poll", ("target",)),
    "postgres_connections": ("gauge", "Client connections by state", ("target", "state")),
    "postgres_max_connections": ("gauge", "max_connections setting", ("target",)),
    "postgres_cache_hit_ratio": ("gauge", "Share of block reads served from shared buffers", ("target",)),
    "postgres_database_size_bytes": ("gauge", "Size of the watched database", ("target",)),
    "alerts_firing": (
        "gauge",
        "1 while the rule's alert about the subject is firing",
        ("rule", "severity", "model", "feature", "process"),
    ),
    "alerts_pending": (
        "gauge",
        "1 while the rule's alert about the subject is pending",
        ("rule", "severity", "model", "feature", "process"),
    ),
    "feature_importance_rank": (
        "gauge",
        "A feature's rank by its newest importance within its model (1 = most important; the drift rule watches 1-5)",
        ("model", "feature"),
    ),
    # Fleet-mergeable model quality (telemetry/fleet.py): running totals that only grow, so instances'
    # series can be summed by deploy/fleet-rules.yml into fleet AUC, accuracy and PSI.
    "model_score": (
        "histogram",
        "Labelled predictions by score (50 fixed buckets on [0, 1]) and outcome, counted when the outcome arrives",
        ("model", "outcome"),
    ),
    "model_score_bucket_lower": (
        "gauge",
        "1 for each model_score bucket: `upper` is its le, `lower` the le of "
        "the bucket below it (the fleet rules take per-bucket counts with it)",
        ("upper", "lower"),
    ),
    "model_labelled_predictions": (
        "counter",
        "Labelled predictions by predicted label and outcome",
        ("model", "predicted", "outcome"),
    ),
    "model_regression_abs_error": (
        "histogram",
        "A regression model's labelled predictions by |prediction - label| (buckets at every second decade, 0.01 to 1e8; "
        "the sum is the sum of |error|)",
        ("model",),
    ),
    "model_regression_squared_error": (
        "counter",
        "Sum of (prediction - label)^2 over a regression model's labelled predictions",
        ("model",),
    ),
    "model_class_labelled": (
        "counter",
        "A multiclass model's labelled predictions per class (its first 10 classes, the others as __other__): "
        "kind true (its true class), predicted, or correct",
        ("model", "class", "kind"),
    ),
    "model_feature_value": (
        "histogram",
        "Feature values in the model's reference PSI decile bins (le = the decile edges; the score as feature __score__)",
        ("model", "feature"),
    ),
    "model_feature_reference_share": (
        "gauge",
        "Share of the model's reference sample in the PSI bin (lower, upper]",
        ("model", "feature", "upper", "lower"),
    ),
    # plus one gauge per unwindowed alert metric (cpu_percent, ...), named, described and labelled
    # (model, feature, process: MetricSpec.subjects) by analytics.alert_rules.METRICS, "as the alert
    # rules last saw it"
}


def family(name: str, value: float | None = None, help_text: str | None = None, labels: tuple[str, ...] = ()) -> Metric:
    """A metric family for a name declared in `SCRAPED` (labels from the declaration; `labels` for
    a gauge declared elsewhere, as the alert metrics are)."""
    kind, text, labels = SCRAPED.get(name, ("gauge", help_text or name, labels))
    if value is not None:
        return _FAMILIES[kind](name, help_text or text, value=value)
    return _FAMILIES[kind](name, help_text or text, labels=list(labels))


def labelled(kind: type[Family], name: str, help_text: str | None = None, labels: tuple[str, ...] = ()) -> Family:
    """An empty labelled family of `kind` for a name declared in `SCRAPED` as that kind (`help_text` and
    `labels` for a gauge declared elsewhere): typed, so its `add_metric` is the kind's own."""
    declared, text, labels = SCRAPED.get(name, ("gauge", help_text or name, labels))
    if _FAMILIES[declared] is not kind:
        raise TypeError(f"{name} is declared a {declared}, not a {kind.__name__}")
    return kind(name, help_text or text, labels=list(labels))


@dataclass
class ModelMetrics:
    """The bound children for one model."""

    ok: Counter
    error: Counter
    duration: Histogram
    inference: Histogram


class PredictionMetrics:
    """Metrics of the prediction path. Label children are bound once per model, so the hot path pays
    one `observe`/`inc` each (~0.7 µs) instead of a `.labels()` lookup (~1.6 µs)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.total = Counter(
            "predictions_total", "Predictions by model and status (ok or error)", ["model", "status"], registry=registry
        )
        self.errors = Counter(
            "prediction_errors_total", "Failed predictions by model and error kind", ["model", "kind"], registry=registry
        )
        self.duration = Histogram(
            "prediction_duration_seconds", "Whole prediction request time", ["model"], buckets=LATENCY_BUCKETS, registry=registry
        )
        self.inference = Histogram(
            "model_prediction_latency_seconds", "Model inference time only", ["model"], buckets=LATENCY_BUCKETS, registry=registry
        )
        self.in_flight = Gauge("predictions_in_flight", "Prediction requests being served now", registry=registry)
        self.active_models = Gauge("active_models", "Models serving predictions", registry=registry)
        self.outcomes = Counter(
            "outcomes_total", "Ground-truth labels received, by kind (matched or orphan)", ["kind"], registry=registry
        )
        self._bound: dict[str, ModelMetrics] = {}

    def bind_active_models(self, count: Callable[[], float]) -> None:
        self.active_models.set_function(count)

    def model(self, name: str) -> ModelMetrics:
        bound = self._bound.get(name)
        if bound is None:
            bound = self._bound[name] = ModelMetrics(
                self.total.labels(name, "ok"),
                self.total.labels(name, "error"),
                self.duration.labels(name),
                self.inference.labels(name),
            )
        return bound

    def served(self, name: str, count: int, seconds: float, inference: bool) -> None:
        """`count` predictions of `seconds` each served outside the predict path (the demo's regression and
        multiclass models). The inference histogram only when they had an inference time: bound but never
        observed, it is 17 series of zeros (the regression demo is a closed form)."""
        if inference:
            bound = self.model(name)
            ok, duration, infer = bound.ok, bound.duration, bound.inference
        else:
            ok, duration, infer = self.total.labels(name, "ok"), self.duration.labels(name), None
            self.total.labels(name, "error")  # 0 errors, shown: an error rate reads both
        ok.inc(count)
        for _ in range(count):  # one request each, as the predict path observes one per call
            duration.observe(seconds)
            if infer is not None:
                infer.observe(seconds)

    def failed(self, model: str, kind: str, count: int = 1) -> None:
        self.model(model).error.inc(count)
        self.errors.labels(model, kind).inc(count)


class QualityMetrics:
    """Gauges of the latest model evaluation, set by the evaluation job after each pass; an undefined
    figure removes its series (no NaN)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.auc = Gauge(
            "model_auc", "Latest ROC AUC of a model over an evaluation window", ["model", "window_seconds"], registry=registry
        )
        self.accuracy = Gauge(
            "model_accuracy",
            "Latest accuracy (0-1) of a model's labelled predictions",
            ["model", "window_seconds"],
            registry=registry,
        )
        self.psi = Gauge(
            "feature_psi",
            "Latest population stability index of a feature against the reference",
            ["model", "feature", "window_seconds"],
            registry=registry,
        )

    @staticmethod
    def put(gauge: Gauge, value: float | None, *labels: str) -> None:
        if value is None:
            try:
                gauge.remove(*labels)
            except KeyError:
                pass
        else:
            gauge.labels(*labels).set(value)


def alert_transitions_counter() -> Counter:
    """Not in any registry by itself: the alert gauges expose it through their collect()."""
    return Counter(
        "alert_transitions", "Alert lifecycle transitions, by the state entered", ["rule", "severity", "state"], registry=None
    )


class Telemetry:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        if GC_COLLECTOR is not None:
            GCCollector(registry=r)
        self.scrape_duration = Histogram(
            "scrape_duration_seconds",
            "Time of one collection pass, by collector",
            ["collector"],
            buckets=COLLECT_BUCKETS,
            registry=r,
        )
        self.collector_errors = Counter(
            "collector_errors_total", "Collection passes that raised, by collector", ["collector"], registry=r
        )
        self.queue_length = Gauge("queue_length", "Rows waiting in the writer queue", registry=r)
        self.active_connections = Gauge("active_connections", "Store cursors executing a statement", registry=r)
        self.http_requests = Counter(
            "http_requests_total", "HTTP requests by route, method and status", ["route", "method", "status"], registry=r
        )
        self.http_duration = Histogram(
            "http_request_duration_seconds", "HTTP request time by route", ["route"], buckets=HTTP_BUCKETS, registry=r
        )
        self.predictions = PredictionMetrics(r)
        self.quality = QualityMetrics(r)

    def bind_state(self, queue_length: Callable[[], float], active_cursors: Callable[[], float]) -> None:
        """Make the state metrics read live values at scrape time."""
        self.queue_length.set_function(queue_length)
        self.active_connections.set_function(active_cursors)
