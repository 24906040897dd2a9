"""Waiting in tests: poll a condition until it holds or a deadline passes.

Background threads, child processes and outside servers reach a state when they reach it; a test
that slept a fixed time would depend on the machine's speed. `eventually` waits no longer than needed
and, when it gives up, says what it was waiting for and what it saw last.

The contract: `check()` returns a truthy value once the condition holds (that value is returned) and a
falsy one while it does not yet. An exception from `check` is not "not yet": it propagates at once,
so a check can stop the wait early (for instance `assert proc.poll() is None` when a server died).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

SHOWN = 1000  # characters of the last value kept in the failure message


def eventually(
    check: Callable[[], T],
    *,
    timeout: float,
    message: str | Callable[[], str],
    interval: float = 0.05,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call `check` every `interval` seconds until it returns a truthy value, and return that value.

    Raises AssertionError naming `message` and the last value seen when a check still fails once
    `timeout` seconds have passed; `check` always runs at least once. `message` may be a function, called
    only on timeout, to say more than is known up front (a server's log, say). `clock` and `sleep` are
    injectable so the helper itself can be tested without real time passing.
    """
    deadline = clock() + timeout
    while True:
        last = check()
        if last:
            return last
        if clock() >= deadline:
            seen = repr(last)
            seen = seen if len(seen) <= SHOWN else seen[:SHOWN] + "..."
            what = message() if callable(message) else message
            raise AssertionError(f"not within {timeout} s: {what} (last seen: {seen})")
        sleep(interval)
