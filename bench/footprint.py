"""Idle footprint: resident memory and percent of one core of `python app.py --no-demo` (and, with
--demo, of the built-in demo at its default rate) on a fresh store, sampled once a second after a
warm-up, the CPU split into the demo's traffic thread and everything else, plus whether scikit-learn,
SciPy, pandas and pyarrow were loaded (their shared objects in /proc/PID/maps).

The models are trained first, in this process, so the child only loads them (as every start after
the first does); `--fresh` trains none beforehand (a first start on a fresh store and models folder).
`--app` runs another checkout's app.py (e.g. an export of HEAD) for a before/after in the same run.
`--imports` first prints what each library costs: RSS after importing it in a fresh interpreter, one
after the other in the order below (a library's share of a dependency it shares with an earlier one
is counted there), then Predwatch's own modules (`app`), then pandas and pyarrow, which an idle app
should not need. Prints figures; asserts nothing.

    .venv/bin/python -m bench.footprint [--seconds 30] [--warmup 10] [--demo] [--fresh] [--imports] [--app PATH/app.py]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

from bench.server import ROOT, free_port

MB = 1024 * 1024
IMPORT_ORDER = (
    "numpy",
    "duckdb",
    "flask",
    "dash",
    "plotly.graph_objects",
    "dash_bootstrap_components",
    "dash_ag_grid",
    "pydantic",
    "psutil",
    "prometheus_client",
    "waitress",
    "psycopg",
    "joblib",
    "app",
    "pandas",
    "pyarrow",
)
IMPORT_CHILD = """
import importlib, json, sys, psutil
proc = psutil.Process()
out = [["python", proc.memory_info().rss]]
for name in sys.argv[1:]:
    importlib.import_module(name)
    out.append([name, proc.memory_info().rss])
print(json.dumps(out))
"""
GOAL_RSS_MB, GOAL_CPU = 200, 1.0  # the goal: idle --no-demo at most 200 MB and 1 % of a core


def loaded(pid: int, marker: str) -> bool:
    """Whether the process has a file mapped whose path contains `marker` (a package's .so files)."""
    try:
        return marker in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def thread_cpu(proc: psutil.Process) -> dict[str, float]:
    """CPU seconds per OS thread name (collector threads are named pw-<collector>; the rest: the request
    threads, the writer and Python's own, mostly shown as python)."""
    out: dict[str, float] = {}
    for thread in proc.threads():
        try:
            name = Path(f"/proc/{proc.pid}/task/{thread.id}/comm").read_text().strip()
        except OSError:
            continue
        out[name] = out.get(name, 0.0) + thread.user_time + thread.system_time
    return out


def demo_split(before: dict[str, float], after: dict[str, float], seconds: float) -> tuple[float, float]:
    """% of a core spent by the built-in demo's traffic thread (pw-workload: predicting and logging) and by
    everything else over the window (the monitoring of that traffic and of the host). Threads that ended
    in the window are missed; collector threads live as long as the app."""
    delta = {name: after[name] - before.get(name, 0.0) for name in after}
    traffic = delta.get("pw-workload", 0.0)
    return 100 * traffic / seconds, 100 * (sum(delta.values()) - traffic) / seconds


def measure(app: Path, folder: Path, demo: bool, warmup: float, seconds: float) -> dict[str, object]:
    port = free_port()
    cmd = [
        sys.executable,
        str(app),
        "--db",
        str(folder / "fp.duckdb"),
        "--port",
        str(port),
        "--models-dir",
        str(folder / "models"),
        "--log-level",
        "warning",
        "--demo" if demo else "--no-demo",
    ]
    with open(folder / f"server-{port}.log", "wb") as log:
        child = subprocess.Popen(cmd, cwd=app.parent, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    requests.get(f"http://127.0.0.1:{port}/api/ping", timeout=1)
                    break
                except requests.RequestException:
                    time.sleep(0.2)
            proc = psutil.Process(child.pid)
            time.sleep(warmup)
            start_cpu, start, threads_before = sum(proc.cpu_times()[:2]), time.monotonic(), thread_cpu(proc)
            rss = []
            while time.monotonic() - start < seconds:
                rss.append(proc.memory_info().rss / MB)
                time.sleep(1)
            elapsed = time.monotonic() - start
            cpu = 100 * (sum(proc.cpu_times()[:2]) - start_cpu) / elapsed
            traffic, monitoring = demo_split(threads_before, thread_cpu(proc), elapsed)
            return {
                "traffic": traffic,
                "monitoring": monitoring,
                "rss_mean": statistics.fmean(rss),
                "rss_max": max(rss),
                "cpu": cpu,
                "threads": proc.num_threads(),
                "sklearn": loaded(child.pid, "/sklearn/"),
                "scipy": loaded(child.pid, "/scipy/"),
                "pandas": loaded(child.pid, "/pandas/"),
                "pyarrow": loaded(child.pid, "/pyarrow/"),
            }
        finally:
            child.terminate()
            child.wait(30)


def import_costs(app: Path) -> list[tuple[str, float, float]]:
    """(module, RSS after importing it in MB, its increment in MB), imported in IMPORT_ORDER by a fresh
    interpreter in `app`'s folder (so `app` is that checkout's)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHILD, *IMPORT_ORDER], cwd=app.parent, capture_output=True, text=True, check=True
    )
    steps = json.loads(done.stdout.strip().splitlines()[-1])
    return [(name, rss / MB, (rss - before) / MB) for (name, rss), (_, before) in zip(steps[1:], steps, strict=False)]


def print_import_costs(apps: list[Path]) -> None:
    costs = {app: import_costs(app) for app in apps}
    print(f"{'import (in this order)':26}" + "".join(f" {str(app)[-24:]:>24}" for app in apps))
    for i, name in enumerate(IMPORT_ORDER):
        print(f"{name:26}" + "".join(f" {costs[a][i][2]:+10.1f} MB ({costs[a][i][1]:6.1f})" for a in apps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--demo", action="store_true", help="also measure the built-in demo at its default rate")
    parser.add_argument("--app", type=Path, action="append", help="app.py to run (repeatable; default: this tree's)")
    parser.add_argument("--imports", action="store_true", help="first print the RSS each library's import adds")
    parser.add_argument(
        "--fresh", action="store_true", help="a first start: no models trained beforehand (each run its own folder)"
    )
    args = parser.parse_args()
    apps = [a.resolve() for a in args.app] if args.app else [ROOT / "app.py"]
    if args.imports:
        print_import_costs(apps)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.fresh:
            from predictor.models import load_or_train

            load_or_train(Path(tmp) / "models")  # trained once here: every child only loads them
        print(
            f"{'app':40} {'mode':9} {'RSS mean MB':>11} {'RSS max MB':>10} {'% of a core':>11} "
            f"{'threads':>7} sklearn scipy pandas pyarrow {'traffic %':>9} {'monitoring %':>12}"
        )
        for app in apps:
            for demo in [False, True] if args.demo else [False]:
                folder = Path(tmp) / f"run-{len(list(Path(tmp).glob('run-*')))}"
                folder.mkdir()
                if not args.fresh:
                    (folder / "models").symlink_to(Path(tmp) / "models")
                r = measure(app, folder, demo, args.warmup, args.seconds)
                print(
                    f"{str(app)[-40:]:40} {'demo' if demo else 'no-demo':9} {r['rss_mean']:11.1f} "
                    f"{r['rss_max']:10.1f} {r['cpu']:11.2f} {r['threads']:7} {str(r['sklearn']):7} {str(r['scipy']):5} "
                    f"{str(r['pandas']):6} {str(r['pyarrow']):7} "
                    f"{r['traffic']:9.2f} {r['monitoring']:12.2f}"
                )
    print(
        f"goal (idle --no-demo): RSS <= {GOAL_RSS_MB} MB, CPU <= {GOAL_CPU} % of a core; "
        f"window {args.seconds:.0f} s after {args.warmup:.0f} s warm-up"
    )


if __name__ == "__main__":
    main()
