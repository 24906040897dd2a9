"""Every dashboard page works under the Content-Security-Policy: no violation reported, no console error,
charts drawn (Plotly runs without 'unsafe-eval')."""

from __future__ import annotations

import re

import pytest

from dashboard import ids
from dashboard.pages import PAGES
from tests.browser.charts import wait_drawn

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' @' + e.sourceFile));
"""


def test_every_page_loads_with_no_csp_violation(page, server) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(server.url + "/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    # Navbar clicks route inside the page: no navigation aborts the callbacks still in flight.
    for _module, path, name in PAGES:
        page.locator(f"#{ids.NAVBAR} .navbar-nav a.nav-link", has_text=re.compile(f"^{name}$")).click()
        expect(page).to_have_url(re.compile(re.escape(server.url + path) + r"(\?.*)?$"))  # pages may keep ?range=
        expect(page.locator("h2").first).to_have_text(name)
        if path == "/system":
            wait_drawn(page, ids.CPU_GRAPH, "total")  # Plotly drew a live chart under the policy
        assert page.evaluate("() => window.__csp") == [], path
    page.locator(f"#{ids.NAVBAR} .navbar-nav a.nav-link", has_text=re.compile("^System$")).click()
    wait_drawn(page, ids.CPU_GRAPH, "total")
    assert page.evaluate("() => window.__csp") == []
