"""Big request bodies one at a time (README, Reliability): parsing a body costs several times its size
(a 29 MB ingest batch: ~120 MB of Python objects, then ~70 MB of Arrow columns), so eight at once took
over 2 GB. A body over LARGE_BODY waits for the one slot, with at most WAITING others queued for at most
WAIT_SECONDS (waitress has already buffered the body to a temporary file, so a waiting request holds a
thread but little memory); the rest get 503 with Retry-After. After a big body the freed memory is
handed back to the OS (glibc and Arrow's allocator keep it otherwise: RSS stayed up by the body's whole cost)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading

from flask import Flask, Response, g, request

from api.errors import error_response

LARGE_BODY = 4 * 1024 * 1024
SLOTS, WAITING, WAIT_SECONDS = 1, 2, 10.0
RETRY_AFTER = "2"
_slot = threading.BoundedSemaphore(SLOTS)
_queue = threading.BoundedSemaphore(SLOTS + WAITING)


def release_memory() -> None:
    """After a large body's objects are dropped: collect, then glibc's malloc_trim(0), so free heap pages go
    back to the OS (a no-op without glibc, and for a small body, where it would only cost time)."""
    if not g.get("large_body"):
        return
    import pyarrow as pa  # here: a process that never took a large body never loads pyarrow

    gc.collect()
    pa.default_memory_pool().release_unused()  # Arrow's mimalloc/jemalloc keeps freed columns otherwise
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _admit() -> Response | None:
    if (request.content_length or 0) <= LARGE_BODY:
        return None
    busy = error_response(
        503,
        "busy",
        f"too many large bodies at once (over {LARGE_BODY // 2**20} MB, "
        f"{SLOTS} at a time): retry shortly, or send smaller batches",
    )
    busy.headers["Retry-After"] = RETRY_AFTER
    if not _queue.acquire(blocking=False):
        return busy
    if not _slot.acquire(timeout=WAIT_SECONDS):
        _queue.release()
        return busy
    g.large_body = True
    return None


def _release(_exc: BaseException | None) -> None:
    if g.get("large_body"):
        release_memory()
        g.large_body = False
        _slot.release()
        _queue.release()


def register(server: Flask) -> None:
    server.before_request(_admit)
    server.teardown_request(_release)
