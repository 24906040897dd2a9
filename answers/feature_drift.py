"""Numeric features' drift over one window as feature_drift rows: each feature's merged bins against its
reference bins (PSI, KS with its bound, Wasserstein with its bound, the verdict by effect size and sample
gate), and the row layouts of feature_drift and feature_drift_detail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from analytics import binned_drift as bd
from analytics import drift as da
from analytics.thresholds import DRIFT_BANDS, DriftBands
from data.queries import drift as dq

Row = tuple[Any, ...]  # one feature_drift row, in DRIFT_COLUMNS' order
FeatureBins = tuple[np.ndarray, np.ndarray]  # (bin ids, counts) of one feature; a bin id may repeat

# The row layouts of the drift tables (tests/unit/answers checks them against the schema).
DRIFT_COLUMNS = (
    "ts",
    "model",
    "window_seconds",
    "feature",
    "psi",
    "ks_statistic",
    "ks_pvalue",
    "reference_count",
    "current_count",
    "verdict",
    "ks_error_bound",
    "wasserstein",
    "wasserstein_error_bound",
)
DETAIL_COLUMNS = (
    "ts",
    "model",
    "window_seconds",
    "feature",
    "kind",
    "chi2_pvalue",
    "js_distance",
    "missing_share",
    "reference_missing_share",
    "missing_verdict",
)


def drift_rows(
    references: dict[str, bd.ReferenceBins],
    current: dict[str, FeatureBins],
    extents: dict[str, dq.Range],
    key: tuple[datetime, str, int],
    min_samples: int,
    bands: DriftBands = DRIFT_BANDS,
) -> list[Row]:
    """feature_drift rows of every numeric feature (and the score) of one window; `key` is (now, model,
    window seconds), `extents` each feature's smallest and largest value in the window."""
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
    names = sorted(references)
    found = [bd.binned_drift(references[name], *current.get(name, empty), da.PSI_EPSILON) for name in names]
    distances = [bd.wasserstein(references[name], *current.get(name, empty), *extents.get(name, (None, None))) for name in names]
    verdicts = [
        da.verdict(f.psi, f.reference_count, f.current_count, min_samples, da.PSI_BINS, w.distance, bands.wasserstein, bands)
        for f, w in zip(found, distances, strict=True)
    ]
    enough = [v != "insufficient_data" for v in verdicts]
    pvalues = da.ks_pvalues(
        [f.ks_statistic if e else None for f, e in zip(found, enough, strict=True)],
        [f.reference_count for f in found],
        [f.current_count for f in found],
    )
    return [
        (
            *key,
            name,
            f.psi if ok else None,
            f.ks_statistic if ok else None,
            pvalue,
            f.reference_count,
            f.current_count,
            verdict,
            f.ks_error_bound if ok else None,
            w.distance if ok else None,
            w.error_bound if ok else None,
        )
        for name, f, w, verdict, ok, pvalue in zip(names, found, distances, verdicts, enough, pvalues, strict=True)
    ]


def merge_feature_bins(parts: Sequence[dict[str, FeatureBins]]) -> dict[str, FeatureBins]:
    """Per feature, the (bin ids, counts) of several parts side by side (a bin may repeat: counts add up)."""
    merged: dict[str, FeatureBins] = {}
    for feature in {f for part in parts for f in part}:
        found = [part[feature] for part in parts if feature in part]
        merged[feature] = (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]))
    return merged
