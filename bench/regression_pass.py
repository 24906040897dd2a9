"""Regression, measured in one run: (1) ingest of regression batches against binary ones through
POST /api/predictions (bench.ingest_throughput's rows and clients, the same server, alternating turns; the
best turn of each; goal: regression within 10 % of binary); (2) one evaluation pass from the profiles against
the raw-row computation: N regression predictions over 7 days (90 % labelled, some labels 0) are written
straight into a fresh store, the profiles are built once (their upkeep, timed apart), then the quality of the
15 m, 24 h and 7 d windows is answered from the merged profiles (ModelAnswers.regression) and from the raw
rows (read them, then scikit-learn's mean_absolute_error, mean_squared_error, r2_score,
mean_absolute_percentage_error and NumPy's |error| quantiles). Goal: the pass from profiles <= 0.3 s at 1M."""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import requests

from answers.model_window import ModelAnswers
from bench.ingest_throughput import batch_body
from bench.server import Server
from data.queries import profile_reads as pr
from data.queries import profiles
from data.store import Store

NOW = datetime(2026, 3, 10, 12, 0, 30)
WINDOWS = (900, 86_400, 7 * 86_400)

SEED_SQL = f"""
CREATE TEMP TABLE raw AS
SELECT 'r' || i AS id, TIMESTAMP '{NOW:%Y-%m-%d %H:%M:%S}' - to_microseconds((i * 604800000000 // $n)::BIGINT) AS ts,
       CASE WHEN hash(i) % 50 = 0 THEN 0.0 ELSE round(exp(9.5 + 0.6 * (random() - 0.5)), 2) END AS y,
       random() < 0.9 AS labelled
FROM range($n) t(i);
INSERT INTO predictions
SELECT id, ts, 'amounts', NULL, y * (0.85 + 0.3 * random()) + 100 * (random() - 0.5), 0, 0.01, 'ok', NULL, 'bench', ts FROM raw;
INSERT INTO outcomes SELECT id, NULL, ts + INTERVAL 1 MINUTE, ts + INTERVAL 1 MINUTE FROM raw WHERE labelled;
INSERT INTO outcome_values SELECT id, y FROM raw WHERE labelled;
INSERT INTO model_tasks VALUES ('amounts', 'regression', true, now()::TIMESTAMP);
"""
RAW_SQL = """
SELECT p.score, v.value FROM predictions p JOIN outcome_values v USING (id)
WHERE p.model = 'amounts' AND p.ts >= ? AND p.ts < ?
"""


def regression_body(start: int, size: int, timestamp: str = "2026-11-27T12:00:00Z") -> bytes:
    """The binary batch's rows as a regression model's: the score becomes a predicted amount."""
    rows = json.loads(batch_body(start, size, timestamp))["predictions"]
    for row in rows:
        row["model"], row["prediction"] = "ext-reg", 1000.0 * row.pop("score") + 12.5
    return json.dumps({"task": "regression", "predictions": rows}).encode()


def post_run(url: str, seconds: float, clients: int, body: Callable[[int], bytes]) -> tuple[int, float]:
    """bench.ingest_throughput's clients: pre-encoded batches posted until time is up; (stored, seconds)."""
    stored = [0] * clients
    bodies = [[body(c * 10_000 + n) for n in range(40)] for c in range(clients)]
    deadline = time.monotonic() + seconds

    def client(c: int) -> None:
        session, n = requests.Session(), 0
        while time.monotonic() < deadline and n < len(bodies[c]):
            r = session.post(url + "/api/predictions", data=bodies[c][n], headers={"Content-Type": "application/json"})
            r.raise_for_status()
            stored[c] += r.json()["stored"]
            n += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(stored), time.monotonic() - started


def ingest(seconds: float, clients: int, batch: int, turns: int = 3) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {"binary": [], "regression": []}
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "tasks.duckdb", "--threads", "8").wait_ready()
        try:
            for turn in range(turns):
                for task, body in (("binary", batch_body), ("regression", regression_body)):
                    offset = (turn * 2 + (task == "regression")) * 10**9
                    stored, elapsed = post_run(server.url, seconds, clients, lambda k, b=body, o=offset: b(o + k * batch, batch))
                    rates[task].append(stored / elapsed)
        finally:
            server.stop()
    return rates


def seed(store: Store, n: int) -> None:
    with store.transaction("seed") as cur:
        cur.execute(SEED_SQL.replace("$n", str(n)))


def from_profiles(store: Store) -> float:
    answers = ModelAnswers(store, 30)
    started = time.perf_counter()
    answers.regression("amounts", NOW, WINDOWS)
    return time.perf_counter() - started


def from_raw_rows(store: Store) -> float:
    from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, mean_squared_error, r2_score

    started = time.perf_counter()
    for seconds in WINDOWS:
        first, last = pr.window_minutes(NOW, seconds)
        rows = np.array(store.fetch_all("bench.raw", RAW_SQL, [first, last + timedelta(minutes=1)]), dtype=float)
        p, y = rows[:, 0], rows[:, 1]
        mean_absolute_error(y, p), mean_squared_error(y, p), r2_score(y, p)
        mean_absolute_percentage_error(y[y != 0], p[y != 0])
        np.quantile(np.abs(p - y), [0.5, 0.9, 0.99], method="inverted_cdf")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    rates = ingest(args.seconds, args.clients, args.batch)
    for task, found in rates.items():
        print(f"ingest: {task:10s} batches of {args.batch}: " + ", ".join(f"{r:,.0f}" for r in found) + " predictions/s")
    best = {task: max(found) for task, found in rates.items()}
    print(f"ingest: regression / binary (best turns): {best['regression'] / best['binary']:.3f} (goal >= 0.90)")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "regression.duckdb")
        try:
            started = time.perf_counter()
            seed(store, args.rows)
            seeded = time.perf_counter() - started
            started = time.perf_counter()
            profiles.refresh(store, NOW)
            upkeep = time.perf_counter() - started
            profiled = min(from_profiles(store) for _ in range(5))
            raw = min(from_raw_rows(store) for _ in range(2))
        finally:
            store.close()
    print(f"{args.rows:,} regression predictions (90 % labelled) over 7 days; seeded in {seeded:.1f} s")
    print(f"profiles built once (minutes, hours, days): {upkeep:.2f} s")
    print(f"one evaluation pass (15m, 24h, 7d) from the profiles: {profiled:.3f} s (best of 5; goal <= 0.3 s)")
    print(f"the same figures from the raw rows (read + scikit-learn): {raw:.2f} s (best of 2); ratio {raw / profiled:,.0f}x")


if __name__ == "__main__":
    main()
