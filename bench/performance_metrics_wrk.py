"""GET /api/performance_metrics under `wrk -t2 -c32 -d10s` on loopback with 1M predictions stored,
beside a trivial JSON route (/api/ping) on the same server in the same run.
Goal: >= 80 % of the trivial route's requests/s, p99 <= 50 ms."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.seed import seed_predictions
from bench.server import Server
from data.clock import utcnow
from data.store import Store
from data.writer import Writer


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float, str]:
    """(requests/s, p99 ms, non-2xx line or '') from wrk's --latency output."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: \d+", out)
    return rps, p99, errors.group(0) if errors else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--predictions", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian package wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "perf.duckdb"
        store = Store(db)
        started = time.monotonic()
        seed_predictions(Writer(store), args.predictions, utcnow(), timedelta(hours=24))
        store.close()
        print(f"seeded {args.predictions:,} predictions over 24 h in {time.monotonic() - started:.1f} s")
        server = Server(db, "--threads", "8").wait_ready()
        try:
            first = {}
            for path in ("/api/ping", "/api/performance_metrics", "/api/recent_predictions"):  # warm, and time a miss
                out = subprocess.run(
                    ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", server.url + path],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                first[path] = float(out) * 1000
            ping = wrk(server.url + "/api/ping", args.seconds, args.connections)
            perf = wrk(server.url + "/api/performance_metrics", args.seconds, args.connections)
        finally:
            server.stop()
    print("first (uncached) request: " + ", ".join(f"{p} {ms:.0f} ms" for p, ms in first.items()))
    print(f"trivial /api/ping:         {ping[0]:8.0f} req/s, p99 {ping[1]:6.1f} ms {ping[2]}")
    print(f"/api/performance_metrics:  {perf[0]:8.0f} req/s, p99 {perf[1]:6.1f} ms {perf[2]}")
    print(f"ratio: {perf[0] / ping[0]:.2f} of the trivial route's requests/s (goal >= 0.80, p99 <= 50 ms)")


if __name__ == "__main__":
    main()
