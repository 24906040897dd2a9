"""The Model page's one-line summary of the selected model's latest evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.bands import half_width, plus_minus, se_half


def summary_text(evaluation: Mapping[str, Any] | None, min_samples: int) -> str:
    if not evaluation:
        return (
            "No evaluation yet: the evaluation job scores each model over each window once predictions "
            "arrive; quality needs labelled predictions."
        )
    share = evaluation["labelled_share"]
    text = (
        f"{evaluation['model']} v{evaluation['model_version'] or '?'}: {evaluation['predictions']:,} predictions, "
        f"{evaluation['labelled']:,} labelled"
        + (f" ({share:.0%})" if share is not None else "")
        + f", evaluated {evaluation['ts']:%H:%M:%S} UTC."
    )
    if evaluation["status"] == "insufficient_data":
        text += f" Quality figures need at least {min_samples:,} labelled predictions."
    return text + _headline(evaluation)


def _headline(evaluation: Mapping[str, Any]) -> str:
    """The headline figures with their 95 % half-widths ("AUC 0.81 ± 0.03"): what the sample can tell apart."""
    found = [
        f"{name} {plus_minus(evaluation.get(key), half)}"
        for name, key, half in (
            ("AUC", "auc", se_half(evaluation.get("auc_se"))),
            ("accuracy", "accuracy", half_width(evaluation.get("accuracy_lo"), evaluation.get("accuracy_hi"))),
        )
        if evaluation.get(key) is not None and evaluation.get(key) == evaluation.get(key)
    ]
    return f" {', '.join(found)} (± 95 % interval)." if found else ""
