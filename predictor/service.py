"""The instrumented predict path. Every call is timed and counted; the log record is only
enqueued for the writer (the hot path never waits on the database)."""

from __future__ import annotations

import itertools
import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np

from data.clock import utcnow
from data.writer import Writer
from predictor.models import ModelBundle
from telemetry.metrics import PredictionMetrics

log = logging.getLogger(__name__)
UNKNOWN_MODEL = "unknown"


class PredictionError(Exception):
    """A failed prediction, with its category: validation_error, model_error or timeout."""

    def __init__(self, kind: str, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.details = kind, message, details or []


class Prediction(NamedTuple):
    """A NamedTuple: built on the hot path, ~3 µs cheaper than a frozen dataclass."""

    id: str
    model: str
    model_version: str
    score: float
    predicted_label: int
    latency_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


# Larger values overflow the models' arithmetic (found by fuzzing: -1.8e308 made the logistic model fail).
MAX_FEATURE_MAGNITUDE = 1e12


class PredictionService:
    def __init__(
        self,
        models: Mapping[str, ModelBundle],
        writer: Writer,
        metrics: PredictionMetrics,
        default_model: str,
        timeout_seconds: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.models = models  # not copied: BuiltInModels loads on the first look-up, not here
        self.writer = writer
        self.metrics = metrics
        self.default_model = default_model
        self.timeout_seconds = timeout_seconds
        self.clock = clock
        self._prefix = os.urandom(4).hex()  # ids: a process prefix and a counter, cheaper than uuid4
        self._counter = itertools.count()
        metrics.bind_active_models(lambda: len(self.models))

    def _next_id(self) -> str:
        return f"{self._prefix}-{next(self._counter):x}"

    def _bundle(self, name: str | None) -> ModelBundle:
        bundle = self.models.get(name or self.default_model)
        if bundle is None:
            raise PredictionError(
                "validation_error", f"unknown model {name!r}", [{"field": "model", "allowed": sorted(self.models)}]
            )
        return bundle

    @staticmethod
    def _matrix(bundle: ModelBundle, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Feature rows as a matrix in the model's column order; every feature a finite number of sane size."""
        problems = []
        matrix = np.empty((len(rows), len(bundle.features)))
        for r, features in enumerate(rows):
            if not isinstance(features, Mapping):
                problems.append({"row": r, "field": "features", "error": "must be an object"})
                continue
            for c, name in enumerate(bundle.features):
                value = features.get(name)
                # isfinite() only on floats: a huge JSON integer would overflow it (and is caught below).
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or (isinstance(value, float) and not math.isfinite(value))
                ):
                    problems.append(
                        {
                            "row": r,
                            "field": f"features.{name}",
                            "error": "missing" if value is None else "must be a finite number",
                        }
                    )
                elif abs(value) > MAX_FEATURE_MAGNITUDE:
                    problems.append(
                        {"row": r, "field": f"features.{name}", "error": f"must be within ±{MAX_FEATURE_MAGNITUDE:g}"}
                    )
                else:
                    matrix[r, c] = value
            extra = sorted(set(features) - set(bundle.features))
            if extra:
                problems.append({"row": r, "field": "features", "error": f"unknown features {extra}"})
        if problems:
            raise PredictionError("validation_error", f"{len(problems)} invalid feature value(s)", problems[:50])
        return matrix

    def predict(
        self, features: Mapping[str, Any], model: str | None = None, fault: Callable[[], None] | None = None
    ) -> Prediction:
        return self.predict_many([features], model, fault)[0]

    def predict_many(
        self, rows: Sequence[Mapping[str, Any]], model: str | None = None, fault: Callable[[], None] | None = None
    ) -> list[Prediction]:
        """Score rows with one model; raises PredictionError (already counted and logged)."""
        started = time.perf_counter()
        self.metrics.in_flight.inc()
        name = model or self.default_model
        try:
            bundle = self._bundle(name)
            # The first look-up loads the built-in models (about a second, once per process): not this
            # prediction's time, so the first request after a start is not a timeout.
            started = time.perf_counter()
            matrix = self._matrix(bundle, rows)
            if fault is not None:
                fault()  # demo fault injection: may raise PredictionError
            t0 = time.perf_counter()
            scores = bundle.predict_scores(matrix)
            inference = time.perf_counter() - t0
        except PredictionError as exc:
            self._failed(name, rows, exc.kind, time.perf_counter() - started)
            raise
        except Exception as exc:
            log.warning("model %s failed: %s", name, exc)
            self._failed(name, rows, "model_error", time.perf_counter() - started)
            raise PredictionError("model_error", f"model {name} failed to predict") from exc
        finally:
            self.metrics.in_flight.dec()
        elapsed = time.perf_counter() - started
        if elapsed > self.timeout_seconds:
            self._failed(name, rows, "timeout", elapsed)
            raise PredictionError("timeout", f"prediction took {elapsed:.3f} s, over the {self.timeout_seconds} s limit")
        return self._succeeded(bundle, rows, scores, inference, elapsed)

    def _succeeded(
        self, bundle: ModelBundle, rows: Sequence[Mapping[str, Any]], scores: np.ndarray, inference: float, elapsed: float
    ) -> list[Prediction]:
        bound = self.metrics.model(bundle.name)
        now = self.clock()
        per_row = elapsed / len(rows)
        out = []
        for features, score in zip(rows, scores.tolist(), strict=True):
            label = int(score >= bundle.threshold)
            pid = self._next_id()
            self.writer.enqueue(
                "predictions",
                (pid, now, bundle.name, bundle.version, score, label, per_row, "ok", None, "builtin", now, features),
            )
            out.append(Prediction(pid, bundle.name, bundle.version, score, label, per_row))
        bound.ok.inc(len(rows))
        bound.inference.observe(inference)
        bound.duration.observe(elapsed)
        return out

    def _failed(self, name: str, rows: Sequence[Any], kind: str, elapsed: float) -> None:
        known = name if name in self.models else UNKNOWN_MODEL  # unknown names would explode label cardinality
        now = self.clock()
        version = self.models[known].version if known in self.models else None
        for _ in rows:
            self.writer.enqueue(
                "predictions", (self._next_id(), now, known, version, None, None, elapsed, "error", kind, "builtin", now, None)
            )
        self.metrics.failed(known, kind, len(rows))
        self.metrics.model(known).duration.observe(elapsed)
        log.debug("prediction failed on model %s: %s", known, kind)  # each is also stored with its kind
