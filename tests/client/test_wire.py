"""The client's reading of the contract, without a server: which answers are retried or split, and
how queued values become JSON rows."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest

from predwatch_client.wire import PREDICTION, Reply, encode, features_row


@pytest.mark.parametrize(
    ("status", "retryable", "splittable"),
    [
        (None, True, False),
        (500, True, False),
        (503, True, False),
        (507, True, False),
        (429, True, False),
        (408, True, False),
        (422, False, True),
        (413, False, True),
        (400, False, True),
        (401, False, False),
        (404, False, False),
        (200, False, False),
    ],
)
def test_which_answers_are_retried_and_which_split(status, retryable, splittable) -> None:
    reply = Reply(status)
    assert (reply.retryable, reply.splittable) == (retryable, splittable)


def test_rows_carry_iso_timestamps_typed_features_and_no_empty_fields() -> None:
    at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC).timestamp()
    features = {"a": 1, "b": math.nan, "c": "text", "d": True, "e": None, "f": [1], "g": "x" * 300, "h": math.inf}
    item = (PREDICTION, 7, "m", None, at, features, 0.5, None, None, "ok", None)
    assert json.loads(encode(PREDICTION, [item])) == {
        "predictions": [
            {
                "id": "7",
                "model": "m",
                "timestamp": "2026-11-30T12:00:00+00:00",
                "status": "ok",
                "score": 0.5,
                "features": {"a": 1.0, "b": None, "c": "text", "d": True, "e": None, "g": "x" * 200, "h": None},
            }
        ]
    }
    assert features_row(None) is None


def test_a_nan_score_cannot_be_encoded() -> None:
    item = (PREDICTION, "n", "m", None, 0.0, None, math.nan, None, None, "ok", None)
    with pytest.raises(ValueError):
        encode(PREDICTION, [item])
