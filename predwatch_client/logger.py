"""PredictionLogger: what a prediction service calls. The hot path (`prediction`, `outcome`) builds one
tuple and appends it to a bounded queue under a lock: no I/O, no formatting, and it never raises."""

from __future__ import annotations

import atexit
import functools
import logging
import os
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from predwatch_client.buffer import Buffer
from predwatch_client.sender import MAX_BATCH, Sender
from predwatch_client.timing import Timed, track
from predwatch_client.wire import OUTCOME, PREDICTION, Item

log = logging.getLogger("predwatch_client")
_now = time.time
# Columns of a batch frame that are fields of the log; every other column is a feature.
FIELDS = (
    "id",
    "model",
    "model_version",
    "timestamp",
    "score",
    "predicted_label",
    "latency_seconds",
    "status",
    "error_kind",
    "features",
)


class PredictionLogger:
    """Send prediction logs and outcomes to Predwatch from a background thread.

    Counters (records): `sent` (acknowledged by the server, a repeated id included), `dropped` (the queue
    was full, or close()'s deadline came first), `rejected` (refused by the server as bad); `retried`
    counts requests sent again after a connection error or a 5xx/408/429.

    `task` ("binary", "multiclass" or "regression"), when given, is declared with every prediction batch: the
    server records it for each model the logger names and refuses (409, counted as rejected) a model that
    already has another task. Without it a new model is binary.
    """

    # Set by _start(), again in a forked child.
    _buffer: Buffer
    _put: Callable[[Item], None]
    _sender: Sender

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        model: str,
        model_version: str | None = None,
        batch_size: int = 1000,
        flush_interval: float = 1.0,
        max_queue: int = 50_000,
        registry: Any = None,
        request_timeout: float = 10.0,
        max_backoff: float = 10.0,
        exit_timeout: float = 5.0,
        task: str | None = None,
    ) -> None:
        if batch_size < 1 or max_queue < 1 or flush_interval <= 0:
            raise ValueError("batch_size and max_queue must be >= 1 and flush_interval > 0")
        self.model, self.model_version = model, model_version
        self.batch_size = min(batch_size, MAX_BATCH)
        self.exit_timeout = exit_timeout
        self._max_queue = max_queue
        self._new_sender = functools.partial(
            Sender,
            url=url,
            token=token,
            flush_interval=flush_interval,
            request_timeout=request_timeout,
            max_backoff=max_backoff,
            task=task,
        )
        self._start()
        atexit.register(self._at_exit)
        # A forked child (gunicorn --preload, multiprocessing) inherits the queue but not the thread: it
        # starts its own. Weakly held, so the registration (which cannot be undone) keeps no logger alive.
        if hasattr(os, "register_at_fork"):  # POSIX only
            after_fork = weakref.WeakMethod(self._start)
            os.register_at_fork(after_in_child=lambda: (method := after_fork()) is not None and method())
        if registry is not None:
            from predwatch_client.metrics import register  # prometheus_client only when asked for

            register(registry, self)

    def _start(self) -> None:
        """A fresh queue and sender thread: at construction, and in a forked child (whose inherited
        records are the parent's to send, and whose inherited locks may be held by a thread that is gone)."""
        if getattr(self, "_buffer", None) is not None and self._buffer.closed:
            return
        self._buffer = Buffer(self._max_queue, self.batch_size)
        self._put = self._buffer.put
        self._sender = self._new_sender(self._buffer)
        self._sender.start()

    # -- the hot path ------------------------------------------------------------------------------

    def prediction(
        self,
        id: Any,
        features: Mapping[str, Any] | None = None,
        score: float | None = None,
        predicted_label: int | str | None = None,
        latency_seconds: float | None = None,
        timestamp: Any = None,
        status: str = "ok",
        error_kind: str | None = None,
        model: str | None = None,
        prediction: float | None = None,
        probabilities: Mapping[Any, float] | None = None,
    ) -> None:
        """Queue one prediction log. `timestamp` (datetime, ISO string or epoch seconds) defaults to now. A
        regression model (task="regression") logs its predicted value as `prediction` (any finite number); a
        multiclass one (task="multiclass") its class as `predicted_label` and, optionally, `probabilities`
        (class -> probability, summing to 1)."""
        try:
            if type(features) is dict:
                features = features.copy()  # the caller may reuse its dict for the next request
            if probabilities is not None:  # travels in the score's place, as `prediction` does
                prediction = dict(probabilities)  # type: ignore[assignment]
            self._put(
                (
                    PREDICTION,
                    id,
                    model or self.model,
                    self.model_version,
                    _now() if timestamp is None else timestamp,
                    features,
                    score if prediction is None else prediction,
                    predicted_label,
                    latency_seconds,
                    status,
                    error_kind,
                )
            )
        except Exception:  # never into the service's request path
            self._lost()

    def outcome(self, id: Any, label: int | float | str, timestamp: Any = None) -> None:
        """Queue the true label of an earlier prediction (a multiclass model's: its class)."""
        try:
            self._put((OUTCOME, id, label, _now() if timestamp is None else timestamp))
        except Exception:
            self._lost()

    def _lost(self) -> None:
        try:
            self._buffer.count_dropped(1)
        except Exception:  # nothing left to report it with
            pass

    # -- conveniences ------------------------------------------------------------------------------

    def timed(self, id: Any, features: Mapping[str, Any] | None = None, model: str | None = None) -> Timed:
        """`with log.timed(req_id, x) as t: t.score = ...` logs the block's latency; an exception is
        logged as status "error" (error_kind: its class name) and goes on to the caller."""
        return Timed(self, id, features, model)

    def track(self, fn: Callable[..., Any] | None = None, **options: Any) -> Any:
        """Decorator: `@log.track` or `@log.track(id_of=..., features_of=..., score_of=..., label_of=...)`."""
        return track(self, fn, **options)

    def predictions(self, frame: Any, *, wait: float = 30.0) -> int:
        """Queue a batch job's predictions: a pandas DataFrame (or any iterable of mappings) with an `id`
        column; columns other than the log's fields are features. Unlike the hot path this waits, up to
        `wait` seconds in all, for room in the queue. Returns the number of rows queued."""
        rows: Iterable[Mapping[str, Any]] = frame.to_dict("records") if hasattr(frame, "to_dict") else frame
        deadline = time.monotonic() + wait
        chunk: list[Item] = []
        count = 0
        for row in rows:
            chunk.append(self._item(row))
            if len(chunk) == self.batch_size:
                count += self._put_chunk(chunk, deadline)
                chunk = []
        return count + self._put_chunk(chunk, deadline)

    def _put_chunk(self, chunk: list[Item], deadline: float) -> int:
        self._buffer.wait_for_room(len(chunk), deadline)
        for item in chunk:
            self._put(item)
        return len(chunk)

    def _item(self, row: Mapping[str, Any]) -> Item:
        if "id" not in row:
            raise ValueError("each row needs an 'id' (the prediction id its outcome will name)")
        value = {key: None if _missing(row.get(key)) else row.get(key) for key in FIELDS}
        features = value["features"]
        if features is None:
            features = {k: v for k, v in row.items() if k not in FIELDS}
        return (
            PREDICTION,
            value["id"],
            value["model"] or self.model,
            value["model_version"] or self.model_version,
            value["timestamp"] if value["timestamp"] is not None else _now(),
            features,
            value["score"],
            value["predicted_label"],
            value["latency_seconds"],
            value["status"] or "ok",
            value["error_kind"],
        )

    # -- counters and shutdown ---------------------------------------------------------------------

    @property
    def sent(self) -> int:
        return self._sender.sent

    @property
    def retried(self) -> int:
        return self._sender.retried

    @property
    def rejected(self) -> int:
        return self._sender.rejected

    @property
    def dropped(self) -> int:
        return self._buffer.dropped

    @property
    def queued(self) -> int:
        return len(self._buffer)

    def close(self, timeout: float = 5.0) -> bool:
        """Send what is queued, for at most `timeout` seconds; what is left then counts as dropped.
        Returns True when nothing had to be dropped. Later records are dropped."""
        atexit.unregister(self._at_exit)
        dropped = self.dropped
        self._sender.close(timeout)
        self._sender.join(timeout + 1.0)  # a request in flight is itself cut to the deadline
        return not self._sender.is_alive() and self.dropped == dropped

    def _at_exit(self) -> None:
        try:
            self.close(self.exit_timeout)
        except Exception:
            log.exception("predwatch client: flushing at exit failed")

    def __enter__(self) -> PredictionLogger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _missing(value: Any) -> bool:
    """None, NaN and pandas' NaT (both unequal to themselves): a frame's empty cell."""
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False
