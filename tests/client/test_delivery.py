"""What reaches the real server: bad records refused one by one while the rest land, outcomes, the
timing helpers, a batch job's DataFrame, close() and interpreter exit flushing, Prometheus counters."""

from __future__ import annotations

import logging
import math
import subprocess
import sys

import pandas as pd
import pytest
from prometheus_client import CollectorRegistry, generate_latest

from predwatch_client import PredictionLogger
from tests.client.helpers import TOKEN, prediction_ids, start_on, stored
from tests.conftest import ROOT, free_port


@pytest.fixture
def server(start_server, tmp_path):
    return start_on(start_server, free_port(), tmp_path / "client.duckdb")


def quiet_logger(server, **options) -> PredictionLogger:
    """Everything waits for close(): one batch, whatever the timing."""
    return PredictionLogger(server.url, token=TOKEN, **{"model": "m", "flush_interval": 3600, **options})


def test_bad_records_are_rejected_one_by_one_and_the_rest_of_the_batch_lands(server, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="predwatch_client")
    log = quiet_logger(server)
    for i in range(100):
        if i == 37:
            log.prediction(id="too-sure", score=1.5)  # the server's 422 names this row
        elif i == 61:
            log.prediction(id="nan", score=math.nan)  # not JSON at all: found by bisecting
        else:
            log.prediction(id=f"good-{i}", features={"x": float(i)}, score=0.25, latency_seconds=0.01)
    assert log.close(30)
    assert (log.sent, log.rejected, log.dropped) == (98, 2, 0)
    assert "HTTP 422" in caplog.text
    assert "predictions[37].score" in caplog.text
    assert "'too-sure'" in caplog.text
    assert server.stop() == 0
    assert sorted(prediction_ids(server.db, "m")) == sorted(f"good-{i}" for i in range(100) if i not in (37, 61))


def test_a_wrong_token_rejects_the_batch_once_without_retrying(server, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="predwatch_client")
    log = PredictionLogger(server.url, token="wrong", model="m", flush_interval=3600)
    for i in range(10):
        log.prediction(id=str(i), score=0.5)
    assert log.close(30)
    assert (log.sent, log.rejected, log.retried) == (0, 10, 0)
    assert "HTTP 401" in caplog.text


def test_outcomes_timed_blocks_and_the_decorator_land_with_their_fields(server) -> None:
    log = quiet_logger(server, model_version="7")
    with log.timed("ctx-1", {"x": 1.0, "note": "text is a category", "gap": None}) as t:
        t.score, t.predicted_label = 0.9, 1
    with pytest.raises(ZeroDivisionError):
        with log.timed("ctx-2", {"x": 2.0}):
            _ = 1 / 0

    @log.track(id_of=lambda features: features["request_id"], model="tracked")
    def predict(features: dict) -> dict:
        return {"score": 0.2, "predicted_label": 0}

    assert predict({"request_id": "dec-1", "x": 3.0}) == {"score": 0.2, "predicted_label": 0}
    log.outcome(id="ctx-1", label=1)
    assert log.close(30)
    assert (log.sent, log.rejected) == (4, 0)
    assert server.stop() == 0
    rows = stored(
        server.db,
        "SELECT id, model, model_version, score, predicted_label, status, error_kind, "
        "latency_seconds > 0 FROM predictions ORDER BY id",
    )
    assert rows == [
        ("ctx-1", "m", "7", 0.9, 1, "ok", None, True),
        ("ctx-2", "m", "7", None, None, "error", "ZeroDivisionError", True),
        ("dec-1", "tracked", "7", 0.2, 0, "ok", None, True),
    ]
    features = stored(server.db, "SELECT id, feature, value FROM prediction_features ORDER BY id, feature")
    assert features == [("ctx-1", "gap", None), ("ctx-1", "x", 1.0), ("ctx-2", "x", 2.0), ("dec-1", "x", 3.0)]
    categories = stored(server.db, "SELECT id, feature, category FROM prediction_categories ORDER BY id, feature")
    assert categories == [("ctx-1", "note", "text is a category"), ("dec-1", "request_id", "dec-1")]
    assert stored(server.db, "SELECT id, label FROM outcomes") == [("ctx-1", 1)]


def test_a_batch_jobs_dataframe_lands_with_missing_cells_as_nulls(server) -> None:
    log = quiet_logger(server, max_queue=300, batch_size=100)  # 1,000 rows through a queue of 300: predictions() waits
    frame = pd.DataFrame(
        {
            "id": [f"row-{i}" for i in range(1_000)],
            "score": [i / 1_000 for i in range(1_000)],
            "income": [math.nan if i % 10 == 0 else float(i) for i in range(1_000)],
            "timestamp": pd.Timestamp("2026-11-30T12:00:00Z"),
        }
    )
    assert log.predictions(frame) == 1_000
    assert log.close(30)
    assert (log.sent, log.dropped) == (1_000, 0)
    assert server.stop() == 0
    assert len(prediction_ids(server.db, "m")) == 1_000
    assert stored(server.db, "SELECT count(*), count(value) FROM prediction_features WHERE feature = 'income'") == [
        (1_000, 900)
    ]  # a NaN cell is a missing value: stored as null, counted by data quality
    assert stored(server.db, "SELECT DISTINCT ts FROM predictions")[0][0].isoformat() == "2026-11-30T12:00:00"


def test_counters_reach_the_services_prometheus_registry(server) -> None:
    registry = CollectorRegistry()
    log = quiet_logger(server, registry=registry)
    for i in range(5):
        log.prediction(id=str(i), score=0.5)
    log.prediction(id="bad", score=2.0)
    assert "predwatch_client_queued_records 6.0" in generate_latest(registry).decode()
    assert log.close(30)
    text = generate_latest(registry).decode()
    assert "predwatch_client_records_sent_total 5.0" in text
    assert "predwatch_client_records_rejected_total 1.0" in text
    assert "predwatch_client_records_dropped_total 0.0" in text


EXITING_SERVICE = """
import sys
from predwatch_client import PredictionLogger
log = PredictionLogger(sys.argv[1], token=sys.argv[2], model="exiting", flush_interval=3600, exit_timeout=float(sys.argv[3]))
for i in range(2_000):
    log.prediction(id=f"exit-{i}", score=0.5)
heavy = [m for m in ("dash", "flask", "pandas", "duckdb", "sklearn", "numpy", "prometheus_client") if m in sys.modules]
print("heavy imports:", heavy)
"""  # no close(): interpreter exit must flush


def run_service(url: str, exit_timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", EXITING_SERVICE, url, TOKEN, str(exit_timeout)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_interpreter_exit_flushes_and_the_client_imports_nothing_heavy(server) -> None:
    result = run_service(server.url, 20)
    assert result.returncode == 0, result.stderr
    assert "heavy imports: []" in result.stdout
    assert server.stop() == 0
    assert len(prediction_ids(server.db, "exiting")) == 2_000


def test_exit_with_predwatch_down_gives_up_at_the_deadline() -> None:
    result = run_service(f"http://127.0.0.1:{free_port()}", 0.5)  # nothing listens there
    assert result.returncode == 0, result.stderr


def test_nonsense_never_raises_in_the_caller_and_never_stops_delivery(server) -> None:
    log = quiet_logger(server)
    log.prediction(id=object(), features=5, score="high")  # type: ignore[arg-type]
    log.prediction(id="x" * 500, score=0.5)  # longer than the server takes
    log.outcome(id="o", label=-1)
    log.prediction(id="fine", score=0.5)
    log.outcome(id="fine", label=1)
    assert log.close(30)
    assert (log.sent, log.rejected, log.dropped) == (2, 3, 0)
    log.prediction(id="after-close", score=0.5)  # counted, not raised
    assert log.dropped == 1


FORKING_SERVICE = """
import os, sys
from predwatch_client import PredictionLogger
log = PredictionLogger(sys.argv[1], token=sys.argv[2], model="forked", flush_interval=3600)
log.prediction(id="before-fork", score=0.5)
pid = os.fork()
who = "child" if pid == 0 else "parent"
for i in range(100):
    log.prediction(id=f"{who}-{i}", score=0.5)
if pid:
    os.waitpid(pid, 0)
"""  # both processes exit normally: each flushes its own queue at exit


def test_a_forked_child_sends_through_its_own_thread(server) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FORKING_SERVICE, server.url, TOKEN], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert server.stop() == 0
    ids = prediction_ids(server.db, "forked")
    assert sorted(ids) == sorted(["before-fork", *(f"{who}-{i}" for who in ("parent", "child") for i in range(100))])
