"""How sure a quality figure is: the sampling error of a window's figures, from the same merged counts and
sums the figures come from (pure, NumPy only; README "How sure is a figure" states each method).

- Proportions (accuracy, precision, recall, labelled share): the Wilson score interval, which keeps inside
  [0, 1] and stays close to 95 % coverage at small n or near 0 and 1, where the Wald interval does not.
- AUC: DeLong's variance from the placement values of positives and negatives. Computed per score bin,
  with the scores of a bin tied, it is exactly DeLong's variance of the binned AUC (the figure shown).
- F1: the delta method on the multinomial (tp, fp, fn, tn) proportions.
- MAE and RMSE: the standard error of a mean from count, sum and sum of squares (of |e| for MAE, of e^2
  for the mean squared error), then RMSE = sqrt(MSE) by the delta method.
- PSI has no usable standard error: with no drift its gradient is 0, so the delta method gives 0. What it
  has is a noise floor: with no drift, PSI is close to (1/n + 1/m) times a chi-squared with B - 1 degrees of
  freedom (n, m the two sample sizes, B the buckets), whose mean and standard deviation `psi_noise` gives.
"""

from __future__ import annotations

import math

import numpy as np

Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile: two-sided 95 % intervals


def wilson(k: float, n: float, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval of the proportion k / n; (None, None) when n is 0."""
    if n <= 0:
        return None, None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(max(p * (1 - p), 0.0) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_se(p: float, n: float) -> float | None:
    """Binomial standard error of a proportion p over n rows; None when n is 0."""
    return math.sqrt(max(p * (1 - p), 0.0) / n) if n > 0 else None


def auc_se(pos: np.ndarray, neg: np.ndarray) -> float | None:
    """DeLong standard error of the AUC of positives and negatives counted per score bin (ascending), ties
    within a bin counting one half; None with fewer than two positives or two negatives."""
    pos, neg = np.asarray(pos, dtype=float), np.asarray(neg, dtype=float)
    p, n = pos.sum(), neg.sum()
    if p < 2 or n < 2:
        return None
    v10 = (np.cumsum(neg) - neg + 0.5 * neg) / n  # a positive's share of negatives it outscores
    v01 = (p - np.cumsum(pos) + 0.5 * pos) / p  # a negative's share of positives outscoring it
    auc = float(np.sum(pos * v10) / p)
    s10 = float(np.sum(pos * (v10 - auc) ** 2) / (p - 1))
    s01 = float(np.sum(neg * (v01 - auc) ** 2) / (n - 1))
    return math.sqrt(s10 / p + s01 / n)


def f1_se(tp: int, fp: int, fn: int, tn: int) -> float | None:
    """Delta-method standard error of F1 = 2 tp / (2 tp + fp + fn), the four cells multinomial over the
    labelled rows; None without labelled rows or when F1 is undefined."""
    total = tp + fp + fn + tn
    d = 2 * tp + fp + fn
    if total == 0 or d == 0:
        return None
    share = np.array([tp, fp, fn, tn], dtype=float) / total
    a, b, c = share[0], share[1], share[2]
    scale = (2 * a + b + c) ** 2
    gradient = np.array([2 * (b + c), -2 * a, -2 * a, 0.0]) / scale
    covariance = (np.diag(share) - np.outer(share, share)) / total
    return math.sqrt(max(float(gradient @ covariance @ gradient), 0.0))


def mean_se(n: float, total: float, total_sq: float) -> float | None:
    """Standard error of a mean from its count, sum and sum of squares (sample variance, n - 1); None
    below two rows."""
    if n < 2:
        return None
    variance = max(total_sq - total * total / n, 0.0) / (n - 1)
    return math.sqrt(variance / n)


def rmse_se(n: float, e_sq: float, e_4: float) -> float | None:
    """Standard error of RMSE = sqrt(sum e^2 / n) from the sums of e^2 and e^4 (the delta method on the
    mean squared error); None below two rows or when RMSE is 0."""
    mse_se = mean_se(n, e_sq, e_4)
    rmse = math.sqrt(max(e_sq, 0.0) / n) if n > 0 else 0.0
    if mse_se is None or rmse == 0:
        return None
    return mse_se / (2 * rmse)


def psi_noise(buckets: int, reference: float, current: float) -> tuple[float | None, float | None]:
    """(mean, standard deviation) of PSI between two samples of one distribution over `buckets` buckets:
    (1/n + 1/m) times a chi-squared with buckets - 1 degrees of freedom. A PSI far above the mean is more
    than sampling noise; (None, None) without rows on a side or with one bucket."""
    if buckets < 2 or reference <= 0 or current <= 0:
        return None, None
    scale = 1 / reference + 1 / current
    return scale * (buckets - 1), scale * math.sqrt(2 * (buckets - 1))


def beyond_noise(value: float, se: float | None, k: float) -> bool:
    """Whether |value| exceeds k standard errors (always, when the error is unknown)."""
    return se is None or abs(value) > k * se
