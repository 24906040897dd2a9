"""The evaluation job: every `eval_interval` seconds, for each model and window, quality over the
predictions joined with their outcomes, drift of every feature and of the score against the
model's reference sample, and feature importance, stored for trend charts.

Profiles (issue 16): a pass first brings the per-minute profiles up to date (the minutes that changed
since the last pass, data/queries/profiles.py), then answers every model and window by merging profile
minutes. Only this thread writes profiles, so every model of a pass reads the same snapshot (one
cutoff), and an answer's counts, confusion matrix and curves come from one read of its bins.

Reference samples: a built-in model's is the sample it was trained with (stored in DuckDB on the
first pass, again when the model's version changes). An ingested model has none until it has
`external_reference_rows` labelled predictions; its first that many (by time) then become its
reference, frozen. Drift is computed over each evaluation window and over the last interval
(`recent_seconds`): the second pass after a drift starts sees only drifted rows, so it stands out
within two passes however long the evaluation windows are.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from analytics import binned_drift as bd
from analytics import binned_quality as bq
from analytics import drift as da
from analytics import quality as qa
from analytics.importance import model_importance, permutation_importance
from collectors.evaluation_categories import CategoricalDrift, read_parts
from data.queries import category_profiles, profiles
from data.queries import drift as dq
from data.queries import profile_reads as pr
from data.queries import quality as q
from data.store import Store
from data.writer import Writer
from predictor.models import BuiltInModels, ModelBundle
from runtime.runtime import Runtime
from settings import Settings
from telemetry.metrics import QualityMetrics

log = logging.getLogger(__name__)
EXTERNAL_REFERENCE_ROWS = 2_000
IMPORTANCE_ROWS = 1_000
CURVE_POINTS = 200
TABLES = ("model_evaluations", "feature_drift", "feature_importance", "model_curves", "feature_drift_detail")


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
        self._new_edges: list[str] = []  # models whose reference bins changed: re-profile all their minutes
        self._references: dict[str, dict[str, bd.ReferenceBins]] = {}  # model -> feature -> its reference bins
        self._categories: dict[str, CategoricalDrift] = {}  # model -> its categorical references
        self.last_refresh_minutes = 0

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {table: [] for table in TABLES}
        seen = q.models_seen(self.store, now - timedelta(seconds=max(self.windows)))
        models = sorted(self._built_in() | set(seen))
        has_reference = {model: self._ensure_reference(model, now) for model in models}
        self.last_refresh_minutes = profiles.refresh(self.store, now, self._new_edges)
        self._new_edges = []
        for model in models:
            self._evaluate(model, now, has_reference[model], out)
        q.prune_curves(self.store, now - timedelta(seconds=3 * self.interval))
        return out

    def _built_in(self) -> set[str]:
        """Built-in models still on disk (nothing predicted with them yet, none seen in the store) are
        left out until used: evaluating them would load them, and scikit-learn with them."""
        if isinstance(self.models, BuiltInModels) and not self.models.loaded:
            return set()
        return set(self.models)

    def _evaluate(self, model: str, now: datetime, has_reference: bool, out: dict[str, list[tuple]]) -> None:
        self.answer(model, now, has_reference, out)
        self._importance(model, now, out)

    def answer(self, model: str, now: datetime, has_reference: bool, out: dict[str, list[tuple]]) -> None:
        """Quality and drift of every window from the profiles as they stand (refreshed by `collect`)."""
        reference_accuracy = self._reference_ready.get(model)
        scores = nested_windows(now, self.windows, lambda first, last: pr.score_bins(self.store, model, first, last))
        for seconds in self.windows:
            columns = [part[0] for part in scores[seconds]]
            version = next((part[1] for part in scores[seconds] if part[1] is not None), None)
            bins = bq.ScoreBins(**{k: np.concatenate([c[k] for c in columns]) for k in columns[0]})
            self._quality(model, now, seconds, bins, version, reference_accuracy, out)
        if not has_reference:
            return
        drift_windows = sorted({self.recent_seconds, *self.windows})
        features = nested_windows(now, [w for w in drift_windows if w >= 60],
                                  lambda first, last: pr.profile_feature_bins(self.store, model, first, last))
        for seconds in drift_windows:
            if seconds < 60:  # shorter than a profile minute: its raw rows, binned the same way
                edges = {feature: reference.edges for feature, reference in self._reference_bins(model).items()}
                current = pr.raw_feature_bins(self.store, model, now - timedelta(seconds=seconds), now, edges)
            else:
                current = merge_feature_bins(features[seconds])
            self._drift(model, now, seconds, current, out)
        self._categorical(model, now, drift_windows, out)

    def _categorical(self, model: str, now: datetime, windows: Sequence[int], out: dict[str, list[tuple]]) -> None:
        """Categorical features' drift and every feature's missing share (collectors/evaluation_categories.py)."""
        if model not in self._categories:
            self._categories[model] = CategoricalDrift(self.store, model, self.min_samples)
        found = self._categories[model]
        parts = nested_windows(now, [w for w in windows if w >= 60],
                               lambda first, last: read_parts(self.store, model, first, last))
        for seconds in windows:
            drift, detail = found.window(now, seconds, parts[seconds] if seconds >= 60 else None)
            out["feature_drift"].extend(drift)
            out.setdefault("feature_drift_detail", []).extend(detail)
            for row in drift:
                self.metrics.put(self.metrics.psi, row[4], model, row[3], str(seconds))

    # -- reference samples -------------------------------------------------------------
    def _ensure_reference(self, model: str, now: datetime) -> bool:
        if model in self._reference_ready:
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
            log.info("model %s: its first %d labelled predictions are now its reference sample",
                     model, self.external_reference_rows)
        if stored or not profiles.has_edges(self.store, model):
            profiles.build_edges(self.store, model)
            self._new_edges.append(model)
        self._references.pop(model, None)
        self._categories.pop(model, None)
        self._reference_ready[model] = q.reference_accuracy(self.store, model)
        return True

    # -- quality ------------------------------------------------------------------------
    def _quality(self, model: str, now: datetime, seconds: int, bins: bq.ScoreBins, version: str | None,
                 reference_accuracy: float | None, out: dict[str, list[tuple]]) -> None:
        sums = bq.summary(bins)
        result = qa.window_quality(sums, reference_accuracy, self.min_samples)
        m = result.confusion
        ok = result.status == "ok"
        out["model_evaluations"].append((
            now, model, version, seconds, sums["predictions"], sums["labelled"], sums["positives"],
            result.auc, result.average_precision, m.precision if ok else None, m.recall if ok else None,
            m.f1 if ok else None, result.accuracy, result.estimated_accuracy, sums["unlabelled"], result.brier,
            result.labelled_share, reference_accuracy, result.accuracy_drop, m.tp, m.fp, m.tn, m.fn, result.status,
            sums["auc_error_bound"] if result.auc is not None else None,
            sums["ap_error_bound"] if result.average_precision is not None else None))
        label = str(seconds)
        self.metrics.put(self.metrics.auc, result.auc, model, label)
        self.metrics.put(self.metrics.accuracy, result.accuracy, model, label)
        if ok:
            out["model_curves"].extend(curve_rows(bins, now, model, seconds))

    # -- drift --------------------------------------------------------------------------
    def _drift(self, model: str, now: datetime, seconds: int, current: dict[str, tuple],
               out: dict[str, list[tuple]]) -> None:
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
        for feature, reference in sorted(self._reference_bins(model).items()):
            found = bd.binned_drift(reference, *current.get(feature, empty), da.PSI_EPSILON)
            nr, nc = found.reference_count, found.current_count
            verdict = da.verdict(found.psi, nr, nc, self.min_samples)
            enough = verdict != "insufficient_data"
            psi, ks = (found.psi, found.ks_statistic) if enough else (None, None)
            out["feature_drift"].append((now, model, seconds, feature, psi, ks, da.ks_pvalue(ks, nr, nc),
                                         nr, nc, verdict, found.ks_error_bound if enough else None))
            self.metrics.put(self.metrics.psi, psi, model, feature, str(seconds))

    def _reference_bins(self, model: str) -> dict[str, bd.ReferenceBins]:
        """A model's reference counts per bin, read once per reference (edges never change otherwise)."""
        if model not in self._references:
            self._references[model] = {
                feature: bd.ReferenceBins.from_edges(a["edge"], a["rn"], a["pb_at"], a["pb_after"])
                for feature, a in pr.reference_edges(self.store, model).items()}
        return self._references[model]

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


def nested_windows(now: datetime, windows: Sequence[int], read: Callable[[datetime, datetime], Any]) -> dict[int, list]:
    """Each window's profile parts. Every window ends at now's minute, so each reads only the minutes
    before those of the next smaller one, and a window's parts are its own and all smaller ones'."""
    parts: list = []
    found: dict[int, list] = {}
    upto: datetime | None = None
    for seconds in sorted(windows):
        first, last = pr.window_minutes(now, seconds)
        end = last if upto is None else upto - timedelta(minutes=1)
        if first <= end:
            parts.append(read(first, end))
            upto = first
        found[seconds] = list(parts)
    return found


def merge_feature_bins(parts: Sequence[dict[str, tuple]]) -> dict[str, tuple]:
    """Per feature, the (bin ids, counts) of several parts side by side (a bin may repeat: counts add up)."""
    merged: dict[str, tuple] = {}
    for feature in {f for part in parts for f in part}:
        found = [part[feature] for part in parts if feature in part]
        merged[feature] = (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]))
    return merged


def curve_rows(bins: bq.ScoreBins, now: datetime, model: str, seconds: int) -> list[tuple]:
    """model_curves rows (ROC, PR, calibration) from the same merged bins as the window's figures."""
    lb = bq.labelled_bins(bins)
    rows = []
    for name, build in (("roc", qa.roc_from_counts), ("pr", qa.pr_from_counts)):
        curve = qa.downsample(build(lb.threshold, lb.pos, lb.neg), CURVE_POINTS)
        rows += [(now, model, seconds, name, i, x, y, t, None)
                 for i, (x, y, t) in enumerate(zip(curve.x, curve.y, curve.thresholds, strict=True))]
    for i, (score, rate, n) in enumerate(bq.calibration_bins(bins, profiles.SCORE_BINS)):
        rows.append((now, model, seconds, "calibration", i, score, rate, None, n))
    return [(*r[:7], None if r[7] is not None and not np.isfinite(r[7]) else r[7], r[8]) for r in rows]


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
