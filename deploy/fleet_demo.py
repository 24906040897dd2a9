"""`make fleet-demo`: two Predwatch instances with the built-in workload (own ports and databases)
and a Prometheus server scraping both, all on 127.0.0.1; the dashboard's fleet views show both.
Where Alertmanager is installed (Debian package prometheus-alertmanager), Prometheus sends the
exported rules' alerts to it, routed by deploy/alertmanager.yml to deploy/alert_receiver.py, which
prints each alert it receives.

Runs until Ctrl-C (or SIGTERM), then stops exactly the processes it started, by PID."""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS = Path("/usr/bin/prometheus")
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prometheus_config(targets: list[str], scrape_seconds: float, rules: list[Path], alertmanager: str | None = None) -> str:
    """A scrape config for `targets` (JSON strings are valid YAML), evaluating the exported alert rules and the
    fleet rules, and sending their alerts to `alertmanager` (host:port) when there is one."""
    alerting = (
        ["alerting:", "  alertmanagers:", "    - static_configs:", f"        - targets: {json.dumps([alertmanager])}"]
        if alertmanager
        else []
    )
    return "\n".join(
        [
            "global:",
            f"  scrape_interval: {scrape_seconds:g}s",
            f"  evaluation_interval: {scrape_seconds:g}s",
            "rule_files:",
            *(f"  - {json.dumps(str(path))}" for path in rules),
            *alerting,
            "scrape_configs:",
            "  - job_name: predwatch",
            "    static_configs:",
            f"      - targets: {json.dumps(targets)}",
            "",
        ]
    )


def alertmanager_config(receiver_url: str) -> str:
    """deploy/alertmanager.yml with its webhook pointed at the demo's receiver and no 30 s group wait."""
    text = (ROOT / "deploy" / "alertmanager.yml").read_text()
    return text.replace("http://127.0.0.1:5001/alerts", receiver_url).replace("group_wait: 30s", "group_wait: 1s")


def start_alertmanager(work: Path, procs: list[subprocess.Popen]) -> str | None:
    """The printing receiver and Alertmanager routing to it; Alertmanager's host:port, or None (with a
    message) where it is not installed."""
    if ALERTMANAGER is None:
        print("Alertmanager is not installed (Debian package prometheus-alertmanager): alerts stay in Prometheus", flush=True)
        return None
    port, proc = start_on_free_port(
        [sys.executable, str(ROOT / "deploy" / "alert_receiver.py"), "--port", "{port}"],
        work / "receiver.log",
        "http://127.0.0.1:{port}/",
        log_to_stdout=True,
    )
    procs.append(proc)
    (work / "alertmanager.yml").write_text(alertmanager_config(f"http://127.0.0.1:{port}/alerts"))
    cmd = [
        ALERTMANAGER,
        f"--config.file={work / 'alertmanager.yml'}",
        f"--storage.path={work / 'alertmanager'}",
        "--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    am_port, proc = start_on_free_port(cmd, work / "alertmanager.log", "http://127.0.0.1:{port}/-/ready")
    procs.append(proc)
    print(f"Alertmanager: http://127.0.0.1:{am_port} (its notifications are printed below)", flush=True)
    return f"127.0.0.1:{am_port}"


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:g} s")


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _start(cmd: list[str], log: Path, ready_url: str, port: int, log_to_stdout: bool = False) -> subprocess.Popen:
    out = None if log_to_stdout else open(log, "wb")  # the receiver prints to the demo's own output
    proc = subprocess.Popen(
        [c.replace("{port}", str(port)) for c in cmd], cwd=ROOT, stdout=out, stderr=None if log_to_stdout else subprocess.STDOUT
    )
    try:
        wait_http(ready_url.replace("{port}", str(port)), proc)
    except BaseException:
        _stop([proc])
        raise
    return proc


def start_on_free_port(
    cmd: list[str], log: Path, ready_url: str, port: int = 0, tries: int = 3, log_to_stdout: bool = False
) -> tuple[int, subprocess.Popen]:
    """Start `cmd` ({port} filled in) and wait for `ready_url`; a port taken between choosing and
    binding it (other programs pick free ports too) is retried on another free port."""
    for attempt in range(tries):
        chosen = port or free_port()
        try:
            return chosen, _start(cmd, log, ready_url, chosen, log_to_stdout)
        except RuntimeError:
            if port or attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def run(args: argparse.Namespace, work: Path) -> None:
    procs: list[subprocess.Popen] = []
    try:
        prom_port = args.prometheus_port or free_port()
        prom_url = f"http://127.0.0.1:{prom_port}"
        ports = []
        for i, wanted in enumerate([args.port, 0]):  # one at a time: the first trains the shared models
            cmd = [
                sys.executable,
                str(ROOT / "app.py"),
                "--port",
                "{port}",
                "--db",
                str(work / f"instance{i + 1}.duckdb"),
                "--models-dir",
                str(work / "models"),
                "--demo-rate",
                str(args.demo_rate),
                "--prometheus-url",
                prom_url,
            ]
            port, proc = start_on_free_port(cmd, work / f"instance{i + 1}.log", "http://127.0.0.1:{port}/api/ping", wanted)
            ports.append(port)
            procs.append(proc)
        alertmanager = start_alertmanager(work, procs)
        config = work / "prometheus.yml"
        config.write_text(
            prometheus_config(
                [f"127.0.0.1:{p}" for p in ports],
                args.scrape_seconds,
                [ROOT / "deploy" / "alert-rules.yml", ROOT / "deploy" / "fleet-rules.yml"],
                alertmanager,
            )
        )
        cmd = [
            str(PROMETHEUS),
            f"--config.file={config}",
            f"--storage.tsdb.path={work / 'tsdb'}",
            "--web.listen-address=127.0.0.1:{port}",
        ]
        _, proc = start_on_free_port(cmd, work / "prometheus.log", "http://127.0.0.1:{port}/-/ready", prom_port)
        procs.append(proc)
        print(f"Predwatch instances: {', '.join(f'http://127.0.0.1:{p}' for p in ports)}")
        print(f"Prometheus: {prom_url} (logs and databases in {work})")
        print(f"Fleet view: http://127.0.0.1:{ports[0]}/system and http://127.0.0.1:{ports[0]}/predictions")
        print("Ctrl-C stops them all.", flush=True)
        _watch(procs)
    finally:
        _stop(procs)


def _watch(procs: list[subprocess.Popen]) -> None:
    """Only Ctrl-C ends the demo; a child that dies is reported, not restarted."""
    reported: set[int] = set()
    while True:
        for proc in procs:
            if proc.poll() is not None and proc.pid not in reported:
                reported.add(proc.pid)
                print(f"warning: {proc.args[0]} (PID {proc.pid}) exited with {proc.returncode}", flush=True)
        time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="first instance's port (default: a free one)")
    parser.add_argument("--prometheus-port", type=int, default=0, help="Prometheus port (default: a free one)")
    parser.add_argument("--demo-rate", type=float, default=20.0, help="built-in workload requests/s per instance")
    parser.add_argument("--scrape-seconds", type=float, default=2.0, help="Prometheus scrape interval")
    args = parser.parse_args(argv)
    if not PROMETHEUS.exists():
        print(f"fleet-demo needs {PROMETHEUS} (Debian package prometheus)", file=sys.stderr)
        return 2
    # SIGINT explicitly too: a shell starting the demo in the background would leave it ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    with tempfile.TemporaryDirectory(prefix="predwatch-fleet-") as work:
        try:
            run(args, Path(work))
        except KeyboardInterrupt:
            print("stopped the two instances, Prometheus and (where started) Alertmanager and its receiver")
    return 0


if __name__ == "__main__":
    sys.exit(main())
