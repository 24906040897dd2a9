"""Predictions summed per 10 s bucket, so the latency and error-rate rules read a window as ~30 summed
buckets plus at most 10 s of raw rows at each end, whatever the traffic.

Two keepers of the same sums. The alerting pass holds the buckets of its longest window in memory
(`RecentBuckets`): each pass re-sums only the buckets that hold a prediction received after its
watermark (the newest `received_at` seen) less SETTLE, for rows stamped before it but committed after
it (an ingest request stamps its rows on arrival and commits them before it answers; the writer's
queue holds rows about a second). It reads and never writes: a write transaction every pass would
cost more than the reads it saves. The backtest reads `prediction_buckets` (migration 0011), rebuilt
with the minute rollups by the retention pass, so complete up to the rollups' `rolled_until`, and raw
rows after it.

Exactness: sums and counts are exact (up to float rounding), so the average latency and the error
percent equal the raw-row computation, at a window edge too; a row committed more than SETTLE after
its stamp is counted when its bucket is next re-summed (any newer row in it), else it is missed by the
live pass until it leaves the window (the profiles make the same bet with 30 s).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from data.store import Store

BUCKET = timedelta(seconds=10)
SETTLE = timedelta(seconds=10)
_EPOCH = datetime(1970, 1, 1)
_BUCKET_OF = "time_bucket(INTERVAL 10 SECOND, ts)"
SUMS = (
    "count(*) AS n, count(*) FILTER (status = 'error') AS n_err, count(*) FILTER (status = 'ok') AS n_ok, "
    "count(latency_seconds) FILTER (status = 'ok') AS n_lat, sum(latency_seconds) FILTER (status = 'ok') AS s"
)
# The stored buckets, rebuilt with the minute rollups. Parameters: since, until.
ROLLUP_SQL = f"SELECT {_BUCKET_OF}, {SUMS} FROM predictions WHERE ts >= ? AND ts < ? GROUP BY 1"


class Sums(NamedTuple):
    requests: int = 0
    errors: int = 0
    ok_requests: int = 0
    latency_count: int = 0
    latency_sum: float = 0.0

    def __add__(self, other: object) -> Sums:
        assert isinstance(other, Sums)
        return Sums(
            self.requests + other.requests,
            self.errors + other.errors,
            self.ok_requests + other.ok_requests,
            self.latency_count + other.latency_count,
            self.latency_sum + other.latency_sum,
        )

    @property
    def latency_avg(self) -> float | None:
        return self.latency_sum / self.latency_count if self.latency_count else None

    @property
    def error_percent(self) -> float | None:
        return 100.0 * self.errors / self.requests if self.requests else None


def _sums(row: tuple[Any, ...]) -> Sums:
    return Sums(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0), float(row[4] or 0.0))


def floor_bucket(ts: datetime) -> datetime:
    step = BUCKET.total_seconds()
    return _EPOCH + timedelta(seconds=(ts - _EPOCH).total_seconds() // step * step)


class Ranges(NamedTuple):
    """A read of (since, until]: whole buckets [lo, hi), raw rows in (since, lo) and [hi, until]. lo and
    hi are bucket starts (or both `until`), so no row is read twice."""

    since: datetime
    lo: datetime
    hi: datetime
    until: datetime


def ranges(since: datetime, until: datetime, covered_until: datetime | None) -> Ranges:
    """Where a read of (since, until] takes buckets complete up to `covered_until`, and where raw rows."""
    lo = floor_bucket(since) + BUCKET  # the first bucket starting after `since`
    hi = floor_bucket(min(until, covered_until or since))
    return Ranges(since, lo, hi, until) if lo < hi else Ranges(since, until, until, until)


def edge_sums(store: Store, r: Ranges) -> Sums:
    """The raw rows of a read's two ends."""
    row = store.fetch_one(
        "alert_buckets.edges",
        f"SELECT sum(n), sum(n_err), sum(n_ok), sum(n_lat), sum(s) FROM (SELECT {SUMS} FROM predictions WHERE ts > ? AND ts < ? "
        f"UNION ALL SELECT {SUMS} FROM predictions WHERE ts >= ? AND ts <= ?)",
        [r.since, r.lo, r.hi, r.until],
    )
    return _sums(row) if row else Sums()


class RecentBuckets:
    """The alerting pass's buckets of the last `span`, kept in memory and re-summed where rows arrived."""

    def __init__(self, store: Store, span: timedelta) -> None:
        self.store, self.span = store, span
        self.buckets: dict[datetime, Sums] = {}
        self.received: datetime | None = None  # the newest received_at summed
        self.until: datetime | None = None  # buckets before this are complete

    def refresh(self, now: datetime) -> int:
        """Re-sum the buckets rows arrived in since the last pass (the first: the whole span); returns how many."""
        start = floor_bucket(now - self.span)
        since: datetime | None
        if self.received is None:
            since = start
        else:
            dirty = self.store.fetch_all(
                "alert_buckets.dirty",
                f"SELECT min({_BUCKET_OF}), max({_BUCKET_OF}) FROM predictions WHERE received_at > ? AND ts >= ?",
                [self.received - SETTLE, start],
            )
            since = dirty[0][0] if dirty and dirty[0][0] is not None else None
        rows = []
        if since is not None:
            rows = self.store.fetch_all(
                "alert_buckets.recent",
                f"SELECT {_BUCKET_OF}, {SUMS}, max(received_at) FROM predictions WHERE ts >= ? GROUP BY 1",
                [since],
            )
        for row in rows:
            self.buckets[row[0]] = _sums(row[1:6])
            self.received = max(self.received or row[6], row[6])
        self.received = self.received or start
        self.buckets = {b: s for b, s in self.buckets.items() if b >= start}
        self.until = floor_bucket(now)
        return len(rows)

    def window_sums(self, since: datetime, until: datetime) -> Sums:
        """Requests, errors, ok requests and latency over (since, until]: buckets and the raw edges."""
        r = ranges(since, until, self.until)
        inside = [s for b, s in self.buckets.items() if r.lo <= b < r.hi]
        return sum(inside, Sums()) + edge_sums(self.store, r)


def stored_until(store: Store) -> datetime | None:
    """The stored buckets are complete before this: the minute rollups' last rebuild."""
    row = store.fetch_one("alert_buckets.until", "SELECT rolled_until FROM rollup_state WHERE name = 'minute'")
    return row[0] if row else None


# Per-bucket sums over a Ranges (bucket end as ts), for the backtest series. Parameters: lo, hi, since, lo, hi, until.
SERIES_BUCKETS = f"""
SELECT ts, sum(n) AS n, sum(n_err) AS n_err, sum(n_ok) AS n_ok, sum(n_lat) AS n_lat, sum(s) AS s FROM (
    SELECT ts + INTERVAL 10 SECOND AS ts, requests AS n, errors AS n_err, ok_requests AS n_ok, latency_count AS n_lat,
           latency_sum_seconds AS s
    FROM prediction_buckets WHERE ts >= ? AND ts < ?
    UNION ALL SELECT {_BUCKET_OF} + INTERVAL 10 SECOND, {SUMS} FROM predictions WHERE ts > ? AND ts < ? GROUP BY 1
    UNION ALL SELECT {_BUCKET_OF} + INTERVAL 10 SECOND, {SUMS} FROM predictions WHERE ts >= ? AND ts <= ? GROUP BY 1)
GROUP BY ts
"""


def series_params(r: Ranges) -> list[datetime]:
    return [r.lo, r.hi, r.since, r.lo, r.hi, r.until]
