"""Generations of the profiles' closed part, for the cache of merged window parts (answers/window_cache.py).

The closed part of a model's profiles is every minute before the hour tier's watermark (whole hours and
days that only change when a late label or a late row re-profiles an old minute, when retention deletes
old minutes or tiers, or when a reference change rebuilds the feature bins). Each writer that changes
that part moves a generation in the same transaction: the model's own (`refresh`), or the global one
(retention). A second per-model generation moves with any change to the model's minutes (each pass that
profiled new rows or labels): the open minutes' parts are kept under it, so they are read once per pass.
A reader takes the watermark and the generations in one statement, from the same snapshot as its profile
reads, so a cached part read under an older generation is never used once the write that made it stale
has committed. The generations are counters kept in rollup_state (one microsecond a step) so no table is
added for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import duckdb

from data.store import Store

GLOBAL = "window_cache"
PREFIX = "window_cache:"
OPEN_PREFIX = "window_cache_open:"
HOUR_MARK = "profiles_hour"  # profile_tiers.STATE of the hour tier
STATE_SQL = "SELECT name, rolled_until FROM rollup_state WHERE name IN (?, ?, ?, ?)"
BUMP_SQL = (
    "INSERT OR REPLACE INTO rollup_state SELECT ?, coalesce((SELECT rolled_until FROM rollup_state WHERE name = ?), "
    "TIMESTAMP '1970-01-01') + INTERVAL 1 MICROSECOND, ?"
)


@dataclass(frozen=True)
class ClosedState:
    until: datetime | None  # minutes before it are closed (None: no hour rolled yet, nothing is closed)
    token: tuple[datetime | None, datetime | None]  # (global, model) generations: a closed part's key
    open_token: datetime | None  # the model's any-change generation: with `token`, an open part's key


def read(store: Store, model: str) -> ClosedState:
    """The model's closed boundary and generations, in one read (one snapshot inside store.snapshot())."""
    names = [HOUR_MARK, GLOBAL, PREFIX + model, OPEN_PREFIX + model]
    rows = dict(store.fetch_all("window_cache.state", STATE_SQL, names))
    return ClosedState(rows.get(HOUR_MARK), (rows.get(GLOBAL), rows.get(PREFIX + model)), rows.get(OPEN_PREFIX + model))


def bump(cur: duckdb.DuckDBPyConnection, models: Iterable[str], now: datetime, prefix: str = PREFIX) -> None:
    """Inside the caller's transaction: these models' closed minutes changed (with OPEN_PREFIX: any minute)."""
    for model in sorted(set(models)):
        cur.execute(BUMP_SQL, [prefix + model, prefix + model, now])


def bump_all(cur: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Inside the caller's transaction: every model's closed minutes may have changed (retention)."""
    cur.execute(BUMP_SQL, [GLOBAL, GLOBAL, now])
