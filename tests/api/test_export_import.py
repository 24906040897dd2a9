"""GET /api/export streams a table as CSV or Parquet; `python app.py import` loads it back through the
ingest validation, skipping duplicates and rejecting whole batches that hold a bad row."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from cli import import_file as import_cli
from data.store import Store

T0 = datetime(2026, 3, 1, 12, 0, 0)
COLUMNS = "id, ts, model, model_version, score, predicted_label, latency_seconds, status, error_kind"


def _logs(n: int, start: int = 0) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        row = {
            "id": f"r{i}",
            "model": "m1" if i % 3 else "m2",
            "timestamp": (T0 + timedelta(seconds=i)).isoformat() + "Z",
            "model_version": "7",
            "latency_seconds": 0.001 * (i % 17 + 1),
            "features": {"x": float(i)},
        }
        row.update({"status": "error", "error_kind": "timeout"} if i % 10 == 0 else {"score": (i % 100) / 100})
        rows.append(row)
    return rows


@pytest.fixture
def seeded(client) -> object:
    for start in (0, 1000):
        assert client.post("/api/predictions", json={"predictions": _logs(1000, start)}).status_code == 200
    outcomes = [
        {"id": f"r{i}", "label": i % 2, "timestamp": (T0 + timedelta(seconds=i + 60)).isoformat()} for i in range(0, 2000, 2)
    ]
    assert client.post("/api/outcomes", json={"outcomes": outcomes}).status_code == 200
    return client


def _export(client, table: str, fmt: str, **extra: str) -> bytes:
    query = {
        "table": table,
        "format": fmt,
        "from": (T0 - timedelta(hours=1)).isoformat(),
        "to": (T0 + timedelta(hours=2)).isoformat(),
        **extra,
    }
    response = client.get("/api/export", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed
    return response.get_data()


def _rows(store: Store, table: str, columns: str) -> list[tuple]:
    return store.fetch_all("t", f"SELECT {columns} FROM {table} ORDER BY id")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_round_trips_through_import(seeded, app, tmp_path: Path, fmt: str) -> None:
    source = app.predwatch.runtime.store
    for table in ("predictions", "outcomes"):
        (tmp_path / f"{table}.{fmt}").write_bytes(_export(seeded, table, fmt))
    target = Store(tmp_path / "copy.duckdb")
    try:
        first = import_cli.import_table(target, import_cli.read_table(tmp_path / f"predictions.{fmt}"), progress=False)
        assert (first.kind, first.rows, first.stored, first.duplicates, first.rejected) == ("predictions", 2000, 2000, 0, 0)
        outcomes = import_cli.import_table(target, import_cli.read_table(tmp_path / f"outcomes.{fmt}"), progress=False)
        assert (outcomes.kind, outcomes.stored, outcomes.rejected) == ("outcomes", 1000, 0)
        assert _rows(target, "predictions", COLUMNS) == _rows(source, "predictions", COLUMNS)
        assert _rows(target, "outcomes", "id, label, ts") == _rows(source, "outcomes", "id, label, ts")
        again = import_cli.import_table(target, import_cli.read_table(tmp_path / f"predictions.{fmt}"), progress=False)
        assert (again.stored, again.duplicates) == (0, 2000)
    finally:
        target.close()


def test_export_is_bounded_and_csv_has_one_header(seeded) -> None:
    table = pacsv.read_csv(io.BytesIO(_export(seeded, "predictions", "csv", limit="1500")))
    assert table.num_rows == 1500
    assert table.column("id")[0].as_py() == "r0"
    empty = _export(seeded, "predictions", "csv", **{"from": "2020-01-01T00:00:00", "to": "2020-01-02T00:00:00"})
    assert empty.decode().strip().startswith('"id","ts"')
    assert empty.decode().count("\n") == 1
    system = pq.read_table(io.BytesIO(_export(seeded, "system_samples", "parquet")))
    assert "cpu_per_core_percent" in system.column_names


@pytest.mark.parametrize(
    "query, field",
    [
        ({}, "table"),
        ({"table": "schema_version"}, "table"),
        ({"table": "predictions", "format": "xml"}, "format"),
        ({"table": "predictions", "from": "yesterday"}, "from"),
        ({"table": "predictions", "from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "from"),
    ],
)
def test_export_rejects_bad_parameters(client, query: dict, field: str) -> None:
    response = client.get("/api/export", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["field"] == field


def test_export_is_in_the_openapi_document(client) -> None:
    doc = client.get("/api/openapi.json").get_json()
    params = {p["name"] for p in doc["paths"]["/api/export"]["get"]["parameters"]}
    assert params == {"table", "from", "to", "format", "limit"}


def test_bad_rows_reject_their_whole_batch_and_are_reported(tmp_path: Path, capsys) -> None:
    rows = _logs(2500)
    rows[1200]["score"] = 2.0  # outside [0, 1]: the second batch (rows 1000-1999) is refused whole
    rows[2100].pop("error_kind", None)
    rows[2100]["status"] = "error"  # an error without its kind: the third batch too
    path = tmp_path / "logs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    db = tmp_path / "import.duckdb"
    assert import_cli.main([str(path), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "1000 stored" in out
    assert "1500 rejected" in out
    assert "less than or equal to 1" in out
    assert "error_kind" in out
    store = Store(db)
    try:
        stored = {r[0] for r in store.fetch_all("t", "SELECT id FROM predictions")}
        assert stored == {f"r{i}" for i in range(1000)}
        assert store.fetch_one("t", "SELECT count(*) FROM prediction_features")[0] == 1000
        assert store.fetch_one("t", "SELECT sum(requests) FROM prediction_rollup WHERE resolution_seconds = 60")[0] == 1000
    finally:
        store.close()


def test_import_reads_a_hive_partitioned_parquet_folder(tmp_path: Path) -> None:
    table = pa.Table.from_struct_array(pa.array([{k: v for k, v in r.items() if k != "features"} for r in _logs(30)]))
    table = table.append_column("day", pa.array(["2026-03-01"] * 30))
    pq.write_to_dataset(table, tmp_path / "logs", partition_cols=["day"])
    store = Store(tmp_path / "hive.duckdb")
    try:
        summary = import_cli.import_table(store, import_cli.read_table(tmp_path / "logs"), progress=False)
    finally:
        store.close()
    assert (summary.stored, summary.rejected) == (30, 0)  # the partition key is not a field of the rows
