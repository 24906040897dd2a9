"""Host sample every interval: CPU (total and per core), memory, swap, disk use per mount,
disk and network byte rates, load average, and the watched processes."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import datetime

import psutil

from collectors.processes import ProcessWatcher

# Pseudo and image filesystems; an overlay is kept only as the root (a container's "/").
_SKIP_FSTYPES = {"squashfs", "tmpfs", "devtmpfs", "overlay", "proc", "sysfs", "cgroup", "cgroup2"}


class SystemCollector:
    name = "system"

    def __init__(
        self, interval: float = 1.0, watch_processes: Sequence[str] = (), partitions_refresh_seconds: float = 60.0
    ) -> None:
        self.interval = interval
        self.processes = ProcessWatcher(watch_processes)
        self.partitions_refresh_seconds = partitions_refresh_seconds
        self._partitions: list[tuple[str, str]] = []
        self._partitions_at = -float("inf")
        self._last_counters: tuple[float, object, object] | None = None
        psutil.cpu_percent(percpu=True)  # the first call only primes psutil's counters

    def _mounts(self) -> list[tuple[str, str]]:
        if time.monotonic() - self._partitions_at > self.partitions_refresh_seconds:
            seen: dict[str, str] = {}
            for part in psutil.disk_partitions(all=False):
                real = part.fstype not in _SKIP_FSTYPES or part.mountpoint == "/"
                if real and part.device not in seen:
                    seen[part.device] = part.mountpoint
            self._partitions = [(mount, device) for device, mount in seen.items()]
            self._partitions_at = time.monotonic()
        return self._partitions

    def _disks(self, now: datetime) -> list[tuple]:
        rows = []
        for mount, device in self._mounts():
            try:
                use = psutil.disk_usage(mount)
            except OSError:
                continue
            if use.total:
                rows.append((now, mount, device, use.total, use.used, use.percent))
        return rows

    def _rates(self) -> tuple[float | None, float | None, float | None, float | None]:
        """Bytes per second since the previous sample (None on the first)."""
        stamp, disk, net = time.monotonic(), psutil.disk_io_counters(), psutil.net_io_counters()
        previous, self._last_counters = self._last_counters, (stamp, disk, net)
        if previous is None:
            return None, None, None, None
        dt = stamp - previous[0]
        if dt <= 0:
            return None, None, None, None

        def rate(new: object, old: object, field: str) -> float | None:
            if new is None or old is None:
                return None
            return max(0.0, (getattr(new, field) - getattr(old, field)) / dt)

        return (
            rate(disk, previous[1], "read_bytes"),
            rate(disk, previous[1], "write_bytes"),
            rate(net, previous[2], "bytes_recv"),
            rate(net, previous[2], "bytes_sent"),
        )

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        per_core = psutil.cpu_percent(percpu=True)
        mem, swap = psutil.virtual_memory(), psutil.swap_memory()
        disks = self._disks(now)
        read, write, recv, sent = self._rates()
        load = os.getloadavg() if hasattr(os, "getloadavg") else (None, None, None)
        sample = (
            now,
            sum(per_core) / len(per_core),
            list(per_core),
            mem.percent,
            mem.used,
            mem.available,
            mem.total,
            swap.percent,
            swap.used,
            max((d[5] for d in disks), default=None),
            read,
            write,
            recv,
            sent,
            *load,
        )
        return {"system_samples": [sample], "disk_samples": disks, "process_samples": self.processes.sample(now)}
