"""How a rule would have behaved, from its backtest: alerts per week over the time the history holds data,
the share of that time it fired, and how soon it caught known fault episodes (the demo's switches or a
user's incident log). Pure: times are seconds on one origin, as the backtest's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

WEEK_SECONDS = 7 * 86400.0
# A step between samples longer than this many median steps is a gap in the data: not history covered.
GAP_STEPS = 2.0
# The fault each metric should catch among the demo's switches (predictor/demo.py SWITCHES): a load spike
# raises latency, an error burst raises the error rate, input drift moves the features (each one and
# together), concept drift lowers accuracy. Host and process metrics watch no injected fault.
FAULT_KINDS: dict[str, tuple[str, ...]] = {
    "latency_seconds_avg": ("load_spike",),
    "error_percent": ("error_burst",),
    "drift_psi_max": ("input_drift",),
    "multivariate_drift": ("input_drift",),
    "accuracy_drop_points": ("concept_drift",),
    "estimator_error": ("concept_drift",),
    "mae": ("concept_drift",),
    "rmse_ratio_to_reference": ("concept_drift",),
    "macro_f1_drop": ("concept_drift",),
}


@dataclass(frozen=True)
class Detection:
    episodes: int  # episodes that started in the history and hold at least one sample of the metric
    detected: int  # of them, those with a firing that began inside the episode
    missed: int
    unobserved: int  # episodes with no sample inside: no data to judge, so neither detected nor missed
    median_delay_seconds: float | None  # episode start to its first firing, over the detected ones
    max_delay_seconds: float | None


@dataclass(frozen=True)
class Quality:
    fired: int
    covered_seconds: float
    firing_seconds: float
    alerts_per_week: float | None  # None when no time is covered
    firing_share: float | None
    detection: Detection

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def covered_steps(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start times and lengths of the steps between consecutive samples that are not gaps (longer than
    GAP_STEPS median steps). `t` holds the times of samples with a value, ascending."""
    if t.size < 2:
        return t[:0], t[:0]
    steps = np.diff(t)
    keep = steps <= GAP_STEPS * float(np.median(steps))
    return t[:-1][keep], steps[keep]


@dataclass(frozen=True)
class Coverage:
    """Where a series holds data: computed once per series, shared by every rule replayed over it."""

    t: np.ndarray  # times of the samples with a value
    starts: np.ndarray  # covered steps: their start times and lengths
    lengths: np.ndarray
    cumulative: np.ndarray  # covered seconds before each step, and the total last

    @property
    def seconds(self) -> float:
        return float(self.cumulative[-1])


def coverage(t: np.ndarray, values: np.ndarray) -> Coverage:
    """`t` ascending, `values` NaN where there is no data."""
    has_value = np.asarray(t, dtype=float)[~np.isnan(np.asarray(values, dtype=float))]
    starts, lengths = covered_steps(has_value)
    return Coverage(has_value, starts, lengths, np.concatenate(([0.0], np.cumsum(lengths))))


def firing_seconds(periods: Sequence[tuple[float, float | None]], cov: Coverage) -> float:
    """Covered time inside firing periods: the covered steps that start in [fired, resolved) (None: still
    firing), summed through the cumulative lengths, so the cost follows the periods, not the samples."""
    if not periods:
        return 0.0
    fired = np.array([a for a, _ in periods], dtype=float)
    resolved = np.array([np.inf if b is None else b for _, b in periods], dtype=float)
    lo = np.searchsorted(cov.starts, fired, side="left")
    hi = np.searchsorted(cov.starts, resolved, side="left")
    return float((cov.cumulative[hi] - cov.cumulative[lo]).sum())


def detection(periods: Sequence[tuple[float, float | None]], t: np.ndarray, episodes: Sequence[tuple[float, float]]) -> Detection:
    """Each episode (start, end) is detected when a firing began inside [start, end]; its delay is from its
    start to the first such firing. A firing already on at the start does not count: the fault did not
    cause it. An episode with no sample of the metric inside is unobserved."""
    fired = np.array([a for a, _ in periods], dtype=float)
    delays: list[float] = []
    observed = 0
    for start, end in episodes:
        lo, hi = np.searchsorted(t, start, side="left"), np.searchsorted(t, end, side="right")
        if hi <= lo:
            continue
        observed += 1
        k = int(np.searchsorted(fired, start, side="left"))
        if k < fired.size and fired[k] <= end:
            delays.append(float(fired[k] - start))
    return Detection(
        episodes=observed,
        detected=len(delays),
        missed=observed - len(delays),
        unobserved=len(episodes) - observed,
        median_delay_seconds=float(np.median(delays)) if delays else None,
        max_delay_seconds=max(delays) if delays else None,
    )


def quality(
    periods: Sequence[tuple[float, float | None]], cov: Coverage, episodes: Sequence[tuple[float, float]] = ()
) -> Quality:
    """From a backtest's periods over a series' coverage: alerts per week = firing periods / covered weeks,
    the covered time's share spent firing, and detection of the episodes."""
    covered = cov.seconds
    firing = firing_seconds(periods, cov)
    return Quality(
        fired=len(periods),
        covered_seconds=covered,
        firing_seconds=firing,
        alerts_per_week=len(periods) / (covered / WEEK_SECONDS) if covered > 0 else None,
        firing_share=firing / covered if covered > 0 else None,
        detection=detection(periods, cov.t, episodes),
    )


def episodes_for(metric: str, episodes: Sequence[tuple[str | None, float, float]]) -> list[tuple[float, float]]:
    """The (start, end) of the episodes a rule on `metric` should catch: those of its FAULT_KINDS, and every
    episode without a kind (a caller's own incident log applies to every rule)."""
    kinds = FAULT_KINDS.get(metric, ())
    return [(a, b) for kind, a, b in episodes if kind is None or kind in kinds]
