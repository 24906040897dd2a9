"""Paint timing: how long after navigation every visible chart of a page has either data or an
empty-state sentence, and a CPU burner to saturate the host meanwhile. Used by
tests/browser/test_under_load.py and bench/page_paint.py (which prints the figures)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Each visible chart: "data" (a finite value or a category drawn on visible axes), "empty: <sentence>" (axes hidden and one
# annotation), "loading", or "bare" (visible axes and nothing to draw: what must never stay).
STATES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter((gd) => gd.offsetParent !== null && gd._fullLayout)
    .map((gd) => {
        const id = gd.closest('[id]') ? gd.closest('[id]').id : '?';
        const flat = (v) => (v && typeof v === 'object' && v.length !== undefined) ? Array.from(v).flatMap(flat) : [v];
        // _fullData: plotly's decoded arrays (gd.data keeps typed arrays as {dtype, bdata} objects).
        const values = (t) => t.orientation === 'h' ? t.x : (t.z || t.y || t.values);
        // A finite number, or a category (the incident timeline draws rules on a category axis).
        const finite = (gd._fullData || []).some((t) => flat(values(t) || []).some(
            (v) => v !== null && v !== undefined && v !== '' && (typeof v === 'string' || Number.isFinite(Number(v)))));
        const hidden = gd._fullLayout.xaxis && gd._fullLayout.xaxis.visible === false;
        const notes = (gd.layout.annotations || []).map((a) => a.text);
        const title = (gd.querySelector('.gtitle') || {}).textContent || '';
        if (hidden && notes.length === 1) {
            return [id, notes[0].startsWith('Loading') ? 'loading' : 'empty: ' + notes[0], title];
        }
        return [id, finite && !hidden ? 'data' : 'bare', title];
    })"""

VISIBLE_GRAPHS = "() => [...document.querySelectorAll('.dash-graph')].filter((g) => g.offsetParent !== null).map((g) => g.id)"

# True once the page is there and every visible graph is drawn by plotly with data or an empty-state
# sentence; the Overview draws no graph but KPI cards (with sparklines) and component health.
SETTLED = f"""(name) => {{
    const heading = document.querySelector('#_pages_content h2');
    if (!heading || heading.textContent !== name) return false;
    const kpis = document.getElementById('overview-kpis');
    if (kpis && !(kpis.querySelector('.kpi-card') && document.getElementById('overview-components').childElementCount))
        return false;
    const graphs = [...document.querySelectorAll('.dash-graph')].filter((g) => g.offsetParent !== null);
    const states = ({STATES})();
    return (graphs.length > 0 || !!kpis) && states.length === graphs.length
        && states.every(([, state]) => state === 'data' || state.startsWith('empty: '));
}}"""

# Burner: a bounded busy loop, so a burner whose parent died still ends by itself.
_BURN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


@contextmanager
def burner(per_core: int = 4, seconds: float = 120.0) -> Iterator[list[int]]:
    """`per_core` busy Python processes per core for at most `seconds`; stopped by PID on exit."""
    count = per_core * (os.cpu_count() or 1)
    procs = [subprocess.Popen([sys.executable, "-c", _BURN.format(seconds=float(seconds))]) for _ in range(count)]
    try:
        yield [p.pid for p in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def _settle(page: Any, what: str, name: str, start: float, timeout_ms: float) -> float:
    try:
        page.wait_for_function(SETTLED, arg=name, timeout=timeout_ms, polling=50)
    except Exception as exc:  # say which chart never settled, not just "timeout"
        raise AssertionError(
            f"{what}: not every chart settled in {timeout_ms / 1000:.0f} s: "
            f"states {page.evaluate(STATES)}, visible graphs {page.evaluate(VISIBLE_GRAPHS)}"
        ) from exc
    return time.monotonic() - start


def paint_seconds(page: Any, url: str, name: str, timeout_ms: float) -> float:
    """Load `url` afresh (page named `name`); the seconds until every visible chart has settled.
    Includes loading and parsing plotly.js (4.6 MB), which a fresh tab does once."""
    start = time.monotonic()
    page.goto(url, wait_until="commit")
    return _settle(page, url, name, start, timeout_ms)


def navigate_seconds(page: Any, path: str, name: str, timeout_ms: float) -> float:
    """Follow the navbar link to `path` in an open dashboard (how a person moves between pages);
    the seconds until every visible chart of the page named `name` has settled."""
    start = time.monotonic()
    page.locator(f'nav a.nav-link[href="{path}"]').click()
    return _settle(page, path, name, start, timeout_ms)


def refresh_gaps(page: Any, seconds: float) -> list[float]:
    """Watch an open page for `seconds`; the gaps between finished dashboard update requests
    (each refresh tick sends some), starting from the watch's start. A gap is how late a refresh was."""
    finished: list[float] = []

    def on_finished(request: Any) -> None:
        if "_dash-update-component" in request.url:
            finished.append(time.monotonic())

    start = time.monotonic()
    page.on("requestfinished", on_finished)
    try:
        page.wait_for_timeout(seconds * 1000)
    finally:
        page.remove_listener("requestfinished", on_finished)
    marks = [start, *finished, time.monotonic()]
    return [b - a for a, b in zip(marks, marks[1:], strict=False)]
