"""In-memory health of the running components (collectors, writer, store), for the health
route and the Overview page. Components report; readers take a snapshot."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    status: str = "starting"  # starting | ok | warning | critical | stopped
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    error: str | None = None
    consecutive_failures: int = 0
    runs: int = 0
    failures: int = 0
    optional: bool = False  # an optional data source (Prometheus): failing, it is a warning, never critical


class StatusBoard:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, ComponentStatus] = {}

    def register(self, name: str, optional: bool = False) -> None:
        with self._lock:
            self._items.setdefault(name, ComponentStatus(name, optional=optional))

    def success(self, name: str, now: datetime) -> None:
        with self._lock:
            old = self._items.get(name, ComponentStatus(name))
            self._items[name] = replace(
                old,
                status="ok",
                last_success=now,
                last_attempt=now,
                error=None,
                consecutive_failures=0,
                runs=old.runs + 1,
            )

    def failure(self, name: str, now: datetime, error: str) -> None:
        with self._lock:
            old = self._items.get(name, ComponentStatus(name))
            failures = old.consecutive_failures + 1
            self._items[name] = replace(
                old,
                status="critical" if failures >= 3 and not old.optional else "warning",
                last_attempt=now,
                error=error,
                consecutive_failures=failures,
                runs=old.runs + 1,
                failures=old.failures + 1,
            )

    def stopped(self, name: str) -> None:
        with self._lock:
            if name in self._items:
                self._items[name] = replace(self._items[name], status="stopped")

    def snapshot(self) -> dict[str, ComponentStatus]:
        with self._lock:
            return dict(self._items)
