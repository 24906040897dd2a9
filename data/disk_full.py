"""A full disk under the database: recognised from the error, remembered as one episode.

DuckDB reports it as an IOException ("No space left on device") on a WAL write, or as a FatalException when
an automatic checkpoint fails, after which the database instance is invalidated until it is reopened (the
Store does that, see Store._reopen). Either way nothing acknowledged is lost: a failed commit is not
acknowledged, and a committed one is in the WAL.
"""

from __future__ import annotations

import errno
import logging
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


class DiskFullWatch:
    """Whether the last write failed for want of space, since when; one log line as an episode starts and
    one as it ends (a full disk fails every write many times a second: one traceback each is noise)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.since: float | None = None  # time.time() of the first failure of the current episode
        self.reason: str | None = None
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> bool:
        """Note a failed write; True when it failed because the disk is full."""
        if not is_disk_full(exc):
            return False
        with self._lock:
            starting = self.since is None
            if starting:
                self.since = time.time()
                self.reason = f"disk full: {self.path} cannot grow (No space left on device)"
        if starting:
            log.error(
                "database %s: the disk is full; writes fail (ingest answers 507) until space is freed: %s",
                self.path,
                str(exc).splitlines()[0][:300],
            )
        return True

    def succeeded(self) -> None:
        """Note a committed write: ends an episode."""
        if self.since is None:
            return
        with self._lock:
            since, self.since, self.reason = self.since, None, None
        if since is not None:
            log.warning("database %s: writes succeed again after %.0f s of a full disk", self.path, time.time() - since)
