"""The system collector on this machine's real psutil readings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime

import psutil

from collectors.processes import OWN_NAME, ProcessWatcher
from collectors.system import SystemCollector

NOW = datetime(2026, 11, 27, 12, 0, 0)
SYSTEM_COLUMNS = 17


def test_sample_has_every_column_and_sane_values() -> None:
    collector = SystemCollector(watch_processes=())
    first = collector.collect(NOW)["system_samples"][0]
    assert first[10] is None  # no rate before a previous sample
    time.sleep(0.2)
    batch = collector.collect(NOW)
    (sample,) = batch["system_samples"]
    assert len(sample) == SYSTEM_COLUMNS
    ts, cpu, cores, mem_pct, mem_used, mem_avail, mem_total = sample[:7]
    assert ts == NOW
    assert 0.0 <= cpu <= 100.0
    assert len(cores) == psutil.cpu_count()
    assert all(0 <= c <= 100 for c in cores)
    assert cpu == sum(cores) / len(cores)
    assert 0 < mem_pct < 100
    assert 0 < mem_used < mem_total == psutil.virtual_memory().total
    assert all(rate is not None and rate >= 0 for rate in sample[10:14])
    assert sample[14:] == tuple(os.getloadavg())
    mounts = {row[1] for row in batch["disk_samples"]}
    assert "/" in mounts or mounts, "at least one real filesystem is sampled"
    assert sample[9] == max(row[5] for row in batch["disk_samples"])


def test_own_process_is_always_reported() -> None:
    rows = SystemCollector().collect(NOW)["process_samples"]
    own = [r for r in rows if r[1] == OWN_NAME]
    assert len(own) == 1
    _, _, pid, up, cpu, rss, threads, fds = own[0]
    assert pid == os.getpid()
    assert up is True
    assert rss > 10_000_000
    assert threads >= 1
    assert fds > 0


def test_watched_process_goes_down_and_a_missing_one_is_reported_down() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        name = psutil.Process(child.pid).name()
        watcher = ProcessWatcher([name, "no-such-process-xyz"], rescan_seconds=0.0)
        rows = {r[1]: r for r in watcher.sample(NOW)}
        assert rows[name][3] is True
        assert child.pid in {p.pid for p in watcher._matches[name]}
        assert rows["no-such-process-xyz"][2:4] == (None, False)
    finally:
        child.kill()
        child.wait()
    others = [p for p in watcher._matches[name] if p.pid != child.pid]
    rows = {r[1]: r for r in watcher.sample(NOW)}
    assert child.pid not in {p.pid for p in watcher._matches[name]}
    assert rows[name][3] is bool(others)


def test_process_table_is_not_rescanned_every_sample() -> None:
    watcher = ProcessWatcher(["no-such-process-xyz"], rescan_seconds=3600, refresh_seconds=3600)
    for _ in range(5):
        watcher.sample(NOW)
    assert watcher.scans == 1
