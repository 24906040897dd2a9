"""A small, clean prediction history on a temporary store, and mutations that break one
data-quality check each. One prediction every 30 s for 2 h, two features, outcomes 30 s later."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from data.store import Store

NOW = datetime(2026, 3, 2, 12, 0, 0)
STEP_SECONDS = 30
HISTORY = timedelta(hours=2)


def clean_frames(now: datetime = NOW) -> dict[str, pd.DataFrame]:
    count = int(HISTORY.total_seconds() // STEP_SECONDS)
    ts = [now - timedelta(seconds=STEP_SECONDS * (count - i)) for i in range(count)]
    ids = [f"p{i:04d}" for i in range(count)]
    rng = np.random.default_rng(7)
    scores = rng.uniform(0, 1, count)
    predictions = pd.DataFrame(
        {
            "id": ids,
            "ts": ts,
            "model": "m",
            "model_version": "1",
            "score": scores,
            "predicted_label": (scores > 0.5).astype("int32"),
            "latency_seconds": 0.01,
            "status": "ok",
            "error_kind": None,
            "source": "test",
            "received_at": ts,
        }
    )
    features = pd.concat(
        [
            pd.DataFrame({"id": ids, "ts": ts, "model": "m", "feature": "f1", "value": rng.uniform(0, 1, count)}),
            pd.DataFrame({"id": ids, "ts": ts, "model": "m", "feature": "f2", "value": rng.uniform(0, 10, count)}),
        ],
        ignore_index=True,
    )
    labelled = predictions[predictions["ts"] <= now - timedelta(seconds=STEP_SECONDS)]
    outcomes = pd.DataFrame(
        {
            "id": labelled["id"],
            "label": labelled["predicted_label"],
            "ts": labelled["ts"] + timedelta(seconds=STEP_SECONDS),
            "received_at": labelled["ts"] + timedelta(seconds=STEP_SECONDS),
        }
    )
    return {"predictions": predictions, "prediction_features": features, "outcomes": outcomes}


def load(store: Store, frames: dict[str, pd.DataFrame]) -> None:
    with store.transaction("seed") as cur:
        for table, frame in frames.items():
            cur.register("frame_to_load", frame)
            cur.execute(f"INSERT INTO {table} SELECT * FROM frame_to_load")
            cur.unregister("frame_to_load")


def recent_ids(frames: dict[str, pd.DataFrame], within: timedelta, now: datetime = NOW) -> list[str]:
    p = frames["predictions"]
    return list(p[p["ts"] >= now - within]["id"])
