"""The background thread: takes batches from the Buffer, posts them, retries with backoff and jitter
while Predwatch is unreachable or failing (safe: ids are idempotent on the server), and splits a batch
the server refuses as bad so the good records in it still land."""

from __future__ import annotations

import logging
import random
import threading
import time

from predwatch_client.buffer import Buffer
from predwatch_client.wire import OUTCOME, PREDICTION, ROUTES, Item, Reply, encode, post

log = logging.getLogger("predwatch_client")
MAX_BATCH = 10_000  # the server's limit per request
REJECT_LOG_INTERVAL = 10.0  # seconds between warnings about rejected records (the counter counts every one)


class Sender(threading.Thread):
    def __init__(
        self,
        buffer: Buffer,
        url: str,
        token: str | None,
        *,
        flush_interval: float,
        request_timeout: float,
        max_backoff: float,
        base_backoff: float = 0.1,
        task: str | None = None,
    ) -> None:
        super().__init__(name="predwatch-client-sender", daemon=True)  # exit is flushed by close(), not by joining
        self.buffer, self.token, self.task = buffer, token, task
        self.urls = {kind: url.rstrip("/") + path for kind, (path, _) in ROUTES.items()}
        self.flush_interval, self.request_timeout = flush_interval, request_timeout
        self.base_backoff, self.max_backoff = base_backoff, max_backoff
        self.sent = self.retried = self.rejected = 0
        self.deadline: float | None = None  # set by close(): give up on what is not delivered by then
        self.closing = threading.Event()
        self.interrupt = threading.Event()  # cuts a backoff sleep short when close() is called
        self.random = random.Random()
        self._next_warning, self._unwarned = 0.0, 0

    def close(self, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout
        self.closing.set()
        self.interrupt.set()
        self.buffer.wake.set()

    def run(self) -> None:
        while True:
            self.buffer.wake.wait(self.flush_interval)
            self.buffer.wake.clear()
            while not self._past_deadline():
                items = self.buffer.take(self.buffer.batch_size)
                if not items:
                    break
                self._deliver_items(items)
            if self.closing.is_set():
                self.buffer.close()
                return

    def _past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def _deliver_items(self, items: list[Item]) -> None:
        """Predictions before outcomes, so an outcome taken with its prediction does not arrive as an orphan."""
        predictions = [item for item in items if item[0] == PREDICTION]
        outcomes = [item for item in items if item[0] == OUTCOME]
        for kind, group in ((PREDICTION, predictions), (OUTCOME, outcomes)):
            if group:
                try:
                    self._deliver(kind, group)
                except Exception:  # a bug here must not kill the thread and silently stop delivery
                    log.exception("predwatch client: %d record(s) lost", len(group))
                    self.buffer.count_dropped(len(group))

    def _deliver(self, kind: int, items: list[Item]) -> None:
        parts = [items]
        while parts:
            part = parts.pop()
            reply = self._post_retrying(kind, part)
            if reply is None:  # close()'s deadline came first
                self.buffer.count_dropped(len(part) + sum(len(p) for p in parts))
                return
            if reply.ok:
                self.sent += len(part)
            elif not reply.splittable:
                self._reject(part, f"HTTP {reply.status}: {reply.message}")
            elif reply.bad_rows and all(0 <= row < len(part) for row in reply.bad_rows):
                for row, why in reply.bad_rows.items():
                    self._reject([part[row]], f"HTTP {reply.status}: {why}")
                good = [item for row, item in enumerate(part) if row not in reply.bad_rows]
                if good:
                    parts.append(good)
            elif len(part) == 1:
                self._reject(part, f"HTTP {reply.status}: {reply.message}")
            else:  # the server did not say which row (body too large, not JSON): bisect
                middle = len(part) // 2
                parts += [part[middle:], part[:middle]]

    def _post_retrying(self, kind: int, items: list[Item]) -> Reply | None:
        try:
            body = encode(kind, items, self.task)
        except (ValueError, TypeError) as exc:  # NaN or an object JSON cannot carry: split like a 400
            return Reply(400, f"not sendable as JSON: {exc}")
        attempt = 0
        while not self._past_deadline():
            reply = post(self.urls[kind], self.token, body, self._timeout())
            if not reply.retryable:
                return reply
            delay = min(self.max_backoff, self.base_backoff * 2**attempt) * self.random.uniform(0.5, 1.0)
            if attempt == 0:
                log.info("predwatch client: %s (HTTP %s); retrying with backoff", reply.message, reply.status)
            if not self._nap(delay):
                return None
            self.retried += 1
            attempt = min(attempt + 1, 30)
        return None

    def _timeout(self) -> float:
        if self.deadline is None:
            return self.request_timeout
        return max(0.05, min(self.request_timeout, self.deadline - time.monotonic()))

    def _nap(self, delay: float) -> bool:
        """Sleep before a retry; False when close()'s deadline comes first."""
        if self.deadline is not None:
            delay = min(delay, self.deadline - time.monotonic())
            if delay <= 0:
                return False
        if self.interrupt.wait(delay):
            self.interrupt.clear()  # close() was called: try once more now, then back off to the deadline
        return not self._past_deadline()

    def _reject(self, items: list[Item], why: str) -> None:
        """The server refused these records as bad: retrying cannot help. Logged, at most every 10 s."""
        self.rejected += len(items)
        now = time.monotonic()
        if now < self._next_warning:
            self._unwarned += len(items)
            return
        earlier = f" ({self._unwarned} more rejected since the last warning)" if self._unwarned else ""
        log.warning("predwatch rejected %d record(s), first id %r: %s%s", len(items), items[0][1], why, earlier)
        self._next_warning, self._unwarned = now + REJECT_LOG_INTERVAL, 0
