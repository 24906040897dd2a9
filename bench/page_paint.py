"""Page paint under load: seconds from navigation until every visible chart of each of the 7 pages has
data or an empty-state sentence (a fresh tab's load, and following the navbar link from the page
before), with and without a CPU burner (four busy processes per core), and the
largest gap between two refreshes of a page while it is watched. Headless Debian Chromium through
Playwright, `python app.py` with the built-in demo at its default rate. Prints figures; asserts nothing.

    .venv/bin/python -m bench.page_paint [--rounds 3] [--refresh 1] [--watch 6] [--no-idle] [--second]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.server import Server
from dashboard.pages import PAGES
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.paint import burner, navigate_seconds, paint_seconds, refresh_gaps

Results = dict[str, tuple[list[float], list[float], float]]


def run(server: Server, browser: object, rounds: int, watch: float) -> Results:
    """Per page: fresh-load paint times, in-app navigation paint times, the largest refresh gap seen."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    results: Results = {name: ([], [], 0.0) for _, _, name in PAGES}
    try:
        for _, path, name in PAGES:
            for _ in range(rounds):
                page = context.new_page()
                try:
                    results[name][0].append(paint_seconds(page, server.url + path, name, timeout_ms=60_000))
                finally:
                    page.close()
        page = context.new_page()
        paint_seconds(page, server.url + PAGES[-1][1], PAGES[-1][2], timeout_ms=60_000)
        for _ in range(rounds):
            for _, path, name in PAGES:
                loads, navs, gap = results[name]
                navs.append(navigate_seconds(page, path, name, timeout_ms=60_000))
                if watch:
                    gap = max(gap, *refresh_gaps(page, watch))
                results[name] = (loads, navs, gap)
        page.close()
    finally:
        context.close()
    return results


def report(label: str, results: Results, watch: float) -> None:
    print(f"-- {label}")
    print(
        f"{'page':12} {'load median s':>13} {'load max s':>10} {'nav median s':>12} {'nav max s':>9} "
        f"{'largest refresh gap s':>21}"
    )
    for name, (loads, navs, gap) in results.items():
        print(
            f"{name:12} {statistics.median(loads):13.2f} {max(loads):10.2f} {statistics.median(navs):12.2f} "
            f"{max(navs):9.2f} {(f'{gap:.2f}' if watch else '-'):>21}"
        )


def _with_second(tmp: Path, server: Server, browser: object, args: argparse.Namespace, budget: float) -> None:
    """The burner plus a second Predwatch with its own demo traffic, evaluation and collectors."""
    second = Server(tmp / "second.duckdb", "--demo", "--models-dir", str(tmp / "models")).wait_ready()
    try:
        with burner(seconds=budget) as pids:
            time.sleep(2)
            report(
                f"burner: {len(pids)} busy processes, and a second Predwatch with its demo",
                run(server, browser, args.rounds, args.watch),
                args.watch,
            )
    finally:
        second.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="navigations per page")
    parser.add_argument("--refresh", type=float, default=1.0, help="dashboard refresh interval, seconds")
    parser.add_argument("--watch", type=float, default=6.0, help="seconds each page is watched for refreshes")
    parser.add_argument("--no-idle", action="store_true", help="skip the run without the burner")
    parser.add_argument(
        "--second", action="store_true", help="also run with the burner plus a second Predwatch running its demo (goal: 10 s)"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from predictor.models import load_or_train

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        load_or_train(Path(tmp) / "models")
        server = Server(
            Path(tmp) / "paint.duckdb",
            "--demo",
            "--models-dir",
            str(Path(tmp) / "models"),
            "--refresh-interval",
            str(args.refresh),
        ).wait_ready()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            time.sleep(10)  # the demo's first minutes of traffic, evaluation and samples
            if not args.no_idle:
                report("no burner", run(server, browser, args.rounds, args.watch), args.watch)
            budget = 7 * args.rounds * (args.watch + 40) + 30
            with burner(seconds=budget) as pids:
                time.sleep(2)
                report(f"burner: {len(pids)} busy processes", run(server, browser, args.rounds, args.watch), args.watch)
            if args.second:
                _with_second(Path(tmp), server, browser, args, budget)
        finally:
            browser.close()
            server.stop()
    print(
        f"goal: every page painted within 3 s under the burner (10 s with a second Predwatch); "
        f"refresh gap <= 3 x {args.refresh} s"
    )


if __name__ == "__main__":
    main()
