"""The built-in models: a champion (gradient boosting) and a challenger (logistic regression),
trained on the scenario on first start and saved with joblib under the data directory beside a
reference sample of their training inputs and scores; later starts load them."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from predictor.scenario import FEATURES, Scenario

log = logging.getLogger(__name__)
CHAMPION, CHALLENGER = "credit-gbm", "credit-logreg"
VERSION = "1"
REFERENCE_ROWS = 5_000


@dataclass
class ModelBundle:
    name: str
    version: str
    estimator: object
    features: tuple[str, ...]
    threshold: float = 0.5
    reference: pd.DataFrame = field(default_factory=pd.DataFrame)  # features + score + label
    trained_seconds: float = 0.0

    def predict_scores(self, rows: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row (columns in `features` order)."""
        return self.estimator.predict_proba(rows)[:, 1]


def _estimators() -> dict[str, object]:
    return {
        CHAMPION: HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, random_state=0),
        CHALLENGER: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    }


def _train(name: str, estimator: object, scenario: Scenario) -> ModelBundle:
    started = time.perf_counter()
    x, y = scenario.training_set()
    estimator.fit(x.to_numpy(), y)
    bundle = ModelBundle(name, VERSION, estimator, FEATURES, trained_seconds=time.perf_counter() - started)
    ref = x.iloc[:REFERENCE_ROWS].reset_index(drop=True)
    ref["score"] = bundle.predict_scores(ref[list(FEATURES)].to_numpy())
    ref["label"] = y[:REFERENCE_ROWS]
    bundle.reference = ref
    return bundle


def load_or_train(models_dir: Path, scenario: Scenario | None = None) -> dict[str, ModelBundle]:
    """Load each model from `models_dir`, training (and saving) those that are missing."""
    models_dir.mkdir(parents=True, exist_ok=True)
    scenario = scenario or Scenario()
    # Native thread pools (OpenMP, BLAS) at one thread for the whole process: the server's own
    # threads already use every core, and a 1-row HistGradientBoosting predict took 20-70 ms with
    # OpenMP fighting them on 2 cores, ~1 ms without.
    threadpool_limits(1)
    bundles: dict[str, ModelBundle] = {}
    estimators = _estimators()
    for i, (name, estimator) in enumerate(estimators.items(), start=1):
        path = models_dir / f"{name}-v{VERSION}.joblib"
        if path.exists():
            bundles[name] = joblib.load(path)
            log.info("model %d/%d %s v%s loaded from %s", i, len(estimators), name, VERSION, path)
            continue
        log.info("model %d/%d %s: training on the built-in scenario ...", i, len(estimators), name)
        bundle = _train(name, estimator, scenario)
        tmp = path.with_suffix(".tmp")
        joblib.dump(bundle, tmp)
        tmp.replace(path)  # atomic: a crash mid-save never leaves half a model
        log.info("model %d/%d %s trained in %.1f s, saved to %s", i, len(estimators), name,
                 bundle.trained_seconds, path)
        bundles[name] = bundle
    return bundles
