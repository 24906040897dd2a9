"""A webhook receiver that prints what it receives: one line per alert of each Alertmanager (or
Predwatch --alert-webhook) notification. `make fleet-demo` points Alertmanager at it.

    python deploy/alert_receiver.py --port 5001
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def describe(body: dict) -> list[str]:
    """`firing PredwatchCpuCritical {instance=..., rule=cpu, severity=critical}: summary` per alert."""
    lines = []
    for alert in body.get("alerts", []):
        labels = dict(alert.get("labels", {}))
        name = labels.pop("alertname", "?")
        shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
        lines.append(f"{alert.get('status', '?')} {name} {{{shown}}}: {alert.get('annotations', {}).get('summary', '')}")
    return lines


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (a readiness check)
        self.send_response(200)
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        except ValueError:
            self.send_response(400)
            self.end_headers()
            return
        for line in describe(body):
            print(f"alert received: {line}", flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5001)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
