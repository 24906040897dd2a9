"""Hour and day tiers of the per-minute profiles (migration 0010), so a long window merges a few
hundred slices instead of tens of thousands of minutes, and profiles outlive the raw rows.

A tier's bucket (an hour, a day) is rolled from the tier below (minutes, hours) once it is closed:
its end is at or before the tier's watermark (the start of now's hour, of now's day), kept in
rollup_state beside the minutes' own. Each evaluation pass, inside the minutes' refresh transaction,
re-rolls the closed buckets holding a minute that pass rebuilt (late labels, late or backfilled
rows) and rolls the buckets that closed since the last pass. So every closed bucket always sums the
minutes beneath it, and a window reads closed buckets from the coarsest tier that covers them whole
and the rest (its ragged ends, the open hour) from the finer tiers: `plan` below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from time import monotonic
from typing import Any
from weakref import WeakKeyDictionary

import duckdb

from data.queries import window_generations
from data.store import Store

# (suffix, seconds, SQL truncation unit); each tier rolls from the one before it, minutes first.
TIERS = (("_hour", 3600, "hour"), ("_day", 86400, "day"))
MINUTE = timedelta(minutes=1)
EPOCH = datetime(1970, 1, 1)
# How a list column merges (data/queries/multivariate.py's sums): element by element.
LIST_SUM = "list_reduce(list({c}), lambda a, b: list_transform(a, lambda v, i: v + b[i]))"
# regression_profile's sums (data/queries/regression_profiles.py SUMS, which imports this module)
REGRESSION_SUMS = ("n", "p_sum", "p_sq", "labelled", "y_sum", "y_sq", "e_sum", "e_sq", "abs_sum", "ape_n", "ape_sum", "smape_sum")
# A sum added after the table's first rows (regression_profile's e_4, migration 0020): a bucket rolled from a
# row without it has none either, so a window holding that row knows its sum is partial.
NULL_SUM = "CASE WHEN count(*) = count({c}) THEN coalesce(sum({c}), 0) END"
# Per profile table: the columns a bucket keeps apart, and how a column merges (a function or a template).
COLUMNS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "score_profile": (
        ("model_version", "bin", "outcome", "predicted"),
        {"n": "sum", "score_sum": "sum", "score_sq": "sum", "score_min": "min", "score_max": "max"},
    ),
    "feature_profile": (("feature", "bin"), {"n": "sum"}),
    "feature_profile_stats": (
        ("feature",),
        {c: "sum" for c in ("n", "nulls", "nans", "below_reference", "above_reference", "no_reference", "total", "total_sq")}
        | {"vmin": "min", "vmax": "max"},
    ),
    "category_profile": (("feature", "bucket"), {"n": "sum", "unseen": "sum"}),
    "multivariate_profile": ((), {"n": "sum", "skipped": "sum", "z": LIST_SUM, "zz": LIST_SUM}),
    "multiclass_profile": (("true_class", "predicted"), {"n": "sum", "scored": "sum", "log_loss_sum": "sum"}),
    "class_score_profile": (("class", "bin", "positive"), {"n": "sum", "p_min": "min", "p_max": "max"}),
    "class_prob_profile": (("class", "bin", "predicted", "labelled"), {"n": "sum"}),
    "regression_profile": ((), dict.fromkeys(REGRESSION_SUMS, "sum") | {"e_4": NULL_SUM}),
    "regression_error_profile": (("bin",), {"n": "sum"}),
}
# The tables a late label changes (re-rolled for a bucket whose minutes changed their outcomes only).
SCORE_TABLES = (
    "score_profile", "multiclass_profile", "class_score_profile", "class_prob_profile", "regression_profile",
    "regression_error_profile",
)  # fmt: skip
FEATURE_TABLES = ("feature_profile", "feature_profile_stats", "category_profile", "multivariate_profile")
# The day tier keeps scores in 1,000 equal-width bins, each ten of profiles.SCORE_BINS' 10,000 (their ids
# become the first of the ten; the log-spaced tails stay as they are): a day of low traffic filled tens
# of thousands of fine bins, so a 30-day window read as many rows as the raw predictions. A window that
# uses days merges every part at this width (answers/model_window.py) and its AUC/AP bounds widen with it.
FINE_SCORE_BINS, COARSE_FACTOR = 10_000, 10
COARSE_TIER = "_day"
_COARSE_BIN = (
    f"(CASE WHEN s.bin >= 0 AND s.bin < {FINE_SCORE_BINS} THEN s.bin // {COARSE_FACTOR} * {COARSE_FACTOR} "
    "ELSE s.bin END)::SMALLINT AS bin"
)
STATE = "profiles{suffix}"


def floor(ts: datetime, seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=int((ts - EPOCH).total_seconds()) // seconds * seconds)


def ceil(ts: datetime, seconds: int) -> datetime:
    low = floor(ts, seconds)
    return low if low == ts else low + timedelta(seconds=seconds)


MARKS_SQL = "SELECT name, rolled_until FROM rollup_state WHERE name LIKE 'profiles\\_%' ESCAPE '\\'"


def _by_tier(rows: Sequence[tuple[str, datetime | None]]) -> dict[str, datetime | None]:
    found = dict(rows)
    return {suffix: found.get(STATE.format(suffix=suffix)) for suffix, _, _ in TIERS}


def marks(cur: duckdb.DuckDBPyConnection) -> dict[str, datetime | None]:
    """Each tier's watermark: its buckets ending at or before it are rolled."""
    return _by_tier(cur.execute(MARKS_SQL).fetchall())


def plan(first: datetime, last: datetime, tier_marks: dict[str, datetime | None]) -> list[tuple[str, datetime, datetime]]:
    """The minutes [first, last] as (table suffix, first bucket, last bucket) slices: whole closed days
    from the day tier, whole closed hours around them from the hour tier, the other minutes from the
    minute tables ('' suffix)."""
    return _cover(first, last + MINUTE, list(reversed(TIERS)), tier_marks)


def _cover(
    start: datetime, end: datetime, tiers: list[tuple[str, int, str]], tier_marks: dict[str, datetime | None]
) -> list[tuple[str, datetime, datetime]]:
    if start >= end:
        return []
    if not tiers:
        return [("", start, end - MINUTE)]
    (suffix, seconds, _), finer = tiers[0], tiers[1:]
    mark = tier_marks.get(suffix)
    lo, hi = ceil(start, seconds), floor(min(end, mark), seconds) if mark else start
    if lo >= hi:
        return _cover(start, end, finer, tier_marks)
    step = timedelta(seconds=seconds)
    return [*_cover(start, lo, finer, tier_marks), (suffix, lo, hi - step), *_cover(hi, end, finer, tier_marks)]


def source(
    table: str, slices: Sequence[tuple[str, datetime, datetime]], where: str = "model = ?", where_params: Sequence[Any] = ()
) -> tuple[str, list[Any]]:
    """A UNION ALL of `table`'s tiers over the slices (with `where` on each), as SQL and its parameters."""
    parts, params = [], []
    for suffix, lo, hi in slices:
        parts.append(f"SELECT * FROM {table}{suffix} WHERE {where} AND ts >= ? AND ts <= ?")
        params += [*where_params, lo, hi]
    if not parts:
        return f"SELECT * FROM {table} WHERE false", []
    return "(" + " UNION ALL ".join(parts) + ")", params


def _roll_sql(table: str, below: str, suffix: str, unit: str) -> str:
    keys, merges = COLUMNS[table]
    aggs = [f"{how.format(c=c) if '{c}' in how else f'{how}({c})'} AS {c}" for c, how in merges.items()]
    coarse = table == "score_profile" and suffix == COARSE_TIER
    columns = [_COARSE_BIN if coarse and k == "bin" else "s." + k for k in keys]
    return (
        f"INSERT INTO {table}{suffix} BY NAME SELECT s.model, date_trunc('{unit}', s.ts) AS ts, "
        f"{', '.join([*columns, *aggs])} FROM {table}{below} s "
        f"SEMI JOIN tier_dirty d ON d.model = s.model AND d.b = date_trunc('{unit}', s.ts) "
        f"WHERE s.ts >= ? AND s.ts < ? GROUP BY ALL"
    )


def _clear_sql(table: str, suffix: str) -> str:
    return f"DELETE FROM {table}{suffix} t USING tier_dirty d WHERE t.model = d.model AND t.ts = d.b"


def roll(
    cur: duckdb.DuckDBPyConnection, changed: Iterable[tuple[str, datetime, bool]], now: datetime, drop_models: Sequence[str] = ()
) -> dict[str, int]:
    """Bring every tier up to date inside the caller's transaction: `changed` holds the (model, minute,
    features too) the minutes' refresh just rebuilt; `drop_models` had their feature bins rebuilt whole
    (new reference edges), so their feature rows go from every tier first. Returns buckets rolled per tier."""
    changed = list(changed)
    old = marks(cur)
    done: dict[str, int] = {}
    below = ""
    for suffix, seconds, unit in TIERS:
        for model in drop_models:
            for table in FEATURE_TABLES:
                cur.execute(f"DELETE FROM {table}{suffix} WHERE model = ?", [model])
        mark, previous = floor(now, seconds), old[suffix]
        if previous is not None:
            mark = max(mark, previous)  # a clock stepping back never un-closes a bucket
        dirty = _dirty(cur, changed, below, seconds, unit, previous, mark)
        _roll(cur, dirty, below, suffix, unit, seconds)
        cur.execute("INSERT OR REPLACE INTO rollup_state VALUES (?, ?, ?)", [STATE.format(suffix=suffix), mark, now])
        done[suffix] = len(dirty)
        changed, below = [(model, bucket, features) for (model, bucket), features in dirty.items()], suffix
    return done


def _merge(rows: Iterable[tuple[str, datetime, bool]]) -> dict[tuple[str, datetime], bool]:
    found: dict[tuple[str, datetime], bool] = {}
    for model, ts, features in rows:
        found[(model, ts)] = found.get((model, ts), False) or features
    return found


def _dirty(
    cur: duckdb.DuckDBPyConnection,
    changed: Iterable[tuple[str, datetime, bool]],
    below: str,
    seconds: int,
    unit: str,
    old: datetime | None,
    mark: datetime,
) -> dict[tuple[str, datetime], bool]:
    """Closed buckets to (re)roll, and whether their feature rows too: those holding a changed slice
    below, and those that closed since the last pass (every bucket below `mark` on the first pass)."""
    step = timedelta(seconds=seconds)
    dirty = {(model, floor(ts, seconds)): f for (model, ts), f in _merge(changed).items() if floor(ts, seconds) + step <= mark}
    since = old if old is not None else datetime(1, 1, 1)
    if since < mark:
        for model, bucket in cur.execute(
            f"SELECT DISTINCT model, date_trunc('{unit}', ts) FROM score_profile{below} WHERE ts >= ? AND ts < ? "
            f"UNION SELECT DISTINCT model, date_trunc('{unit}', ts) FROM feature_profile_stats{below} "
            "WHERE ts >= ? AND ts < ? "
            f"UNION SELECT DISTINCT model, date_trunc('{unit}', ts) FROM multiclass_profile{below} "
            "WHERE ts >= ? AND ts < ?",
            [since, mark] * 3,
        ).fetchall():
            dirty[(model, bucket)] = True
    return dirty


def _roll(
    cur: duckdb.DuckDBPyConnection, dirty: dict[tuple[str, datetime], bool], below: str, suffix: str, unit: str, seconds: int
) -> None:
    for tables, pairs in (
        (tuple(COLUMNS), [p for p, f in dirty.items() if f]),
        (SCORE_TABLES, [p for p, f in dirty.items() if not f]),
    ):
        if not pairs:
            continue
        span = [min(b for _, b in pairs), max(b for _, b in pairs) + timedelta(seconds=seconds)]
        cur.execute(
            "CREATE OR REPLACE TEMP TABLE tier_dirty AS SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS b",
            [[m for m, _ in pairs], [b for _, b in pairs]],
        )
        for table in tables:
            cur.execute(_clear_sql(table, suffix))
            cur.execute(_roll_sql(table, below, suffix, unit), span)
        cur.execute("DROP TABLE tier_dirty")


def delete_before(store: Store, cutoff: datetime) -> dict[str, int]:
    """Retention: tier buckets that start before `cutoff`, every table in one transaction."""
    deleted: dict[str, int] = {}
    with store.transaction("rollups") as cur:
        for suffix, _, _ in TIERS:
            for table in COLUMNS:
                row = cur.execute(f"DELETE FROM {table}{suffix} WHERE ts < ?", [cutoff]).fetchone()
                deleted[f"{table}{suffix}"] = int(row[0]) if row else 0
        window_generations.bump_all(cur, cutoff)
    return deleted


def window_source(
    store: Store, table: str, model: str, first: datetime, last: datetime, feature: str | None = None
) -> tuple[str, list[Any], bool]:
    """`table`'s rows of `model` (and of one `feature`) over the minutes [first, last], from the coarsest
    tiers that hold them, and whether a slice comes from the coarse-score tier."""
    slices = plan(first, last, read_marks(store))
    where, params = ("model = ?", [model]) if feature is None else ("model = ? AND feature = ?", [model, feature])
    return (*source(table, slices, where, params), any(s[0] == COARSE_TIER for s in slices))


_MARKS: WeakKeyDictionary[Store, tuple[float, dict[str, datetime | None]]] = WeakKeyDictionary()
MARKS_TTL = 5.0


def read_marks(store: Store) -> dict[str, datetime | None]:
    """The tiers' watermarks, read at most every MARKS_TTL seconds (a pass reads tens of windows). Marks
    only move forward and minutes outlive the roll of their hour, so a stale mark reads a few more
    minute rows instead of their hour, never a wrong sum."""
    now = monotonic()
    cached = _MARKS.get(store)
    if cached is None or now - cached[0] > MARKS_TTL:
        cached = (now, _by_tier(store.fetch_all("profiles.tier_marks", MARKS_SQL)))
        _MARKS[store] = cached
    return cached[1]
