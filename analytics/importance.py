"""Feature importance: permutation importance (the AUC a model loses when one feature's column is
shuffled) and the model's own importance (impurity or coefficients), normalised to sum to 1."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from analytics.quality import roc_curve


def permutation_importance(
    score: Callable[[np.ndarray], np.ndarray],
    matrix: np.ndarray,
    labels: np.ndarray,
    features: Sequence[str],
    repeats: int = 3,
    seed: int = 0,
) -> dict[str, float] | None:
    """Mean drop in ROC AUC over `repeats` shuffles of each column; None when AUC is undefined."""
    base = roc_curve(score(matrix), labels).area
    if base is None:
        return None
    rng = np.random.default_rng(seed)
    out = {}
    for col, name in enumerate(features):
        drops = []
        for _ in range(repeats):
            shuffled = matrix.copy()
            shuffled[:, col] = rng.permutation(shuffled[:, col])
            drops.append(base - (roc_curve(score(shuffled), labels).area or base))
        out[name] = float(np.mean(drops))
    return out


def model_importance(estimator: object, features: Sequence[str]) -> dict[str, float] | None:
    """Impurity importances (`feature_importances_`) or absolute coefficients of the last step of a
    pipeline, normalised to sum to 1; None when the model exposes neither (e.g. HistGradientBoosting)."""
    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    values = getattr(final, "feature_importances_", None)
    if values is None and hasattr(final, "coef_"):
        values = np.abs(np.asarray(final.coef_, dtype=float)).reshape(-1)
    if values is None or len(values) != len(features):
        return None
    values = np.asarray(values, dtype=float)
    total = values.sum()
    return {name: float(v / total) if total else 0.0 for name, v in zip(features, values, strict=True)}


def pick_importance(rows: Sequence[tuple[str, str, float]]) -> tuple[dict[str, float], str | None]:
    """From (feature, method, importance) rows: permutation importance when measured (it reflects the
    recent data), else the model's own; and which method that was."""
    for method in ("permutation", "model"):
        found = {feature: float(value) for feature, m, value in rows if m == method and value is not None}
        if found:
            return found, method
    return {}, None
