"""Estimated performance of a multiclass model's window (analytics/multiclass_estimated.py) from its merged
class_prob_profile, and its reconciliation as labels arrive: the estimate over the labelled scored rows
beside the realized accuracy and macro F1 over the same rows, and the estimator's error in standard errors.

The maps are fitted once, on the scored rows of the model's reference (its first 2,000 labelled
predictions, frozen with model_class_reference), by the evaluation pass (`ensure_maps`): an answer, stored
or on demand, only reads them, so a request thread never writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from analytics import estimated as est
from analytics import multiclass_estimated as mest
from data.queries import multiclass_calibration as mcal
from data.queries.profiles import LOW_BIN
from data.store import Store

Counts = Sequence[tuple[Any, ...]]  # (true class or None, predicted, n, scored, log_loss_sum)


def build_maps(store: Store, model: str) -> dict[str, est.CalibrationMap]:
    """Fit and store each class's map on the model's reference rows (none without scored reference rows)."""
    maps: dict[str, est.CalibrationMap] = {}
    for name, rows in mcal.reference_rows(store, model).items():
        found = mest.fit_class_map(rows["bin"], rows["label"])
        if found is not None:
            maps[name] = found
    mcal.save(store, model, {name: (m.lo_bin, m.p, m.n) for name, m in maps.items()})
    return maps


def ensure_maps(store: Store, model: str) -> None:
    """Fit the maps once the model's class reference is frozen and none are stored (the evaluation pass)."""
    if not mcal.read(store, model):
        build_maps(store, model)


def read_maps(store: Store, model: str) -> dict[str, est.CalibrationMap]:
    return {name: est.CalibrationMap(m["lo_bin"], m["p"], m["n"].astype(float)) for name, m in mcal.read(store, model).items()}


def _predicted_scored(counts: Counts, labelled_only: bool) -> tuple[dict[str, int], int]:
    """Scored rows by predicted class, and in all (of the labelled rows only, or of every row)."""
    found: dict[str, int] = {}
    for true, predicted, _, scored, _ in counts:
        if labelled_only and true is None:
            continue
        found[str(predicted)] = found.get(str(predicted), 0) + int(scored)
    return found, sum(found.values())


def class_bins(
    raw: dict[str, dict[str, np.ndarray]], names: Sequence[str], counts: Counts, labelled_only: bool
) -> tuple[dict[str, mest.ClassBins], int]:
    """Each class's bins over the scored rows (all, or the labelled ones), the rows that left the class out
    added at p = 0's bin; and the scored rows' count."""
    by_predicted, rows = _predicted_scored(counts, labelled_only)
    found: dict[str, mest.ClassBins] = {}
    for name in names:
        part = raw.get(name)
        if part is None:
            b, hit, n = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
        else:
            keep = part["labelled"].astype(bool) if labelled_only else np.ones(len(part["n"]), dtype=bool)
            b, hit, n = part["bin"][keep].astype(np.int64), part["predicted"][keep].astype(bool), part["n"][keep].astype(np.int64)
        called = by_predicted.get(name, 0)
        # both profiles count the same minutes; the clip keeps a count from going negative if they ever differ
        missing = [max(0, called - int(n[hit].sum())), max(0, rows - called - int(n[~hit].sum()))]
        found[name] = mest.ClassBins(
            np.concatenate([b, [LOW_BIN, LOW_BIN]]), np.concatenate([hit, [True, False]]), np.concatenate([n, missing])
        )
    return found, rows


def realized_on_scored(counts: Counts) -> tuple[float | None, float | None, int]:
    """Accuracy and macro F1 (scikit-learn's, zero_division 0) over the labelled rows that sent probabilities,
    and their count: the rows the labelled estimate covers."""
    cells = [(str(t), str(p), int(s)) for t, p, _, s, _ in counts if t is not None and int(s) > 0]
    total = sum(s for _, _, s in cells)
    if not total:
        return None, None, 0
    names = sorted({t for t, _, _ in cells} | {p for _, p, _ in cells})
    at = {name: i for i, name in enumerate(names)}
    matrix = np.zeros((len(names), len(names)))
    for t, p, s in cells:
        matrix[at[t], at[p]] += s
    tp = np.diag(matrix)
    denominator = matrix.sum(axis=0) + matrix.sum(axis=1)
    f1 = np.divide(2 * tp, denominator, out=np.zeros(len(names)), where=denominator > 0)
    return float(tp.sum() / total), float(f1.mean()), total


def window_fields(store: Store, model: str, first: datetime, last: datetime, counts: Counts, min_samples: int) -> dict[str, Any]:
    """The est_*, scored_* and estimator_error fields of a MulticlassQuality (empty without maps or without
    scored rows). The realized figures, and so the estimator's error, are None below the sample-size gate."""
    if not any(int(c[3]) for c in counts):
        return {}
    maps = read_maps(store, model)
    if not maps:
        return {}
    raw = mcal.window_bins(store, model, first, last)
    names = sorted(set(maps) | set(raw))
    bins, rows = class_bins(raw, names, counts, False)
    every = mest.estimate(bins, maps, rows)
    if every is None:
        return {}
    found: dict[str, Any] = {"est_rows": every.rows} | {
        f"est_{k}": getattr(every, k) for k in ("accuracy", "accuracy_se", "precision", "precision_se", "recall")
    }
    found |= {f"est_{k}": getattr(every, k) for k in ("recall_se", "f1", "f1_se", "auc", "auc_se")}
    bins, rows = class_bins(raw, names, counts, True)
    part = mest.estimate(bins, maps, rows)
    if part is None:
        return found
    found |= {
        "est_labelled_rows": part.rows,
        "est_labelled_accuracy": part.accuracy,
        "est_labelled_accuracy_se": part.accuracy_se,
        "est_labelled_f1": part.f1,
        "est_labelled_f1_se": part.f1_se,
    }
    accuracy, f1, scored = realized_on_scored(counts)
    if scored < max(1, min_samples):
        return found
    found |= {"scored_accuracy": accuracy, "scored_f1": f1}
    errors = [
        abs(realized - estimated) / se
        for realized, estimated, se in ((accuracy, part.accuracy, part.accuracy_se), (f1, part.f1, part.f1_se))
        if realized is not None and estimated is not None and se
    ]
    found["estimator_error"] = max(errors) if errors else None
    return found
