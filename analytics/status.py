"""Status levels and the current-value thresholds of DESIGN.md section 7.

Durations ("for 5 min") belong to the alert rules; this classifies one current value.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Ordered, as Glances orders careful < warning < critical.
LEVELS = ("ok", "warning", "critical")
_RANK = {name: i for i, name in enumerate(LEVELS)}


@dataclass(frozen=True)
class Threshold:
    warning: float | None
    critical: float | None


# Percent thresholds on current values. Disk has only a critical level in DESIGN.md; a warning
# at 80 % gives an operator time to act before that.
DEFAULT_THRESHOLDS = {
    "cpu": Threshold(warning=70.0, critical=90.0),
    "memory": Threshold(warning=70.0, critical=85.0),
    "disk": Threshold(warning=80.0, critical=90.0),
}


def classify(value: float | None, threshold: Threshold) -> str:
    """'ok', 'warning' or 'critical' for a value strictly above a level; None is 'unknown'."""
    if value is None:
        return "unknown"
    if threshold.critical is not None and value > threshold.critical:
        return "critical"
    if threshold.warning is not None and value > threshold.warning:
        return "warning"
    return "ok"


def worst(statuses: Iterable[str]) -> str:
    """The most severe known level; unknown and other words count as warning, none as ok."""
    rank = 0
    for status in statuses:
        rank = max(rank, _RANK.get(status, _RANK["warning"]))
    return LEVELS[rank]
