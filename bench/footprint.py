"""Idle footprint: resident memory and percent of one core of `python app.py --no-demo` (and, with
--demo, of the built-in demo at its default rate) on a fresh store, sampled once a second after a
warm-up, plus whether scikit-learn and SciPy were loaded (their shared objects in /proc/PID/maps).

The models are trained first, in this process, so the child only loads them (as every start after
the first does). `--app` runs another checkout's app.py (e.g. an export of HEAD) for a before/after
in the same run. Prints figures; asserts nothing.

    .venv/bin/python -m bench.footprint [--seconds 30] [--warmup 10] [--demo] [--app PATH/app.py]
"""
from __future__ import annotations

import argparse
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
GOAL_RSS_MB, GOAL_CPU = 200, 1.0  # issue 18: idle --no-demo at most 200 MB and 1 % of a core


def loaded(pid: int, marker: str) -> bool:
    """Whether the process has a file mapped whose path contains `marker` (a package's .so files)."""
    try:
        return marker in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def measure(app: Path, folder: Path, demo: bool, warmup: float, seconds: float) -> dict[str, object]:
    port = free_port()
    cmd = [sys.executable, str(app), "--db", str(folder / "fp.duckdb"), "--port", str(port),
           "--models-dir", str(folder / "models"), "--log-level", "warning", "--demo" if demo else "--no-demo"]
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
            start_cpu, start = sum(proc.cpu_times()[:2]), time.monotonic()
            rss = []
            while time.monotonic() - start < seconds:
                rss.append(proc.memory_info().rss / MB)
                time.sleep(1)
            cpu = 100 * (sum(proc.cpu_times()[:2]) - start_cpu) / (time.monotonic() - start)
            return {"rss_mean": statistics.fmean(rss), "rss_max": max(rss), "cpu": cpu,
                    "threads": proc.num_threads(), "sklearn": loaded(child.pid, "/sklearn/"),
                    "scipy": loaded(child.pid, "/scipy/")}
        finally:
            child.terminate()
            child.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--demo", action="store_true", help="also measure the built-in demo at its default rate")
    parser.add_argument("--app", type=Path, action="append", help="app.py to run (repeatable; default: this tree's)")
    args = parser.parse_args()
    apps = [a.resolve() for a in args.app] if args.app else [ROOT / "app.py"]
    with tempfile.TemporaryDirectory() as tmp:
        from predictor.models import load_or_train

        load_or_train(Path(tmp) / "models")  # trained once here: every child only loads them
        print(f"{'app':40} {'mode':9} {'RSS mean MB':>11} {'RSS max MB':>10} {'% of a core':>11} "
              f"{'threads':>7} sklearn scipy")
        for app in apps:
            for demo in ([False, True] if args.demo else [False]):
                folder = Path(tmp) / f"run-{len(list(Path(tmp).glob('run-*')))}"
                folder.mkdir()
                (folder / "models").symlink_to(Path(tmp) / "models")
                r = measure(app, folder, demo, args.warmup, args.seconds)
                print(f"{str(app)[-40:]:40} {'demo' if demo else 'no-demo':9} {r['rss_mean']:11.1f} "
                      f"{r['rss_max']:10.1f} {r['cpu']:11.2f} {r['threads']:7} {str(r['sklearn']):7} {r['scipy']}")
    print(f"goal (idle --no-demo): RSS <= {GOAL_RSS_MB} MB, CPU <= {GOAL_CPU} % of a core; "
          f"window {args.seconds:.0f} s after {args.warmup:.0f} s warm-up")


if __name__ == "__main__":
    main()
