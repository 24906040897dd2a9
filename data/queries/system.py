"""Reads of system, disk and process samples."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from data.queries import rollup_reads
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

TARGET_POINTS = 600


def bucket_seconds(since: datetime, until: datetime, target: int = TARGET_POINTS) -> int:
    """Whole seconds per chart point so a range gives about `target` points (at least 1 s)."""
    span = max(1.0, (until - since).total_seconds())
    return max(1, int(round(span / target)))


def latest_sample(store: Store) -> dict[str, Any] | None:
    rows = store.fetch_dicts("system.latest", "SELECT * FROM system_samples ORDER BY ts DESC LIMIT 1")
    return rows[0] if rows else None


def system_series(store: Store, since: datetime, until: datetime) -> pd.DataFrame:
    """Per-bucket means of the host sample between since and until, oldest first."""
    if resolution := rollup_reads.resolution_for(since, until):  # long ranges read the rollups
        return rollup_reads.system_series(store, since, until, resolution, TARGET_POINTS)
    step = bucket_seconds(since, until)
    return store.fetch_df(
        "system.series",
        """
        SELECT time_bucket(to_seconds(?), ts) AS ts,
               avg(cpu_percent) AS cpu_percent, avg(memory_percent) AS memory_percent,
               avg(swap_percent) AS swap_percent, avg(memory_used_bytes) AS memory_used_bytes,
               avg(disk_used_percent) AS disk_used_percent,
               avg(disk_read_bytes_per_second) AS disk_read_bytes_per_second,
               avg(disk_write_bytes_per_second) AS disk_write_bytes_per_second,
               avg(net_recv_bytes_per_second) AS net_recv_bytes_per_second,
               avg(net_sent_bytes_per_second) AS net_sent_bytes_per_second,
               avg(load_1m) AS load_1m, count(*) AS samples
        FROM system_samples WHERE ts >= ? AND ts <= ?
        GROUP BY 1 ORDER BY 1
        """,
        [step, since, until],
    )


def core_series(store: Store, since: datetime, until: datetime) -> pd.DataFrame:
    """Per-bucket mean CPU percent of each core: columns ts, core (0-based), cpu_percent."""
    if resolution := rollup_reads.resolution_for(since, until):
        return rollup_reads.core_series(store, since, until, resolution, TARGET_POINTS)
    step = bucket_seconds(since, until)
    return store.fetch_df(
        "system.cores",
        """
        SELECT time_bucket(to_seconds(?), ts) AS ts, core - 1 AS core, avg(pct) AS cpu_percent
        FROM (SELECT ts, unnest(cpu_per_core_percent) AS pct,
                     generate_subscripts(cpu_per_core_percent, 1) AS core
              FROM system_samples WHERE ts >= ? AND ts <= ?)
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        [step, since, until],
    )


def latest_disks(store: Store, within: timedelta = timedelta(minutes=5)) -> pd.DataFrame:
    """Each mount's newest use figures."""
    return store.fetch_df(
        "disk.latest",
        """
        SELECT mountpoint, device, total_bytes, used_bytes, used_percent, ts
        FROM disk_samples WHERE ts >= (SELECT max(ts) FROM disk_samples) - to_seconds(?)
        QUALIFY row_number() OVER (PARTITION BY mountpoint ORDER BY ts DESC) = 1
        ORDER BY mountpoint
        """,
        [within.total_seconds()],
    )


def disk_series(store: Store, since: datetime, until: datetime) -> pd.DataFrame:
    if resolution := rollup_reads.resolution_for(since, until):
        return rollup_reads.disk_series(store, since, until, resolution, TARGET_POINTS)
    step = bucket_seconds(since, until)
    return store.fetch_df(
        "disk.series",
        """
        SELECT time_bucket(to_seconds(?), ts) AS ts, mountpoint, avg(used_percent) AS used_percent
        FROM disk_samples WHERE ts >= ? AND ts <= ?
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        [step, since, until],
    )


def latest_processes(store: Store) -> list[dict[str, Any]]:
    """The newest sample of each watched process name."""
    return store.fetch_dicts(
        "process.latest",
        """
        SELECT name, pid, up, cpu_percent, rss_bytes, threads, open_files, ts
        FROM process_samples WHERE ts >= (SELECT max(ts) FROM process_samples) - INTERVAL 1 MINUTE
        QUALIFY row_number() OVER (PARTITION BY name ORDER BY ts DESC) = 1
        ORDER BY name
        """,
    )


def sample_count(store: Store) -> int:
    row = store.fetch_one("system.count", "SELECT count(*) FROM system_samples")
    return int(row[0]) if row else 0
