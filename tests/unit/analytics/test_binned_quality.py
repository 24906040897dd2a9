"""Quality from binned scores against scikit-learn and NumPy on the raw rows: counts, confusion,
Brier, calibration and estimated accuracy exact; AUC and AP within the bound the code computes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from analytics import binned_quality as bq
from analytics import quality as qa
from data.queries.profiles import HIGH_BIN, LOW_BIN, SCORE_BINS, TAIL, TAIL_STEPS


def score_bin(scores: np.ndarray) -> np.ndarray:
    """data/queries/profiles.py's score bins in NumPy."""
    s = np.asarray(scores, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = -1 - np.floor((np.log10(TAIL) - np.log10(np.maximum(s, 1e-300))) * TAIL_STEPS)
        high = SCORE_BINS + np.floor((np.log10(TAIL) - np.log10(np.maximum(1 - s, 1e-300))) * TAIL_STEPS)
    bins = np.where(
        s < TAIL,
        np.maximum(LOW_BIN, low),
        np.where(1 - s <= TAIL, np.clip(high, SCORE_BINS - 1, HIGH_BIN), np.floor(s * SCORE_BINS)),
    )
    return bins.astype(np.int64)


def to_bins(scores: np.ndarray, labels: np.ndarray | None, predicted: np.ndarray) -> bq.ScoreBins:
    """What the score profile holds for these rows (labels None: unlabelled), merged over minutes."""
    outcome = np.full(len(scores), -1) if labels is None else np.where(labels == 1, 1, 0)
    binned = score_bin(scores)
    keys = np.stack([binned, outcome, predicted], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    size = len(unique)

    def agg(values: np.ndarray, fn) -> np.ndarray:
        out = np.full(size, np.inf if fn is np.minimum else -np.inf)
        fn.at(out, inverse, values)
        return out

    return bq.ScoreBins(
        unique[:, 0],
        unique[:, 1],
        unique[:, 2],
        np.bincount(inverse, minlength=size),
        np.bincount(inverse, weights=scores, minlength=size),
        np.bincount(inverse, weights=scores**2, minlength=size),
        agg(scores, np.minimum),
        agg(scores, np.maximum),
    )


def concat(a: bq.ScoreBins, b: bq.ScoreBins) -> bq.ScoreBins:
    return bq.ScoreBins(*(np.concatenate([x, y]) for x, y in zip(vars(a).values(), vars(b).values(), strict=True)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x, -700, 700)))


SAMPLES = {
    # Heavy tails: many scores pile up within 1e-4 of 0 or 1 (there bins are log-spaced).
    "heavy-tailed": lambda rng, n: _sigmoid(rng.standard_t(1.2, n) * 6),
    "tied": lambda rng, n: np.round(rng.beta(2, 5, n), 2),
    "smooth": lambda rng, n: rng.beta(2, 2, n),
    "few-values": lambda rng, n: rng.choice([0.1, 0.35, 0.5, 0.9], n),
}


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_binned_quality_matches_sklearn_within_the_stated_bounds(kind: str) -> None:
    rng = np.random.default_rng(7)
    n = 40_000
    scores = SAMPLES[kind](rng, n)
    labels = (rng.random(n) < np.clip(scores * 0.8 + 0.1, 0, 1)).astype(int)
    predicted = (scores >= 0.5).astype(int)
    labelled = rng.random(n) < 0.8
    bins = concat(
        to_bins(scores[labelled], labels[labelled], predicted[labelled]), to_bins(scores[~labelled], None, predicted[~labelled])
    )
    sums = bq.summary(bins)
    s, y, p = scores[labelled], labels[labelled], predicted[labelled]
    matrix = qa.confusion(p, y)
    assert (sums["tp"], sums["fp"], sums["tn"], sums["fn"]) == (matrix.tp, matrix.fp, matrix.tn, matrix.fn)
    assert (sums["predictions"], sums["labelled"], sums["positives"]) == (n, labelled.sum(), y.sum())
    result = qa.window_quality(sums, None, 100)
    assert abs(result.auc - roc_auc_score(y, s)) <= sums["auc_error_bound"] + 1e-12
    assert abs(result.average_precision - average_precision_score(y, s)) <= sums["ap_error_bound"] + 1e-12
    assert result.brier == pytest.approx(np.mean((s - y) ** 2), abs=1e-12)
    assert sums["estimated_accuracy"] == pytest.approx(qa.estimated_accuracy(scores[~labelled]), abs=1e-12)
    exact = qa.calibration(s, y)
    calibration = bq.calibration_bins(bins, SCORE_BINS)
    assert [c[2] for c in calibration] == list(exact.counts)
    assert [c[0] for c in calibration] == pytest.approx(exact.mean_score, abs=1e-12)
    assert [c[1] for c in calibration] == pytest.approx(exact.positive_rate, abs=1e-12)
    if kind in ("tied", "few-values"):  # every bin holds one distinct score: true ties, exact
        assert sums["auc_error_bound"] == 0
        assert sums["ap_error_bound"] == 0
        assert result.auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        assert result.average_precision == pytest.approx(average_precision_score(y, s), abs=1e-12)
    else:
        assert 0 < sums["auc_error_bound"] < 1e-3


def test_a_window_of_one_class_or_no_labels_has_no_auc_bound() -> None:
    scores = np.linspace(0.01, 0.99, 50)
    only_negative = bq.summary(to_bins(scores, np.zeros(50, dtype=int), np.zeros(50, dtype=int)))
    assert only_negative["auc_error_bound"] is None
    assert only_negative["ap_error_bound"] is None
    unlabelled = bq.summary(to_bins(scores, None, np.ones(50, dtype=int)))
    assert unlabelled["labelled"] == 0
    assert unlabelled["brier"] is None
    assert unlabelled["estimated_accuracy"] == pytest.approx(scores.mean())
