"""The Alerts page's backtest panel shows a rule's alert quality: alerts per week over the time holding data,
time firing, and the detection of the demo's recorded fault episodes; an empty state when none are known.
A drift series and an input-drift episode are seeded into the file before its own server starts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from dashboard import ids
from data.clock import utcnow
from data.store import Store
from tests.browser.conftest import REFRESH_INTERVAL, SAMPLE_INTERVAL
from tests.conftest import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def _seed(store: Store) -> None:
    """Drift every 10 s over the 12 minutes before now; input drift switched on 10 minutes ago for 4 minutes,
    the PSI above the rule's 0.25 from 30 s after it turned on until it turned off."""
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(minutes=12)
    on, off = start + timedelta(minutes=2), start + timedelta(minutes=6)
    stamps = [start + timedelta(seconds=10 * i) for i in range(72)]
    drift = [[ts, "m", 900, "income", 0.4 if on + timedelta(seconds=30) <= ts < off else 0.05, 500, "ok"] for ts in stamps]
    with store.transaction("seed") as cur:
        cur.executemany(
            "INSERT INTO feature_drift (ts, model, window_seconds, feature, psi, current_count, verdict) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            drift,
        )
        cur.executemany(
            "INSERT INTO demo_switches VALUES (?, ?, ?)",
            [[start, "input_drift", False], [on, "input_drift", True], [off, "input_drift", False]],
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("alert-quality") / "live.duckdb"
    store = Store(db)
    _seed(store)
    store.close()
    live = LiveServer(db, "--sample-interval", SAMPLE_INTERVAL, "--refresh-interval", REFRESH_INTERVAL, "--no-demo")
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


def _row(page, figure: str):
    return page.locator(f"#{ids.BACKTEST_SUMMARY} .backtest-quality tbody tr").filter(has_text=figure).locator("td")


def test_the_panel_shows_alerts_per_week_and_the_detection_delay(page, server) -> None:
    page.goto(server.url + "/alerts")
    page.locator(f"#{ids.BACKTEST_RULE}").select_option("drift:warning")
    box = page.locator(f"#{ids.BACKTEST_SUMMARY}")
    expect(box).to_contain_text("drift:warning would have fired 1 time")
    # one firing over 710 s of data: 604800 / 710 = 852 a week
    expect(_row(page, "alerts per week").nth(1)).to_have_text("852")
    expect(_row(page, "alerts per week").nth(2)).to_contain_text("11.8 min of the 15 min range held data")
    expect(_row(page, "time firing").nth(1)).to_have_text(re.compile(r"^2[0-9.]* %$"))  # 210 s of 710
    expect(_row(page, "fault episodes caught").nth(1)).to_have_text("1 of 1")
    expect(_row(page, "median detection delay").nth(1)).to_have_text("30 s")
    expect(_row(page, "max detection delay").nth(1)).to_have_text("30 s")
    expect(box).to_contain_text("Episodes: the demo's input_drift switch, as recorded")


def test_the_panel_says_when_no_episode_is_known(page, server) -> None:
    page.goto(server.url + "/alerts")
    page.locator(f"#{ids.BACKTEST_RULE}").select_option("errors:warning")
    empty = page.locator(f"#{ids.BACKTEST_SUMMARY} .backtest-no-episodes")
    expect(empty).to_have_text("No error_burst episode of the demo with data in this range: no detection delay to show.")
    page.locator(f"#{ids.BACKTEST_RULE}").select_option("cpu:critical")
    expect(empty).to_have_text("This rule's metric watches no fault the demo injects: no detection delay to show.")
    expect(_row(page, "alerts per week").nth(1)).to_have_text(re.compile(r"^[0-9.e+]+$"))  # the host samples
