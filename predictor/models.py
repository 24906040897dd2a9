"""The built-in models: a champion (gradient boosting) and a challenger (logistic regression),
trained on the scenario the first time one is asked for (the demo asks at start) and saved with joblib
under the data directory beside a reference sample of held-out inputs, scores and labels; later starts
load them on first use (`BuiltInModels`), so a process that never predicts with them never imports
scikit-learn (~80 MB)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from predictor.scenario import FEATURES, Scenario

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)
CHAMPION, CHALLENGER = "credit-gbm", "credit-logreg"
VERSION = "2"  # 2: the reference is a held-out sample, no longer the first training rows
REFERENCE_ROWS = 5_000
NAMES = (CHAMPION, CHALLENGER)


class Estimator(Protocol):
    """What a built-in model needs of a scikit-learn classifier (scikit-learn ships no types)."""

    def fit(self, x: np.ndarray, y: Any) -> Any: ...

    def predict_proba(self, x: np.ndarray) -> np.ndarray: ...


@dataclass
class ModelBundle:
    name: str
    version: str
    estimator: Estimator
    features: tuple[str, ...]
    threshold: float = 0.5
    reference: pd.DataFrame = field(default_factory=lambda: _empty_frame())  # features + score + label
    trained_seconds: float = 0.0

    def predict_scores(self, rows: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row (columns in `features` order)."""
        return self.estimator.predict_proba(rows)[:, 1]


def _empty_frame() -> pd.DataFrame:
    import pandas as pd  # here, not at the top: an app that never loads a model never imports pandas

    return pd.DataFrame()


def _estimators() -> dict[str, Estimator]:
    # Imported here, not at the top: only training needs these names (loading unpickles what it needs).
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        CHAMPION: HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, random_state=0),
        CHALLENGER: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    }


def _train(name: str, estimator: Estimator, scenario: Scenario) -> ModelBundle:
    started = time.perf_counter()
    x, y = scenario.training_set()
    estimator.fit(x.to_numpy(), y)
    bundle = ModelBundle(name, VERSION, estimator, FEATURES, trained_seconds=time.perf_counter() - started)
    # The reference is held out: scores of training rows are more confident than live ones (the boosted
    # trees' in-sample accuracy was 4.6 standard errors above live traffic's), and the estimated
    # performance's calibration map is fitted on the reference's scores.
    ref, held_labels = scenario.holdout_set(REFERENCE_ROWS)
    ref["score"] = bundle.predict_scores(ref[list(FEATURES)].to_numpy())
    ref["label"] = held_labels
    bundle.reference = ref
    return bundle


def _path(models_dir: Path, name: str) -> Path:
    return models_dir / f"{name}-v{VERSION}.joblib"


def load_or_train(models_dir: Path, scenario: Scenario | None = None) -> dict[str, ModelBundle]:
    """Load each model from `models_dir`, training (and saving) those that are missing."""
    import joblib  # here, with the models: an app that never loads them never imports it

    models_dir.mkdir(parents=True, exist_ok=True)
    scenario = scenario or Scenario()
    bundles: dict[str, ModelBundle] = {}
    for i, name in enumerate(NAMES, start=1):
        path = _path(models_dir, name)
        if path.exists():
            bundles[name] = joblib.load(path)
            log.info("model %d/%d %s v%s loaded from %s", i, len(NAMES), name, VERSION, path)
            continue
        log.info("model %d/%d %s: training on the built-in scenario ...", i, len(NAMES), name)
        estimator = _estimators()[name]
        threadpool_limits(1)  # see below: once scikit-learn is imported, before it trains
        bundle = _train(name, estimator, scenario)
        tmp = path.with_suffix(".tmp")
        joblib.dump(bundle, tmp)
        tmp.replace(path)  # atomic: a crash mid-save never leaves half a model
        log.info("model %d/%d %s trained in %.1f s, saved to %s", i, len(NAMES), name, bundle.trained_seconds, path)
        bundles[name] = bundle
    # Native thread pools (OpenMP, BLAS) at one thread for the whole process: the server's own
    # threads already use every core, and a 1-row HistGradientBoosting predict took 20-70 ms with
    # OpenMP fighting them on 2 cores, ~1 ms without. After loading: the pools belong to libraries
    # scikit-learn loads, and threadpoolctl limits only what is loaded.
    threadpool_limits(1)
    return bundles


class BuiltInModels(Mapping[str, ModelBundle]):
    """The built-in models by name, loaded (or trained) on the first look-up of one of them.

    Their names are known without loading; a look-up of any other name (an ingested model) loads
    nothing. Models missing on disk are trained on that first look-up too, not at start: a `--no-demo`
    process on a fresh store that nobody asks for a built-in prediction never trains them, nor maps
    scikit-learn, SciPy and pandas (~130 MB idle); the first POST /api/predict there waits for the
    training (a few seconds), outside its own time limit (predictor/service.py)."""

    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir
        self._bundles: dict[str, ModelBundle] | None = None
        self._lock = threading.Lock()

    def load(self) -> dict[str, ModelBundle]:
        """Every built-in model, loading them the first time (one thread loads, others wait)."""
        with self._lock:
            if self._bundles is None:
                self._bundles = load_or_train(self.models_dir)
            return self._bundles

    @property
    def loaded(self) -> bool:
        """Whether anything has asked for a model yet (then scikit-learn is imported)."""
        return self._bundles is not None

    def __getitem__(self, name: str) -> ModelBundle:
        if name not in NAMES:
            raise KeyError(name)
        return self.load()[name]

    def __contains__(self, name: object) -> bool:
        return name in NAMES

    def __iter__(self) -> Iterator[str]:
        return iter(NAMES)

    def __len__(self) -> int:
        return len(NAMES)
