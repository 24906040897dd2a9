"""Overview page: overall status, the four KPI cards and the component health table."""

from __future__ import annotations

import re

import pytest

from dashboard import ids

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

STATUSES = ("OK", "WARNING", "CRITICAL", "UNKNOWN")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?) %$")
COUNT = re.compile(r"^(\d+)$")


def test_overview_shows_status_kpis_and_component_health(page, server):
    page.goto(server.url + "/")

    badge = page.locator(f"#{ids.OVERALL_STATUS} .status-badge")
    expect(badge).to_have_count(1)
    expect(badge).to_have_text(re.compile(f"^({'|'.join(STATUSES)})$"))

    cards = page.locator(f"#{ids.KPI_CARDS} .kpi-card")
    expect(cards).to_have_count(4)
    expect(cards.locator(".kpi-title")).to_have_text(["CPU", "Memory", "Disk", "Writer queue"], ignore_case=True)
    values = cards.locator(".kpi-value")
    # Before the first sample the resource cards show "–"; wait for numbers.
    expect(values).to_have_text([PERCENT, PERCENT, PERCENT, COUNT])
    texts = values.all_inner_texts()
    for title, text in zip(("CPU", "Memory", "Disk"), texts[:3], strict=True):
        assert 0.0 <= float(PERCENT.match(text).group(1)) <= 100.0, f"{title} KPI {text!r}"
    # The writer queue card shows a row count, not a percent (see the report).
    assert int(texts[3]) >= 0
    for card in cards.all():
        expect(card.locator(".status-badge")).to_have_text(re.compile(f"^({'|'.join(STATUSES)})$"))

    rows = page.locator(f"#{ids.COMPONENTS} table tbody tr")
    expect(rows.locator("td:first-child")).to_have_text(["collector", "store", "writer"])
    for row in rows.all():
        expect(row.locator("td").nth(1)).to_have_text(re.compile(f"^({'|'.join(STATUSES)})$"))
    expect(page.locator(f"#{ids.COMPONENTS} table thead th")).to_have_text(["component", "status", "detail", "error"])
