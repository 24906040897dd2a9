"""/metrics for the database, built at scrape time: the query-duration histogram (from the store's own counters, so the
query path never touches prometheus_client; per query family, on coarser bounds, so its series stay few), cursor pool
figures, file sizes, and the newest data-quality and PostgreSQL readings that the collectors leave in a DatabaseState."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from data.queries.database import file_sizes
from data.query_timing import BUCKETS_SECONDS, HistogramSnapshot
from data.store import Store
from state.databases import DatabaseState
from telemetry.metrics import DB_QUERY_BUCKETS, family, labelled

PG_STATES = ("active", "idle", "idle_in_transaction")
# Tables whose size follows traffic (raw rows and their per-minute profiles): each is its own series on
# /metrics; every other table (references, evaluations, tiers, state, ~40 and growing with each feature) is
# summed into table="other", so the series stay bounded. The Database page lists every table.
TRAFFIC_TABLES = frozenset(
    {
        "predictions", "prediction_features", "prediction_classes", "prediction_probabilities", "outcomes",
        "outcome_values", "outcome_classes", "prediction_buckets", "system_samples", "process_samples",
        "service_samples", "disk_samples", "db_samples", "score_profile", "feature_profile", "category_profile",
        "class_prob_profile", "class_score_profile", "multiclass_profile", "regression_profile",
        "regression_error_profile", "multivariate_profile", "model_evaluations", "feature_drift",
    }
)  # fmt: skip
# Each exported bound's index in the store's bounds: the store's buckets up to it are merged into it.
_BOUND_AT = [BUCKETS_SECONDS.index(b) for b in DB_QUERY_BUCKETS]


def query_family(name: str) -> str:
    """`profiles.minutes` -> `profiles`: names are `<family>.<query>` by convention."""
    return name.split(".", 1)[0]


def family_buckets(snaps: list[HistogramSnapshot]) -> tuple[list[tuple[str, float]], float]:
    """Several queries' histograms as one, on DB_QUERY_BUCKETS: cumulative (le, count) pairs and the sum."""
    per_bound = [sum(counts) for counts in zip(*(s.buckets for s in snaps), strict=True)]
    cumulative = [sum(per_bound[: i + 1]) for i in range(len(per_bound))]
    pairs = [(str(bound), float(cumulative[i])) for bound, i in zip(DB_QUERY_BUCKETS, _BOUND_AT, strict=True)]
    return [*pairs, ("+Inf", float(cumulative[-1]))], sum(s.sum_seconds for s in snaps)


class DatabaseMetrics(Collector):
    def __init__(self, store: Store, state: DatabaseState) -> None:
        self.store = store
        self.state = state

    def _histogram(self) -> HistogramMetricFamily:
        histogram = labelled(HistogramMetricFamily, "db_query_duration_seconds")
        families: dict[str, list[HistogramSnapshot]] = {}
        for name, snap in self.store.timings.histograms().items():
            families.setdefault(query_family(name), []).append(snap)
        for name, snaps in sorted(families.items()):
            buckets, total = family_buckets(snaps)
            histogram.add_metric([name], buckets, total)
        return histogram

    def _store(self) -> Iterator[Metric]:
        yield family("db_cursor_pool_size", value=self.store.pool_size)
        yield family("db_cursor_waits", value=self.store.cursor_waits)
        sizes = file_sizes(self.store.path)
        yield family("db_file_size_bytes", value=sizes.db_bytes)
        yield family("db_wal_size_bytes", value=sizes.wal_bytes)
        yield family("db_disk_full", value=1.0 if self.store.disk.since is not None else 0.0)
        rows = labelled(GaugeMetricFamily, "db_table_rows")
        size = labelled(GaugeMetricFamily, "db_table_size_bytes")
        other = [0, 0]
        # an empty table (another task's) says nothing about capacity: no series for it
        for table in (t for t in self.state.tables if t.get("row_count")):
            if table["table_name"] not in TRAFFIC_TABLES:
                other = [other[0] + (table.get("row_count") or 0), other[1] + (table.get("size_bytes") or 0)]
                continue
            rows.add_metric([table["table_name"]], table.get("row_count") or 0)
            size.add_metric([table["table_name"]], table.get("size_bytes") or 0)
        if self.state.tables:
            rows.add_metric(["other"], other[0])
            size.add_metric(["other"], other[1])
        yield rows
        yield size

    def _quality(self) -> Iterator[Metric]:
        passed = labelled(GaugeMetricFamily, "data_quality_check_passed")
        offending = labelled(GaugeMetricFamily, "data_quality_offending_rows")
        for result in self.state.quality:
            labels = [result.check_name, result.table_name]
            passed.add_metric(labels, 1.0 if result.passed else 0.0)
            offending.add_metric(labels, result.offending)
        yield passed
        yield offending

    def _postgres(self) -> Iterator[Metric]:
        up = labelled(GaugeMetricFamily, "postgres_up")
        conns = labelled(GaugeMetricFamily, "postgres_connections")
        limit = labelled(GaugeMetricFamily, "postgres_max_connections")
        hit = labelled(GaugeMetricFamily, "postgres_cache_hit_ratio")
        size = labelled(GaugeMetricFamily, "postgres_database_size_bytes")
        for target, s in sorted(self.state.postgres.items()):
            up.add_metric([target], 1.0 if s.get("up") else 0.0)
            if not s.get("up"):
                continue
            for state in PG_STATES:
                conns.add_metric([target, state], s.get(f"connections_{state}") or 0)
            limit.add_metric([target], s.get("max_connections") or 0)
            if s.get("cache_hit_ratio") is not None:
                hit.add_metric([target], s["cache_hit_ratio"])
            size.add_metric([target], s.get("database_size_bytes") or 0)
        yield from (up, conns, limit, hit, size)

    def collect(self) -> Iterator[Metric]:
        yield self._histogram()
        yield from self._store()
        yield from self._quality()
        yield from self._postgres()
