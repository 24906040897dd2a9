"""A dashboard callback slower than the refresh interval: the page still updates, and the tab never has
more than one request of that callback in flight (assets/refresh-gate.js, callbacks/shell.py).

Without the gate Dash drops a pending answer whenever the next interval re-triggers the callback, so a
chart slower than the refresh never paints and requests pile up on the server. Each chart answer's body
arrives in two parts BODY_GAP apart, so a tick after fetch() resolved (at the headers) but before Dash
read the body, the race that once let a second request out, happens in most runs if the gate reopens early."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import create_app
from dashboard import ids
from dashboard.ids import figure_store
from data.queries import system as system_queries
from settings import Settings
from tests.browser.charts import GRAPH_DIV, wait_drawn

pytestmark = pytest.mark.browser

REFRESH = 0.5  # seconds between interval ticks
SLOW = 1.5  # seconds each refresh of the System charts takes: three ticks pass during one
WATCH = 9.0  # seconds the page is watched
BODY_GAP = 0.2  # seconds between the two halves of each chart answer's body


class SplitBody:
    """WSGI middleware: an answer that carries `marker` is sent as two halves with a pause between."""

    def __init__(self, wsgi: object, marker: bytes) -> None:
        self.wsgi, self.marker = wsgi, marker

    def __call__(self, environ: dict, start_response: object) -> Iterator[bytes]:
        answer = self.wsgi(environ, start_response)
        try:
            body = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        if self.marker not in body:
            yield body
            return
        yield body[: len(body) // 2]
        time.sleep(BODY_GAP)
        yield body[len(body) // 2 :]


class InProcessServer:
    """Predwatch served by waitress on a thread of this process, so a query can be slowed down in it."""

    def __init__(self, db: Path, models_dir: Path) -> None:
        import waitress

        self.app = create_app(
            Settings(
                db=db, sample_interval=0.2, refresh_interval=REFRESH, writer_flush_interval=0.2, demo=False, models_dir=models_dir
            )
        )
        self.app.server.wsgi_app = SplitBody(self.app.server.wsgi_app, figure_store(ids.CPU_GRAPH).encode())
        # send_bytes=1: waitress sends each part as it comes instead of holding the first half back.
        self.server = waitress.create_server(self.app.server, host="127.0.0.1", port=0, threads=4, send_bytes=1)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> InProcessServer:
        self.app.predwatch.start()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.close()
        self.thread.join(10)
        self.app.predwatch.stop()

    def log(self) -> str:
        return "(in-process server: its log is this test's output)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[InProcessServer]:
    plain = system_queries.system_series

    def slow_series(*args: object, **kwargs: object) -> object:
        time.sleep(SLOW)
        return plain(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(system_queries, "system_series", slow_series)
        live = InProcessServer(tmp_path_factory.mktemp("slow") / "slow.duckdb", models_dir).start()
        try:
            yield live
        finally:
            live.stop()


class InFlight:
    """Requests of one callback (by its output) seen on the wire: how many were open at once, at most."""

    def __init__(self, output: str) -> None:
        self.output, self.open, self.most, self.answered = output, set(), 0, 0

    def _ours(self, request: object) -> bool:
        return "_dash-update-component" in request.url and self.output in (request.post_data or "")

    def sent(self, request: object) -> None:
        if self._ours(request):
            self.open.add(request)
            self.most = max(self.most, len(self.open))

    def done(self, request: object) -> None:
        if request in self.open:
            self.open.discard(request)
            self.answered += 1

    def watch(self, page: object) -> None:
        page.on("request", self.sent)
        page.on("requestfinished", self.done)
        page.on("requestfailed", self.done)


_NEWEST = f"""(id) => {{
    const gd = ({GRAPH_DIV})(id);
    const t = gd && gd.data && gd.data.find((d) => d.name === 'total');
    return t && t.x && t.x.length ? String(t.x[t.x.length - 1]) : null;
}}"""


def test_a_slow_chart_callback_still_paints_and_never_stacks_requests(page, server):
    charts = InFlight(figure_store(ids.CPU_GRAPH))
    charts.watch(page)
    page.goto(f"{server.url}/system")
    wait_drawn(page, ids.CPU_GRAPH, "total")
    painted, deadline = set(), time.monotonic() + WATCH
    while time.monotonic() < deadline:
        painted.add(page.evaluate(_NEWEST, ids.CPU_GRAPH))
        page.wait_for_timeout(100)
    assert charts.most == 1, f"{charts.most} requests of the chart callback were in flight at once"
    # A refresh every ~SLOW s: the chart shows several newer samples, not just its first answer.
    assert len(painted - {None}) >= 3, f"the chart painted {len(painted - {None})} distinct answers in {WATCH} s"
    assert charts.answered >= WATCH / SLOW / 2
