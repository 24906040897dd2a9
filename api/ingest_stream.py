"""A large prediction batch validated and stored a chunk of rows at a time, in one transaction, so its memory
is a few chunks' worth, not several times the body's size (api/body_gate.py).

Only the common form is streamed: an object with `predictions` (an array) and, before it, at most an accepted
`task`. Anything else (an invalid row, a repeated id, a task after the rows or one that conflicts, a body that
is not JSON) raises NotStreamable before the transaction commits, so nothing is stored, and the caller reads
the spooled body whole as a small one is read: its answer (which error, naming which rows) stays exactly the
whole-body path's, at that path's memory cost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, cast

import duckdb
from pydantic import ValidationError

from api import regression_rows
from api.json_stream import NotStreamable, members
from api.schemas import INGESTED_TASKS, MAX_BATCH, PREDICTION_ROWS
from data.ingest import Chunk, store_prediction_chunks
from data.queries import model_tasks
from data.store import Store

if TYPE_CHECKING:
    from data.arrow_batches import Row

CHUNK = 1000  # rows validated and stored at a time: ~3 MB of JSON with 90 features a row
COUNTED = ("id", "model", "status", "error_kind", "latency_seconds")


class Streamed(NamedTuple):
    received: int
    new_ids: set[str]
    counted: list[Row]  # COUNTED of every row, for the metrics once the batch is committed


def store_streamed(store: Store, body: BinaryIO, received_at: datetime) -> Streamed:
    """Store the batch in `body`; NotStreamable (nothing stored) when the whole-body path must answer."""
    counted: list[Row] = []
    try:
        new_ids = store_prediction_chunks(store, _chunks(store, body, received_at, counted))
    except (model_tasks.TaskConflict, duckdb.TransactionException):
        raise NotStreamable from None  # the whole-body path answers the 409, or retries the conflict
    return Streamed(len(counted), new_ids, counted)


def _chunks(store: Store, body: BinaryIO, received_at: datetime, counted: list[Row]) -> Iterator[Chunk]:
    from data.prediction_log import ingest_tables  # pyarrow: loaded by the first ingest, not at start

    task: str | None = None
    rows: list[str] | None = None  # the texts of the chunk being read, once the array has begun
    seen: set[str] = set()
    for key, text in members(body, "predictions"):
        if key is None and rows is not None:
            rows.append(text or "")
            if len(rows) == CHUNK:
                yield ingest_tables(_valid(store, rows, task, seen, counted), received_at), task
                rows = []
        elif key == "predictions" and text is None and rows is None:
            rows = []
        elif key == "task" and rows is None and task is None and json.loads(text or "") in INGESTED_TASKS:
            task = json.loads(text or "")
        else:
            raise NotStreamable
    if not rows and not seen:  # no array, or an empty one
        raise NotStreamable
    if rows:
        yield ingest_tables(_valid(store, rows, task, seen, counted), received_at), task


def _valid(store: Store, texts: list[str], task: str | None, seen: set[str], counted: list[Row]) -> list[dict[str, Any]]:
    """The chunk's rows validated as the whole body's are (each row by its task's rules, a regression row's
    prediction moved to its score); its ids new to the batch; the batch not too long."""
    try:
        rows = cast("list[dict[str, Any]]", PREDICTION_ROWS.validate_json("[" + ",".join(texts) + "]"))
    except ValidationError:
        raise NotStreamable from None
    ids = {row["id"] for row in rows}
    tasks = regression_rows.row_tasks(store, rows, task)
    if len(ids) < len(rows) or not ids.isdisjoint(seen) or len(seen) + len(ids) > MAX_BATCH:
        raise NotStreamable
    if regression_rows.problems(rows, tasks):
        raise NotStreamable
    regression_rows.as_scored(rows, tasks)
    seen.update(ids)
    counted.extend(tuple(row.get(k) for k in COUNTED) for row in rows)
    return rows
