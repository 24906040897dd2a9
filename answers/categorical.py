"""Categorical and missing-value drift of one window, beside the numeric drift of
answers/model_window.py: each categorical feature's bucket counts against its reference's (PSI,
chi-squared p-value, Jensen-Shannon distance; a feature_drift row like a numeric feature's, with no
KS), and every feature's missing-value share against the reference's (feature_drift_detail rows)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from analytics import categorical_drift as cd
from analytics.thresholds import DRIFT_BANDS, DriftBands
from data.queries import category_profiles as cp
from data.store import Store

# One nested-window read: feature -> bucket -> rows, and feature -> (nulls, rows) of the numeric features.
Parts = tuple[dict[str, dict[str, int]], dict[str, tuple[int, int]]]


class CategoricalDrift:
    """One model's categorical references, read once per reference, and its rows per window."""

    def __init__(self, store: Store, model: str, min_samples: int, bands: DriftBands = DRIFT_BANDS) -> None:
        self.store, self.model, self.min_samples, self.bands = store, model, min_samples, bands
        self.buckets = cp.reference(store, model)  # feature -> bucket -> reference rows
        self.reference_missing = cp.reference_missing(store, model)

    def window(
        self, now: datetime, seconds: int, parts: list[Parts] | None
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """feature_drift and feature_drift_detail rows of one window. `parts` are the window's profile
        reads (None: shorter than a minute, read from the raw rows)."""
        drift: list[tuple[Any, ...]] = []
        detail: list[tuple[Any, ...]] = []
        if parts is None:
            current = cp.raw_window(self.store, self.model, now - timedelta(seconds=seconds), now)
            missing: dict[str, tuple[int, int]] = {}
        else:
            current = merge([p[0] for p in parts])
            missing = merge_pairs([p[1] for p in parts])
        for feature, reference in sorted(self.buckets.items()):
            drift_row, detail_row = self._categorical_rows(now, seconds, feature, reference, current.get(feature, {}))
            drift.append(drift_row)
            detail.append(detail_row)
        for feature, (nulls, rows) in sorted(missing.items()):
            if feature in self.buckets or feature.startswith("__") or feature not in self.reference_missing:
                continue
            share, ref_share = (nulls / rows if rows else None), self.reference_missing[feature]
            verdict = cd.missing_verdict(share, ref_share, rows, self.min_samples)
            detail.append((now, self.model, seconds, feature, "numeric", None, None, share, ref_share, verdict))
        return drift, detail

    def _categorical_rows(
        self, now: datetime, seconds: int, feature: str, reference: dict[Any, int], current: dict[Any, int]
    ) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """One categorical feature's feature_drift row and feature_drift_detail row."""
        order = sorted(reference)
        found = cd.categorical_drift(cp.as_arrays(reference, order), cp.as_arrays(current, order))
        verdict = cd.categorical_verdict(found, self.min_samples, len(order), self.bands)
        enough = verdict != "insufficient_data"
        nr, nc = found.reference_count, found.current_count
        psi = found.psi if enough else None
        drift_row = (now, self.model, seconds, feature, psi, None, None, nr, nc, verdict, None, None, None)
        share = current.get(cp.MISSING, 0) / nc if nc else None
        ref_share = reference.get(cp.MISSING, 0) / nr if nr else None
        missing_verdict = cd.missing_verdict(share, ref_share, nc, self.min_samples)
        pvalue, js = (found.chi2_pvalue, found.js_distance) if enough else (None, None)
        detail_row = (now, self.model, seconds, feature, "categorical", pvalue, js, share, ref_share, missing_verdict)
        return drift_row, detail_row


def read_parts(store: Store, model: str, first: datetime, last: datetime) -> Parts:
    """One nested-window read: category buckets and numeric null counts of minutes [first, last]."""
    return cp.window(store, model, first, last), cp.missing_counts(store, model, first, last)


def merge(parts: list[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    merged: dict[str, dict[str, int]] = {}
    for part in parts:
        for feature, buckets in part.items():
            into = merged.setdefault(feature, {})
            for bucket, n in buckets.items():
                into[bucket] = into.get(bucket, 0) + n
    return merged


def merge_pairs(parts: list[dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    merged: dict[str, tuple[int, int]] = {}
    for part in parts:
        for feature, (a, b) in part.items():
            old = merged.get(feature, (0, 0))
            merged[feature] = (old[0] + a, old[1] + b)
    return merged
