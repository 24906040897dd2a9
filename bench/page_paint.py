"""Page paint under load: seconds from navigation until every visible chart of each of the 7 pages has
data or an empty-state sentence (a fresh tab's load, and following the navbar link from the page
before), with and without a CPU burner (four busy processes per core), and the
largest gap between two refreshes of a page while it is watched. Headless Debian Chromium through
Playwright, `python app.py` with the built-in demo at its default rate. Prints figures; asserts nothing.

    .venv/bin/python -m bench.page_paint [--rounds 3] [--refresh 1] [--watch 6] [--no-idle] [--second]
                                         [--baseline OTHER_CHECKOUT]

A fresh tab is measured twice: "load", a new tab in a browser that has loaded the dashboard before (its
cache holds the bundles: the usual case), and "cold", a browser with an empty cache (every bundle fetched
and compiled). With --baseline, a second Predwatch runs from another checkout and the two take turns, so
the ratio holds on a host whose load changes meanwhile.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.server import ROOT, Server
from dashboard.pages import PAGES
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.paint import burner, navigate_seconds, paint_seconds, refresh_gaps

Results = dict[str, tuple[list[float], list[float], float, float]]  # page -> loads, navs, largest gap, cold load
VIEWPORT = {"width": 1400, "height": 1000}


def _load(context: Any, server: Server, path: str, name: str) -> float:
    page = context.new_page()
    try:
        return paint_seconds(page, server.url + path, name, timeout_ms=60_000)
    finally:
        page.close()


def _cold(browser: Any, server: Server, path: str, name: str) -> float:
    """A fresh tab in a browser that has never seen the dashboard: every bundle fetched and compiled."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        return _load(context, server, path, name)
    finally:
        context.close()


def _turns(labels: list[str], round_: int) -> list[str]:
    """Who goes first alternates by round, so neither server always follows the other's work."""
    return labels if round_ % 2 == 0 else labels[::-1]


def run(servers: dict[str, Server], browser: Any, rounds: int, watch: float) -> dict[str, Results]:
    """Per server and page: fresh-tab paint times (a new tab in a browser that has the bundles cached), one
    cold load (empty cache), in-app navigation paint times, the largest refresh gap seen. Servers take turns
    page by page and round by round, so a change in the host's load falls on each alike."""
    labels = list(servers)
    contexts = {label: browser.new_context(viewport=VIEWPORT) for label in labels}
    results: dict[str, Results] = {label: {name: ([], [], 0.0, 0.0) for _, _, name in PAGES} for label in labels}
    try:
        for _, path, name in PAGES:
            for label in labels:
                loads, navs, gap, _ = results[label][name]
                results[label][name] = (loads, navs, gap, _cold(browser, servers[label], path, name))
            for round_ in range(rounds):
                for label in _turns(labels, round_):
                    results[label][name][0].append(_load(contexts[label], servers[label], path, name))
        pages = {label: contexts[label].new_page() for label in labels}
        for label in labels:
            paint_seconds(pages[label], servers[label].url + PAGES[-1][1], PAGES[-1][2], timeout_ms=60_000)
        for round_ in range(rounds):
            for _, path, name in PAGES:
                for label in _turns(labels, round_):
                    loads, navs, gap, cold = results[label][name]
                    navs.append(navigate_seconds(pages[label], path, name, timeout_ms=60_000))
                    if watch:
                        gap = max(gap, *refresh_gaps(pages[label], watch))
                    results[label][name] = (loads, navs, gap, cold)
        for page in pages.values():
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    return results


def report(label: str, results: dict[str, Results], watch: float) -> None:
    for server_label, per_page in results.items():
        print(f"-- {label}" + (f" [{server_label}]" if len(results) > 1 else ""))
        print(
            f"{'page':12} {'load median s':>13} {'load max s':>10} {'cold s':>6} {'nav median s':>12} {'nav max s':>9} "
            f"{'largest refresh gap s':>21}"
        )
        for name, (loads, navs, gap, cold) in per_page.items():
            print(
                f"{name:12} {statistics.median(loads):13.2f} {max(loads):10.2f} {cold:6.2f} {statistics.median(navs):12.2f} "
                f"{max(navs):9.2f} {(f'{gap:.2f}' if watch else '-'):>21}"
            )
    if len(results) == 2:
        (base_label, base), (label_now, now) = results.items()
        print(f"-- {label}: {base_label} / {label_now} (above 1: {label_now} paints sooner)")
        print(f"{'page':12} {'load median':>11} {'cold':>6} {'nav median':>10}")
        for name in now:
            ratio = [
                statistics.median(base[name][0]) / statistics.median(now[name][0]),
                base[name][3] / now[name][3],
                statistics.median(base[name][1]) / statistics.median(now[name][1]),
            ]
            print(f"{name:12} {ratio[0]:10.2f}x {ratio[1]:5.2f}x {ratio[2]:9.2f}x")


def _with_second(tmp: Path, servers: dict[str, Server], browser: Any, args: argparse.Namespace, budget: float) -> None:
    """The burner plus a second Predwatch with its own demo traffic, evaluation and collectors."""
    second = Server(tmp / "second.duckdb", "--demo", "--models-dir", str(tmp / "models")).wait_ready()
    try:
        with burner(seconds=budget) as pids:
            time.sleep(2)
            report(
                f"burner: {len(pids)} busy processes, and a second Predwatch with its demo",
                run(servers, browser, args.rounds, args.watch),
                args.watch,
            )
    finally:
        second.stop()


def _servers(tmp: Path, args: argparse.Namespace) -> dict[str, Server]:
    """This checkout's Predwatch, and with --baseline another checkout's beside it (each its own demo)."""
    roots = {"baseline": args.baseline, "this tree": ROOT} if args.baseline else {"this tree": ROOT}
    demo = ("--demo", "--models-dir", str(tmp / "models"), "--refresh-interval", str(args.refresh))
    servers: dict[str, Server] = {}
    try:
        for label, root in roots.items():
            servers[label] = Server(tmp / f"paint-{len(servers)}.duckdb", *demo, root=root).wait_ready()
    except Exception:
        for server in servers.values():
            server.stop()
        raise
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="navigations per page")
    parser.add_argument("--refresh", type=float, default=1.0, help="dashboard refresh interval, seconds")
    parser.add_argument("--watch", type=float, default=6.0, help="seconds each page is watched for refreshes")
    parser.add_argument("--no-idle", action="store_true", help="skip the run without the burner")
    parser.add_argument(
        "--second", action="store_true", help="also run with the burner plus a second Predwatch running its demo (goal: 10 s)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/base <commit>`) measured in turns with this one, and the ratio",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from predictor.models import load_or_train

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        load_or_train(Path(tmp) / "models")
        servers = _servers(Path(tmp), args)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            time.sleep(10)  # the demo's first minutes of traffic, evaluation and samples
            if not args.no_idle:
                report("no burner", run(servers, browser, args.rounds, args.watch), args.watch)
            budget = len(servers) * 7 * args.rounds * (args.watch + 40) + 30
            with burner(seconds=budget) as pids:
                time.sleep(2)
                report(f"burner: {len(pids)} busy processes", run(servers, browser, args.rounds, args.watch), args.watch)
            if args.second:
                _with_second(Path(tmp), servers, browser, args, budget)
        finally:
            browser.close()
            for server in servers.values():
                server.stop()
    print(
        f"goal: every page painted within 3 s under the burner (10 s with a second Predwatch); "
        f"refresh gap <= 3 x {args.refresh} s"
    )


if __name__ == "__main__":
    main()
