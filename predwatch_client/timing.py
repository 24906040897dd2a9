"""Time a predict call and log its inputs and output: a context manager (`log.timed`) and a decorator
(`log.track`). Reading the output never breaks the call: what cannot be read is logged as missing."""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from predwatch_client.logger import PredictionLogger


class Timed:
    """Set `score` and `predicted_label` inside the block; `error_kind` to name a failure yourself."""

    __slots__ = ("logger", "id", "features", "model", "score", "predicted_label", "error_kind", "_started")

    def __init__(self, logger: PredictionLogger, id: Any, features: Mapping[str, Any] | None, model: str | None) -> None:
        self.logger, self.id, self.features, self.model = logger, id, features, model
        self.score: float | None = None
        self.predicted_label: int | None = None
        self.error_kind: str | None = None
        self._started = 0.0

    def __enter__(self) -> Timed:
        self._started = time.perf_counter()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        latency = time.perf_counter() - self._started
        failed = exc_type is not None or self.error_kind is not None
        kind = self.error_kind or (exc_type.__name__ if exc_type is not None else None)
        self.logger.prediction(
            self.id,
            self.features,
            None if failed else self.score,
            None if failed else self.predicted_label,
            latency,
            status="error" if failed else "ok",
            error_kind=kind,
            model=self.model,
        )
        # Returns nothing: the exception, if any, goes on to the caller.


def _score_and_label(result: Any) -> tuple[Any, Any]:
    """A number is the score; a mapping gives its 'score' and 'predicted_label'."""
    if isinstance(result, int | float) and not isinstance(result, bool):
        return float(result), None
    if isinstance(result, Mapping):
        return result.get("score"), result.get("predicted_label")
    return None, None


def _first_mapping(*args: Any, **kwargs: Any) -> Mapping[str, Any] | None:
    return next((a for a in (*args, *kwargs.values()) if isinstance(a, Mapping)), None)


def track(
    logger: PredictionLogger,
    fn: Callable[..., Any] | None = None,
    *,
    id_of: Callable[..., Any] | None = None,
    features_of: Callable[..., Any] | None = None,
    score_of: Callable[[Any], Any] | None = None,
    label_of: Callable[[Any], Any] | None = None,
    model: str | None = None,
) -> Any:
    """`id_of(*args, **kwargs)` gives the prediction id (default: a random one, which no outcome can
    name later); `features_of` the features (default: the first mapping argument); `score_of(result)`
    and `label_of(result)` read the output (default: a number is the score, a mapping's 'score' and
    'predicted_label' keys)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                pid = id_of(*args, **kwargs) if id_of else uuid.uuid4().hex
                features = (features_of or _first_mapping)(*args, **kwargs)
            except Exception:
                pid, features = uuid.uuid4().hex, None
            with Timed(logger, pid, features, model) as timed:
                result = func(*args, **kwargs)
                try:
                    score, label = _score_and_label(result)
                    timed.score = score_of(result) if score_of else score
                    timed.predicted_label = label_of(result) if label_of else label
                except Exception:
                    pass  # logged without them; the server names what is missing
            return result

        return wrapper

    return decorate(fn) if fn is not None else decorate
