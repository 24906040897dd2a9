"""Windows' merged profile parts, kept between calls (on-demand API windows and the evaluation pass alike).

A window's profile read over minutes [first, last] is split at the hour tier's watermark. The part before
it (whole closed hours and days, and a long window's first hours) is kept until a late label or row in
one of its minutes, a reference change or retention moves the model's closed generation. The part from
it on (the open hour's minutes, an hour of them at most) is kept until the next evaluation pass that
profiles the model's new rows or labels (every pass under traffic) moves its open generation: the first
call after such a pass reads the open minutes again, the closed ones still come from here. The two are
parts of the window like the nested windows' own, merged as those are, so a call that finds them cached
gives exactly the figures of one that reads them (the same reads, the same merge order).

Freshness: the generations (data/queries/window_generations.py) move in the writers' own transactions
and are read in the same snapshot as the profiles, so a part is never used once a write that changed
its minutes has committed.

Memory: parts are dropped least recently used first beyond MAX_BYTES (32 MiB per app) of NumPy arrays
and Python values together (estimated: arrays by their buffers, other values by sys.getsizeof); a part
larger than a quarter of the budget is not kept. A budget of 0 turns the cache off.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import numpy as np

from data.queries import profile_reads as pr
from data.queries import window_generations as wg
from data.store import Store

MAX_BYTES = 32 * 1024 * 1024
MINUTE = timedelta(minutes=1)
Part = TypeVar("Part")


class WindowCache:
    def __init__(self, store: Store, max_bytes: int = MAX_BYTES) -> None:
        self.store, self.max_bytes = store, max_bytes
        self._parts: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def forget(self, model: str) -> None:
        """Drop the model's parts (its reference changed; the generation moves too, this frees the memory)."""
        with self._lock:
            for key in [k for k in self._parts if k[0] == model]:
                self._bytes -= self._parts.pop(key)[1]

    def reader(
        self, model: str, kind: str, read: Callable[[datetime, datetime], Part], held: list[wg.ClosedState] | None = None
    ) -> Callable[[datetime, datetime], list[Part]]:
        """`read` over minutes [first, last] as parts, newest first, each from the cache when it is there.
        The generations are read once, on the first call, into `held` (readers of one answer share it)."""
        state: list[wg.ClosedState] = [] if held is None else held

        def parts(first: datetime, last: datetime) -> list[Part]:
            if not state:
                state.append(wg.read(self.store, model))
            until, token = state[0].until, state[0].token
            if until is None or first >= until:
                return [self._get((model, kind, first, last, token, state[0].open_token), lambda: read(first, last))]
            closed_last = min(last, until - MINUTE)
            found = []
            if closed_last < last:
                key = (model, kind, closed_last + MINUTE, last, token, state[0].open_token)
                found.append(self._get(key, lambda: read(closed_last + MINUTE, last)))
            return [*found, self._get((model, kind, first, closed_last, token), lambda: read(first, closed_last))]

        return parts

    def nested(
        self,
        model: str,
        kind: str,
        now: datetime,
        windows: Sequence[int],
        read: Callable[[datetime, datetime], Part],
        held: list[wg.ClosedState] | None = None,
    ) -> dict[int, list[Part]]:
        """nested_windows with every read split at the closed boundary and its parts kept between calls."""
        found = nested_windows(now, windows, self.reader(model, kind, read, held))
        return {seconds: [part for parts in found[seconds] for part in parts] for seconds in found}

    def _get(self, key: tuple[Any, ...], read: Callable[[], Part]) -> Part:
        if self.max_bytes <= 0:  # disabled: every part read (the baseline the benchmark compares with)
            return read()
        with self._lock:
            cached = self._parts.get(key)
            if cached is not None:
                self._parts.move_to_end(key)
                self.hits += 1
                return cached[0]  # type: ignore[no-any-return]
            self.misses += 1
        part = read()
        size = nbytes(part)
        if size > self.max_bytes // 4:
            return part
        with self._lock:
            if key not in self._parts:
                self._parts[key] = (part, size)
                self._bytes += size
            while self._bytes > self.max_bytes:
                self._bytes -= self._parts.popitem(last=False)[1][1]
        return part


def nbytes(value: Any) -> int:
    """An estimate of the memory a part holds: its arrays' buffers and its containers and scalars."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 112
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(nbytes(k) + nbytes(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return sys.getsizeof(value) + sum(nbytes(v) for v in value)
    return sys.getsizeof(value)


def nested_windows(now: datetime, windows: Sequence[int], read: Callable[[datetime, datetime], Part]) -> dict[int, list[Part]]:
    """Each window's profile parts. Every window ends at now's minute, so each reads only the minutes
    before those of the next smaller one, and a window's parts are its own and all smaller ones'."""
    parts: list[Part] = []
    found: dict[int, list[Part]] = {}
    upto: datetime | None = None
    for seconds in sorted(windows):
        first, last = pr.window_minutes(now, seconds)
        end = last if upto is None else upto - timedelta(minutes=1)
        if first <= end:
            parts.append(read(first, end))
            upto = first
        found[seconds] = list(parts)
    return found
