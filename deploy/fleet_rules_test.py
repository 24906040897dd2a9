"""Writes deploy/fleet-rules.test.yml: promtool unit tests of deploy/fleet-rules.yml whose expected
fleet AUC, accuracy and PSI are computed here in NumPy from the same counts the input series carry.

Two instances (a, b) scrape counters that grow by fixed amounts every minute for 70 minutes; at 60m
the rules' one-hour increase is exactly 60 times those amounts, summed over both instances. Model `m`
separates its classes well, model `weak` not at all (its AUC and accuracy alerts fire); feature
`income` drifts on instance b only (the fleet drift alert fires), and `flag` keeps an empty reference
bin and an empty current bin (both counted as 1e-4, as analytics.drift.psi_from_shares does). Regression
model `amt` and multiclass model `grade` give the fleet MAE, RMSE and macro F1 (class D without a row in the
hour leaves the average).

    python deploy/fleet_rules_test.py > deploy/fleet-rules.test.yml
"""

from __future__ import annotations

import math
import sys

import numpy as np

STEPS, AT = 70, 60
ROUND = 1e-12
SCORE_LE = [repr((k + 1) / 50) for k in range(50)]  # what prometheus_client prints for telemetry/fleet.py's edges
EPSILON = 1e-4
FEATURES = {  # feature -> (decile edges as printed, reference share per bin, per-minute counts on a and b)
    "income": (["10.0", "20.0", "30.0", "40.0"], [0.1, 0.2, 0.3, 0.2, 0.2], [[2, 4, 6, 4, 4], [0, 1, 1, 8, 14]]),
    "flag": (["0.0", "1.0"], [0.5, 0.5, 0.0], [[5, 4, 0], [6, 4, 0]]),
}


def score_counts(rng: np.random.Generator) -> dict[str, dict[str, np.ndarray]]:
    """model -> outcome -> per-minute count per score bucket, instances a and b stacked."""
    rising = np.linspace(0.2, 4.0, 50)
    return {
        "m": {"positive": rng.poisson(rising, (2, 50)), "negative": rng.poisson(rising[::-1], (2, 50))},
        "weak": {"positive": rng.poisson(2.0, (2, 50)), "negative": rng.poisson(2.0, (2, 50))},
    }


def rounded(value: float) -> float:
    """PromQL's round(value, ROUND), operation for operation: promtool compares values exactly, and PromQL
    sums a vector in no fixed order, so the last bit of a sum may differ from run to run."""
    inverse = 1.0 / ROUND
    return math.floor(value * inverse + 0.5) / inverse


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Trapezoid over the cumulative histograms: ties within a bucket count half."""
    return float(np.sum(pos * (np.cumsum(neg) - neg / 2)) / (pos.sum() * neg.sum()))


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    ref, cur = np.where(reference > 0, reference, EPSILON), np.where(current > 0, current, EPSILON)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def series(name: str, labels: dict[str, str], per_minute: float, instance: str) -> str:
    text = ", ".join(f'{k}="{v}"' for k, v in {"instance": f"{instance}:8050", "job": "predwatch", **labels}.items())
    values = f"0+{per_minute:g}x{STEPS}" if per_minute else f"0x{STEPS}"
    return f"      - series: '{name}{{{text}}}'\n        values: '{values}'"


def inputs(scores: dict, predictions: dict) -> list[str]:
    lines = [
        f'      - series: \'model_score_bucket_lower{{instance="a:8050", job="predwatch", upper="{le}", '
        f"lower=\"{lower}\"}}'\n        values: '1x{STEPS}'"
        for le, lower in zip([*SCORE_LE, "+Inf"], ["0.0", *SCORE_LE], strict=True)
    ]
    for i, instance in enumerate("ab"):
        for model, by_outcome in scores.items():
            for outcome, counts in by_outcome.items():
                cumulative = np.cumsum(counts[i])
                lines += [
                    series("model_score_bucket", {"model": model, "outcome": outcome, "le": le}, c, instance)
                    for le, c in zip([*SCORE_LE, "+Inf"], [*cumulative, cumulative[-1]], strict=True)
                ]
            for (predicted, outcome), counts in predictions[model].items():
                lines.append(
                    series(
                        "model_labelled_predictions_total",
                        {"model": model, "predicted": predicted, "outcome": outcome},
                        counts[i],
                        instance,
                    )
                )
        for feature, (edges, shares, counts) in FEATURES.items():
            le = [*edges, "+Inf"]
            lines += [
                series("model_feature_value_bucket", {"model": "m", "feature": feature, "le": x}, c, instance)
                for x, c in zip(le, np.cumsum(counts[i]), strict=True)
            ]
            lines += [
                series(
                    "model_feature_reference_share", {"model": "m", "feature": feature, "upper": x, "lower": lo}, s, instance
                ).replace(f"0+{s:g}x{STEPS}", f"{s!r}x{STEPS}")
                for x, lo, s in zip(le, ["-Inf", *edges], shares, strict=True)
            ]
    return lines


# A regression model's per-minute increments on instances a and b: labelled rows, sum |error|, sum error^2.
REGRESSION = {"count": [10, 6], "abs": [250.5, 300.0], "squared": [9000.25, 20000.0]}
# A multiclass model's per-minute confusion (rows true class, columns predicted) on a and b; class D has
# no row in the hour, so the macro F1 is over A, B and C.
CLASSES = ["A", "B", "C", "D"]
CONFUSION = np.array(
    [
        [[5, 1, 0, 0], [2, 3, 1, 0], [0, 1, 4, 0], [0, 0, 0, 0]],
        [[3, 0, 1, 0], [1, 6, 0, 0], [2, 0, 2, 0], [0, 0, 0, 0]],
    ]
)


def task_inputs() -> list[str]:
    lines = []
    for i, instance in enumerate("ab"):
        lines.append(series("model_regression_abs_error_count", {"model": "amt"}, REGRESSION["count"][i], instance))
        lines.append(series("model_regression_abs_error_sum", {"model": "amt"}, REGRESSION["abs"][i], instance))
        lines.append(series("model_regression_squared_error_total", {"model": "amt"}, REGRESSION["squared"][i], instance))
        matrix = CONFUSION[i]
        per_kind = {"true": matrix.sum(axis=1), "predicted": matrix.sum(axis=0), "correct": np.diag(matrix)}
        for kind, counts in per_kind.items():
            lines += [
                series("model_class_labelled_total", {"model": "grade", "class": c, "kind": kind}, int(n), instance)
                for c, n in zip(CLASSES, counts, strict=True)
            ]
    return lines


def task_expected() -> list[tuple[str, str, float]]:
    count, absolute, squared = (AT * sum(REGRESSION[k]) for k in ("count", "abs", "squared"))
    matrix = AT * CONFUSION.sum(axis=0)
    present = (matrix.sum(axis=0) + matrix.sum(axis=1)) > 0
    f1 = 2 * np.diag(matrix)[present] / (matrix.sum(axis=0) + matrix.sum(axis=1))[present]
    return [
        ("model:regression_mae:fleet1h", 'model="amt"', absolute / count),
        ("model:regression_rmse:fleet1h", 'model="amt"', math.sqrt(squared / count)),
        ("model:macro_f1:fleet1h", 'model="grade"', float(f1.mean())),
    ]


def expected(scores: dict, predictions: dict) -> list[tuple[str, str, float]]:
    """(recorded series name, labels, value at 60m) from the fleet's summed counts."""
    out = []
    for model, by_outcome in scores.items():
        pos, neg = (AT * by_outcome[o].sum(axis=0) for o in ("positive", "negative"))
        out.append(("model:score_auc:fleet1h", f'model="{model}"', auc(pos, neg)))
        p = {key: AT * sum(c) for key, c in predictions[model].items()}
        right = p[("positive", "positive")] + p[("negative", "negative")]
        out.append(("model:accuracy:fleet1h", f'model="{model}"', right / sum(p.values())))
    for feature, (_, shares, counts) in FEATURES.items():
        current = AT * np.sum(counts, axis=0)
        out.append(
            ("model_feature:psi:fleet1h", f'feature="{feature}", model="m"', psi(np.asarray(shares), current / current.sum()))
        )
    return out


ALERTS = """
    alert_rule_test:
      - eval_time: 60m
        alertname: PredwatchFleetAucLow
        exp_alerts:
          - exp_labels: {severity: warning, rule: fleet_auc, model: weak}
            exp_annotations:
              summary: "fleet AUC of weak < 0.7"
              description: "AUC over every instance's labelled predictions of the last hour below 0.7 for 10m"
      - eval_time: 60m
        alertname: PredwatchFleetAccuracyLow
        exp_alerts:
          - exp_labels: {severity: warning, rule: fleet_accuracy, model: weak}
            exp_annotations:
              summary: "fleet accuracy of weak < 0.7"
              description: "accuracy over every instance's labelled predictions of the last hour below 0.7 for 10m"
      - eval_time: 60m
        alertname: PredwatchFleetFeatureDrift
        exp_alerts:
          - exp_labels: {severity: critical, rule: fleet_drift, model: m, feature: income}
            exp_annotations:
              summary: "fleet PSI of m/income > 0.25"
              description: "PSI over every instance's values of the last hour against the reference above 0.25 for 10m"
      - eval_time: 5m
        alertname: PredwatchFleetFeatureDrift
        exp_alerts: []
"""


def render() -> str:
    rng = np.random.default_rng(17)
    scores = score_counts(rng)
    predictions = {
        "m": {
            ("positive", "positive"): [40, 45],
            ("negative", "negative"): [50, 48],
            ("positive", "negative"): [6, 5],
            ("negative", "positive"): [4, 7],
        },
        "weak": {
            ("positive", "positive"): [20, 22],
            ("negative", "negative"): [19, 21],
            ("positive", "negative"): [21, 20],
            ("negative", "positive"): [20, 19],
        },
    }
    by_name: dict[str, list[str]] = {}
    for name, labels, value in [*expected(scores, predictions), *task_expected()]:
        by_name.setdefault(name, []).append(f"          - labels: '{{{labels}}}'\n            value: {rounded(value)!r}")
    checks = "\n".join(
        f"      - expr: 'round({name}, {ROUND})'\n        eval_time: {AT}m\n        exp_samples:\n" + "\n".join(rows)
        for name, rows in by_name.items()
    )
    return (
        "# Generated by `python deploy/fleet_rules_test.py > deploy/fleet-rules.test.yml`: do not edit.\n"
        "# Expected values: NumPy on the same counts (the script's docstring says what the input holds).\n"
        "rule_files:\n  - fleet-rules.yml\n\nevaluation_interval: 1m\n\ntests:\n  - interval: 1m\n"
        "    input_series:\n"
        + "\n".join([*inputs(scores, predictions), *task_inputs()])
        + "\n    promql_expr_test:\n"
        + checks
        + "\n"
        + ALERTS.lstrip("\n")
    )


if __name__ == "__main__":
    sys.stdout.write(render())
