"""Committed, idempotent ingest: a batch is stored whole or not at all, and an id already stored
is skipped, so a client that retries a batch never stores a row twice."""
from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from data.prediction_log import outcome_table
from data.store import Store


def store_predictions(store: Store, tables: dict[str, pa.Table]) -> set[str]:
    """Store predictions with their features (from `prediction_log`); return the ids that were new."""
    with store.transaction("ingest") as cur:
        cur.register("ingest_predictions", tables["predictions"])
        new = cur.execute("INSERT OR IGNORE INTO predictions SELECT * FROM ingest_predictions RETURNING id").fetchall()
        cur.unregister("ingest_predictions")
        features = tables.get("prediction_features")
        if features is not None and len(new) == tables["predictions"].num_rows:
            cur.from_arrow(features).insert_into("prediction_features")  # all new: no join needed
        elif new and features is not None:
            cur.register("ingest_features", features)
            cur.register("ingest_new_ids", pa.table({"id": [row[0] for row in new]}))
            cur.execute("INSERT INTO prediction_features SELECT f.* FROM ingest_features f "
                        "SEMI JOIN ingest_new_ids n ON f.id = n.id")
            cur.unregister("ingest_features")
            cur.unregister("ingest_new_ids")
    return {row[0] for row in new}


def store_outcomes(store: Store, rows: Sequence[tuple]) -> tuple[int, int]:
    """Store outcome rows (id, label, ts, received_at); return (new, of those with no prediction)."""
    with store.transaction("ingest") as cur:
        cur.register("ingest_outcomes", outcome_table(rows))
        new = cur.execute("INSERT OR IGNORE INTO outcomes SELECT * FROM ingest_outcomes RETURNING id").fetchall()
        cur.unregister("ingest_outcomes")
        if not new:
            return 0, 0
        cur.register("ingest_new_ids", pa.table({"id": [row[0] for row in new]}))
        orphans = cur.execute("SELECT count(*) FROM ingest_new_ids n ANTI JOIN predictions p ON p.id = n.id").fetchall()[0][0]
        cur.unregister("ingest_new_ids")
    return len(new), int(orphans)
