"""Multiclass figures from the merged profiles against scikit-learn on the stored raw rows: accuracy,
precision/recall/F1 per class and averaged, confusion matrix and log loss within 1e-9, one-vs-rest ROC AUC
within the bound the code computes, class-share drift's chi-squared as SciPy's chi2_contingency (PSI,
JS as for categories) against the frozen first 2,000 labelled rows; windows of 15 minutes, 24 hours and
7 days (minute, hour and day tiers), before and after late labels, and after reopening the file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support, roc_auc_score

from answers import multiclass as am
from data.ingest import store_outcomes, store_predictions
from data.multiclass_log import multiclass_tables
from data.queries import profiles
from data.store import Store

NOW = datetime(2026, 3, 10, 12, 0, 30)
MODEL = "grades"
CLASSES = ["A", "B", "C", "D", "E"]
WINDOWS = (900, 86_400, 7 * 86_400)


def seed(store: Store, rng: np.random.Generator, n: int = 6000) -> tuple[list[str], list[str]]:
    """n predictions over 8 days, half in the last 2 hours (one in ten without probabilities, some leaving
    classes out), most labelled; returns the ids and true classes of the labels held back as late ones."""
    ages = np.sort(np.concatenate([rng.uniform(0, 8 * 86_400, n // 2), rng.uniform(0, 7200, n - n // 2)]))[::-1]
    truth = rng.choice(CLASSES, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    rows, outcomes, late = [], [], ([], [])
    for i, (age, true) in enumerate(zip(ages, truth, strict=True)):
        ts = NOW - timedelta(seconds=float(age))
        logits = rng.normal(0, 1, len(CLASSES)) + 1.5 * (np.array(CLASSES) == true)
        p = np.exp(logits) / np.exp(logits).sum()
        p = np.round(p, 3 if i % 3 else 12)  # rounded: many ties in a bin, and bins of one value
        p[-1] = 1.0 - p[:-1].sum()
        if p[-1] < 0:
            p = np.full(len(CLASSES), 0.2)
        predicted = CLASSES[int(np.argmax(p))]
        row = {"id": f"r{i}", "model": MODEL, "timestamp": ts.replace(tzinfo=UTC), "predicted_label": predicted}
        if i % 10:
            row["probabilities"] = {c: float(v) for c, v in zip(CLASSES, p, strict=True) if v > 0 or c == predicted}
        rows.append(row)
        if rng.random() < 0.85:
            outcomes.append((f"r{i}", str(true), ts + timedelta(seconds=5)))
        elif rng.random() < 0.5:
            late[0].append(f"r{i}")
            late[1].append(str(true))
    for start in range(0, n, 1000):
        store_predictions(store, multiclass_tables(rows[start : start + 1000], NOW - timedelta(days=9)), "multiclass")
    _label(store, outcomes, NOW - timedelta(days=9))
    return late


def _label(store: Store, outcomes: list[tuple[str, str, datetime]], received: datetime) -> None:
    import pyarrow as pa

    rows = [(i, None, ts, received) for i, _, ts in outcomes]
    classes = pa.table(
        {
            "id": pa.array([o[0] for o in outcomes], pa.string()),
            "label": pa.array([o[1] for o in outcomes], pa.string()),
            "ts": pa.array([received] * len(outcomes), pa.timestamp("us")),
        }
    )
    store_outcomes(store, rows, (), classes)


RAW_SQL = """
SELECT c.id, c.ts, c.predicted, c.scored, coalesce(oc.label, o.label::VARCHAR) AS truth
FROM prediction_classes c JOIN outcomes o ON o.id = c.id LEFT JOIN outcome_classes oc ON oc.id = c.id
WHERE c.model = ? AND c.ts >= ? AND c.ts < ? ORDER BY c.id
"""


def raw(store: Store, seconds: int) -> tuple[list, list, list, np.ndarray]:
    """The window's labelled rows as the profiles cover it, and the probability matrix of the scored ones."""
    from data.queries import profile_reads as pr

    first, last = pr.window_minutes(NOW, seconds)
    rows = store.fetch_all("t", RAW_SQL, [MODEL, first, last + timedelta(minutes=1)])
    probs = dict(
        ((i, c), p)
        for i, c, p in store.fetch_all("t", "SELECT id, class, p FROM prediction_probabilities WHERE model = ?", [MODEL])
    )
    scored = [r for r in rows if r[3]]
    matrix = np.array([[probs.get((r[0], c), 0.0) for c in CLASSES] for r in scored])
    return [r[4] for r in rows], [r[2] for r in rows], [r[4] for r in scored], matrix


def check(store: Store) -> int:
    compared = 0
    for seconds in WINDOWS:
        result = am.window_quality(store, MODEL, NOW, seconds, min_samples=1)
        y_true, y_pred, scored_true, matrix = raw(store, seconds)
        assert result.status == "ok" and result.labelled == len(y_true)
        assert result.accuracy == pytest.approx(accuracy_score(y_true, y_pred), abs=1e-9)
        labels = sorted(set(y_true) | set(y_pred))
        per_class = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
        found = {c.name: c for c in result.classes}
        assert list(found) == labels
        for k, name in enumerate(labels):
            c = found[name]
            assert (c.precision, c.recall, c.f1) == pytest.approx([per_class[0][k], per_class[1][k], per_class[2][k]], abs=1e-9)
            assert c.support == per_class[3][k]
        for average, prefix in (("macro", ""), ("micro", "micro_"), ("weighted", "weighted_")):
            expected = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)[:3]
            got = [getattr(result, f"{prefix}{n}") for n in ("precision", "recall", "f1")]
            assert got == pytest.approx(list(expected), abs=1e-9), average
        cells = {(t, p): n for t, p, n in result.confusion}
        expected_matrix = confusion_matrix(y_true, y_pred, labels=labels)
        assert [[cells.get((t, p), 0) for p in labels] for t in labels] == expected_matrix.tolist()
        assert result.log_loss == pytest.approx(log_loss(scored_true, matrix, labels=CLASSES), abs=1e-9)
        exact = roc_auc_score(scored_true, matrix, multi_class="ovr", labels=CLASSES)
        assert result.auc_error_bound is not None and result.auc_error_bound < 0.02
        assert abs(result.auc - exact) <= result.auc_error_bound + 1e-12
        for k, name in enumerate(CLASSES):
            one = roc_auc_score(np.array(scored_true) == name, matrix[:, k])
            assert abs(found[name].auc - one) <= found[name].auc_error_bound + 1e-12
        check_drift(store, result, seconds)
        compared += 1
    return compared


FIRST_SQL = """
SELECT c.predicted, coalesce(oc.label, o.label::VARCHAR) FROM prediction_classes c JOIN outcomes o ON o.id = c.id
LEFT JOIN outcome_classes oc ON oc.id = c.id WHERE c.model = ? ORDER BY c.ts, c.id LIMIT 2000
"""
ALL_SQL = """
SELECT c.predicted, CASE WHEN o.id IS NOT NULL THEN coalesce(oc.label, o.label::VARCHAR) END FROM prediction_classes c
LEFT JOIN outcomes o ON o.id = c.id LEFT JOIN outcome_classes oc ON oc.id = c.id WHERE c.model = ? AND c.ts >= ? AND c.ts < ?
"""


def check_drift(store: Store, result, seconds: int) -> None:
    """Class shares against the frozen reference: chi-squared as scipy's chi2_contingency on the raw rows'
    counts, PSI and JS as the categorical features' functions on them."""
    from scipy.stats import chi2_contingency

    from analytics.categorical_drift import categorical_drift
    from data.queries import profile_reads as pr

    first, last = pr.window_minutes(NOW, seconds)
    frozen = {(side, c): n for side, c, n in store.fetch_all("t", "SELECT side, class, n FROM model_class_reference", [])}
    window = store.fetch_all("t", ALL_SQL, [MODEL, first, last + timedelta(minutes=1)])
    found = {d.side: d for d in result.class_drift}
    for side, k in (("prediction", 0), ("label", 1)):
        ref = np.array([frozen.get((side, c), 0) for c in CLASSES])
        cur = np.array([sum(r[k] == c for r in window if r[1] is not None or k == 0) for c in CLASSES])
        statistic, pvalue, _, _ = chi2_contingency(np.vstack([ref, cur]))
        d = found[side]
        assert (d.reference_count, d.current_count) == (ref.sum(), cur.sum())
        assert d.chi2_statistic == pytest.approx(statistic, abs=1e-9) and d.chi2_pvalue == pytest.approx(pvalue, abs=1e-9)
        expected = categorical_drift(ref, cur)
        assert (d.psi, d.js_distance) == pytest.approx((expected.psi, expected.js_distance), abs=1e-12)


def test_multiclass_figures_equal_scikit_learn_through_late_labels_and_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    store = Store(path)
    late = seed(store, np.random.default_rng(7))
    profiles.refresh(store, NOW)
    am.window_quality(store, MODEL, NOW, WINDOWS[-1], min_samples=1)
    assert not store.fetch_all("t", "SELECT 1 FROM model_class_reference", []), "an answer only reads"
    am.prepare(store, MODEL)  # as the evaluation pass does before it answers
    assert check(store) == 3
    first = store.fetch_all("t", FIRST_SQL, [MODEL])  # the reference froze the first 2,000 labelled rows
    frozen = dict(((s, c), n) for s, c, n in store.fetch_all("t", "SELECT side, class, n FROM model_class_reference", []))
    assert frozen == {(s, c): sum(r[k] == c for r in first) for s, k in (("prediction", 0), ("label", 1)) for c in CLASSES}
    _label(store, list(zip(late[0], late[1], [NOW] * len(late[0]), strict=True)), NOW)
    assert profiles.refresh(store, NOW) > 0  # the late labels' minutes, however old
    assert check(store) == 3
    store.close()
    store = Store(path)
    try:
        assert check(store) == 3
    finally:
        store.close()
