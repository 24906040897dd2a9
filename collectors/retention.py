"""The retention job: keeps the rollups current and the store bounded (see data/retention.py)."""

from __future__ import annotations

import logging
from datetime import datetime

from data.retention import RetentionPolicy, RetentionReport, run_pass
from data.store import Store

log = logging.getLogger(__name__)


class RetentionCollector:
    name = "retention"

    def __init__(self, store: Store, policy: RetentionPolicy, interval: float = 60.0) -> None:
        self.store, self.policy, self.interval = store, policy, interval
        self.last_report: RetentionReport | None = None

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        """Works on the store directly (rebuilds and deletes are set operations, not rows to queue)."""
        self.last_report = run_pass(self.store, self.policy, now)
        deleted = {k: v for k, v in self.last_report.deleted.items() if v}
        if deleted:
            log.info("retention: deleted %s in %.2f s", deleted, self.last_report.seconds)
        return {}
