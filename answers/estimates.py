"""Estimated performance of a binary model's window (analytics/estimated.py) from its merged score bins,
and its reconciliation with the realized figures as labels arrive: the estimate over the labelled rows
beside the realized figures over the same rows, and the estimator's error in standard errors."""

from __future__ import annotations

import numpy as np

from analytics import binned_quality as bq
from analytics import estimated as est
from data.queries import calibration
from data.queries.profile_tiers import COARSE_FACTOR, FINE_SCORE_BINS
from data.store import Store

EMPTY_MAP = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64))


def build_map(store: Store, model: str) -> None:
    """Fit the model's calibration map on its reference and store it (none when the reference lacks an outcome)."""
    rows = calibration.reference_scores(store, model)
    found = est.fit_calibration(rows["bin"], rows["label"], rows["predicted"], FINE_SCORE_BINS, COARSE_FACTOR)
    calibration.save(store, model, *((found.lo_bin, found.p, found.n) if found else EMPTY_MAP))


def read_map(store: Store, model: str) -> est.CalibrationMap | None:
    stored = calibration.read(store, model)
    return None if stored is None else est.CalibrationMap(stored["lo_bin"], stored["p"], stored["n"].astype(float))


def window_fields(
    bins: bq.ScoreBins, cal: est.CalibrationMap | None, realized_accuracy: float | None, realized_auc: float | None
) -> dict[str, float | None]:
    """The est_* and estimator_error fields of a BinaryQuality (empty without a map or without rows).
    Realized figures are None below the sample-size gate, and so is the estimator's error then."""
    if cal is None:
        return {}
    every = est.estimate(bins.bin, bins.predicted, bins.n, cal)
    if every is None:
        return {}
    labelled = bins.outcome != bq.UNLABELLED
    part = est.estimate(bins.bin[labelled], bins.predicted[labelled], bins.n[labelled], cal)
    found: dict[str, float | None] = {
        f"est_{name}": getattr(every, name)
        for name in ("tp", "fp", "tn", "fn", "accuracy", "accuracy_se", "precision", "precision_se")
        + ("recall", "recall_se", "f1", "f1_se", "auc", "auc_se")
    }
    if part is None:
        return found
    found |= {
        "est_labelled_accuracy": part.accuracy,
        "est_labelled_accuracy_se": part.accuracy_se,
        "est_labelled_auc": part.auc,
        "est_labelled_auc_se": part.auc_se,
    }
    errors = [
        abs(realized - estimated) / se
        for realized, estimated, se in (
            (realized_accuracy, part.accuracy, part.accuracy_se),
            (realized_auc, part.auc, part.auc_se),
        )
        if realized is not None and estimated is not None and se
    ]
    found["estimator_error"] = max(errors) if errors else None
    return found
