"""The demo's multiclass model, "risk-grade": for each credit request the workload sends it predicts a risk
grade A (safest) to E from the same features, with each grade's probability. It is a scikit-learn multinomial
logistic regression trained on the scenario the first time the demo asks for it (saved with joblib beside the
built-in classifiers, loaded from there after), so a `--no-demo` process trains and loads nothing. The true
grade arrives after a random delay, as the classifier's labels do. The demo switches move it too: input drift
shifts the features (its predicted grades and their probabilities drift), concept drift makes lenders grade
stricter and stop rewarding income (its accuracy falls, the true grades' shares move).

Its rows are stored through the ingest path the API uses (data/ingest.py), once a second from the workload's
thread: a batch's predictions, predicted classes, probabilities, new classes and the model's task commit in one
transaction, so no row reaches a profile before its task and classes are recorded."""

from __future__ import annotations

import heapq
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from data.store import Store
from predictor.scenario import FEATURES, Drift, Scenario

if TYPE_CHECKING:
    import pandas as pd

    from predictor.models import Estimator

log = logging.getLogger(__name__)
MODEL, VERSION = "risk-grade", "1"
CLASSES = ("A", "B", "C", "D", "E")
# Cut points of the noisy risk index between grades: about 11/27/34/20/8 % of calm traffic in A..E.
CUTS = (-1.9, -0.4, 1.1, 2.5)
STORE_EVERY = timedelta(seconds=1)  # one ingest transaction a second, not one per workload tick


def risk_index(frame: pd.DataFrame, concept: float = 0.0) -> np.ndarray:
    """Higher is riskier: low income, high debt, utilisation, rate and past delinquencies. After concept drift
    lenders are stricter overall and income stops protecting."""
    income = (np.log(frame["income"].to_numpy()) - 10.9) / 0.45
    index = (
        -0.8 * income
        + 0.9 * (frame["debt_to_income"].to_numpy() - 0.32) / 0.12
        + 1.0 * (frame["credit_utilization"].to_numpy() - 0.42) / 0.2
        + 0.6 * (frame["interest_rate"].to_numpy() - 0.11) / 0.04
        + 0.4 * frame["delinquencies_2y"].to_numpy()
    )
    return index + concept * (0.8 + 0.9 * income)


def true_grades(frame: pd.DataFrame, rng: np.random.Generator, concept: float = 0.0) -> np.ndarray:
    """The grade a lender gives each request: the risk index with noise, cut into A..E."""
    noisy = risk_index(frame, concept) + rng.normal(0.0, 0.6, len(frame))
    return np.asarray(CLASSES)[np.searchsorted(CUTS, noisy)]


@dataclass
class GradeModel:
    version: str
    estimator: Estimator
    features: tuple[str, ...]
    classes: tuple[str, ...]
    trained_seconds: float = 0.0

    def probabilities(self, frame: pd.DataFrame) -> np.ndarray:
        """Each row's probability of each class, columns in `classes` order."""
        return self.estimator.predict_proba(frame[list(self.features)].to_numpy())


def train(scenario: Scenario) -> GradeModel:
    # Imported here: only training needs these names (loading unpickles what it needs).
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    started = time.perf_counter()
    frame, _ = scenario.training_set()
    grades = true_grades(frame, np.random.default_rng(scenario.seed + 2))
    estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    estimator.fit(frame[list(FEATURES)].to_numpy(), grades)
    classes = tuple(str(c) for c in estimator[-1].classes_)
    return GradeModel(VERSION, estimator, FEATURES, classes, time.perf_counter() - started)


def load_or_train(models_dir: Path, scenario: Scenario | None = None) -> GradeModel:
    """The model from `models_dir`, trained (and saved atomically) if it is not there yet."""
    import joblib
    from threadpoolctl import threadpool_limits  # one native thread: see predictor/models.py

    path = models_dir / f"{MODEL}-v{VERSION}.joblib"
    if path.exists():
        model: GradeModel = joblib.load(path)
        log.info("model %s v%s loaded from %s", MODEL, VERSION, path)
    else:
        models_dir.mkdir(parents=True, exist_ok=True)
        threadpool_limits(1)
        model = train(scenario or Scenario())
        tmp = path.with_suffix(".tmp")
        joblib.dump(model, tmp)
        tmp.replace(path)
        log.info("model %s trained in %.1f s, saved to %s", MODEL, model.trained_seconds, path)
    threadpool_limits(1)
    return model


class RiskGrades:
    """The model's predictions and their delayed true grades, stored through ingest about once a second."""

    def __init__(
        self, store: Store, models_dir: Path, labelled_share: float, label_delay: tuple[float, float], seed: int | None = None
    ) -> None:
        self.store, self.models_dir = store, models_dir
        self.labelled_share, self.label_delay = labelled_share, label_delay
        self.rng = np.random.default_rng(None if seed is None else seed + 2)  # its own: the others' draws stay
        self.random = random.Random(None if seed is None else seed + 2)
        self.model: GradeModel | None = None  # loaded (or trained) on the first request it serves
        self.rows: list[dict[str, Any]] = []  # predictions not stored yet
        self.pending: list[tuple[datetime, str, str]] = []  # heap of (due, prediction id, true grade)
        self.stored_at: datetime | None = None
        self.sent = 0

    def serve(self, frame: pd.DataFrame, drift: Drift, now: datetime) -> float:
        """Predict each request's grade with its probabilities; schedule its true grade. The seconds per row."""
        if self.model is None:
            self.model = load_or_train(self.models_dir)
        started = time.perf_counter()
        probabilities = self.model.probabilities(frame)
        per_row = (time.perf_counter() - started) / len(frame)
        classes = self.model.classes
        truths = true_grades(frame, self.rng, drift.concept).tolist()
        for features, p, truth in zip(frame.to_dict("records"), probabilities.tolist(), truths, strict=True):
            pid = f"grd-{self.random.getrandbits(64):016x}"
            self.rows.append(
                {
                    "id": pid,
                    "model": MODEL,
                    "model_version": VERSION,
                    "timestamp": now,
                    "latency_seconds": per_row,
                    "features": features,
                    "predicted_label": classes[int(np.argmax(p))],
                    "probabilities": dict(zip(classes, p, strict=True)),
                }
            )
            if self.random.random() < self.labelled_share:
                heapq.heappush(self.pending, (now + timedelta(seconds=self.random.uniform(*self.label_delay)), pid, truth))
        self.sent += len(frame)
        return per_row

    def store_due(self, now: datetime, force: bool = False) -> None:
        """Store the buffered predictions, then the true grades whose time has come (a second apart at most)."""
        if not force and self.stored_at is not None and now - self.stored_at < STORE_EVERY:
            return
        self.stored_at = now
        from data.ingest import store_outcomes, store_predictions
        from data.multiclass_log import multiclass_tables  # pyarrow: the demo loads it anyway

        rows, self.rows = self.rows, []
        if rows:
            store_predictions(self.store, multiclass_tables(rows, now, source="builtin"), "multiclass")
        outcomes, named = [], []
        while self.pending and self.pending[0][0] <= now:
            due, pid, truth = heapq.heappop(self.pending)
            outcomes.append((pid, None, due, now))
            named.append((pid, truth, due))
        if outcomes:
            store_outcomes(self.store, outcomes, classes=_class_table(named))


def _class_table(named: list[tuple[str, str, datetime]]) -> Any:
    import pyarrow as pa

    ids, labels, ts = zip(*named, strict=True)
    return pa.table(
        {"id": pa.array(ids, pa.string()), "label": pa.array(labels, pa.string()), "ts": pa.array(ts, pa.timestamp("us"))}
    )
