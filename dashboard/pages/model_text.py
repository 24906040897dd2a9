"""The Model page's one-line summary of the selected model's latest evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
    return text
