"""Child process of test_damaged_file.py's WAL tests: on the given database, posts five 300-row batches of
predictions through the real API (each answer 200: acknowledged), prints their ids' prefixes, and stops
without closing the store, so the batches are only in the WAL."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app import create_app
from settings import Settings

BATCHES, ROWS = 5, 300


def main(db: str, models_dir: str) -> None:
    app = create_app(Settings(db=Path(db), demo=False, models_dir=Path(models_dir)))
    client = app.server.test_client()
    for b in range(BATCHES):
        rows = [{"id": f"wal-b{b}-{i}", "model": "m", "score": 0.5, "features": {"x": float(i)}} for i in range(ROWS)]
        response = client.post("/api/predictions", json={"predictions": rows})
        assert response.status_code == 200 and response.get_json()["stored"] == ROWS, response.get_data(as_text=True)
    print("acknowledged", BATCHES * ROWS, flush=True)
    os._exit(0)  # no close, no checkpoint: what a kill -9 leaves


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
