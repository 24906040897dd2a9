"""The bounded queue between the service's threads and the sender thread. When it is full the oldest
record goes (counted in `dropped`, exactly: every removal happens under one lock), so memory stays
bounded while Predwatch is down and the caller never waits.

The hot path takes no lock: deque.append is atomic, and only when the queue is over its bound does
the caller take the lock to trim it. A lock on every call cost 4 threads logging at once a convoy
(each waiting on the lock and on the GIL in turn)."""

from __future__ import annotations

import threading
import time
from collections import deque

from predwatch_client.wire import Item


class Buffer:
    def __init__(self, max_items: int, batch_size: int) -> None:
        self.items: deque[Item] = deque()
        self.lock = threading.Lock()
        self.room = threading.Condition(self.lock)  # batch callers wait here for space (never the hot path)
        self.wake = threading.Event()  # a full batch is waiting: the sender need not wait for its interval
        self.max_items, self.batch_size = max_items, batch_size
        self._dropped = 0
        self.closed = False

    def put(self, item: Item) -> None:
        items = self.items
        items.append(item)
        size = len(items)
        if size > self.max_items or self.closed:
            self._trim()
        elif size >= self.batch_size and not self.wake.is_set():
            self.wake.set()

    def _trim(self) -> None:
        with self.lock:
            self._trim_locked()

    def _trim_locked(self) -> None:
        """Oldest first, down to the bound (to nothing once closed)."""
        items, limit = self.items, 0 if self.closed else self.max_items
        while len(items) > limit:
            items.popleft()
            self._dropped += 1

    @property
    def dropped(self) -> int:
        return self._dropped

    def take(self, count: int) -> list[Item]:
        with self.lock:
            items = self.items
            batch = [items.popleft() for _ in range(min(count, len(items)))]
            if batch:
                self.room.notify_all()
        return batch

    def wait_for_room(self, count: int, deadline: float) -> None:
        """For batch jobs: wait (until `deadline`, monotonic) until `count` more records fit."""
        with self.room:
            while not self.closed and len(self.items) + count > self.max_items:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self.wake.set()
                self.room.wait(min(remaining, 1.0))

    def count_dropped(self, count: int) -> None:
        with self.lock:
            self._dropped += count

    def close(self) -> None:
        """No more records: what is still queued counts as dropped, and so does any record put later
        (a put racing close() sees `closed` after its append and trims it)."""
        with self.lock:
            self.closed = True
            self._trim_locked()
            self.room.notify_all()

    def __len__(self) -> int:
        return len(self.items)
