"""Collector overhead: percent of one core that Predwatch's system collection costs at a 1 s
interval, beside Glances at a 1 s refresh and a naive psutil loop over every process.

Each runs as its own child process, one after the other (the machine has 2 cores): Predwatch's
child runs only `SystemCollector` through the real `CollectorRunner` into a real `Writer` +
`Store` on a temporary DuckDB file (so enqueue, flush and insert count); Glances runs headless
(`--stdout cpu.total,mem.percent -t 1`) from its own venv at bench/.venv-peers; the naive loop
calls `process_iter` with cpu_percent and memory_info every second. After a warm-up, the child's
user+system CPU time is read from /proc (psutil) at the start and the end of the window.

Prints figures and ratios; asserts nothing.

    .venv/bin/python -m bench.collector_overhead [--seconds 60] [--warmup 3] [--skip-glances]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEERS_VENV = BENCH / ".venv-peers"
PEERS_REQUIREMENTS = BENCH / "requirements-peers.txt"
GLANCES_ARGS = ["--stdout", "cpu.total,mem.percent", "-t", "1", "--disable-check-update"]
READY = "ready"
GOAL_PERCENT = 0.5
GOAL_SHARE_OF_GLANCES = 1 / 3


# -- the children ---------------------------------------------------------------------------------
def wait_for_sigterm() -> None:
    """Block the main thread until SIGTERM or SIGINT; the collectors run on their own threads."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(3600):
        pass


def run_predwatch_child(interval: float, flush_interval: float) -> None:
    """What the app runs for host metrics, and nothing else: the system collector on the runner,
    its rows enqueued to the writer, the writer thread flushing every 0.1 s into DuckDB."""
    from collectors.runner import CollectorRunner
    from collectors.system import SystemCollector
    from data.store import Store
    from data.writer import Writer
    from state.status import StatusBoard
    from telemetry.metrics import Telemetry

    with tempfile.TemporaryDirectory(prefix="predwatch-overhead-") as tmp:
        store = Store(Path(tmp) / "predwatch.duckdb")
        writer = Writer(store, flush_interval=flush_interval)  # the app's default is 0.1 s
        board = StatusBoard()
        runner = CollectorRunner(writer, Telemetry(), board)
        runner.add(SystemCollector(interval))
        writer.start()
        runner.start()
        # The parent splits the CPU time by thread (from /proc) with these OS thread ids.
        roles = {"collector thread": runner._threads[0].native_id, "writer thread": writer._thread.native_id}
        print(READY, json.dumps(roles), flush=True)
        wait_for_sigterm()
        runner.stop()
        writer.stop()
        status = board.snapshot()["system"]
        rows = {
            t: store.fetch_one("bench", f"SELECT count(*) FROM {t}")[0]
            for t in ("system_samples", "disk_samples", "process_samples")
        }
        store.close()
    print(
        json.dumps(
            {
                "passes": status.runs,
                "failures": status.failures,
                "rows_stored": rows,
                "writer_batches": writer.stats.batches,
                "dropped": writer.stats.dropped,
            }
        ),
        flush=True,
    )


def run_naive_child(interval: float, _flush_interval: float) -> None:
    """The obvious monitor: every second, every process's cpu_percent and memory_info, plus host CPU
    and memory, on the same drift-free schedule as Predwatch's runner."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    psutil.cpu_percent()
    passes, seen = 0, 0
    print(READY, flush=True)
    due = time.monotonic()
    while not stop.is_set():
        procs = list(psutil.process_iter(["pid", "name", "cpu_percent", "memory_info"]))
        psutil.cpu_percent(), psutil.virtual_memory()
        passes, seen = passes + 1, len(procs)
        due += interval
        stop.wait(max(0.0, due - time.monotonic()))
    print(json.dumps({"passes": passes, "processes_last_pass": seen}), flush=True)


# -- measuring a child ----------------------------------------------------------------------------
@dataclass
class Measurement:
    name: str
    command: str
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    machine_busy_percent: float = 0.0
    processes: int = 0
    lines_in_window: int = 0
    final_line: str = ""
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    by_thread: dict[str, float] = field(default_factory=dict)  # CPU seconds per named thread role

    @property
    def percent(self) -> float:
        return 100.0 * self.cpu_seconds / self.wall_seconds if self.wall_seconds else float("nan")


def cpu_seconds(proc: psutil.Process) -> float:
    """User + system time of the process, all its threads, and any children it waited for."""
    t = proc.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def machine_busy(before: Any, after: Any) -> float:  # psutil's scputimes namedtuples
    """Percent of all cores busy between two readings: how noisy the machine was meanwhile."""
    total = sum(after) - sum(before)
    idle = (after.idle + getattr(after, "iowait", 0)) - (before.idle + getattr(before, "iowait", 0))
    return 100.0 * (total - idle) / total if total > 0 else float("nan")


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def wait_ready(child: subprocess.Popen, out: Path, marker: str, timeout: float) -> str | None:
    """None once `marker` appears in the child's output; an error text if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker in out.read_text(errors="replace"):
            return None
        if child.poll() is not None:
            return f"exited with code {child.returncode} before it was ready"
        time.sleep(0.1)
    return f"not ready after {timeout:.0f} s"


def stop_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def tail(path: Path, lines: int = 5) -> str:
    text = path.read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])


def measure(name: str, argv: Sequence[str], marker: str, seconds: float, warmup: float) -> Measurement:
    """Start `argv`, wait for `marker` on its stdout and the warm-up, then take its CPU time over
    `seconds` of wall time. Start-up (imports, first scan) is outside the window on purpose."""
    result = Measurement(name, " ".join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv)))
    print(f"measuring {name} for {seconds:.0f} s (+{warmup:.0f} s warm-up) ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="predwatch-overhead-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            child = subprocess.Popen(list(argv), stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, cwd=tmp)
        try:
            result.error = wait_ready(child, out, marker, timeout=120)
            if result.error is None:
                time.sleep(warmup)
                result.error = window(result, child, out, seconds)
        finally:
            stop_child(child)
        if result.error:
            result.error += f"; stderr: {tail(err) or '(empty)'}"
        lines = out.read_text(errors="replace").strip().splitlines()
        result.final_line = lines[-1] if lines else ""
    return result


def thread_roles(out: Path) -> dict[int, str]:
    """OS thread id -> role, from a child's `ready {"role": tid}` line (Predwatch's child prints one)."""
    first = out.read_text(errors="replace").splitlines()[0]
    if not first.startswith(READY + " "):
        return {}
    return {tid: role for role, tid in json.loads(first[len(READY) + 1 :]).items()}


def thread_cpu(proc: psutil.Process, roles: dict[int, str]) -> dict[str, float]:
    """CPU seconds per role; every other thread (main, DuckDB's workers) is summed as 'other threads'."""
    times: dict[str, float] = dict.fromkeys([*roles.values(), "other threads"], 0.0)
    for t in proc.threads():
        times[roles.get(t.id, "other threads")] += t.user_time + t.system_time
    return times


def window(result: Measurement, child: subprocess.Popen, out: Path, seconds: float) -> str | None:
    proc, roles = psutil.Process(child.pid), thread_roles(out)
    result.processes = len(psutil.pids())
    threads0 = thread_cpu(proc, roles) if roles else {}
    lines0, host0, cpu0, t0 = count_lines(out), psutil.cpu_times(), cpu_seconds(proc), time.monotonic()
    deadline = t0 + seconds
    while time.monotonic() < deadline:
        if child.poll() is not None:  # it died mid-window: its figure would be meaningless
            return f"exited with code {child.returncode} during the measurement"
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    cpu1, t1, host1 = cpu_seconds(proc), time.monotonic(), psutil.cpu_times()
    result.cpu_seconds, result.wall_seconds = cpu1 - cpu0, t1 - t0
    result.machine_busy_percent = machine_busy(host0, host1)
    result.lines_in_window = count_lines(out) - lines0
    if roles:  # threads that ended inside the window drop out of this split, not out of the total
        result.by_thread = {k: v - threads0.get(k, 0.0) for k, v in thread_cpu(proc, roles).items()}
    return None


# -- Glances from its own venv --------------------------------------------------------------------
def glances_executable() -> tuple[Path | None, str]:
    """The pinned Glances in bench/.venv-peers, created on first use. (None, why) if it can't be."""
    exe = PEERS_VENV / "bin" / "glances"
    if not exe.exists():
        print(f"installing peers from {PEERS_REQUIREMENTS.name} into {PEERS_VENV} ...", flush=True)
        steps = (
            [sys.executable, "-m", "venv", str(PEERS_VENV)],
            [str(PEERS_VENV / "bin" / "pip"), "install", "--quiet", "-r", str(PEERS_REQUIREMENTS)],
        )
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                return None, f"`{' '.join(step)}` failed: {(done.stderr or done.stdout).strip()[-500:]}"
    version = subprocess.run([str(exe), "-V"], capture_output=True, text=True)
    if version.returncode != 0:
        return None, f"`glances -V` failed: {(version.stderr or version.stdout).strip()[-500:]}"
    return exe, " ".join(version.stdout.split()[:3])  # "Glances version: 4.5.8"


# -- report ---------------------------------------------------------------------------------------
def describe(m: Measurement) -> str:
    if m.error:
        return f"  {m.name:<32} not measured: {m.error}"
    return (
        f"  {m.name:<32} {m.percent:7.3f} %   ({m.cpu_seconds:.2f} s CPU in {m.wall_seconds:.1f} s; "
        f"{m.processes} processes on the host; host busy {m.machine_busy_percent:.0f} %)"
    )


def ratio_line(label: str, ours: Measurement, base: Measurement) -> str:
    if ours.error or base.error or base.cpu_seconds <= 0:
        return f"  {label}: n/a"
    return f"  {label}: {ours.percent / base.percent:.3f}  (baseline uses {base.percent / ours.percent:.1f}x Predwatch's CPU)"


def print_report(results: dict[str, Measurement], glances_note: str) -> None:
    pw, naive, gl = results["predwatch"], results["naive"], results["glances"]
    print("\nCPU used, percent of one core (user+sys of the child over the window; lower is better)")
    for m in (pw, gl, naive):
        print(describe(m))
        print(f"  {'':<32} command: {m.command}")
        if m.error:
            continue
        if m is gl:
            print(f"  {'':<32} {glances_note}; {gl.lines_in_window} lines printed in the window (2 per refresh)")
        elif m.final_line:
            print(f"  {'':<32} child's summary: {m.final_line}")
        if m.by_thread:
            split = ", ".join(f"{k} {100 * v / m.wall_seconds:.3f} %" for k, v in m.by_thread.items())
            print(f"  {'':<32} by thread: {split}")
    print("\nRatios (Predwatch / baseline)")
    print(ratio_line("Predwatch / Glances", pw, gl))
    print(ratio_line("Predwatch / naive psutil loop", pw, naive))
    print("\nGoals (reported, not asserted)")
    if not pw.error:
        print(
            f"  Predwatch <= {GOAL_PERCENT} % of a core: {pw.percent:.3f} % -> "
            f"{'met' if pw.percent <= GOAL_PERCENT else 'NOT met'}"
        )
    if not (pw.error or gl.error):
        share = pw.percent / gl.percent
        print(f"  Predwatch < 1/3 of Glances: {share:.3f} -> {'met' if share < GOAL_SHARE_OF_GLANCES else 'NOT met'}")
    print("(CPU times come in 10 ms clock ticks: over 60 s that is +-0.017 % of a core per reading)")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="measurement window per tool")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds after start-up before the window")
    parser.add_argument("--interval", type=float, default=1.0, help="collection interval of every tool")
    parser.add_argument(
        "--flush-interval", type=float, default=0.1, help="Predwatch writer's flush interval (the app's default is 0.1 s)"
    )
    parser.add_argument("--skip-glances", action="store_true", help="don't install or run Glances")
    parser.add_argument("--child", choices=("predwatch", "naive"), help=argparse.SUPPRESS)  # internal
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or args.interval < 0.05 or args.flush_interval <= 0:
        parser.error("--seconds and --flush-interval must be > 0, --warmup >= 0, --interval >= 0.05")
    return args


def run_all(args: argparse.Namespace) -> dict[str, Measurement]:
    me = [sys.executable, str(Path(__file__).resolve())]
    child_args = ["--interval", str(args.interval)]
    flush_args = ["--flush-interval", str(args.flush_interval)]

    def run(name: str, argv: Sequence[str], marker: str) -> Measurement:
        return measure(name, argv, marker, args.seconds, args.warmup)

    results = {
        "predwatch": run("Predwatch SystemCollector", [*me, "--child", "predwatch", *child_args, *flush_args], READY),
        "naive": run("naive psutil loop (all procs)", [*me, "--child", "naive", *child_args], READY),
    }
    glances = Measurement("Glances", "glances " + " ".join(GLANCES_ARGS))
    if args.skip_glances:
        glances.error = "skipped (--skip-glances)"
    else:
        exe, info = glances_executable()
        if exe is None:
            glances.error = f"cannot run here: {info}"
        else:
            argv = [str(exe), *GLANCES_ARGS[:3], str(args.interval), *GLANCES_ARGS[4:]]
            glances = run("Glances", argv, "cpu.total")
            glances.notes.append(info)
    results["glances"] = glances
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    children: dict[str, Callable[[float, float], None]] = {"predwatch": run_predwatch_child, "naive": run_naive_child}
    if args.child:
        children[args.child](args.interval, args.flush_interval)
        return 0
    load = os.getloadavg()
    print(
        f"Collector overhead: Python {platform.python_version()}, psutil {psutil.__version__}, "
        f"{os.cpu_count()} cores, interval {args.interval} s, Predwatch writer flush every {args.flush_interval} s, "
        f"window {args.seconds:.0f} s each, run one after another; "
        f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    results = run_all(args)
    print_report(results, "; ".join(results["glances"].notes) or "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
