"""The evaluation job: every `eval_interval` seconds, for each model and window, quality over the
predictions joined with their outcomes, drift of every feature and of the score against the
model's reference sample, and feature importance, stored for trend charts.

Reference samples: a built-in model's is the sample it was trained with (stored in DuckDB on the
first pass, again when the model's version changes). An ingested model has none until it has
`external_reference_rows` labelled predictions; its first that many (by time) then become its
reference, frozen. Drift is computed over each evaluation window and over the last interval
(`recent_seconds`): the second pass after a drift starts sees only drifted rows, so it stands out
within two passes however long the evaluation windows are.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

import numpy as np

from analytics import drift as da
from analytics import quality as qa
from analytics.importance import model_importance, permutation_importance
from data.queries import drift as dq
from data.queries import quality as q
from data.store import Store
from data.writer import Writer
from predictor.models import ModelBundle
from runtime.runtime import Runtime
from settings import Settings
from telemetry.metrics import QualityMetrics

log = logging.getLogger(__name__)
EXTERNAL_REFERENCE_ROWS = 2_000
IMPORTANCE_ROWS = 1_000
CURVE_POINTS = 200
TABLES = ("model_evaluations", "feature_drift", "feature_importance", "model_curves")


class EvaluationCollector:
    name = "evaluation"

    def __init__(self, store: Store, writer: Writer, metrics: QualityMetrics, models: Mapping[str, ModelBundle],
                 interval: float, windows: Mapping[str, int], min_samples: int,
                 external_reference_rows: int = EXTERNAL_REFERENCE_ROWS, recent_seconds: int | None = None) -> None:
        self.store, self.writer, self.metrics, self.models = store, writer, metrics, models
        self.interval = interval
        self.windows = sorted(set(windows.values()))
        self.recent_seconds = recent_seconds or max(1, round(interval))
        self.min_samples = min_samples
        self.external_reference_rows = external_reference_rows
        self._reference_ready: dict[str, float | None] = {}  # model -> its reference accuracy

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {table: [] for table in TABLES}
        seen = q.models_seen(self.store, now - timedelta(seconds=max(self.windows)))
        for model in sorted(set(self.models) | set(seen)):
            self._evaluate(model, now, out)
        q.prune_curves(self.store, now - timedelta(seconds=3 * self.interval))
        return out

    def _evaluate(self, model: str, now: datetime, out: dict[str, list[tuple]]) -> None:
        has_reference = self._ensure_reference(model, now)
        reference_accuracy = self._reference_ready.get(model)
        for seconds in self.windows:
            self._quality(model, now, seconds, reference_accuracy, out)
        if has_reference:
            for seconds in sorted({self.recent_seconds, *self.windows}):
                self._drift(model, now, seconds, out)
        self._importance(model, now, out)

    # -- reference samples -------------------------------------------------------------
    def _ensure_reference(self, model: str, now: datetime) -> bool:
        if model in self._reference_ready:
            return True
        bundle = self.models.get(model)
        if bundle is not None:
            if not q.has_reference(self.store, model, bundle.version):
                q.drop_reference(self.store, model)
                self.writer.write_now({"model_reference": reference_rows(bundle, now)})
        elif not q.has_reference(self.store, model, None):
            if q.labelled_count(self.store, model) < self.external_reference_rows:
                return False
            q.freeze_external_reference(self.store, model, self.external_reference_rows, now)
            log.info("model %s: its first %d labelled predictions are now its reference sample",
                     model, self.external_reference_rows)
        dq.build_reference_bins(self.store, model)
        self._reference_ready[model] = q.reference_accuracy(self.store, model)
        return True

    # -- quality ------------------------------------------------------------------------
    def _quality(self, model: str, now: datetime, seconds: int, reference_accuracy: float | None,
                 out: dict[str, list[tuple]]) -> None:
        since = now - timedelta(seconds=seconds)
        sums = q.quality_summary(self.store, model, since, now)
        result = qa.window_quality(sums, reference_accuracy, self.min_samples)
        m = result.confusion
        ok = result.status == "ok"
        out["model_evaluations"].append((
            now, model, sums["model_version"], seconds, sums["predictions"], sums["labelled"], sums["positives"],
            result.auc, result.average_precision, m.precision if ok else None, m.recall if ok else None,
            m.f1 if ok else None, result.accuracy, result.estimated_accuracy, sums["unlabelled"], result.brier,
            result.labelled_share, reference_accuracy, result.accuracy_drop, m.tp, m.fp, m.tn, m.fn, result.status))
        label = str(seconds)
        self.metrics.put(self.metrics.auc, result.auc, model, label)
        self.metrics.put(self.metrics.accuracy, result.accuracy, model, label)
        if ok:
            out["model_curves"].extend(self._curves(model, now, seconds, since))

    def _curves(self, model: str, now: datetime, seconds: int, since: datetime) -> list[tuple]:
        buckets = np.array(q.score_buckets(self.store, model, since, now), dtype=float).reshape(-1, 3)
        rows = []
        for name, build in (("roc", qa.roc_from_counts), ("pr", qa.pr_from_counts)):
            curve = qa.downsample(build(buckets[:, 0], buckets[:, 1], buckets[:, 2]), CURVE_POINTS)
            rows += [(now, model, seconds, name, i, x, y, t, None)
                     for i, (x, y, t) in enumerate(zip(curve.x, curve.y, curve.thresholds, strict=True))]
        for i, (score, rate, n) in enumerate(q.calibration_bins(self.store, model, since, now)):
            rows.append((now, model, seconds, "calibration", i, score, rate, None, n))
        return [(*r[:7], None if r[7] is not None and not np.isfinite(r[7]) else r[7], r[8]) for r in rows]

    # -- drift --------------------------------------------------------------------------
    def _drift(self, model: str, now: datetime, seconds: int, out: dict[str, list[tuple]]) -> None:
        since = now - timedelta(seconds=seconds)
        for row in dq.feature_drift(self.store, model, since, now, da.PSI_EPSILON):
            nr, nc = int(row["reference_count"]), int(row["current_count"])
            verdict = da.verdict(row["psi"], nr, nc, self.min_samples)
            enough = verdict != "insufficient_data"
            psi = row["psi"] if enough else None
            ks = row["ks_statistic"] if enough else None
            out["feature_drift"].append((now, model, seconds, row["feature"], psi, ks,
                                         da.ks_pvalue(ks, nr, nc), nr, nc, verdict))
            self.metrics.put(self.metrics.psi, psi, model, row["feature"], str(seconds))

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


def reference_rows(bundle: ModelBundle, now: datetime) -> list[tuple]:
    """A built-in model's reference sample as model_reference rows (features, score, label, predicted)."""
    ref = bundle.reference
    columns = {**{f: ref[f] for f in bundle.features}, dq.SCORE: ref["score"], dq.LABEL: ref["label"],
               q.PREDICTED: (ref["score"] >= bundle.threshold).astype(int)}
    return [(bundle.name, bundle.version, i, name, float(v), now)
            for name, values in columns.items() for i, v in enumerate(values.tolist())]


def evaluation_collector(settings: Settings, runtime: Runtime, models: Mapping[str, ModelBundle]) -> EvaluationCollector:
    return EvaluationCollector(runtime.store, runtime.writer, runtime.telemetry.quality, models,
                               settings.eval_interval, settings.eval_window_seconds, settings.min_eval_samples,
                               recent_seconds=dq.drift_windows(settings)["recent"])
