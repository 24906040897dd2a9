"""A multiclass model's quality over any window of a minute or more, merged from its profiles
(data/queries/multiclass.py): the evaluation job stores these for its windows and the API answers other
lengths on demand with the same code.

Counts are exact, so accuracy, per-class precision/recall/F1 and support, their macro, micro and weighted
averages, the confusion matrix and log loss equal scikit-learn's on the raw rows (the classes of a window
are those its labelled rows hold, true or predicted, as scikit-learn takes them; a denominator of 0 gives
0, as its zero_division default). One-vs-rest ROC AUC treats the probabilities sharing a score bin as tied,
so each class's AUC carries the binary AUC's bound (analytics/binned_quality.py); the macro AUC is the mean
over classes with both outcomes and its bound the mean of theirs. A class a row's probabilities leave out
has probability 0 there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import numpy as np

from analytics import binned_quality as bq
from analytics import categorical_drift as cd
from analytics import quality as qa
from answers import multiclass_estimates as estimates
from answers import sampling
from answers.results import ClassFigures, ClassShareDrift, MulticlassQuality, multiclass_from_rows
from data.queries import multiclass as mq
from data.queries import profile_reads as pr
from data.queries import profiles
from data.store import Store

Counts = list[tuple[Any, ...]]  # (true class or None, predicted, n, scored, log_loss_sum)
ClassBins = dict[str, dict[str, np.ndarray]]


def prepare(store: Store, model: str) -> None:
    """What the evaluation pass writes before it answers: the class reference, once the model has enough
    labelled rows, and the calibration maps fitted on it."""
    if mq.freeze_class_reference(store, model):
        estimates.ensure_maps(store, model)


def window_quality(store: Store, model: str, now: datetime, seconds: int, min_samples: int) -> MulticlassQuality:
    """The model's quality over the window of `seconds` ending at now's minute."""
    first, last = pr.window_minutes(now, seconds)
    counts = mq.confusion_counts(store, model, first, last)
    found = sampling.multiclass(quality(model, now, seconds, counts, mq.class_score_bins(store, model, first, last), min_samples))
    reference = mq.class_reference(store, model)
    found = replace(found, **estimates.window_fields(store, model, first, last, counts, min_samples))
    return replace(found, class_drift=class_drift(reference, counts, min_samples)) if reference else found


def class_drift(reference: dict[str, dict[str, int]], counts: Counts, min_samples: int) -> tuple[ClassShareDrift, ...]:
    """The window's predicted classes (every row) and true classes (labelled rows) against the reference's:
    PSI and JS distance as for a categorical feature, chi-squared two-sample as scipy's chi2_contingency."""
    current: dict[str, dict[str, int]] = {"prediction": {}, "label": {}}
    for true, predicted, n, _, _ in counts:
        current["prediction"][str(predicted)] = current["prediction"].get(str(predicted), 0) + int(n)
        if true is not None:
            current["label"][str(true)] = current["label"].get(str(true), 0) + int(n)
    found = []
    for side in ("prediction", "label"):
        ref, cur = reference.get(side, {}), current[side]
        names = sorted(set(ref) | set(cur))
        shift = cd.categorical_drift(np.array([ref.get(c, 0) for c in names]), np.array([cur.get(c, 0) for c in names]))
        verdict = cd.categorical_verdict(shift, min_samples, max(1, len(names)))
        found.append(
            ClassShareDrift(
                side,
                shift.psi,
                shift.chi2_statistic,
                shift.chi2_pvalue,
                shift.js_distance,
                shift.reference_count,
                shift.current_count,
                verdict,
            )
        )
    return tuple(found)


def quality(model: str, now: datetime, seconds: int, counts: Counts, bins: ClassBins, min_samples: int) -> MulticlassQuality:
    labelled_counts = [c for c in counts if c[0] is not None]
    predictions = sum(int(c[2]) for c in counts)
    labelled = sum(int(c[2]) for c in labelled_counts)
    key: dict[str, Any] = {
        "ts": now,
        "model": model,
        "model_version": None,
        "window_seconds": seconds,
        "predictions": predictions,
        "labelled": labelled,
        "unlabelled": predictions - labelled,
        "labelled_share": labelled / predictions if predictions else None,
        "scored": sum(int(c[3]) for c in labelled_counts),
        "other": sum(int(c[2]) for c in labelled_counts if c[0] == mq.OTHER),
        "confusion": tuple(sorted((str(t), str(p), int(n)) for t, p, n, _, _ in labelled_counts)),
    }
    if labelled < max(1, min_samples):
        return MulticlassQuality(status="insufficient_data", **key)
    names = sorted({str(c[0]) for c in labelled_counts} | {str(c[1]) for c in labelled_counts})
    index = {name: i for i, name in enumerate(names)}
    matrix = np.zeros((len(names), len(names)), dtype=np.int64)
    for t, p, n, _, _ in labelled_counts:
        matrix[index[str(t)], index[str(p)]] += int(n)
    figures = _class_figures(names, matrix, _truth_scored(labelled_counts), key["scored"], bins)
    loss = math.fsum(float(c[4]) for c in labelled_counts)  # exact: the groups come in no set order
    return MulticlassQuality(
        status="ok",
        accuracy=float(np.trace(matrix)) / labelled,
        **_averages(figures, matrix),
        **_macro_auc(figures),
        log_loss=loss / key["scored"] if key["scored"] else None,
        classes=tuple(figures),
        **key,
    )


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def _class_figures(
    names: list[str], matrix: np.ndarray, truth_scored: dict[str, int], scored: int, bins: ClassBins
) -> list[ClassFigures]:
    tp, support, predicted = np.diag(matrix), matrix.sum(axis=1), matrix.sum(axis=0)
    found = []
    for i, name in enumerate(names):
        auc, bound = _ovr_auc(bins.get(name), truth_scored.get(name, 0), scored) if scored else (None, None)
        found.append(
            ClassFigures(
                name,
                int(support[i]),
                int(predicted[i]),
                _ratio(tp[i], predicted[i]),
                _ratio(tp[i], support[i]),
                _ratio(2 * tp[i], support[i] + predicted[i]),
                auc,
                bound,
            )
        )
    return found


def _truth_scored(counts: Counts) -> dict[str, int]:
    """Labelled rows that sent probabilities, by true class."""
    found: dict[str, int] = {}
    for t, _, _, scored, _ in counts:
        found[str(t)] = found.get(str(t), 0) + int(scored)
    return found


def _averages(figures: Sequence[ClassFigures], matrix: np.ndarray) -> dict[str, Any]:
    support = np.array([f.support for f in figures], dtype=float)
    out: dict[str, Any] = {}
    for name in ("precision", "recall", "f1"):
        values = np.array([getattr(f, name) for f in figures])
        out[name] = float(values.mean())
        out[f"weighted_{name}"] = float(_ratio(float(np.sum(values * support)), float(support.sum())))
    tp, total_true, total_predicted = float(np.trace(matrix)), float(matrix.sum()), float(matrix.sum())
    out["micro_precision"] = _ratio(tp, total_predicted)
    out["micro_recall"] = _ratio(tp, total_true)
    out["micro_f1"] = _ratio(2 * tp, total_true + total_predicted)
    return out


def _ovr_auc(found: dict[str, np.ndarray] | None, positives: int, scored: int) -> tuple[float | None, float | None]:
    """Class c's one-vs-rest AUC and its bound from its bins, the rows that left c out counted at probability 0."""
    empty = np.zeros(0)
    found = found or {"bin": empty, "positive": empty.astype(bool), "n": empty, "p_min": empty, "p_max": empty}
    positive = found["positive"].astype(bool)
    n = found["n"].astype(np.int64)
    missing_pos = positives - int(n[positive].sum())
    missing_neg = (scored - positives) - int(n[~positive].sum())
    zero = np.array([profiles.LOW_BIN, profiles.LOW_BIN])
    bins = bq.ScoreBins(
        bin=np.concatenate([found["bin"].astype(np.int64), zero]),
        outcome=np.concatenate([positive.astype(np.int64), [bq.POSITIVE, bq.NEGATIVE]]),
        predicted=np.zeros(len(n) + 2, dtype=np.int64),
        n=np.concatenate([n, [missing_pos, missing_neg]]),
        score_sum=np.zeros(len(n) + 2),
        score_sq=np.zeros(len(n) + 2),
        score_min=np.concatenate([found["p_min"].astype(float), [0.0, 0.0]]),
        score_max=np.concatenate([found["p_max"].astype(float), [0.0, 0.0]]),
    )
    keep = bins.n > 0
    bins = bq.ScoreBins(**{k: v[keep] for k, v in vars(bins).items()})
    lb = bq.labelled_bins(bins)
    auc = qa.auc_from_counts(lb.pos, lb.neg)
    return (auc, bq.auc_error_bound(lb)) if auc is not None else (None, None)


def _macro_auc(figures: Sequence[ClassFigures]) -> dict[str, Any]:
    defined = [f for f in figures if f.auc is not None]
    if not defined:
        return {"auc": None, "auc_error_bound": None}
    return {
        "auc": float(np.mean([f.auc for f in defined])),
        "auc_error_bound": float(np.mean([f.auc_error_bound or 0.0 for f in defined])),
    }


def stored_quality(store: Store, row: Mapping[str, Any]) -> MulticlassQuality:
    """A stored model_evaluations row of a multiclass model back as its result, with its own tables' rows."""
    extra, classes, cells, drift = mq.stored_answer(store, row["model"], row["ts"], row["window_seconds"])
    return multiclass_from_rows(row, extra, classes, cells, drift)
