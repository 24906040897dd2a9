"""The `window` of /api/model_performance and /api/drift: one the evaluation job stores every pass (its
configured windows, and drift's "recent"), or any other length (a minute to 99,999 days: a window longer
than the profiles' retention covers what is kept), answered on demand by merging profile slices with the
job's own code (answers/model_window.py), so the same window gives the same figures either way. One read
snapshot per answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from answers.model_window import DETAIL_COLUMNS, DRIFT_COLUMNS, TABLES, ModelAnswers, Row
from answers.results import BinaryQuality, MulticlassQuality, RegressionQuality, curve_frame
from api import params
from api.errors import ApiError
from data.clock import utcnow
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

LENGTH_PATTERN = "^[1-9][0-9]{0,4}[mhd]$"
_LENGTH = re.compile(LENGTH_PATTERN)
_UNIT = {"m": 60, "h": 3600, "d": 86400}
DETAIL_KEYS = DETAIL_COLUMNS[4:]


@dataclass(frozen=True)
class Window:
    label: str
    seconds: int
    stored: bool  # True: the evaluation job's stored answer; False: computed now from the profiles


def choose(stored: dict[str, int]) -> Window:
    """The `window` parameter: a stored window's label (the first one by default) or a length such as 7d."""
    label = params.text("window", 16) or next(iter(stored))
    if label in stored:
        return Window(label, stored[label], True)
    if not _LENGTH.fullmatch(label):  # whole: "$" alone lets "90m\n" through
        raise ApiError(
            400,
            "bad_parameter",
            f"window must be one of {', '.join(stored)} (stored every evaluation) "
            "or a length such as 90m, 36h or 7d (computed on demand)",
            [{"field": "window", "allowed": list(stored), "pattern": LENGTH_PATTERN}],
        )
    return Window(label, int(label[:-1]) * _UNIT[label[-1]], False)


def performance(
    store: Store, answers: ModelAnswers, models: list[str], seconds: int
) -> tuple[list[BinaryQuality | MulticlassQuality | RegressionQuality], pd.DataFrame]:
    """Each model's quality over the last `seconds` and its curve points (as the stored curves are read)."""
    now, found = utcnow(), list[BinaryQuality | MulticlassQuality | RegressionQuality]()
    with store.snapshot():
        for model in models:
            found += (
                answers.regression(model, now, [seconds])
                or answers.multiclass(model, now, [seconds])
                or answers.quality(model, now, [seconds])
            )
    return found, curve_frame(found)


def drift(store: Store, answers: ModelAnswers, model: str, seconds: int) -> list[dict[str, Any]]:
    """Drift rows (as dicts, with their detail) of every feature of `model` over the last `seconds`."""
    found: dict[str, list[Row]] = {table: [] for table in TABLES}
    with store.snapshot():
        answers.drift(model, utcnow(), [seconds], None, True, found)
    detail = {r[3]: dict(zip(DETAIL_KEYS, r[4:], strict=True)) for r in found["feature_drift_detail"]}
    empty = {**dict.fromkeys(DETAIL_KEYS), "kind": "numeric"}  # as the stored read coalesces it
    return [{**dict(zip(DRIFT_COLUMNS, r, strict=True)), **detail.get(r[3], empty)} for r in found["feature_drift"]]
