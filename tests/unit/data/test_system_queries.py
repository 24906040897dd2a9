"""System queries on a temporary DuckDB: bucketing, per-core unnesting, latest rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from data.queries import system as q
from data.store import Store
from data.writer import Writer

T0 = datetime(2026, 11, 27, 12, 0, 0)


def sample(i: int, cpu: float, cores: list[float]) -> tuple:
    return (T0 + timedelta(seconds=i), cpu, cores, 50.0, 1, 1, 2, 0.0, 0, 40.0, 1.0, 2.0, 3.0, 4.0, 0.1, 0.2, 0.3)


def test_bucket_seconds_targets_about_600_points() -> None:
    assert q.bucket_seconds(T0, T0 + timedelta(minutes=5)) == 1
    assert q.bucket_seconds(T0, T0 + timedelta(hours=1)) == 6
    assert q.bucket_seconds(T0, T0 + timedelta(hours=24)) == 144


def test_series_averages_within_buckets_and_respects_the_range(store: Store) -> None:
    Writer(store).write_now({"system_samples": [sample(i, float(i), [float(i), 0.0]) for i in range(3600)]})
    df = q.system_series(store, T0, T0 + timedelta(hours=1))
    assert len(df) == 600
    assert df["samples"].sum() == 3600
    assert df["cpu_percent"].iloc[0] == pytest.approx(sum(range(6)) / 6)
    part = q.system_series(store, T0 + timedelta(seconds=100), T0 + timedelta(seconds=109))
    assert part["samples"].sum() == 10
    assert part["cpu_percent"].mean() == pytest.approx(104.5)
    cores = q.core_series(store, T0, T0 + timedelta(seconds=59))
    assert sorted(cores["core"].unique()) == [0, 1]
    assert cores[cores.core == 1]["cpu_percent"].eq(0.0).all()
    assert cores[cores.core == 0]["cpu_percent"].mean() == pytest.approx(29.5)


def test_latest_sample_processes_and_disks(store: Store) -> None:
    assert q.latest_sample(store) is None
    assert q.latest_processes(store) == []
    w = Writer(store)
    w.write_now(
        {
            "system_samples": [sample(0, 1.0, [1.0]), sample(5, 9.0, [9.0])],
            "process_samples": [
                (T0, "a", 1, True, 1.0, 10, 1, 1),
                (T0 + timedelta(seconds=5), "a", 1, False, None, None, None, None),
                (T0 + timedelta(seconds=5), "b", 2, True, 2.0, 20, 2, 2),
            ],
            "disk_samples": [(T0, "/", "sda", 100, 10, 10.0), (T0 + timedelta(seconds=5), "/", "sda", 100, 20, 20.0)],
        }
    )
    latest = q.latest_sample(store)
    assert latest["cpu_percent"] == 9.0
    assert latest["cpu_per_core_percent"] == [9.0]
    procs = q.latest_processes(store)
    assert [(p["name"], p["up"]) for p in procs] == [("a", False), ("b", True)]
    disks = q.latest_disks(store)
    assert disks.to_dict("records")[0]["used_percent"] == 20.0
    assert len(disks) == 1
    assert q.sample_count(store) == 2
