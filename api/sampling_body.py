"""How sure each figure of GET /api/model_performance is: the `sampling_errors` object every model's entry
carries, whatever its task (a figure its task lacks, or one below the sample-size gate, is null)."""

from __future__ import annotations

import math
from typing import Any

from answers.results import BinaryQuality, MulticlassQuality, RegressionQuality

INTERVALS = ("accuracy", "precision", "recall", "labelled_share")  # 95 % Wilson intervals: {lo, hi}
STANDARD_ERRORS = ("auc", "f1", "accuracy_drop", "mae", "rmse")
NOTE = (
    "95 % intervals of proportions are Wilson score intervals; auc_se is DeLong's standard error of the binned AUC; "
    "f1_se the delta method on the confusion counts; accuracy_drop_se combines the window's and the reference's "
    "binomial errors; mae_se and rmse_se come from the profile sums (rmse by the delta method). Sampling error only: "
    "the AUC's binning bound (error_bounds) is apart, and none of them covers a shift in what is measured"
)
_NUM = {"type": ["number", "null"]}
SCHEMA = {
    "type": "object",
    "description": "sampling errors of the figures: intervals at 95 % and standard errors (null where undefined)",
    "properties": {
        "level": {"type": "number"},
        **{k: {"type": "object", "properties": {"lo": _NUM, "hi": _NUM}} for k in INTERVALS},
        **{f"{k}_se": _NUM for k in STANDARD_ERRORS},
        "note": {"type": "string"},
    },
}


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def body(r: BinaryQuality | MulticlassQuality | RegressionQuality) -> dict[str, Any]:
    return {
        "level": 0.95,
        **{k: {"lo": _clean(getattr(r, f"{k}_lo", None)), "hi": _clean(getattr(r, f"{k}_hi", None))} for k in INTERVALS},
        **{f"{k}_se": _clean(getattr(r, f"{k}_se", None)) for k in STANDARD_ERRORS},
        "note": NOTE,
    }
