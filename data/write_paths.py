"""Every way Predwatch changes its database, in one place.

Rows that arrive as things happen (host samples, predictions, evaluations) go through the writer's
queue (`data/writer.py`): the hot path only appends, one thread inserts them in batches. Everything
else that writes names one of the purposes below when it opens `Store.transaction(purpose)` or
calls `Store.execute(purpose, ...)`, with the reason it cannot wait in the queue. A read method
(`fetch_*`) refuses a statement that changes data, so a write cannot slip in as a read.
"""

from __future__ import annotations

import re

WRITE_PATHS: dict[str, str] = {
    "writer": "the writer thread's batched insert of queued rows, and `Writer.write_now` for a caller that "
    "must see its rows stored before it goes on (a model's reference sample, before its bins)",
    "ingest": "an ingest request answers only after its batch is committed, whole or not at all",
    "alerts": "an alert's state change is committed before it is notified, so a restart neither forgets a "
    "pending clock nor notifies twice",
    "reference": "a model's reference bins are rebuilt whole (delete and insert in one transaction) before "
    "drift is measured against them",
    "rollups": "retention rebuilds rollups and deletes old rows with set-based SQL over millions of rows",
    "profiles": "the evaluation job rebuilds the per-minute profiles of the minutes that changed since its last "
    "pass (delete and insert in one transaction with its watermark) before it reads them",
    "fleet": "the evaluation thread, right after its profile refresh, adds to the fleet counters' running totals "
    "(data/queries/fleet_counts.py) what the profile minutes rebuilt since their last update changed, "
    "with those minutes' new share, in one transaction (a /metrics scrape only reads them)",
    "curves": "the evaluation job keeps only the newest curve points (one delete per pass)",
    "migrations": "schema changes at start, on the store's own connection, before anything else runs",
    "tolerance": "a regression model's tolerance, set through the API, is committed before the answer shows it",
    "seed": "tests and benchmarks laying down fixture rows directly",
}

_WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|COPY|CHECKPOINT|TRUNCATE)\b", re.I)


def check_purpose(purpose: str) -> None:
    if purpose not in WRITE_PATHS:
        raise ValueError(f"unknown write purpose {purpose!r}: name it in data/write_paths.py with its reason")


def check_read_only(sql: str) -> None:
    if _WRITE_SQL.match(sql):
        raise ValueError("a fetch_* method only reads: write through Store.execute(purpose, ...) or Store.transaction(purpose)")
