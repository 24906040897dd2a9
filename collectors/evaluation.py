"""The evaluation job: every `eval_interval` seconds, for each model and window, quality over the
predictions joined with their outcomes, drift of every feature and of the score against the
model's reference sample, and feature importance, stored for trend charts.

Profiles: a pass first brings the per-minute profiles and their hour and day tiers up to
date (the minutes that changed since the last pass, data/queries/profiles.py), then answers every
model and window by merging profile slices (answers/model_window.py, shared with the API's on-demand
windows). Only this thread writes profiles, so every model of a pass reads the same snapshot (one
cutoff), and an answer's counts, confusion matrix and curves come from one read of its bins. Right
after the refresh, the same pass adds what the rebuilt minutes changed to the fleet counters' running
totals (data/queries/fleet_counts.py), so a /metrics scrape only reads them.

Reference samples: a built-in model's is the sample it was trained with (stored in DuckDB on the
first pass, again when the model's version changes). An ingested model has none until it has
`external_reference_rows` labelled predictions; its first that many (by time) then become its
reference, frozen. Drift is computed over each evaluation window and over the last interval
(`recent_seconds`): the second pass after a drift starts sees only drifted rows, so it stands out
within two passes however long the evaluation windows are.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import duckdb
import numpy as np

from analytics.importance import model_importance, permutation_importance
from answers import estimates
from answers.model_window import DRIFT_COLUMNS, ModelAnswers
from answers.model_window import TABLES as ANSWER_TABLES
from answers.results import MulticlassQuality, curve_rows, evaluation_row, multiclass_rows
from answers.task_reference import TaskReferences
from data.queries import calibration, category_profiles, fleet_counts, profiles
from data.queries import drift as dq
from data.queries import quality as q
from data.store import Store
from data.writer import Writer
from predictor.models import BuiltInModels, ModelBundle
from settings import Settings
from telemetry.metrics import QualityMetrics

log = logging.getLogger(__name__)
EXTERNAL_REFERENCE_ROWS = 2_000
IMPORTANCE_ROWS = 1_000
TABLES = (*ANSWER_TABLES, "feature_importance")


class EvaluationCollector:
    name = "evaluation"

    def __init__(
        self,
        store: Store,
        writer: Writer,
        metrics: QualityMetrics,
        models: Mapping[str, ModelBundle],
        interval: float,
        windows: Mapping[str, int],
        min_samples: int,
        external_reference_rows: int = EXTERNAL_REFERENCE_ROWS,
        recent_seconds: int | None = None,
        answers: ModelAnswers | None = None,
    ) -> None:
        self.store, self.writer, self.metrics, self.models = store, writer, metrics, models
        self.interval = interval
        self.windows = sorted(set(windows.values()))
        self.recent_seconds = recent_seconds or max(1, round(interval))
        self.min_samples = min_samples
        self.external_reference_rows = external_reference_rows
        self.answers = answers or ModelAnswers(store, min_samples)
        self.task_references = TaskReferences(store)  # what rmse_ratio_to_reference and macro_f1_drop compare with
        self._ready: set[str] = set()  # models whose reference is stored and binned
        self._new_edges: list[str] = []  # models whose reference bins changed: re-profile all their minutes
        self.last_refresh_minutes = 0
        self.last_fleet_minutes = 0

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {table: [] for table in TABLES}
        seen = q.models_seen(self.store, now - timedelta(seconds=max(self.windows)))
        models = sorted(self._built_in() | set(seen))
        has_reference = {model: self._ensure_reference(model, now) for model in models}
        self.last_refresh_minutes = profiles.refresh(self.store, now, self._new_edges)
        self._new_edges = []
        self._update_fleet_totals(now)
        for model in models:
            self._evaluate(model, now, has_reference[model], out)
        q.prune_curves(self.store, now - timedelta(seconds=3 * self.interval))
        return out

    def _update_fleet_totals(self, now: datetime) -> None:
        """The fleet counters' totals follow the minutes the refresh just rebuilt (only those minutes)."""
        try:
            self.last_fleet_minutes = fleet_counts.update(self.store, now)
        except duckdb.Error as exc:  # a write conflict: the totals keep their watermark and catch up next pass
            log.warning("fleet totals not updated: %s", exc)

    def _built_in(self) -> set[str]:
        """Built-in models still on disk (nothing predicted with them yet, none seen in the store) are
        left out until used: evaluating them would load them, and scikit-learn with them."""
        if isinstance(self.models, BuiltInModels) and not self.models.loaded:
            return set()
        return set(self.models)

    def _evaluate(self, model: str, now: datetime, has_reference: bool, out: dict[str, list[tuple]]) -> None:
        self.task_references.ensure(model, now)
        self.answers.prepare(model)
        self.answer(model, now, has_reference, out)
        self._importance(model, now, out)

    def answer(self, model: str, now: datetime, has_reference: bool, out: dict[str, list[tuple]]) -> None:
        """Quality and drift of every window from the profiles as they stand (refreshed by `collect`)."""
        results = (
            self.answers.regression(model, now, self.windows)
            or self.answers.multiclass(model, now, self.windows)
            or self.answers.quality(model, now, self.windows)
        )
        for result in results:
            out["model_evaluations"].append(evaluation_row(result))
            out["model_curves"] += curve_rows(result)
            if isinstance(result, MulticlassQuality):  # what model_evaluations cannot hold goes to its own tables
                for table, rows in multiclass_rows(result).items():
                    out.setdefault(table, []).extend(rows)
            label = str(result.window_seconds)
            self.metrics.put(self.metrics.auc, getattr(result, "auc", None), model, label)  # a classifier's figures
            self.metrics.put(self.metrics.accuracy, getattr(result, "accuracy", None), model, label)
        found: dict[str, list[tuple]] = {table: [] for table in ANSWER_TABLES}
        self.answers.drift(model, now, self.windows, self.recent_seconds, has_reference, found)
        for table, rows in found.items():
            out.setdefault(table, []).extend(rows)
        for drift in (_named(DRIFT_COLUMNS, row) for row in found["feature_drift"]):
            self.metrics.put(self.metrics.psi, drift["psi"], model, drift["feature"], str(drift["window_seconds"]))

    # -- reference samples -------------------------------------------------------------
    def _ensure_reference(self, model: str, now: datetime) -> bool:
        if model in self._ready:
            return True
        bundle, stored = self.models.get(model), False
        if bundle is not None:
            if not q.has_reference(self.store, model, bundle.version):
                q.drop_reference(self.store, model)
                self.writer.write_now({"model_reference": reference_rows(bundle, now)})
                stored = True
        elif not q.has_reference(self.store, model, None):
            if q.labelled_count(self.store, model) < self.external_reference_rows:
                return False
            q.freeze_external_reference(self.store, model, self.external_reference_rows, now)
            category_profiles.freeze_reference(self.store, model, self.external_reference_rows)
            stored = True
            log.info(
                "model %s: its first %d labelled predictions are now its reference sample", model, self.external_reference_rows
            )
        if stored or not profiles.has_edges(self.store, model):
            profiles.build_edges(self.store, model)
            self._new_edges.append(model)
        if stored or not calibration.has_map(self.store, model):
            estimates.build_map(self.store, model)
        self.answers.forget(model)
        self._ready.add(model)
        return True

    # -- importance ---------------------------------------------------------------------
    def _importance(self, model: str, now: datetime, out: dict[str, list[tuple]]) -> None:
        bundle = self.models.get(model)
        if bundle is None:
            return  # an ingested model: no estimator here to ask or to re-score with
        own = model_importance(bundle.estimator, bundle.features)
        for feature, value in (own or {}).items():
            out["feature_importance"].append((now, model, feature, "model", value))
        since = now - timedelta(seconds=self.windows[0])
        rows = q.labelled_features(self.store, model, bundle.features, since, now, IMPORTANCE_ROWS)
        if len(rows) < self.min_samples:
            return
        data = np.array(rows, dtype=float)
        complete = ~np.isnan(data).any(axis=1)
        labels, matrix = data[complete, 0], data[complete, 1:]
        found = permutation_importance(bundle.predict_scores, matrix, labels, bundle.features)
        for feature, value in (found or {}).items():
            out["feature_importance"].append((now, model, feature, "permutation", value))


def _named(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """A stored answer row by its table's column names."""
    return dict(zip(columns, row, strict=True))


def reference_rows(bundle: ModelBundle, now: datetime) -> list[tuple]:
    """A built-in model's reference sample as model_reference rows (features, score, label, predicted)."""
    ref = bundle.reference
    columns = {
        **{f: ref[f] for f in bundle.features},
        dq.SCORE: ref["score"],
        dq.LABEL: ref["label"],
        dq.PREDICTED: (ref["score"] >= bundle.threshold).astype(int),
    }
    return [
        (bundle.name, bundle.version, i, name, float(v), now)
        for name, values in columns.items()
        for i, v in enumerate(values.tolist())
    ]


def evaluation_collector(
    settings: Settings,
    store: Store,
    writer: Writer,
    metrics: QualityMetrics,
    answers: ModelAnswers,
    models: Mapping[str, ModelBundle],
) -> EvaluationCollector:
    return EvaluationCollector(
        store,
        writer,
        metrics,
        models,
        settings.eval_interval,
        settings.eval_window_seconds,
        settings.min_eval_samples,
        recent_seconds=dq.drift_windows(settings)["recent"],
        answers=answers,
    )
