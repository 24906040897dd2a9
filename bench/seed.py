"""Fill a store with synthetic predictions and outcomes quickly, column-wise through Arrow."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from data.prediction_log import OUTCOME_SCHEMA, PREDICTION_SCHEMA
from data.writer import Writer


def seed_predictions(
    writer: Writer, count: int, end: datetime, span: timedelta, labelled_share: float = 0.9, chunk: int = 250_000, seed: int = 0
) -> None:
    """`count` predictions spread evenly over `span` before `end`, two models, ~2 % errors."""
    rng = np.random.default_rng(seed)
    start_us = int((end - span - datetime(1970, 1, 1)).total_seconds() * 1e6)  # end is naive UTC
    step_us = max(1, int(span.total_seconds() * 1e6 / count))
    for offset in range(0, count, chunk):
        n = min(chunk, count - offset)
        ts = pa.array(start_us + (np.arange(offset, offset + n) * step_us), type=pa.int64()).cast(pa.timestamp("us"))
        error = rng.random(n) < 0.02
        score = np.where(error, np.nan, rng.random(n))
        label = (score >= 0.5).astype(np.int32)
        ids = pa.array([f"s{offset + i}" for i in range(n)])
        columns = [
            ids,
            ts,
            pa.array(np.where(rng.random(n) < 0.8, "credit-gbm", "credit-logreg")),
            pa.array(["1"] * n),
            pa.array(score, from_pandas=True),
            pa.array(np.where(error, None, label).tolist(), type=pa.int32()),
            pa.array(rng.lognormal(-6, 0.5, n)),
            pa.array(np.where(error, "error", "ok")),
            pa.array(np.where(error, "model_error", None).tolist(), type=pa.string()),
            pa.array(["builtin"] * n),
            ts,
        ]
        predictions = pa.Table.from_arrays(columns, schema=PREDICTION_SCHEMA)
        keep = rng.random(n) < labelled_share
        truth = np.where(rng.random(n) < 0.8, label, 1 - label)[keep]
        outcomes = pa.Table.from_arrays(
            [ids.filter(pa.array(keep)), pa.array(truth, type=pa.int32()), ts.filter(pa.array(keep)), ts.filter(pa.array(keep))],
            schema=OUTCOME_SCHEMA,
        )
        writer.write_arrow({"predictions": predictions, "outcomes": outcomes})
