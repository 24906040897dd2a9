"""Health of named processes. A full `process_iter` costs ~3-7 ms, so matches are cached and
the process table is rescanned only when a watched name has no live process, at most every
`rescan_seconds`, or every `refresh_seconds` to pick up new workers."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import datetime

import psutil

OWN_NAME = "predwatch"


class ProcessWatcher:
    def __init__(
        self, names: Sequence[str], own_pid: int | None = None, rescan_seconds: float = 10.0, refresh_seconds: float = 60.0
    ) -> None:
        self.names = tuple(dict.fromkeys(names))
        self.own = psutil.Process(own_pid or os.getpid())
        self.own.cpu_percent(None)
        self.rescan_seconds = rescan_seconds
        self.refresh_seconds = refresh_seconds
        self._matches: dict[str, list[psutil.Process]] = {name: [] for name in self.names}
        self._last_scan = -float("inf")
        self.scans = 0

    def _scan(self) -> None:
        found: dict[str, list[psutil.Process]] = {name: [] for name in self.names}
        for proc in psutil.process_iter(["name"]):
            name = proc.info.get("name")
            if name in found and proc.pid != self.own.pid:
                proc.cpu_percent(None)
                found[name].append(proc)
        self._matches = found
        self._last_scan = time.monotonic()
        self.scans += 1

    def _maybe_scan(self) -> None:
        if not self.names:
            return
        age = time.monotonic() - self._last_scan
        missing = any(not procs for procs in self._matches.values())
        if age >= self.refresh_seconds or (missing and age >= self.rescan_seconds):
            self._scan()

    def sample(self, now: datetime) -> list[tuple]:
        self._maybe_scan()
        rows = [_row(now, OWN_NAME, [self.own])]
        for name in self.names:
            alive = [p for p in self._matches[name] if p.is_running()]
            self._matches[name] = alive
            rows.append(_row(now, name, alive))
        return rows


def _row(now: datetime, name: str, procs: list[psutil.Process]) -> tuple:
    """One row per name, summed over its processes: (ts, name, pid, up, cpu, rss, threads, fds)."""
    cpu = rss = threads = fds = 0.0
    live = []
    for proc in procs:
        try:
            with proc.oneshot():
                cpu += proc.cpu_percent(None)
                rss += proc.memory_info().rss
                threads += proc.num_threads()
                fds += proc.num_fds() if hasattr(proc, "num_fds") else 0
            live.append(proc.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    if not live:
        return (now, name, None, False, None, None, None, None)
    return (now, name, min(live), True, cpu, int(rss), int(threads), int(fds))
