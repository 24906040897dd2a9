"""Load with the demo workload and an ingest client running: `wrk -c64` on /api/performance_metrics and on
/api/system_health, each beside the trivial /api/ping measured the same way in the same run (the baseline).
Figures: errors (non-2xx and socket errors), p99, requests/s, and the system collector's sampling gaps
(a sample later than 2 intervals after the previous one) during the load."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import requests

from bench.server import Server

SAMPLE_INTERVAL = 0.5


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99_ms": float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit],
        "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0),
    }


def ingest(url: str, stop: threading.Event, counts: dict[str, int]) -> None:
    session, number = requests.Session(), 0
    while not stop.is_set():
        body = {"predictions": [{"id": f"load-{number}-{i}", "model": "ext", "score": 0.5} for i in range(100)]}
        try:
            ok = session.post(url + "/api/predictions", json=body, timeout=30).status_code == 200
        except requests.RequestException:
            ok = stop.is_set()  # the server stopping under the last batch is not a failure
            if ok:
                return
        counts["ok" if ok else "failed"] += 1
        number += 1


def sampling_gaps(db: Path, since: str) -> tuple[int, float]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT ts FROM system_samples WHERE ts >= ?::TIMESTAMP ORDER BY ts", [since]).fetchall()
    con.close()
    steps = [(b[0] - a[0]).total_seconds() for a, b in zip(rows, rows[1:], strict=False)]
    return sum(1 for s in steps if s > 2 * SAMPLE_INTERVAL), max(steps, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian package wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.duckdb"
        server = Server(db, "--demo", "--threads", "8", "--sample-interval", str(SAMPLE_INTERVAL)).wait_ready()
        stop, counts = threading.Event(), {"ok": 0, "failed": 0}
        try:
            started = requests.get(server.url + "/api/ping", timeout=5).headers["Date"]
            since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time()))
            feeder = threading.Thread(target=ingest, args=(server.url, stop, counts), daemon=True)
            feeder.start()
            results = {
                path: wrk(server.url + path, args.seconds, args.connections)
                for path in ("/api/ping", "/api/performance_metrics", "/api/system_health")
            }
        finally:
            stop.set()
            server.stop()
        gaps, longest = sampling_gaps(db, since)
    print(
        f"wrk -t2 -c{args.connections} -d{args.seconds}s each, demo workload on, ingest batches "
        f"ok={counts['ok']} failed={counts['failed']} (server up since {started})"
    )
    base = results["/api/ping"]
    for path, r in results.items():
        print(
            f"{path:26s} {r['rps']:8.0f} req/s  p99 {r['p99_ms']:7.1f} ms  errors {r['errors']}  "
            f"ratio to /api/ping {r['rps'] / base['rps']:.2f}"
        )
    print(f"system sampling gaps (> 2 x {SAMPLE_INTERVAL} s) during the load: {gaps}, longest step {longest:.2f} s")


if __name__ == "__main__":
    main()
