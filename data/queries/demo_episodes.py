"""The demo's fault episodes: when each switch (predictor/demo.py) was turned on and off, as recorded in
demo_switches by the workload; the alert backtest measures detection delay against them."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from data.store import Store

TABLE = "demo_switches"


class Episode(NamedTuple):
    kind: str  # the switch: input_drift, concept_drift, load_spike or error_burst
    start: datetime
    end: datetime | None  # None: still on at the newest record


def episodes(store: Store, since: datetime, until: datetime) -> list[Episode]:
    """Episodes that started in [since, until), oldest first: each on-record ends at the switch's next record
    (an off, or the state recorded when the demo started again after a stop)."""
    rows = store.fetch_all(
        "demo.episodes",
        f"""SELECT switch, ts, next_ts FROM (
            SELECT switch, ts, turned_on, lead(ts) OVER (PARTITION BY switch ORDER BY ts) AS next_ts FROM {TABLE})
        WHERE turned_on AND ts >= ? AND ts < ? ORDER BY ts, switch""",
        [since, until],
    )
    return [Episode(r[0], r[1], r[2]) for r in rows]
