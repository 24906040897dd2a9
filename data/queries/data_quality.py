"""The counts behind the data-quality checks (rules in analytics/data_quality.py), and reads of
their stored results. Each check answers (offending, checked, example id[, extra])."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from data.store import Store


class Counts(NamedTuple):
    offending: int
    checked: int
    example_id: str | None  # one offending row's id


class Flagged(NamedTuple):
    """Counts with what the offending rows have in common (features, example categories)."""

    offending: int
    checked: int
    example_id: str | None
    detail: str | None


class Volume(NamedTuple):
    rows: int  # in the window
    baseline_rows: int  # in the windows before it
    baseline_seconds: float  # of those, the seconds that have data


def _counts(row: tuple[Any, ...] | None) -> Counts:
    if row is None:
        return Counts(0, 0, None)
    return Counts(int(row[0] or 0), int(row[1] or 0), row[2])


def missing_features(store: Store, since: datetime, until: datetime) -> Counts:
    """Successful predictions with a null feature value or fewer features than their model's others
    (numbers and nulls in prediction_features, categories in prediction_categories)."""
    return _counts(
        store.fetch_one(
            "quality.missing_features",
            """
        WITH p AS (SELECT id, model FROM predictions WHERE status = 'ok' AND ts >= ? AND ts <= ?),
             v AS (SELECT id, feature, value IS NOT NULL AS valued FROM prediction_features WHERE ts >= ? AND ts <= ?
                   UNION ALL SELECT id, feature, true FROM prediction_categories WHERE ts >= ? AND ts <= ?),
             f AS (SELECT p.id, p.model, count(v.feature) AS present, count(*) FILTER (v.valued) AS valued
                   FROM p LEFT JOIN v ON v.id = p.id GROUP BY p.id, p.model),
             e AS (SELECT model, max(present) AS expected FROM f GROUP BY model)
        SELECT count(*) FILTER (f.valued < e.expected), count(*), min(f.id) FILTER (f.valued < e.expected)
        FROM f JOIN e USING (model)
        """,
            [since, until] * 3,
        )
    )  # a feature's rows share their prediction's ts: the range finds them all


def out_of_range(
    store: Store, since: datetime, until: datetime, reference_since: datetime, tolerance: float, min_rows: int
) -> Flagged:
    """Finite values outside the (widened) range each model's feature had before `since`."""
    row = store.fetch_one(
        "quality.out_of_range",
        """
        WITH ref AS (SELECT model, feature, min(value) AS lo, max(value) AS hi FROM prediction_features
                     WHERE ts >= ? AND ts < ? AND isfinite(value) GROUP BY ALL HAVING count(*) >= ?),
             cur AS (SELECT f.id, f.feature, (f.value < r.lo - (r.hi - r.lo) * ?
                                               OR f.value > r.hi + (r.hi - r.lo) * ?) AS outside
                     FROM prediction_features f JOIN ref r USING (model, feature)
                     WHERE f.ts >= ? AND f.ts <= ? AND isfinite(f.value))
        SELECT count(*) FILTER (outside), count(*), min(id) FILTER (outside),
               string_agg(DISTINCT feature, ', ' ORDER BY feature) FILTER (outside)
        FROM cur
        """,
        [reference_since, since, min_rows, tolerance, tolerance, since, until],
    )
    return Flagged(*_counts(row), row[3] if row else None)


def unseen_categories(store: Store, since: datetime, until: datetime) -> Flagged:
    """Values of a categorical feature that its model's reference never had (profiled as "other"), with up
    to 5 examples as feature=category."""
    row = store.fetch_one(
        "quality.unseen_categories",
        """
        WITH r AS (SELECT DISTINCT model, feature FROM model_reference_categories),
             c AS (SELECT c.id, c.feature, c.category, k.category IS NULL AS unseen
                   FROM prediction_categories c SEMI JOIN r USING (model, feature)
                   LEFT JOIN model_reference_categories k
                   ON k.model = c.model AND k.feature = c.feature AND k.category = c.category
                   WHERE c.ts >= ? AND c.ts <= ?)
        SELECT count(*) FILTER (unseen), count(*), min(id) FILTER (unseen),
               (SELECT string_agg(x, ', ' ORDER BY x) FROM (SELECT DISTINCT feature || '=' || left(category, 40) AS x
                                                         FROM c WHERE unseen ORDER BY x LIMIT 5))
        FROM c
        """,
        [since, until],
    )
    return Flagged(*_counts(row), row[3] if row else None)


def non_finite_features(store: Store, since: datetime, until: datetime) -> Counts:
    return _counts(
        store.fetch_one(
            "quality.non_finite_features",
            """
        SELECT count(*) FILTER (NOT isfinite(value)), count(*), min(id) FILTER (NOT isfinite(value))
        FROM prediction_features WHERE ts >= ? AND ts <= ?
        """,
            [since, until],
        )
    )


def non_finite_predictions(store: Store, since: datetime, until: datetime) -> Counts:
    """NaN or infinite scores and latencies."""
    bad = "(NOT isfinite(score) OR NOT isfinite(latency_seconds))"
    return _counts(
        store.fetch_one(
            "quality.non_finite_predictions",
            f"""
        SELECT count(*) FILTER ({bad}), count(*), min(id) FILTER ({bad})
        FROM predictions WHERE ts >= ? AND ts <= ?
        """,
            [since, until],
        )
    )


def duplicate_ids(store: Store, since: datetime, until: datetime) -> Counts:
    """Prediction ids logged twice: `predictions` refuses them by key, the feature table cannot."""
    return _counts(
        store.fetch_one(
            "quality.duplicate_ids",
            """
        SELECT count(DISTINCT id) FILTER (n > 1), count(DISTINCT id), min(id) FILTER (n > 1)
        FROM (SELECT id, feature, count(*) AS n FROM prediction_features
              WHERE ts >= ? AND ts <= ? GROUP BY id, feature)
        """,
            [since, until],
        )
    )


def score_range(store: Store, since: datetime, until: datetime) -> Counts:
    bad = "(isfinite(score) AND (score < 0 OR score > 1))"
    return _counts(
        store.fetch_one(
            "quality.score_range",
            f"""
        SELECT count(*) FILTER ({bad}), count(score), min(id) FILTER ({bad})
        FROM predictions WHERE ts >= ? AND ts <= ?
        """,
            [since, until],
        )
    )


def timestamp_range(store: Store, since: datetime, now: datetime, future_skew_seconds: float, max_age_seconds: float) -> Counts:
    """Predictions received in the window whose own timestamp is in the future or long past."""
    bad = "(ts > ? + to_seconds(?) OR ts < ? - to_seconds(?))"
    bounds = [now, future_skew_seconds, now, max_age_seconds]
    return _counts(
        store.fetch_one(
            "quality.timestamp_range",
            f"""
        SELECT count(*) FILTER {bad}, count(*), min(id) FILTER {bad}
        FROM predictions WHERE received_at >= ? AND received_at <= ?
        """,
            [*bounds, *bounds, since, now],
        )
    )


def orphan_outcomes(store: Store, since: datetime, until: datetime) -> Counts:
    """Outcomes received in the window whose prediction id was never logged."""
    return _counts(
        store.fetch_one(
            "quality.orphan_outcomes",
            """
        SELECT count(*) FILTER (p.id IS NULL), count(*), min(o.id) FILTER (p.id IS NULL)
        FROM outcomes o LEFT JOIN predictions p ON p.id = o.id
        WHERE o.received_at >= ? AND o.received_at <= ?
        """,
            [since, until],
        )
    )


def overdue_labels(store: Store, since: datetime, until: datetime, labelled_since: datetime) -> Counts:
    """Successful predictions made in [since, until] (already past the label delay) still without an
    outcome, among models that do receive outcomes (a shadow model that never gets labels is not late)."""
    return _counts(
        store.fetch_one(
            "quality.overdue_labels",
            """
        WITH labelled AS (SELECT DISTINCT p.model FROM predictions p JOIN outcomes o ON o.id = p.id
                          WHERE p.ts >= ?)
        SELECT count(*) FILTER (o.id IS NULL), count(*), min(p.id) FILTER (o.id IS NULL)
        FROM predictions p JOIN labelled USING (model) LEFT JOIN outcomes o ON o.id = p.id
        WHERE p.status = 'ok' AND p.ts >= ? AND p.ts <= ?
        """,
            [labelled_since, since, until],
        )
    )


def volume(store: Store, since: datetime, until: datetime, baseline_since: datetime) -> Volume:
    """Rows in the window; rows in [baseline_since, since) and the seconds of it that have data."""
    row = store.fetch_one(
        "quality.volume",
        """
        SELECT count(*) FILTER (ts >= ? AND ts <= ?), count(*) FILTER (ts >= ? AND ts < ?),
               date_diff('millisecond', greatest(min(ts), ?::TIMESTAMP), ?::TIMESTAMP) / 1000.0
        FROM predictions WHERE ts >= ? AND ts <= ?
        """,
        [since, until, baseline_since, since, baseline_since, since, baseline_since, until],
    )
    if row is None:
        return Volume(0, 0, 0.0)
    return Volume(int(row[0] or 0), int(row[1] or 0), max(0.0, float(row[2] or 0.0)))


# -- stored results ----------------------------------------------------------------------------
COLUMNS = ("ts", "check_name", "table_name", "passed", "offending", "example_id", "detail", "checked_rows")


def latest_results(store: Store) -> list[dict[str, Any]]:
    """The newest result of every (check, table)."""
    return store.fetch_dicts(
        "quality.latest",
        f"""
        SELECT {", ".join(COLUMNS)} FROM quality_checks
        WHERE ts >= (SELECT max(ts) FROM quality_checks) - INTERVAL 1 DAY
        QUALIFY row_number() OVER (PARTITION BY check_name, table_name ORDER BY ts DESC) = 1
        ORDER BY check_name, table_name
        """,
    )


def history(store: Store, since: datetime, check: str | None, limit: int) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "quality.history",
        f"""
        SELECT {", ".join(COLUMNS)} FROM quality_checks WHERE ts >= ? AND (? IS NULL OR check_name = ?)
        ORDER BY ts DESC, check_name LIMIT ?
        """,
        [since, check, check, limit],
    )


class CheckResult(Protocol):
    """The fields of analytics.data_quality.QualityResult that a quality_checks row keeps (data/ does not
    import analytics/: rooms on one line stay independent)."""

    @property
    def check_name(self) -> str: ...
    @property
    def table_name(self) -> str: ...
    @property
    def passed(self) -> bool: ...
    @property
    def offending(self) -> int: ...
    @property
    def example_id(self) -> str | None: ...
    @property
    def detail(self) -> str: ...
    @property
    def checked_rows(self) -> int: ...


# ts, check_name, table_name, passed, offending, example_id, detail, checked_rows (quality_checks' column order)
CheckRow = tuple[datetime, str, str, bool, int, str | None, str, int]


def rows_of(results: Sequence[CheckResult], now: datetime) -> list[CheckRow]:
    """quality_checks rows from the checks' results."""
    return [(now, r.check_name, r.table_name, r.passed, r.offending, r.example_id, r.detail, r.checked_rows) for r in results]


def default_history_since(now: datetime, hours: int = 24) -> datetime:
    return now - timedelta(hours=hours)
