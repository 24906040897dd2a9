"""Predictions/s stored through POST /api/predictions (batches of 1,000 with 12 features each:
JSON parse, validation, commit) over a fixed time on loopback, beside a naive baseline that
inserts the same rows one by one into DuckDB. Goal: >= 50,000 predictions/s end to end.

--profiles runs the ingest twice more: with the evaluation job idle during the run
(--eval-interval 3600: no profile upkeep) and with a pass every 5 s (re-profiling the minutes the
batches land in, and rolling their tiers, while they arrive): the upkeep's cost to ingest, goal within
10 %. The rows carry the time they were made, as live traffic does."""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import requests

from bench.server import Server
from data.clock import utcnow
from data.store import Store

FEATURES = [f"feature_{i:02d}" for i in range(12)]


def multiclass_body(start: int, size: int, timestamp: str = "2026-11-27T12:00:00Z") -> bytes:
    """The binary batch's rows as a multiclass model's: a class of 5 and its probabilities instead of a score."""
    rows = json.loads(batch_body(start, size, timestamp))["predictions"]
    for row in rows:
        p = row.pop("score")
        probabilities = dict(zip("ABCDE", (p / 2, (1 - p) / 2, p / 4, (1 - p) / 4, 0.25), strict=True))
        row["model"], row["predicted_label"], row["probabilities"] = (
            "ext-mc",
            max(probabilities, key=probabilities.get),
            probabilities,
        )
    return json.dumps({"task": "multiclass", "predictions": rows}).encode()


def batch_body(start: int, size: int, timestamp: str = "2026-11-27T12:00:00Z") -> bytes:
    rows = [
        {
            "id": f"b{start + i}",
            "timestamp": timestamp,
            "model": "ext",
            "model_version": "1",
            "features": {f: (start + i) % 97 + k / 10 for k, f in enumerate(FEATURES)},
            "score": ((start + i) % 100) / 100,
            "latency_seconds": 0.01,
            "status": "ok",
        }
        for i in range(size)
    ]
    return json.dumps({"predictions": rows}).encode()


def http_run(url: str, seconds: float, clients: int, batch: int, live: bool = False, body=batch_body) -> tuple[int, float]:
    """Clients post pre-encoded batches until time is up; returns (predictions stored, seconds)."""
    stored = [0] * clients
    stamp = (lambda: utcnow().isoformat() + "Z") if live else (lambda: "2026-11-27T12:00:00Z")
    bodies = [[body((c * 10_000 + n) * batch, batch, stamp()) for n in range(40)] for c in range(clients)]
    deadline = time.monotonic() + seconds

    def client(c: int) -> None:
        session = requests.Session()
        n = 0
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


def naive_run(db: Path, seconds: float) -> tuple[int, float]:
    """Row by row: one INSERT per prediction and one per feature value, in one transaction."""
    Store(db).close()
    con = duckdb.connect(str(db))
    rows = json.loads(batch_body(10**9, 5000))["predictions"]
    con.execute("BEGIN")
    started, n = time.monotonic(), 0
    for row in rows:
        if time.monotonic() - started > seconds:
            break
        con.execute(
            "INSERT INTO predictions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ingest', now()::TIMESTAMP)",
            [
                row["id"],
                row["timestamp"],
                row["model"],
                row["model_version"],
                row["score"],
                int(row["score"] >= 0.5),
                row["latency_seconds"],
                row["status"],
                None,
            ],
        )
        con.executemany(
            "INSERT INTO prediction_features VALUES (?, ?, ?, ?, ?)",
            [[row["id"], row["timestamp"], row["model"], k, v] for k, v in row["features"].items()],
        )
        n += 1
    con.execute("COMMIT")
    elapsed = time.monotonic() - started
    con.close()
    return n, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--profiles", action="store_true", help="also the cost of profile upkeep to ingest")
    parser.add_argument("--tasks", action="store_true", help="also multiclass batches against binary ones, in turns")
    args = parser.parse_args()
    if args.profiles:
        profile_upkeep(args)
    if args.tasks:
        task_throughput(args)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "ingest.duckdb", "--threads", "8").wait_ready()
        try:
            stored, elapsed = http_run(server.url, args.seconds, args.clients, args.batch)
        finally:
            server.stop()
        naive, naive_elapsed = naive_run(Path(tmp) / "naive.duckdb", min(args.seconds, 5.0))
    rate, naive_rate = stored / elapsed, naive / naive_elapsed
    print(
        f"POST /api/predictions, batches of {args.batch}, {args.clients} clients, {elapsed:.1f} s: "
        f"{stored:,} predictions stored = {rate:,.0f} predictions/s (goal >= 50,000)"
    )
    print(f"naive row-by-row insert of the same rows: {naive:,} in {naive_elapsed:.1f} s = {naive_rate:,.0f} predictions/s")
    print(f"ratio: {rate / naive_rate:.1f}x the naive baseline")


def task_throughput(args: argparse.Namespace, turns: int = 3) -> None:
    """Binary and multiclass batches (the same rows: 12 features; a score, or a class and 5 probabilities) into
    one server, in alternating turns so both see the same host; the best turn of each."""
    rates: dict[str, list[float]] = {"binary": [], "multiclass": []}
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "tasks.duckdb", "--threads", "8").wait_ready()
        try:
            for turn in range(turns):
                for task, body in (("binary", batch_body), ("multiclass", multiclass_body)):
                    offset = (turn * 2 + (task == "multiclass")) * 10**9
                    stored, elapsed = http_run(server.url, args.seconds, args.clients, args.batch, body=_shifted(body, offset))
                    rates[task].append(stored / elapsed)
        finally:
            server.stop()
    for task, found in rates.items():
        print(f"tasks: {task:10s} batches of {args.batch}: " + ", ".join(f"{r:,.0f}" for r in found) + " predictions/s")
    best = {task: max(found) for task, found in rates.items()}
    print(f"tasks: multiclass / binary (best turns): {best['multiclass'] / best['binary']:.3f} (goal >= 0.90)")


def _shifted(body, offset: int):
    return lambda start, size, timestamp="2026-11-27T12:00:00Z": body(start + offset, size, timestamp)


def profile_upkeep(args: argparse.Namespace) -> None:
    rates = {}
    for label, interval in (("no upkeep during the run", "3600"), ("a pass every 5 s", "5")):
        with tempfile.TemporaryDirectory() as tmp:
            server = Server(Path(tmp) / "ingest.duckdb", "--threads", "8", "--eval-interval", interval).wait_ready()
            try:
                stored, elapsed = http_run(server.url, args.seconds, args.clients, args.batch, live=True)
            finally:
                server.stop()
        rates[label] = stored / elapsed
        print(f"profiles: {label:26s} {stored:,} predictions in {elapsed:.1f} s = {rates[label]:,.0f} predictions/s")
    a, b = rates.values()
    print(f"profiles: ingest with upkeep / without: {b / a:.3f} (goal >= 0.90)")


if __name__ == "__main__":
    main()
