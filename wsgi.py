"""Predwatch under another WSGI server: `gunicorn --workers 1 --threads 8 wsgi:application`.

Predwatch is one process: its DuckDB file admits one process and its collectors must run once. A start
with more workers is refused before anything is served: the first worker holds the file, the next one
stops with a message naming that process, and gunicorn halts ("Worker failed to boot"). `--preload` is
refused too: a forked copy of an open DuckDB connection and of collector threads does not work.

Settings come from the PREDWATCH_* environment. The bind address is the WSGI server's, unknown here, so
the dashboard is protected by default (`PREDWATCH_DASHBOARD_AUTH=off` or `PREDWATCH_HOST=127.0.0.1` lifts it).
"""

from __future__ import annotations

import atexit
import os
import sys

from app import create_app
from data.connection import StoreLockedError
from settings import load_settings


def _refuse_fork() -> None:
    print(
        "predwatch: do not preload Predwatch into a forking server (gunicorn --preload): "
        "import it in the one worker that serves it",
        file=sys.stderr,
        flush=True,
    )
    os._exit(3)  # gunicorn's "worker failed to boot": the whole server stops


try:
    app = create_app(load_settings([], {"PREDWATCH_HOST": "0.0.0.0", **os.environ}))
except StoreLockedError as exc:
    raise RuntimeError(
        f"predwatch: {exc}. Predwatch runs as one process: start it with --workers 1 (and --threads N for concurrency)"
    ) from None
os.register_at_fork(after_in_child=_refuse_fork)
app.predwatch.start()
atexit.register(app.predwatch.stop)  # flush the writer and close the file when the worker exits
application = app.server
