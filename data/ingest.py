"""Committed, idempotent ingest: a batch is stored whole or not at all, and an id already stored
is skipped, so a client that retries a batch never stores a row twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from data.arrow_batches import Row
from data.clock import utcnow
from data.queries import model_tasks, multiclass
from data.store import Store

if TYPE_CHECKING:
    import pyarrow as pa


Chunk = tuple["dict[str, pa.Table]", "str | None"]  # one part of a batch's tables, and the batch's task
CONFLICT_TRIES = 3  # concurrent first batches of one model both record its task: the later commit conflicts


def store_predictions(store: Store, tables: dict[str, pa.Table], task: str | None = None) -> set[str]:
    """Store predictions with their features (from `prediction_log`); return the ids that were new. A model
    new to the store gets `task` (or the inferred one); a `task` other than a model's own raises TaskConflict
    before anything is written. A commit that conflicts with a concurrent batch (the same new model, the same
    id) is tried again: the retry sees what that batch committed."""
    for attempt in range(CONFLICT_TRIES):
        try:
            return store_prediction_chunks(store, [(tables, task)])
        except (duckdb.TransactionException, duckdb.ConstraintException):  # the other committed first: its key
            if attempt == CONFLICT_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def store_prediction_chunks(store: Store, chunks: Iterable[Chunk]) -> set[str]:
    """The parts of one batch in one transaction: all stored, or none when `chunks` raises (or a commit
    conflicts); the ids that were new."""
    new: set[str] = set()
    with store.transaction("ingest") as cur:
        for tables, task in chunks:
            new.update(_insert(cur, tables, task))
    return new


def _insert(cur: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], task: str | None) -> list[str]:
    model_tasks.claim(cur, tables["predictions"].column("model").unique().to_pylist(), task, utcnow())
    multiclass.claim_classes(cur, tables.get("class_appearances"))
    cur.register("ingest_predictions", tables["predictions"])
    new = cur.execute("INSERT OR IGNORE INTO predictions SELECT * FROM ingest_predictions RETURNING id").fetchall()
    cur.unregister("ingest_predictions")
    for table in ("prediction_features", "prediction_categories", "prediction_classes", "prediction_probabilities"):
        _insert_long(cur, table, tables.get(table), new, tables["predictions"].num_rows)
    return [row[0] for row in new]


def _insert_long(cur: duckdb.DuckDBPyConnection, table: str, rows: pa.Table | None, new: list[Row], total: int) -> None:
    """A long table's rows of the predictions that were new (`new` of `total`)."""
    import pyarrow as pa

    if rows is None or not new:
        return
    if len(new) == total:
        cur.from_arrow(rows).insert_into(table)  # all new: no join needed
        return
    cur.register("ingest_long", rows)
    cur.register("ingest_new_ids", pa.table({"id": [row[0] for row in new]}))
    cur.execute(f"INSERT INTO {table} SELECT f.* FROM ingest_long f SEMI JOIN ingest_new_ids n ON f.id = n.id")
    cur.unregister("ingest_long")
    cur.unregister("ingest_new_ids")


class OutcomeCounts(NamedTuple):
    stored: int  # new outcomes (a retried one is not stored twice)
    orphans: int  # of those, the ones with no prediction (yet)


def store_outcomes(
    store: Store, rows: Sequence[Row], values: Sequence[tuple[str, float]] = (), classes: pa.Table | None = None
) -> OutcomeCounts:
    """Store outcome rows (id, label, ts, received_at) and the numeric labels of regression ones (id, value; their
    row's label is None) and the class names of multiclass ones (`classes`: id, label, ts; their row's label is
    None too), in one transaction; count the new ones and their orphans."""
    import pyarrow as pa

    from data.prediction_log import outcome_table  # pyarrow: loaded by the first outcome, not at start

    with store.transaction("ingest") as cur:
        cur.register("ingest_outcomes", outcome_table(rows))
        new = cur.execute("INSERT OR IGNORE INTO outcomes SELECT * FROM ingest_outcomes RETURNING id").fetchall()
        cur.unregister("ingest_outcomes")
        if not new:
            return OutcomeCounts(0, 0)
        multiclass.store_outcome_classes(cur, classes, new)
        _insert_values(cur, {row[0] for row in new}, values)
        cur.register("ingest_new_ids", pa.table({"id": [row[0] for row in new]}))
        orphans = cur.execute("SELECT count(*) FROM ingest_new_ids n ANTI JOIN predictions p ON p.id = n.id").fetchall()[0][0]
        cur.unregister("ingest_new_ids")
    return OutcomeCounts(len(new), int(orphans))


def _insert_values(cur: duckdb.DuckDBPyConnection, new: set[str], values: Sequence[tuple[str, float]]) -> None:
    """The numeric labels of the new outcomes only: a retried id keeps the label it was stored with."""
    import pyarrow as pa

    kept = [v for v in values if v[0] in new]
    if kept:
        ids, numbers = zip(*kept, strict=True)
        table = pa.table({"id": pa.array(ids, pa.string()), "value": pa.array(numbers, pa.float64())})
        cur.from_arrow(table).insert_into("outcome_values")
