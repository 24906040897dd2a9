"""A body over the large-body threshold is read a chunk of rows at a time (api/ingest_stream.py): stored as a
small one is, and any problem answered exactly as the whole-body path answers it, with nothing stored."""

from __future__ import annotations

import io
import json

import pytest

import api.json_stream as json_stream
import api.predictions as predictions
from api.body_gate import LARGE_BODY
from tests.api.helpers import log, table_counts

WIDE = {f"f{j:03d}": 0.123456789 + j for j in range(90)}  # ~3 KB a row: 2,000 rows pass the threshold


def rows(n: int, **overrides: object) -> list[dict]:
    return [log(i, features=WIDE, **overrides) for i in range(n)]


def post(client, body: dict | str):
    data = body if isinstance(body, str) else json.dumps(body)
    assert len(data) > LARGE_BODY
    return client.post("/api/predictions", data=data, content_type="application/json")


@pytest.fixture
def streamed(monkeypatch) -> list[str]:
    """How each large body went: 'streamed', or the whole-body path after NotStreamable."""
    ways: list[str] = []
    store = predictions.store_streamed

    def watched(*args: object):
        try:
            result = store(*args)
        except json_stream.NotStreamable:
            ways.append("whole")
            raise
        ways.append("streamed")
        return result

    monkeypatch.setattr(predictions, "store_streamed", watched)
    return ways


def test_a_large_batch_is_streamed_and_stored_once(app, client, streamed) -> None:
    body = {"task": "binary", "predictions": rows(2500)}
    assert post(client, body).get_json() == {"received": 2500, "stored": 2500, "duplicates": 0}
    assert post(client, body).get_json() == {"received": 2500, "stored": 0, "duplicates": 2500}
    assert streamed == ["streamed", "streamed"]
    assert table_counts(app) == {"predictions": 2500, "prediction_features": 2500 * 90, "outcomes": 0}
    registry = app.predwatch.runtime.telemetry.registry
    assert registry.get_sample_value("predictions_total", {"model": "ext-model", "status": "ok"}) == 2500


def test_a_bad_row_in_the_last_chunk_is_the_same_422_and_nothing_is_stored(app, client, streamed) -> None:
    batch = rows(2500)
    batch[2400]["score"] = 1.5
    batch[2450]["id"] = "p-3"
    answer = post(client, {"predictions": batch})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"] == [
        {"row": 2400, "field": "predictions[2400].score", "error": "Input should be less than or equal to 1"}
    ]
    assert streamed == ["whole"]
    assert table_counts(app)["predictions"] == 0


def test_a_repeated_id_across_chunks_is_the_same_duplicate_answer(app, client, streamed) -> None:
    batch = rows(2500)
    batch[2450]["id"] = "p-3"
    error = post(client, {"predictions": batch}).get_json()["error"]
    assert error["code"] == "duplicate_ids"
    assert error["details"] == [{"row": 2450, "field": "[2450].id", "error": "duplicate of row 3 in this batch"}]
    assert table_counts(app)["predictions"] == 0


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"predictions": rows(2500), "task": "binary"}),  # a task after the rows
        json.dumps({"predictions": rows(2500)}) + "  ",
        "\n" + json.dumps({"predictions": rows(2500)}, indent=1),
    ],
)
def test_other_forms_are_stored_too(client, body: str) -> None:
    assert post(client, body).get_json()["stored"] == 2500


def test_a_cut_body_is_the_same_400(client, streamed) -> None:
    answer = post(client, json.dumps({"predictions": rows(2500)})[:-3])
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid_json"
    assert streamed == ["whole"]


def test_members_reads_items_across_pieces(monkeypatch) -> None:
    monkeypatch.setattr(json_stream, "PIECE", 5)  # values and multi-byte characters cut across reads
    body = b'{"task": "binary", "predictions": [ {"id": "\xc3\xa9"} , 12345, [1, {"a": "]"}] ] }  '
    assert list(json_stream.members(io.BytesIO(body), "predictions")) == [
        ("task", '"binary"'),
        ("predictions", None),
        (None, '{"id": "é"}'),
        (None, "12345"),
        (None, '[1, {"a": "]"}]'),
    ]


@pytest.mark.parametrize(
    "body", [b"", b"[]", b'{"a":1', b'{"a":1}x', b'{"predictions":[1,]}', b'{"predictions":[1 2]}', b"\xff{}", b"{1:2}"]
)
def test_members_refuses_what_is_not_one_object(body: bytes) -> None:
    with pytest.raises(json_stream.NotStreamable):
        list(json_stream.members(io.BytesIO(body), "predictions"))
