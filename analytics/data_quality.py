"""Data-quality rules: pure functions from counts (computed in SQL by data/queries/data_quality.py)
to pass/fail results. No I/O; thresholds come in as a QualityConfig."""

from __future__ import annotations

from dataclasses import dataclass

CHECKS = (
    "missing_features",
    "out_of_range",
    "non_finite",
    "duplicate_ids",
    "score_range",
    "timestamp_range",
    "orphan_outcomes",
    "overdue_labels",
    "volume_drop",
    "unseen_categories",
)


@dataclass(frozen=True)
class QualityConfig:
    window_seconds: float = 900.0  # rows received this long ago and since are checked
    label_delay_seconds: float = 600.0  # outcomes are expected within this delay
    overdue_max_share: float = 0.2  # share of labelled models' predictions allowed to stay unlabelled
    range_tolerance: float = 0.1  # reference range widened by this share of its span on each side
    range_max_share: float = 0.01  # share of values allowed outside the widened range
    reference_min_rows: int = 50  # a feature needs this many reference values for a range
    future_skew_seconds: float = 300.0  # clocks may run this far ahead
    max_age_seconds: float = 30 * 86400.0  # a newly received prediction older than this is suspect
    orphan_grace_seconds: float = 60.0  # an outcome may arrive this long before its prediction is stored
    volume_min_ratio: float = 0.5  # fail when volume falls below this share of its recent rate
    volume_min_baseline: float = 20.0  # ...and only when the baseline expects at least this many rows


@dataclass(frozen=True)
class QualityResult:
    check_name: str
    table_name: str
    passed: bool
    offending: int
    example_id: str | None
    detail: str
    checked_rows: int = 0


def count_rule(
    check: str, table: str, offending: int, checked: int, example_id: str | None, what: str, max_share: float = 0.0
) -> QualityResult:
    """Pass when at most `max_share` of the checked rows offend (none at all when it is 0)."""
    offending, checked = int(offending or 0), int(checked or 0)
    passed = offending == 0 or (max_share > 0 and offending <= max_share * checked)
    share = f" ({offending / checked:.1%} of {checked})" if checked else ""
    detail = f"{offending} {what}{share}" + ("" if passed or max_share == 0 else f"; allowed {max_share:.1%}")
    return QualityResult(check, table, passed, offending, None if offending == 0 else example_id, detail, checked)


def volume_rule(
    current: int, baseline_rows: int, baseline_seconds: float, window_seconds: float, config: QualityConfig
) -> QualityResult:
    """A sudden drop: this window's rows vs the rate of the windows before it."""
    if baseline_seconds < window_seconds:
        return QualityResult(
            "volume_drop", "predictions", True, 0, None, f"{current} rows; not enough history for a baseline yet", current
        )
    expected = baseline_rows * window_seconds / baseline_seconds
    if expected < config.volume_min_baseline:
        return QualityResult(
            "volume_drop", "predictions", True, 0, None, f"{current} rows; baseline {expected:.0f} is too small to judge", current
        )
    passed = current >= config.volume_min_ratio * expected
    missing = 0 if passed else int(round(expected - current))
    return QualityResult(
        "volume_drop",
        "predictions",
        passed,
        missing,
        None,
        f"{current} rows vs {expected:.0f} expected from the recent rate",
        current,
    )


def index_usage(idx_scan: int | None, table_scans: int | None, rare_share: float = 0.01) -> str:
    """'unused' (never scanned), 'rare' (under `rare_share` of its table's scans) or 'used'."""
    used, total = int(idx_scan or 0), int(table_scans or 0)
    if used == 0:
        return "unused"
    return "rare" if total and used < rare_share * total else "used"


def scan_ratio(rows_scanned: int | None, rows_returned: int | None) -> float | None:
    """Rows read per row returned (1 is ideal; thousands means a whole-table scan for a few rows)."""
    if rows_scanned is None:
        return None
    return float(rows_scanned) / max(1, int(rows_returned or 0))
