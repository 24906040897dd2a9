"""A full disk under the database: recognised from the error, remembered as one episode.

DuckDB reports it as an IOException ("No space left on device") on a WAL write, or as a FatalException when
an automatic checkpoint fails, after which the database instance is invalidated until it is reopened (the
Store does that, see Store._reopen). Either way nothing acknowledged is lost: a failed commit is not
acknowledged, and a committed one is in the WAL.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
_MARKS = ("no space left on device", "disk quota exceeded", "disk is full", "not enough space")


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return any(mark in text for mark in _MARKS)


MB = 1024 * 1024
SMALLEST_WRITE = MB  # the size assumed for a refused write when no committed write was bigger


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


class DiskFullWatch:
    """Whether the disk is too full for the writes that were refused, since when; one log line as an episode
    starts and one as it ends (a full disk fails every write many times a second: one traceback each is noise).

    A small write can succeed while a large one still fails (it fits in the space the failed one left), so a
    committed write ends an episode only when it is at least as big as the refused ones are estimated to be
    (the largest write committed before); otherwise the episode lasts until the free space exceeds what was
    free at the refusals by that size. Sizes are what a commit adds to the WAL."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._since: float | None = None  # time.time() of the first failure of the current episode
        self._reason: str | None = None
        self._free_at_refusal = 0  # the most bytes free when a write was refused in this episode
        self._refused_size = 0  # the estimated size of the refused writes
        self._largest_write = 0  # the biggest WAL growth of one committed write since the store opened
        self._lock = threading.Lock()

    @property
    def since(self) -> float | None:
        self._check_space()
        return self._since

    @property
    def reason(self) -> str | None:
        self._check_space()
        return self._reason

    @property
    def needed_bytes(self) -> int:
        """Free bytes that end the current episode (0 outside one)."""
        return self._free_at_refusal + self._refused_size if self._since is not None else 0

    def wal_bytes(self) -> int:
        try:
            return Path(str(self.path) + ".wal").stat().st_size
        except OSError:
            return 0

    def free_bytes(self) -> int:
        try:
            stat = os.statvfs(self.path.parent)
        except OSError:
            return 0
        return stat.f_bavail * stat.f_frsize

    def failed(self, exc: BaseException) -> bool:
        """Note a failed write; True when it failed because the disk is full."""
        if not is_disk_full(exc):
            return False
        free = self.free_bytes()
        # An invalidated database repeats its original error on every statement, whatever is free now.
        echo = "invalidated" in str(exc)
        with self._lock:
            starting = self._since is None
            if starting:
                self._since, self._free_at_refusal = time.time(), 0
            if not echo:
                self._free_at_refusal = max(self._free_at_refusal, free)
            self._refused_size = max(self._largest_write, SMALLEST_WRITE)
            self._reason = (
                f"disk full: {self.path} cannot grow (No space left on device); {_mb(free)} free, "
                f"writes stay refused until about {_mb(self.needed_bytes)} is"
            )
        if starting:
            log.error(
                "database %s: the disk is full; writes fail (ingest answers 507) until space is freed: %s",
                self.path,
                str(exc).splitlines()[0][:300],
            )
        return True

    def succeeded(self, wrote: int = 0) -> None:
        """Note a committed write that added `wrote` bytes to the WAL: ends an episode if that is as big
        as the refused writes."""
        with self._lock:
            self._largest_write = max(self._largest_write, wrote)
            big_enough = self._since is not None and wrote >= self._refused_size
        if big_enough:
            self._end(f"a write of {_mb(wrote)} succeeded")

    def _check_space(self) -> None:
        if self._since is not None and (free := self.free_bytes()) >= self.needed_bytes:
            self._end(f"{_mb(free)} is free")

    def _end(self, why: str) -> None:
        with self._lock:
            since, self._since, self._reason = self._since, None, None
        if since is not None:
            log.warning("database %s: writes succeed again after %.0f s of a full disk (%s)", self.path, time.time() - since, why)
