"""An idle `--no-demo` app never imports pandas or pyarrow (with NumPy's they are ~90 MB of its memory):
collectors, the writer's small batches, the health report and /metrics work on plain tuples, and only
charts, exports, ingest and large batches load them, on first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "pyarrow", "sklearn", "scipy")

# The child starts the app as `python app.py --no-demo` would (load_settings, create_app, start), with short
# intervals, and waits until every collector has run twice and the writer has stored rows from each of the
# tables it fills at idle, then reads what a health check and a scrape read.
CHILD = """
import json, sys, time
from app import create_app
from settings import load_settings

argv = sys.argv[1:]
app = create_app(load_settings(argv, environ={}))
runtime = app.predwatch.runtime
app.predwatch.start()
tables = ("system_samples", "process_samples", "service_samples", "db_samples", "db_table_stats", "quality_checks")
deadline = time.monotonic() + 120
def done():
    board = runtime.board.snapshot().values()
    stored = all(runtime.store.fetch_one("t", f"SELECT count(*) FROM {t}")[0] for t in tables)
    return stored and all(item.runs >= 2 for item in board)
while not done():
    assert time.monotonic() < deadline, {n: s.runs for n, s in runtime.board.snapshot().items()}
    time.sleep(0.1)
client = app.server.test_client()
codes = {path: client.get(path).status_code for path in ("/api/system_health", "/metrics", "/api/ping", "/metrics")}
loaded = sorted(name for name in %r if name in sys.modules)
app.predwatch.stop()
print(json.dumps({"codes": codes, "loaded": loaded, "collectors": sorted(runtime.board.snapshot())}))
"""


def test_an_idle_no_demo_app_imports_no_pandas_pyarrow_scikit_learn_or_scipy(tmp_path: Path) -> None:
    fast = ["--sample-interval", "0.2", "--writer-flush-interval", "0.1", "--alert-interval", "0.2"]
    fast += ["--db-stats-interval", "0.3", "--quality-interval", "0.3", "--eval-interval", "0.3", "--retention-interval", "1"]
    argv = ["--no-demo", "--db", str(tmp_path / "idle.duckdb"), "--models-dir", str(tmp_path / "models"), *fast]
    done = subprocess.run([sys.executable, "-c", CHILD % (HEAVY,), *argv], cwd=ROOT, capture_output=True, text=True, timeout=170)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"system", "service", "database", "data_quality", "alerting", "evaluation", "retention"} <= set(report["collectors"])
    assert report["codes"] == {"/api/system_health": 200, "/metrics": 200, "/api/ping": 200}
    assert report["loaded"] == []


def test_the_check_above_sees_an_import(tmp_path: Path) -> None:
    """The same child reports pandas once something on its path imports it (so [] above means absent)."""
    script = "import pandas\n" + CHILD
    argv = [
        "--no-demo",
        "--db",
        str(tmp_path / "seen.duckdb"),
        "--models-dir",
        str(tmp_path / "models"),
        "--eval-interval",
        "0.3",
    ]
    argv += ["--db-stats-interval", "0.3", "--quality-interval", "0.3", "--retention-interval", "1", "--sample-interval", "0.2"]
    done = subprocess.run(
        [sys.executable, "-c", script % (HEAVY,), *argv, "--writer-flush-interval", "0.1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "pandas" in json.loads(done.stdout.strip().splitlines()[-1])["loaded"]
