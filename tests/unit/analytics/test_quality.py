"""Quality analytics against scikit-learn on random and tied data, and the undefined edge cases."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from analytics import quality as qa


def _data(seed: int, n: int, tied: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    scores = np.clip(rng.normal(0.4 + 0.2 * labels, 0.2), 0, 1)
    return (np.round(scores, 1) if tied else scores), labels


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_curves_and_areas_equal_sklearn(seed: int, tied: bool) -> None:
    scores, labels = _data(seed, 500, tied)
    roc = qa.roc_curve(scores, labels)
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    assert roc.area == pytest.approx(roc_auc_score(labels, scores), abs=1e-9)
    np.testing.assert_allclose(roc.x, fpr, atol=1e-9)
    np.testing.assert_allclose(roc.y, tpr, atol=1e-9)
    pr = qa.pr_curve(scores, labels)
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    assert pr.area == pytest.approx(average_precision_score(labels, scores), abs=1e-9)
    # scikit-learn lists thresholds ascending and appends the (recall 0, precision 1) end point.
    np.testing.assert_allclose(pr.x, recall[:-1][::-1], atol=1e-9)
    np.testing.assert_allclose(pr.y, precision[:-1][::-1], atol=1e-9)
    np.testing.assert_allclose(pr.thresholds, thresholds[::-1], atol=1e-12)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_confusion_and_rates_equal_sklearn(threshold: float) -> None:
    scores, labels = _data(7, 400, tied=True)
    predicted = (scores >= threshold).astype(int)
    m = qa.confusion_at(scores, labels, threshold)
    tn, fp, fn, tp = confusion_matrix(labels, predicted, labels=[0, 1]).ravel()
    assert (m.tn, m.fp, m.fn, m.tp) == (tn, fp, fn, tp)
    assert m.precision == pytest.approx(precision_score(labels, predicted), abs=1e-9)
    assert m.recall == pytest.approx(recall_score(labels, predicted), abs=1e-9)
    assert m.f1 == pytest.approx(f1_score(labels, predicted), abs=1e-9)
    assert m.accuracy == pytest.approx(accuracy_score(labels, predicted), abs=1e-9)


def test_calibration_and_brier() -> None:
    scores, labels = _data(3, 300, tied=False)
    cal = qa.calibration(scores, labels, bins=10)
    assert cal.brier == pytest.approx(brier_score_loss(labels, scores), abs=1e-12)
    assert sum(cal.counts) == 300
    index = np.minimum((scores * 10).astype(int), 9)
    first = index.min()
    assert cal.mean_score[0] == pytest.approx(scores[index == first].mean())
    assert cal.positive_rate[0] == pytest.approx(labels[index == first].mean())


def test_estimated_accuracy_is_the_expected_accuracy_of_a_calibrated_model() -> None:
    assert qa.estimated_accuracy(np.array([0.9, 0.2, 0.5])) == pytest.approx((0.9 + 0.8 + 0.5) / 3)
    # Labels drawn from the scores themselves: the measured accuracy converges on the estimate.
    rng = np.random.default_rng(0)
    scores = rng.random(200_000)
    labels = (rng.random(scores.size) < scores).astype(int)
    measured = qa.confusion_at(scores, labels).accuracy
    assert measured == pytest.approx(qa.estimated_accuracy(scores), abs=0.005)


@pytest.mark.parametrize("labels", [np.ones(5), np.zeros(5)])
def test_one_class_only_is_undefined_not_nan(labels: np.ndarray) -> None:
    scores = np.linspace(0.1, 0.9, 5)
    assert qa.roc_curve(scores, labels).area is None
    assert qa.roc_curve(scores, labels).points() == []
    pr = qa.pr_curve(scores, labels)
    assert pr.area == (1.0 if labels[0] == 1 else None)
    m = qa.confusion_at(scores, labels)
    json.dumps({"p": m.precision, "r": m.recall, "f1": m.f1, "a": m.accuracy})  # no NaN reaches JSON


def test_all_scores_equal_gives_half_auc() -> None:
    labels = np.array([0, 1, 0, 1, 1])
    scores = np.full(5, 0.42)
    assert qa.roc_curve(scores, labels).area == pytest.approx(roc_auc_score(labels, scores)) == 0.5
    assert qa.pr_curve(scores, labels).area == pytest.approx(average_precision_score(labels, scores))


def test_empty_window_is_undefined() -> None:
    empty = np.array([])
    assert qa.roc_curve(empty, empty) == qa.EMPTY_CURVE
    assert qa.pr_curve(empty, empty).area is None
    m = qa.confusion_at(empty, empty)
    assert (m.precision, m.recall, m.f1, m.accuracy) == (None, None, None, None)
    assert qa.calibration(empty, empty).brier is None
    assert qa.estimated_accuracy(empty) is None


def test_accuracy_drop_is_clipped_and_undefined_without_both() -> None:
    assert qa.accuracy_drop(0.9, 0.85) == pytest.approx(0.05)
    assert qa.accuracy_drop(0.8, 0.9) == 0.0
    assert qa.accuracy_drop(None, 0.9) is None


def test_window_quality_from_sql_sums_and_gate() -> None:
    scores, labels = _data(5, 300, tied=True)
    scores_grouped, pos, neg = qa.group_scores(scores, labels)
    neg_below = np.cumsum(neg) - neg
    tp_at, fp_at = np.cumsum(pos[::-1])[::-1], np.cumsum(neg[::-1])[::-1]
    m = qa.confusion_at(scores, labels)
    sums = {
        "labelled": 300,
        "positives": int(labels.sum()),
        "tp": m.tp,
        "fp": m.fp,
        "tn": m.tn,
        "fn": m.fn,
        "u": float(np.sum(pos * (neg_below + 0.5 * neg))),
        "ap_sum": float(np.sum(pos * tp_at / (tp_at + fp_at))),
        "brier": 0.2,
        "predictions": 400,
        "unlabelled": 100,
        "estimated_accuracy": 0.7,
    }
    result = qa.window_quality(sums, reference_accuracy=0.9, min_samples=100)
    assert result.auc == pytest.approx(roc_auc_score(labels, scores), abs=1e-9)
    assert result.average_precision == pytest.approx(average_precision_score(labels, scores), abs=1e-9)
    assert result.labelled_share == 0.75
    assert result.estimated_accuracy == 0.7
    gated = qa.window_quality(sums, 0.9, min_samples=301)
    assert gated.status == "insufficient_data"
    assert gated.auc is None
    assert gated.accuracy is None


def test_downsample_keeps_ends_and_area() -> None:
    scores, labels = _data(9, 2000, tied=False)
    curve = qa.roc_curve(scores, labels)
    small = qa.downsample(curve, 50)
    assert len(small.x) == 50
    assert small.x[0] == curve.x[0]
    assert small.x[-1] == curve.x[-1]
    assert small.area == curve.area
