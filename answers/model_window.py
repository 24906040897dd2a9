"""A model's quality and drift over any window, answered by merging profile slices (data/queries/
profile_reads.py, profile_tiers.py): the evaluation job stores these answers for its configured windows
every pass, and the API computes any other window on demand through the same object, so both give the
same figures for the same window.

One object per app (on the Runtime) keeps what stays fixed for a reference's life: its numeric bins,
its categorical buckets and its accuracy; the evaluation job calls `forget` when a reference changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import numpy as np

from analytics import binned_drift as bd
from analytics import binned_quality as bq
from analytics import estimated as est
from analytics import quality as qa
from analytics.thresholds import DRIFT_BANDS, DriftBands
from answers import estimates as ae
from answers import multiclass as am
from answers import regression as ar
from answers import sampling
from answers.categorical import CategoricalDrift, read_parts
from answers.feature_drift import DETAIL_COLUMNS as DETAIL_COLUMNS  # re-exported for the tables' writers
from answers.feature_drift import DRIFT_COLUMNS as DRIFT_COLUMNS
from answers.feature_drift import drift_rows
from answers.feature_drift import merge_feature_bins as merge_feature_bins
from answers.multivariate import MultivariateDrift
from answers.results import CURVE_COLUMNS as CURVE_COLUMNS  # re-exported: the table layouts live in results
from answers.results import EVALUATION_COLUMNS as EVALUATION_COLUMNS
from answers.results import BinaryQuality, CurvePoint, MulticlassQuality, RegressionQuality, curve_rows, evaluation_row
from answers.window_cache import WindowCache
from answers.window_cache import nested_windows as nested_windows  # re-exported for its callers
from data.queries import drift as dq
from data.queries import model_tasks, profile_tiers, profiles
from data.queries import profile_reads as pr
from data.queries import quality as q
from data.queries import regression_profiles as rp
from data.store import Store

CURVE_POINTS = 200
TABLES = ("model_evaluations", "feature_drift", "model_curves", "feature_drift_detail", "multivariate_drift")

Row = tuple[Any, ...]  # one row of a table in TABLES, in its columns' order
Part = TypeVar("Part")


class ModelAnswers:
    def __init__(self, store: Store, min_samples: int, bands: DriftBands = DRIFT_BANDS) -> None:
        self.store, self.min_samples, self.bands = store, min_samples, bands
        self._references: dict[str, dict[str, bd.ReferenceBins]] = {}  # model -> feature -> its reference bins
        self._categories: dict[str, CategoricalDrift] = {}  # model -> its categorical references
        self._accuracy: dict[str, tuple[float | None, int]] = {}  # model -> its reference accuracy and rows
        self._calibration: dict[str, est.CalibrationMap | None] = {}  # model -> its reference's calibration map
        self._multiclass: set[str] = set()  # models recorded as multiclass
        self._regression: set[str] = set()  # models recorded as regression
        self.multivariate = MultivariateDrift(store)
        self.closed = WindowCache(store)  # merged closed parts of windows, between calls

    def forget(self, model: str) -> None:
        """The model's reference changed: read it again when next needed."""
        for cache in (self._references, self._categories, self._accuracy, self._calibration):
            cache.pop(model, None)
        self.multivariate.forget(model)
        self.closed.forget(model)

    def reference_accuracy(self, model: str) -> tuple[float | None, int]:
        """The model's reference accuracy and the labelled reference rows behind it."""
        if model not in self._accuracy:
            self._accuracy[model] = q.reference_accuracy(self.store, model)
        return self._accuracy[model]

    def calibration(self, model: str) -> est.CalibrationMap | None:
        if model not in self._calibration:
            self._calibration[model] = ae.read_map(self.store, model)
        return self._calibration[model]

    def reference_bins(self, model: str) -> dict[str, bd.ReferenceBins]:
        """A model's reference counts per bin (empty before it has a reference)."""
        if model not in self._references:
            self._references[model] = {
                feature: bd.ReferenceBins.from_edges(a["edge"], a["rn"], a["pb_at"], a["pb_after"])
                for feature, a in pr.reference_edges(self.store, model).items()
            }
        return self._references[model]

    def answer(
        self, model: str, now: datetime, windows: Sequence[int], recent_seconds: int | None = None, has_reference: bool = True
    ) -> dict[str, list[Row]]:
        """Rows for TABLES: quality of every window, drift of every window and of the last `recent_seconds`."""
        out: dict[str, list[Row]] = {table: [] for table in TABLES}
        for result in self.quality(model, now, windows):
            out["model_evaluations"].append(evaluation_row(result))
            out["model_curves"] += curve_rows(result)
        self.drift(model, now, windows, recent_seconds, has_reference, out)
        return out

    def is_multiclass(self, model: str) -> bool:
        if model not in self._multiclass:
            if model_tasks.task_of(model_tasks.tasks_of(self.store, [model]), model) != "multiclass":
                return False
            self._multiclass.add(model)  # a task never changes once recorded
        return True

    def prepare(self, model: str) -> None:
        """The writes a multiclass model's answers need first (its class reference and calibration maps): the
        evaluation pass makes them, so an answer, stored or on demand, only reads."""
        if self.is_multiclass(model):
            am.prepare(self.store, model)

    def multiclass(self, model: str, now: datetime, windows: Sequence[int]) -> list[MulticlassQuality] | None:
        """A multiclass model's quality over each window (shortest first); None for a model of another task."""
        if not self.is_multiclass(model):
            return None
        return [am.window_quality(self.store, model, now, s, self.min_samples) for s in sorted(windows)]

    def regression(self, model: str, now: datetime, windows: Sequence[int]) -> list[RegressionQuality] | None:
        """A regression model's quality over each window (shortest first); None for a model of another task."""
        if model not in self._regression:
            if model_tasks.task_of(model_tasks.tasks(self.store), model) != "regression":
                return None
            self._regression.add(model)  # a task never changes once recorded
        parts = self._nested(model, "regression", now, windows, lambda first, last: rp.read(self.store, model, first, last))
        return [ar.window_quality(model, now, s, parts[s], self.min_samples) for s in sorted(windows)]

    def quality(self, model: str, now: datetime, windows: Sequence[int]) -> list[BinaryQuality]:
        """The model's quality over each window (shortest first), from one read of each window's score bins."""
        found: list[BinaryQuality] = []
        scores = self._nested(model, "scores", now, windows, lambda first, last: pr.score_bins(self.store, model, first, last))
        for seconds in sorted(windows):
            columns = [part[0] for part in scores[seconds]]
            version = next((part[1] for part in scores[seconds] if part[1] is not None), None)
            bins = bq.ScoreBins(**{k: np.concatenate([c[k] for c in columns]) for k in columns[0]})
            if any(part[2] for part in scores[seconds]):  # some part read whole days: merge at their width
                bins = bq.coarsen(bins, profile_tiers.FINE_SCORE_BINS, profile_tiers.COARSE_FACTOR)
            found.append(self._quality(model, now, seconds, bins, version))
        return found

    def drift(
        self,
        model: str,
        now: datetime,
        windows: Sequence[int],
        recent_seconds: int | None,
        has_reference: bool,
        out: dict[str, list[Row]],
    ) -> None:
        """feature_drift, feature_drift_detail and multivariate_drift rows of every window and of the last
        `recent_seconds` (multivariate: windows of a minute or more), into `out`."""
        if not has_reference or not self.reference_bins(model):
            return
        drift_windows = sorted({*windows, *([recent_seconds] if recent_seconds else [])})
        minutes, held = [w for w in drift_windows if w >= 60], list[Any]()
        features = self._nested(
            model, "features", now, minutes, lambda f, last: pr.profile_feature_bins(self.store, model, f, last), held
        )
        ranges = self._nested(model, "ranges", now, minutes, lambda f, last: dq.window_ranges(self.store, model, f, last), held)
        for seconds in drift_windows:
            if seconds < 60:  # shorter than a profile minute: its raw rows, binned the same way
                edges = {feature: reference.edges for feature, reference in self.reference_bins(model).items()}
                since = now - timedelta(seconds=seconds)
                current = pr.raw_feature_bins(self.store, model, since, now, edges)
                extents = dq.raw_ranges(self.store, model, since, now)
            else:
                current, extents = merge_feature_bins(features[seconds]), dq.merge_ranges(ranges[seconds])
            out["feature_drift"] += drift_rows(
                self.reference_bins(model), current, extents, (now, model, seconds), self.min_samples, self.bands
            )
        self._categorical(model, now, drift_windows, out, held)
        out["multivariate_drift"] += self.multivariate_rows(model, now, minutes, held)

    def multivariate_rows(self, model: str, now: datetime, windows: Sequence[int], held: list[Any] | None = None) -> list[Row]:
        """multivariate_drift rows of the windows of a minute or more, their parts through the cache."""
        minutes = [w for w in windows if w >= 60]
        sums = self._nested(model, "multivariate", now, minutes, lambda f, last: self.multivariate.read(model, f, last), held)
        return self.multivariate.rows(model, now, minutes, sums)

    def _nested(
        self,
        model: str,
        kind: str,
        now: datetime,
        windows: Sequence[int],
        read: Callable[[datetime, datetime], Part],
        held: list[Any] | None = None,
    ) -> dict[int, list[Part]]:
        """Each window's parts, kept between calls (answers/window_cache.py); `held` shares one read of the
        cache's generations among the reads of one answer."""
        return self.closed.nested(model, kind, now, windows, read, held)

    def _quality(self, model: str, now: datetime, seconds: int, bins: bq.ScoreBins, version: str | None) -> BinaryQuality:
        reference_accuracy, reference_rows = self.reference_accuracy(model)
        sums = bq.summary(bins)
        result = qa.window_quality(sums, reference_accuracy, self.min_samples)
        m = result.confusion
        ok = result.status == "ok"
        found = BinaryQuality(
            ts=now,
            model=model,
            model_version=version,
            window_seconds=seconds,
            predictions=sums["predictions"],
            labelled=sums["labelled"],
            unlabelled=sums["unlabelled"],
            positives=sums["positives"],
            status=result.status,
            labelled_share=result.labelled_share,
            auc=result.auc,
            auc_error_bound=sums["auc_error_bound"] if result.auc is not None else None,
            average_precision=result.average_precision,
            ap_error_bound=sums["ap_error_bound"] if result.average_precision is not None else None,
            precision=m.precision if ok else None,
            recall=m.recall if ok else None,
            f1=m.f1 if ok else None,
            accuracy=result.accuracy,
            estimated_accuracy=result.estimated_accuracy,
            brier=result.brier,
            reference_accuracy=reference_accuracy,
            accuracy_drop=result.accuracy_drop,
            tp=m.tp,
            fp=m.fp,
            tn=m.tn,
            fn=m.fn,
            curves=tuple(curve_points(bins)) if ok else (),
            **ae.window_fields(bins, self.calibration(model), result.accuracy, result.auc),
        )
        return sampling.binary(found, sums["auc_se"], reference_rows)

    def _categorical(self, model: str, now: datetime, windows: Sequence[int], out: dict[str, list[Row]], held: list[Any]) -> None:
        """Categorical features' drift and every feature's missing share (answers/categorical.py)."""
        if model not in self._categories:
            self._categories[model] = CategoricalDrift(self.store, model, self.min_samples, self.bands)
        found = self._categories[model]
        parts = self._nested(
            model,
            "categories",
            now,
            [w for w in windows if w >= 60],
            lambda f, last: read_parts(self.store, model, f, last),
            held,
        )
        for seconds in windows:
            drift, detail = found.window(now, seconds, parts[seconds] if seconds >= 60 else None)
            out["feature_drift"] += drift
            out["feature_drift_detail"] += detail


def curve_points(bins: bq.ScoreBins) -> list[CurvePoint]:
    """ROC, PR and calibration points from the same merged bins as the window's figures."""
    lb = bq.labelled_bins(bins)
    points: list[CurvePoint] = []
    for name, build in (("roc", qa.roc_from_counts), ("pr", qa.pr_from_counts)):
        curve = qa.downsample(build(lb.threshold, lb.pos, lb.neg), CURVE_POINTS)
        points += [
            CurvePoint(name, i, x, y, t if math.isfinite(t) else None)
            for i, (x, y, t) in enumerate(zip(curve.x, curve.y, curve.thresholds, strict=True))
        ]
    for i, (score, rate, n) in enumerate(bq.calibration_bins(bins, profiles.SCORE_BINS)):
        points.append(CurvePoint("calibration", i, score, rate, None, n))
    return points
