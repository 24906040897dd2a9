"""What success per task costs the Predictions page's reads and the minute rollups, measured in one run.

A fresh store holds N predictions over 24 h (bench.seed: two binary models) plus N/5 of a regression model
(labels in outcome_values) and N/10 of a multiclass model (classes in prediction_classes / outcome_classes).
Each read runs with the per-task status (data/queries/outcome_status.py: the outcome, value and class
tables, the model's task and tolerance joined) and with the binary-only status it replaced (outcomes alone,
label = predicted label: the baseline), in alternating rounds; the median of each and the ratio. Goal: each
read within 1.5x its baseline. Prints figures; asserts nothing.

    .venv/bin/python -m bench.outcome_status [--rows 1000000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.seed import seed_predictions
from data.queries import outcome_status
from data.store import Store
from data.writer import Writer

NOW = datetime(2026, 3, 10, 12, 0, 30)
GOAL = 1.5
OLD_STATUS = """CASE WHEN p.status = 'error' THEN 'error' WHEN o.id IS NULL THEN 'pending'
                     WHEN o.label = p.predicted_label THEN 'success' ELSE 'failure' END"""
OLD_JOINS = "LEFT JOIN outcomes o ON o.id = p.id"
OLD_JOINS_OF_P = "LEFT JOIN (SELECT id, label FROM outcomes WHERE id IN (SELECT id FROM p)) o ON o.id = p.id"

SEED_SQL = f"""
CREATE TEMP TABLE raw AS
SELECT i, TIMESTAMP '{NOW:%Y-%m-%d %H:%M:%S}' - to_microseconds((i * 86400000000 // $n)::BIGINT) AS ts,
       round(exp(9.5 + 0.6 * (random() - 0.5)), 2) AS y, random() < 0.9 AS labelled, hash(i) % 5 AS c
FROM range($n) t(i);
INSERT INTO predictions SELECT 'r' || i, ts, 'amounts', NULL, y * (0.85 + 0.3 * random()), 0, 0.01, 'ok', NULL, 'bench', ts
    FROM raw;
INSERT INTO outcomes SELECT 'r' || i, NULL, ts, ts FROM raw WHERE labelled;
INSERT INTO outcome_values SELECT 'r' || i, y FROM raw WHERE labelled;
INSERT INTO predictions SELECT 'g' || i, ts, 'grades', NULL, NULL, NULL, 0.01, 'ok', NULL, 'bench', ts FROM raw WHERE i % 2 = 0;
INSERT INTO prediction_classes SELECT 'g' || i, ts, 'grades', 'c' || ((c + (random() < 0.3)::INTEGER) % 5), false
    FROM raw WHERE i % 2 = 0;
INSERT INTO outcomes SELECT 'g' || i, NULL, ts, ts FROM raw WHERE i % 2 = 0 AND labelled;
INSERT INTO outcome_classes SELECT 'g' || i, 'c' || c, ts FROM raw WHERE i % 2 = 0 AND labelled;
INSERT INTO model_tasks VALUES ('amounts', 'regression', true, now()::TIMESTAMP),
    ('grades', 'multiclass', true, now()::TIMESTAMP);
"""

# The reads, each with {status} and {joins} (or {joins_of_p}); parameters as the app binds them.
READS = {
    "performance (1 h)": (
        "SELECT p.model, count(*), count(o.id), count(*) FILTER ({status} = 'success') FROM predictions p {joins} "
        "WHERE p.ts >= ? AND p.ts <= ? GROUP BY p.model",
        [NOW - timedelta(hours=1), NOW],
    ),
    "success trend (24 h)": (
        "SELECT count(*) FILTER (status = 'success') FROM (SELECT p.ts, {status} AS status FROM predictions p {joins} "
        "WHERE p.ts >= ?)",
        [NOW - timedelta(hours=24)],
    ),
    "success series (6 h)": (
        "WITH p AS (SELECT id, ts, model, status, score, predicted_label FROM predictions WHERE status = 'ok' "
        "AND ts >= ? AND ts <= ?) SELECT time_bucket(INTERVAL 60 SECOND, p.ts), p.model, "
        "count(*) FILTER ({status} = 'success'), count(o.id) FROM p {joins_of_p} GROUP BY ALL",
        [NOW - timedelta(hours=6), NOW],
    ),
    "recent (100)": (
        "SELECT p.id, {status} FROM (SELECT * FROM predictions ORDER BY ts DESC LIMIT 100) p {joins} ORDER BY p.ts DESC",
        [],
    ),
    "minute rollup (1 h)": (
        "SELECT time_bucket(INTERVAL 1 MINUTE, p.ts), p.model, count(*), count(*) FILTER ({status} = 'success') "
        "FROM predictions p {joins} WHERE p.ts >= ? AND p.ts < ? GROUP BY 1, 2",
        [NOW - timedelta(hours=1), NOW],
    ),
}
NEW = {"status": outcome_status.STATUS_SQL, "joins": outcome_status.JOINS, "joins_of_p": outcome_status.JOINS_OF_P}
OLD = {"status": OLD_STATUS, "joins": OLD_JOINS, "joins_of_p": OLD_JOINS_OF_P}


def _seconds(store: Store, sql: str, params: list) -> float:
    started = time.perf_counter()
    store.fetch_all("bench.outcome_status", sql, params)
    return time.perf_counter() - started


def measure(store: Store, rounds: int) -> dict[str, tuple[float, float]]:
    """read -> (median seconds per task, median seconds binary-only), alternating rounds."""
    found = {}
    for name, (template, params) in READS.items():
        new, old = template.format(**NEW), template.format(**OLD)
        _seconds(store, new, params), _seconds(store, old, params)  # warm both
        times: dict[str, list[float]] = {"new": [], "old": []}
        for _ in range(rounds):
            times["new"].append(_seconds(store, new, params))
            times["old"].append(_seconds(store, old, params))
        found[name] = (statistics.median(times["new"]), statistics.median(times["old"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        seed_predictions(Writer(store), args.rows, NOW, timedelta(hours=24))
        with store.transaction("seed") as cur:
            for statement in SEED_SQL.split(";"):
                if statement.strip():
                    cur.execute(statement, {"n": args.rows // 5} if "$n" in statement else {})
        print(f"{args.rows:,} binary + {args.rows // 5:,} regression + {args.rows // 10:,} multiclass predictions over 24 h")
        for name, (new, old) in measure(store, args.rounds).items():
            ratio = new / old
            verdict = "met" if ratio <= GOAL else "NOT met"
            print(f"{name:22s} per task {new * 1000:8.1f} ms  binary-only {old * 1000:8.1f} ms  ratio {ratio:.2f} ({verdict})")
        store.close()


if __name__ == "__main__":
    main()
