"""Browser fixtures: one headless Debian Chromium per session, one live Predwatch per test module,
and a fresh page per test that fails the test on any console error, page error or failed request.

Chromium is Debian's /usr/bin/chromium driven through Playwright's `executable_path`; Playwright's
own browser download (`playwright install`) is never used.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from data.store import Store
from tests.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Seconds between samples and between dashboard refreshes for the live server of each module.
SAMPLE_INTERVAL = "0.5"
REFRESH_INTERVAL = "1"
TIMEOUT_MS = 15_000
HERE = Path(__file__).resolve().parent


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "browser tests need the Python playwright package (requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip this folder's tests before any server starts when Chromium or Playwright is missing."""
    reason = _skip_reason()
    if reason is None:
        return
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def seeded_server(db: Path, seed: Callable[[Store], object] | None = None) -> Iterator[LiveServer]:
    """`python app.py` (no workload) on a free loopback port, on `db` after `seed` filled it."""
    if seed is not None:
        store = Store(db)
        try:
            seed(store)
        finally:
            store.close()
    live = LiveServer(db, "--sample-interval", SAMPLE_INTERVAL, "--refresh-interval", REFRESH_INTERVAL, "--no-demo")
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One `python app.py` per test module on a free loopback port and its own DuckDB file."""
    with seeded_server(tmp_path_factory.mktemp("browser") / "live.duckdb") as live:
        yield live


@dataclass
class Problems:
    """What went wrong in the page: console errors, uncaught exceptions, failed requests."""

    server: LiveServer
    checked: bool = False
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    sent: dict[object, float] = field(default_factory=dict)  # request -> when it was sent
    aborted: list[tuple[float, str]] = field(default_factory=list)
    navigations: list[float] = field(default_factory=list)  # when the main frame navigated

    def watch(self, page: object) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.console.append(f"{msg.text} @ {msg.location}"))
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("request", lambda req: self.sent.__setitem__(req, time.monotonic()))
        page.on("framenavigated", lambda frame: frame.parent_frame is None and self.navigations.append(time.monotonic()))
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda res: res.status >= 400 and self.http_errors.append(f"{res.request.method} {res.url}: HTTP {res.status}"),
        )

    def _failed(self, req: object) -> None:
        text = f"{req.method} {req.url}: {req.failure}"
        if req.failure == "net::ERR_ABORTED":
            self.aborted.append((self.sent.get(req, 0.0), text))
        else:
            self.failed.append(text)

    def _unexplained_aborts(self) -> list[str]:
        """Aborted requests, except those the test's own navigation cancelled (a goto while a refresh was in
        flight): the browser drops a page's requests when it leaves the page, which is not the page's fault."""
        return [text for sent, text in self.aborted if not any(at > sent for at in self.navigations)]

    def report(self) -> str:
        parts = [
            (name, items)
            for name, items in (
                ("console errors", self.console),
                ("page errors", self.page_errors),
                ("failed requests", self.failed + self._unexplained_aborts()),
                ("HTTP errors", self.http_errors),
            )
            if items
        ]
        return "\n".join(f"{name}:\n  " + "\n  ".join(items) for name, items in parts)

    def check(self) -> None:
        self.checked = True
        found = self.report()
        if found:
            pytest.fail(f"the page reported problems:\n{found}\n--- server log tail ---\n{self.server.log()[-3000:]}")


PROBLEMS = pytest.StashKey[Problems]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Once a test's body has passed, its page's problems fail the test itself (not its teardown)."""
    result = yield
    problems = item.stash.get(PROBLEMS, None)
    if problems is not None:
        problems.check()
    return result


@pytest.fixture(scope="module")
def browser_context(browser: object) -> Iterator[object]:
    """One context per module, so its HTTP cache serves plotly.js (4.6 MB) to every test's page.
    Pages stay isolated where Predwatch keeps state: `persistence_type="session"` is per page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser_context: object, server: LiveServer) -> Iterator[object]:
    """A fresh page; the test fails on any console error, page error, failed or HTTP >= 400 request.

    Checked right after the test body (see pytest_runtest_call) and, when the body raised first,
    again here before the page closes: closing aborts in-flight callbacks, not the app's fault."""
    page = browser_context.new_page()
    problems = Problems(server)
    problems.watch(page)
    request.node.stash[PROBLEMS] = problems
    yield page
    try:
        if not problems.checked:
            problems.check()
    finally:
        page.close()
