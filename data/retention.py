"""One retention pass: bring the minute and hour rollups up to now, then delete raw rows and rollups
older than their retention, then checkpoint so the file stays bounded.

Rollups are rebuilt over a trailing settle window on every pass, because outcomes (labels) and late
ingested predictions keep arriving for recent minutes; raw rows inside that window are never deleted,
so a rebuilt minute always sees all of its raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter

from data.queries import fleet_counts, multiclass, profile_tiers, regression_profiles
from data.queries import rollups as q
from data.store import Store
from settings import Settings

CHUNK = timedelta(days=7)  # a first pass over a long history commits a week at a time


@dataclass(frozen=True)
class RetentionPolicy:
    system_hours: float = 48.0
    predictions_days: float = 30.0
    minute_days: float = 90.0
    hour_days: float = 730.0
    settle_seconds: float = 3600.0

    @classmethod
    def from_settings(cls, s: Settings) -> RetentionPolicy:
        return cls(
            s.retention_system_hours,
            s.retention_predictions_days,
            s.retention_minute_days,
            s.retention_hour_days,
            max(3600.0, 2 * s.label_delay),
        )


@dataclass
class RetentionReport:
    rolled_rows: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    checkpointed: bool = False
    seconds: float = 0.0


def floor_to(ts: datetime, seconds: int) -> datetime:
    epoch = datetime(1970, 1, 1)
    return epoch + timedelta(seconds=int((ts - epoch).total_seconds() // seconds * seconds))


def roll_up(store: Store, since: datetime, until: datetime) -> int:
    """Rebuild minute then hour rollups over [since, until), widened to whole hours, a day per transaction."""
    since, until = floor_to(since, q.HOUR), floor_to(until, q.HOUR) + timedelta(hours=1)
    written, start = 0, since
    while start < until:
        end = min(until, start + CHUNK)
        written += q.rebuild(store, q.MINUTE, start, end) + q.rebuild(store, q.HOUR, start, end)
        start = end
    return written


def cutoffs(policy: RetentionPolicy, now: datetime) -> dict[str, datetime]:
    """Rows older than these are due for deletion; raw rows inside the settle window never are."""
    settle = now - timedelta(seconds=policy.settle_seconds)
    return {
        "system": min(settle, now - timedelta(hours=policy.system_hours)),
        "predictions": min(settle, now - timedelta(days=policy.predictions_days)),
        "minute": now - timedelta(days=policy.minute_days),
        "hour": now - timedelta(days=policy.hour_days),
    }


def run_pass(store: Store, policy: RetentionPolicy, now: datetime) -> RetentionReport:
    started = perf_counter()
    report = RetentionReport()
    rolled_until = q.state(store).get("minute")
    if rolled_until is None:
        since = q.raw_bounds(store)[0] or now
    else:
        since = min(rolled_until, now) - timedelta(seconds=policy.settle_seconds)
    report.rolled_rows = roll_up(store, since, now)
    q.set_state(store, "minute", now, now)
    due = cutoffs(policy, now)
    report.deleted.update(q.delete_before(store, q.RAW_SYSTEM, due["system"]))
    report.deleted.update(q.delete_before(store, q.RAW_PREDICTIONS, due["predictions"]))
    report.deleted.update(q.delete_before(store, (*multiclass.RAW_TABLES, *multiclass.ANSWER_TABLES), due["predictions"]))
    report.deleted.update(fleet_counts.delete_before(store, due["predictions"], multiclass.TABLES))
    report.deleted.update(fleet_counts.delete_before(store, due["predictions"], regression_profiles.TABLES))
    report.deleted.update(q.delete_before(store, (*q.RAW_EVALUATIONS, "multivariate_drift"), due["predictions"]))
    # Minute profiles go with the raw rows they summarise (per minute they are nearly as many at low
    # traffic), with their share of the fleet totals' upkeep; their hour and day tiers stay as long as
    # the hourly rollups.
    report.deleted.update(fleet_counts.delete_before(store, due["predictions"]))
    report.deleted.update(profile_tiers.delete_before(store, due["hour"]))
    for name, resolution in (("minute", q.MINUTE), ("hour", q.HOUR)):
        for table, count in q.delete_before(store, q.ROLLUP_TABLES, due[name], resolution).items():
            report.deleted[f"{table}:{name}"] = count
    if any(report.deleted.values()):
        report.checkpointed = q.checkpoint(store)
    q.set_state(store, "retention", due["system"], now)
    report.seconds = perf_counter() - started
    return report


def lag_seconds(store: Store, now: datetime) -> float | None:
    """How far the rollups trail now (None before the first pass); raw rows cannot be deleted past them."""
    rolled_until = q.state(store).get("minute")
    return None if rolled_until is None else max(0.0, (now - rolled_until).total_seconds())
