"""Predwatch: one process serving the dashboard, the JSON API and /metrics from DuckDB.

`create_app(settings)` builds everything and starts nothing; `main()` starts and serves it.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dash
from flask import Flask

import api
import callbacks
from analytics.alert_rules import RulesError
from api import compression
from api.security import allow_inline_scripts
from cli import COMMANDS
from collectors.alerting import alerting_collector
from collectors.database import database_collectors
from collectors.evaluation import evaluation_collector
from collectors.prometheus import prometheus_probe
from collectors.retention import RetentionCollector
from collectors.runner import Collector, CollectorRunner
from collectors.service import ServiceCollector
from collectors.system import SystemCollector
from dashboard.layout import shell
from dashboard.pages import PAGES
from dashboard.theme import use_template
from data.alert_rules_source import RulesFileError
from data.connection import StoreLockedError
from data.file_check import DatabaseFileError
from data.retention import RetentionPolicy
from predictor.demo import DemoControls
from predictor.models import CHALLENGER, CHAMPION, BuiltInModels
from predictor.service import PredictionService
from predictor.workload import WorkloadCollector
from runtime.runtime import Runtime
from settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent
log = logging.getLogger("predwatch")


@dataclass
class Service:
    """The running parts of one app: the writer thread and the collector threads."""

    runtime: Runtime
    runner: CollectorRunner
    started: bool = False

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        self.runtime.writer.start()
        self.runner.start()

    def stop(self) -> None:
        """Collectors stop first, then the writer flushes what they queued, then the store closes."""
        self.runner.stop()
        self.runtime.writer.stop()
        self.runtime.store.close()
        self.started = False


class PredwatchApp(dash.Dash):
    """The Dash app with its `predwatch` (the runtime and the collectors) to start and stop."""

    predwatch: Service


def _dash_app(server: Flask, refresh_interval: float) -> PredwatchApp:
    app = PredwatchApp(
        __name__,
        server=server,  # type: ignore[arg-type]  # dash types `server` as bool or a callable; it documents a Flask instance
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        assets_path_ignore=["lazy"],  # served, not listed in the page: loaded when needed (assets/plotly-bundle.js)
        title="Predwatch",
        update_title=None,  # type: ignore[arg-type]  # dash types it str; its docs say None keeps the tab title still
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    for order, (module, path, name) in enumerate(PAGES):
        dash.register_page(module, path=path, name=name, order=order, layout=importlib.import_module(module).layout)
    app.layout = shell([(name, path) for _, path, name in PAGES], refresh_interval)
    use_template()
    return app


def _demo_controls(settings: Settings) -> DemoControls | None:
    if not settings.demo:
        return None
    schedule = {
        "input_drift": settings.demo_drift_after,
        "concept_drift": settings.demo_concept_drift_after,
        "load_spike": settings.demo_spike_after,
        "error_burst": settings.demo_error_burst_after,
    }
    return DemoControls(scheduled={k: v for k, v in schedule.items() if v is not None})


def _collectors(
    settings: Settings, runtime: Runtime, service: PredictionService, controls: DemoControls | None
) -> list[Collector]:
    """Every background collector of one app, in start order."""
    found: list[Collector] = [
        SystemCollector(settings.sample_interval, settings.watch_process),
        ServiceCollector(runtime.telemetry.predictions, len(service.models), settings.sample_interval),
    ]
    if controls is not None:
        found.append(
            WorkloadCollector(service, controls, settings.demo_rate, challenger=CHALLENGER, models_dir=settings.model_path)
        )
    found.extend(database_collectors(settings, runtime.store, runtime.writer, runtime.databases, runtime.telemetry))
    found.append(alerting_collector(settings, runtime.rules, runtime.store, runtime.telemetry))
    found.append(
        evaluation_collector(settings, runtime.store, runtime.writer, runtime.telemetry.quality, runtime.answers, service.models)
    )
    probe = prometheus_probe(settings.prometheus_url, settings.prometheus_timeout, runtime.board)
    if probe is not None:
        found.append(probe)
    found.append(RetentionCollector(runtime.store, RetentionPolicy.from_settings(settings), settings.retention_interval))
    return found


def create_app(settings: Settings) -> PredwatchApp:
    """Build one Predwatch app on `settings.db`; `app.predwatch.start()` starts its threads."""
    runtime = Runtime.open(settings)
    try:
        models = BuiltInModels(settings.model_path)  # loaded on first use: --no-demo may never need them
        if settings.demo:
            models.load()  # the workload predicts at once: load now, not on its first request
    except Exception:
        runtime.store.close()
        raise
    service = PredictionService(
        models, runtime.writer, runtime.telemetry.predictions, CHAMPION, timeout_seconds=settings.predict_timeout
    )
    controls = _demo_controls(settings)
    runner = CollectorRunner(runtime.writer, runtime.telemetry, runtime.board)
    try:
        for collector in _collectors(settings, runtime, service, controls):
            runner.add(collector)
    except Exception:  # a bad rules file: close the store before reporting it
        runtime.store.close()
        raise
    server = Flask(__name__)
    api.register(server, runtime, service, controls)
    compression.register(server)  # the dashboard's bundles gzip-encoded and cached by fingerprint
    app = _dash_app(server, settings.refresh_interval)
    callbacks.register_all(app, runtime, controls)
    allow_inline_scripts(server, app.csp_hashes)
    app.predwatch = Service(runtime, runner)
    return app


def _raise_interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


# Slow clients (README, Reliability): until its request is complete a connection costs waitress a socket and a
# small buffer, not a thread, so many are allowed (the default 100 let 200 slow sockets lock everyone out);
# an idle one is closed after 30 s, checked every 5 s; poll() because select() cannot watch fds above 1024.
CONNECTION_LIMIT = 2000
SERVER_LIMITS: dict[str, Any] = {  # waitress adjustments, given to create_server by keyword
    "channel_timeout": 30,
    "cleanup_interval": 5,
    "backlog": 2048,
    "asyncore_use_poll": True,
    "max_request_header_size": 32 * 1024,
}  # 2000 connections x 32 KiB of headers: at most 64 MB


def _connection_limit(wanted: int = CONNECTION_LIMIT) -> int:
    """Raise the open-files limit to fit `wanted` connections (each may take up to 3 fds) when the hard
    limit allows; otherwise allow what the limit fits."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted * 3 + 256
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else max(100, min(wanted, (soft - 256) // 3))


def serve(app: PredwatchApp, settings: Settings) -> int:
    from waitress.server import create_server

    try:
        server = create_server(
            app.server,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            ident="predwatch",
            connection_limit=_connection_limit(),
            **SERVER_LIMITS,
            # refuse an oversized body from its Content-Length, before buffering it
            max_request_body_size=int(settings.max_body_mb * 1024 * 1024),
        )
    except OSError as exc:
        app.predwatch.stop()
        print(f"predwatch: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    app.predwatch.start()
    log.info("Predwatch on http://%s:%d (database %s)", settings.host, settings.port, settings.db)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        log.info("shutting down: stopping collectors, flushing the writer, closing the database")
        server.close()
        app.predwatch.stop()
    log.info("stopped cleanly")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        return COMMANDS[args[0]](args[1:])
    try:
        settings = load_settings(args)
    except SettingsError as exc:
        print(f"predwatch: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app(settings)
    except (StoreLockedError, DatabaseFileError, RulesError, RulesFileError) as exc:
        print(f"predwatch: {exc}", file=sys.stderr)
        return 2
    return serve(app, settings)


if __name__ == "__main__":
    sys.exit(main())
