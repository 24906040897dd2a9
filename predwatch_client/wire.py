"""The ingest contract of POST /api/predictions and /api/outcomes: queued tuples to JSON rows, one
HTTP request with urllib, and the answer read into a Reply. Runs on the sender thread only."""

from __future__ import annotations

import http.client
import json
import math
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PREDICTION, OUTCOME = 0, 1
# A queued record, its kind first: (PREDICTION, id, model, model_version, timestamp, features, score,
# predicted_label, latency_seconds, status, error_kind) or (OUTCOME, id, label, timestamp).
Item = tuple[Any, ...]
ROUTES = {PREDICTION: ("/api/predictions", "predictions"), OUTCOME: ("/api/outcomes", "outcomes")}
RETRY_STATUSES = frozenset({408, 425, 429})  # and every 5xx (503 busy, 507 disk full, ...)
SPLIT_STATUSES = frozenset({400, 413, 422})  # something in the batch is bad: split it to find what


@dataclass
class Reply:
    status: int | None  # None: no answer (connection refused or reset, timeout)
    message: str = ""
    bad_rows: dict[int, str] = field(default_factory=dict)  # row in the batch -> the server's words

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.status in RETRY_STATUSES

    @property
    def splittable(self) -> bool:
        return self.status in SPLIT_STATUSES


def _when(value: Any) -> Any:
    """The hot path stores time.time(); the server wants ISO 8601 (a naive datetime is taken as UTC)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC).isoformat()
    return value.isoformat() if isinstance(value, datetime) else value


MAX_CATEGORY = 200  # the server's longest category (api/schemas.py)
_DROP = object()


def _value(value: Any) -> Any:
    """A feature value as the server takes it: a finite number, a category (a string, cut to MAX_CATEGORY
    characters), a boolean, or None (missing: NaN and infinity are sent as missing too); `_DROP` for
    what is none of these (a list, a dict, an object), left out rather than failing the whole row."""
    if hasattr(value, "item") and not isinstance(value, int | float | str):
        value = value.item()  # numpy scalars
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return value[:MAX_CATEGORY]
    return _DROP


def features_row(features: Any) -> dict[str, Any] | None:
    """Numbers, categories, booleans and missing values (None, NaN); values of other types are left out."""
    if features is None:
        return None
    out = {}
    for name, value in (features if type(features) is dict else dict(features)).items():
        if type(value) is float:  # the common case, kept fast: finite floats as they are
            out[name if type(name) is str else str(name)] = value if value - value == 0.0 else None
            continue
        found = _value(value)
        if found is not _DROP:
            out[str(name)] = found
    return out


def prediction_row(item: Item) -> dict[str, Any]:
    _, pid, model, version, ts, features, score, label, latency, status, error_kind = item
    row = {"id": str(pid), "model": model, "timestamp": _when(ts), "status": status}
    for key, value in (
        ("model_version", version),
        ("score", score),
        ("predicted_label", label),
        ("latency_seconds", latency),
        ("error_kind", error_kind),
    ):
        if value is not None:
            row[key] = value
    if features is not None:
        row["features"] = features_row(features)
    return row


def outcome_row(item: Item) -> dict[str, Any]:
    _, oid, label, ts = item
    return {"id": str(oid), "label": label, "timestamp": _when(ts)}


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode(kind: int, items: list[Item], task: str | None = None) -> bytes:
    """Raises ValueError or TypeError when a row cannot be JSON (NaN score, an odd object). `task` goes
    with prediction batches when the logger declares one."""
    to_row = prediction_row if kind == PREDICTION else outcome_row
    key = ROUTES[kind][1]
    body: dict[str, Any] = {key: [to_row(item) for item in items]}
    if task is not None and kind == PREDICTION:
        body["task"] = task
    if task == "regression" and kind == PREDICTION:  # a regression model's value travels as `prediction`
        for row in body[key]:
            if "score" in row:
                row["prediction"] = row.pop("score")
    if task == "multiclass" and kind == PREDICTION:  # its probabilities travel in the score's place
        for row in body[key]:
            if "score" in row:
                row["probabilities"] = {str(c): p for c, p in row.pop("score").items()}
    return json.dumps(body, allow_nan=False, default=_plain).encode()


def _read_error(status: int, raw: bytes) -> Reply:
    """{"error": {"code", "message", "details": [{"row", "field", "error"}]}} -> Reply naming bad rows."""
    try:
        error = json.loads(raw)["error"]
        message = str(error.get("message", ""))
        details = error.get("details") or []
    except (ValueError, KeyError, TypeError, AttributeError):
        return Reply(status, raw[:200].decode("utf-8", "replace"))
    bad: dict[int, str] = {}
    for detail in details:
        if isinstance(detail, dict) and isinstance(detail.get("row"), int):
            bad.setdefault(detail["row"], f"{detail.get('field', '')}: {detail.get('error', '')}")
    return Reply(status, message, bad)


def post(url: str, token: str | None, body: bytes, timeout: float) -> Reply:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return Reply(response.status)
    except urllib.error.HTTPError as exc:
        try:
            raw = exc.read()
        except OSError:
            raw = b""
        finally:
            exc.close()
        return _read_error(exc.code, raw)
    except (OSError, http.client.HTTPException) as exc:  # URLError, refused, reset, timeout
        return Reply(None, str(exc))
