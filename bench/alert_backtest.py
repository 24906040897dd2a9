"""Alert backtest: 50 rules over 24 h of 1 s host samples in one pass (the Alerts page's and
/api/alerts/backtest's path), against a naive baseline that calls the lifecycle's `evaluate` at
every sample of every rule (what a per-sample Python loop does).

The samples are real rows in a temporary DuckDB file (`data.store.Store`, the real migrations), read
once with `data.queries.alert_metrics.metric_series`; the rules are CPU rules with thresholds from 50
to 99 % and durations from 0 to 10 min. Both paths must find the same periods (checked, printed).

Then the summary every rule gets on the Alerts page and /api/alerts/backtest/summary: the same backtests
plus alert quality (alerts per week over covered time, firing share, detection delay against the busy
spells as fault episodes), timed in the same run and given as a ratio to the plain backtests.

Prints figures and the ratios; asserts nothing about time.

    .venv/bin/python -m bench.alert_backtest [--hours 24] [--rules 50] [--baseline-rules 50]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from analytics.alert_backtest import backtest
from analytics.alert_lifecycle import FIRING, RESOLVED, AlertState, evaluate
from analytics.alert_quality import coverage, quality
from analytics.alert_rules import Rule
from data.queries.alert_metrics import metric_series
from data.store import Store

START = datetime(2026, 1, 1)


def make_rules(count: int) -> list[Rule]:
    return [Rule(f"cpu{i}", "warning", "cpu_percent", ">", 50.0 + i % 50, for_seconds=float(60 * (i % 11))) for i in range(count)]


def fill(store: Store, seconds: int) -> list[tuple[float, float]]:
    """A daily shape plus noise and some long busy spells, one sample per second; the spells (start, end) in
    seconds after START, the fault episodes of the summary."""
    rng = np.random.default_rng(1)
    t = np.arange(seconds)
    cpu = 40 + 25 * np.sin(2 * np.pi * t / 86400) + rng.normal(0, 8, seconds)
    spells = []
    for start in rng.integers(0, seconds - 1800, size=12):
        length = int(rng.integers(60, 1800))
        cpu[start : start + length] += 35
        spells.append((float(start), float(start + length)))
    ts = pa.array([START + timedelta(seconds=int(s)) for s in t], pa.timestamp("us"))
    samples_arrow = pa.table({"ts": ts, "cpu_percent": np.clip(cpu, 0, 100)})  # noqa: F841 (DuckDB reads it by name)
    with store.transaction("seed") as cur:
        cur.execute("INSERT INTO system_samples (ts, cpu_percent) SELECT ts, cpu_percent FROM samples_arrow")
    return sorted(spells)


def naive(rules: list[Rule], t: np.ndarray, values: np.ndarray) -> list[list[tuple[float, float | None]]]:
    out = []
    stamps = [START + timedelta(seconds=float(x)) for x in t]
    for rule in rules:
        state = AlertState()
        periods: list[tuple[float, float | None]] = []
        for now, value in zip(stamps, values.tolist(), strict=True):
            state, moves = evaluate(rule, value, now, state, interval_seconds=1.0)
            for m in moves:
                at = (m.at - START).total_seconds()
                if m.to_state == FIRING:
                    periods.append((at, None))
                elif m.to_state == RESOLVED:
                    periods[-1] = (periods[-1][0], at)
        out.append(periods)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--baseline-rules", type=int, default=50, help="rules the naive loop runs (extrapolated to --rules)")
    args = parser.parse_args()
    seconds = int(args.hours * 3600)
    rules = make_rules(args.rules)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        spells = fill(store, seconds)
        started = time.perf_counter()
        series = metric_series(store, "cpu_percent", START, START + timedelta(seconds=seconds))
        read = time.perf_counter() - started
        start_us = int((START - datetime(1970, 1, 1)).total_seconds() * 1e6)
        t = (series["ts"].astype("datetime64[us]").astype("int64").to_numpy() - start_us) / 1e6  # seconds after START
        values = series["value"].to_numpy(dtype=float)
        started = time.perf_counter()
        fast = [backtest(rule, t, values, interval_seconds=1.0).periods for rule in rules]
        vectorised = time.perf_counter() - started
        started = time.perf_counter()
        cov = coverage(t, values)  # once per series, as the summary route does
        summary = [quality(backtest(rule, t, values, interval_seconds=1.0).periods, cov, spells) for rule in rules]
        summarised = time.perf_counter() - started
        store.close()
    base_rules = rules[: args.baseline_rules]
    started = time.perf_counter()
    slow = naive(base_rules, t, values)
    baseline = (time.perf_counter() - started) * len(rules) / max(1, len(base_rules))
    same = fast[: len(slow)] == slow
    total = read + vectorised
    print(
        f"samples: {len(values):,} (1 s apart over {args.hours:g} h), rules: {len(rules)}, "
        f"fired: {sum(len(p) for p in fast)} periods; load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print(f"one pass, read from DuckDB:   {read:8.3f} s")
    print(f"one pass, {len(rules)} rules vectorised: {vectorised:8.3f} s")
    print(f"one pass, total:              {total:8.3f} s   (goal <= 1 s: {'met' if total <= 1 else 'not met'})")
    scaled = " (extrapolated)" if len(base_rules) < len(rules) else ""
    print(f"baseline, naive evaluate() per sample, {len(base_rules)} rules: {baseline:8.3f} s for {len(rules)} rules{scaled}")
    print(f"ratio baseline / vectorised rules: {baseline / vectorised:,.0f}x; same periods as the baseline: {same}")
    caught = [d for q in summary if (d := q.detection.median_delay_seconds) is not None]
    per_week = sorted(q.alerts_per_week or 0.0 for q in summary)
    print(
        f"summary, {len(rules)} rules (backtest + alerts per week, firing share, detection of {len(spells)} episodes): "
        f"{summarised:8.3f} s ({1000 * summarised / len(rules):.1f} ms a rule); "
        f"ratio summary / plain backtests: {summarised / vectorised:.2f}x"
    )
    print(
        f"  covered {summary[0].covered_seconds:,.0f} s; alerts per week min/median/max "
        f"{per_week[0]:,.1f} / {per_week[len(per_week) // 2]:,.1f} / {per_week[-1]:,.1f}; "
        f"rules catching an episode: {len(caught)}, their median delay median {float(np.median(caught)) if caught else 0:,.0f} s"
    )


if __name__ == "__main__":
    main()
