"""`python app.py export --format parquet --partition day`: Hive-partitioned Parquet that reads back
whole (through DuckDB's read_parquet with hive_partitioning, and through `python app.py
import` of the whole folder), re-exports without duplicates, and a clear exit 2 when a server holds the database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import app as app_module

DAYS = ["2026-01-01", "2026-01-02", "2026-01-04"]
COLUMNS = "id, ts, model, model_version, score, predicted_label, latency_seconds, status, error_kind, source"


def _seed(make_app) -> Path:
    """Predictions on three UTC days (one just before midnight) through the ingest API, then stop the app."""
    app = make_app()
    rows = [
        {
            "id": f"p-{day}-{i}",
            "model": "m1",
            "timestamp": f"{day}T{'23:59:59.5' if i == 0 else '08:00:0' + str(i)}Z",
            "score": 0.1 * i,
            "predicted_label": i % 2,
            "latency_seconds": 0.01 * i,
            "status": "ok",
        }
        for day in DAYS
        for i in range(4)
    ]
    rows.append(
        {"id": "bad-1", "model": "m2", "timestamp": "2026-01-02T12:00:00Z", "status": "error", "error_kind": "validation"}
    )
    response = app.server.test_client().post("/api/predictions", json={"predictions": rows})
    assert response.status_code in (200, 201), response.get_json()
    db = app.predwatch.runtime.store.path
    app.predwatch.stop()
    return db


def _read_back(out: Path) -> list[tuple]:
    con = duckdb.connect()
    return con.execute(
        f"SELECT {COLUMNS}, CAST(date AS VARCHAR) FROM read_parquet(?, hive_partitioning = true) ORDER BY id",
        [str(out / "**" / "*.parquet")],
    ).fetchall()


def test_export_writes_one_partition_per_day_and_round_trips(make_app, tmp_path: Path, capsys) -> None:
    db = _seed(make_app)
    out = tmp_path / "export"
    assert app_module.main(["export", "--format", "parquet", "--partition", "day", "--db", str(db), "--out", str(out)]) == 0
    assert "exported 13 predictions rows over 3 days" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [f"date={d}" for d in DAYS]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(f"SELECT {COLUMNS}, CAST(CAST(ts AS DATE) AS VARCHAR) FROM predictions ORDER BY id").fetchall()
    assert len(stored) == 13
    assert _read_back(out) == stored  # every column, and each row in its own day's folder
    # Exporting again replaces each day's folder instead of adding duplicates.
    assert app_module.main(["export", "--db", str(db), "--out", str(out)]) == 0
    assert _read_back(out) == stored


def test_export_refuses_a_database_held_by_another_process(make_app, tmp_path: Path, capsys) -> None:
    db = _seed(make_app)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert app_module.main(["export", "--db", str(db), "--out", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err
        assert "is in use by process PID" in err
        assert "stop that server first" in err
        assert not (tmp_path / "out").exists()
    finally:
        holder.stdin.close()
        holder.wait(10)


def test_export_of_a_missing_database_is_exit_2(tmp_path: Path, capsys) -> None:
    assert app_module.main(["export", "--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "nope.duckdb").exists()


@pytest.mark.parametrize("args", [["--format", "csv"], ["--partition", "hour"], ["--table", "alerts"]])
def test_export_rejects_unsupported_choices(tmp_path: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        app_module.main(["export", "--out", str(tmp_path), *args])
    assert exc.value.code == 2


@pytest.mark.skipif("import" not in app_module.COMMANDS, reason="`python app.py import` is not registered")
def test_export_round_trips_through_import(make_app, tmp_path: Path) -> None:
    db = _seed(make_app)
    out = tmp_path / "export"
    assert app_module.main(["export", "--db", str(db), "--out", str(out)]) == 0
    target = tmp_path / "imported.duckdb"
    assert app_module.main(["import", str(out), "--db", str(target)]) == 0  # the whole date=*/ folder at once
    query = "SELECT id, ts, model, score, predicted_label, latency_seconds, status, error_kind FROM predictions ORDER BY id"
    with duckdb.connect(str(db), read_only=True) as a, duckdb.connect(str(target), read_only=True) as b:
        assert b.execute(query).fetchall() == a.execute(query).fetchall()
