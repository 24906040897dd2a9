"""Predwatch settings: CLI flags over PREDWATCH_* environment variables over defaults.

This is the only module that reads the environment; everything else receives a Settings.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

LOG_LEVELS = ("debug", "info", "warning", "error")
DASHBOARD_AUTH = ("off", "basic", "token")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8050
    db: Path = Path("./var/predwatch.duckdb")
    demo: bool = True
    sample_interval: float = 1.0
    api_token: str | None = None
    log_level: str = "info"
    watch_process: tuple[str, ...] = ()
    threads: int = 8
    refresh_interval: float = 2.0
    writer_queue_size: int = 100_000
    writer_flush_interval: float = 2.0
    models_dir: Path | None = None
    demo_rate: float = 20.0
    demo_drift_after: float | None = None
    demo_concept_drift_after: float | None = None
    demo_spike_after: float | None = None
    demo_error_burst_after: float | None = None
    predict_timeout: float = 1.0
    max_body_mb: float = 32.0
    metrics_cache_seconds: float = 3.0
    rules: Path | None = None
    alert_webhook: str | None = None
    alert_interval: float = 5.0
    repeat_interval: float = 14400.0
    db_stats_interval: float = 60.0
    quality_interval: float = 60.0
    quality_window: float = 900.0
    label_delay: float = 600.0
    watch_postgres: tuple[str, ...] = ()
    postgres_interval: float = 15.0
    postgres_timeout: float = 3.0
    eval_interval: float = 30.0
    eval_windows: tuple[str, ...] = ("15m", "24h")
    min_eval_samples: int = 200
    retention_system_hours: float = 48.0
    retention_predictions_days: float = 30.0
    retention_minute_days: float = 90.0
    retention_hour_days: float = 730.0
    retention_interval: float = 60.0
    prometheus_url: str | None = None
    prometheus_timeout: float = 3.0
    dashboard_auth: str | None = None
    dashboard_user: str | None = None
    dashboard_password: str | None = None
    health_cache_seconds: float = 1.0

    @property
    def sample_delay(self) -> float:
        """How old the newest stored sample may normally be: one interval plus one writer flush."""
        return self.sample_interval + self.writer_flush_interval

    @property
    def dashboard_auth_mode(self) -> str:
        """off | basic | token. Unset: off on a loopback address; otherwise basic when a user and password
        are set, else token when an API token is set, else basic with no credentials (everyone refused)."""
        if self.dashboard_auth is not None:
            return self.dashboard_auth
        if self.host in LOCAL_HOSTS:
            return "off"
        return "token" if self.api_token and not self.dashboard_password else "basic"

    @property
    def model_path(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def data_dir(self) -> Path:
        return self.db.parent

    @property
    def postgres_targets(self) -> list[tuple[str, str]]:
        """(name, DSN) of each --watch-postgres NAME=DSN; an unnamed DSN is named target1, target2..."""
        return [postgres_target(spec, i) for i, spec in enumerate(self.watch_postgres, 1)]

    @property
    def eval_window_seconds(self) -> dict[str, int]:
        """Each --eval-windows value ("15m", "24h", "90s", "3600") and its length in seconds."""
        return {label: duration_seconds(label) for label in self.eval_windows}


_DURATION = re.compile(r"([0-9]{1,12})([smhd]?)")  # matched whole: ASCII digits (int() takes any script's), no final newline


def duration_seconds(text: str) -> int:
    match = _DURATION.fullmatch(text.strip())
    if not match or int(match.group(1)) <= 0:
        raise SettingsError(f"{text!r} is not a duration such as 90s, 15m, 24h or 7d")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


_TARGET_NAME = re.compile(r"([A-Za-z][A-Za-z0-9_.-]{0,39})=(.+)")
_LIBPQ_KEYS = {"host", "hostaddr", "port", "dbname", "user", "password", "service", "sslmode", "options"}


def postgres_target(spec: str, number: int) -> tuple[str, str]:
    match = _TARGET_NAME.fullmatch(spec.strip())
    if match and match.group(1) not in _LIBPQ_KEYS:
        return match.group(1), match.group(2).strip()
    return f"target{number}", spec.strip()


# flag -> (field, help). The environment variable is PREDWATCH_<FIELD upper>.
_HELP = {
    "host": "address to listen on",
    "port": "port to listen on",
    "db": "DuckDB database file",
    "demo": "run the built-in prediction workload (--no-demo turns it off)",
    "sample_interval": "seconds between system samples",
    "api_token": "bearer token required by write routes (none: open)",
    "log_level": "log level: " + ", ".join(LOG_LEVELS),
    "watch_process": "process name to watch (repeatable; env: comma-separated)",
    "threads": "waitress worker threads",
    "refresh_interval": "dashboard refresh interval in seconds",
    "writer_queue_size": "rows the writer queue holds before it drops (and counts) new ones",
    "writer_flush_interval": "seconds between writer flushes",
    "models_dir": "where the built-in models are saved (default: DB folder/models)",
    "demo_rate": "built-in workload requests per second (before its daily shape and bursts)",
    "demo_drift_after": "turn on the demo's input drift this many seconds after start",
    "demo_concept_drift_after": "turn on the demo's concept drift this many seconds after start",
    "demo_spike_after": "turn on the demo's load spike this many seconds after start",
    "demo_error_burst_after": "turn on the demo's error burst this many seconds after start",
    "predict_timeout": "seconds after which a prediction counts as a timeout error",
    "max_body_mb": "largest request body accepted, in MB (413 beyond)",
    "metrics_cache_seconds": "how long /api/performance_metrics reuses a computed answer",
    "rules": "alert rules TOML file laid over the shipped defaults (see data/default_alert_rules.toml)",
    "alert_webhook": "URL that receives alert notifications (Alertmanager webhook JSON)",
    "alert_interval": "seconds between alert rule evaluations",
    "repeat_interval": "seconds before a still-firing alert is notified again",
    "db_stats_interval": "seconds between samples of the store's own health and query statistics",
    "quality_interval": "seconds between data-quality check runs",
    "quality_window": "seconds of recently received data each data-quality run checks",
    "label_delay": "seconds within which outcomes are expected (later ones count as overdue)",
    "watch_postgres": "PostgreSQL to watch, as NAME=DSN (repeatable; env: comma-separated)",
    "postgres_interval": "seconds between polls of each watched PostgreSQL",
    "postgres_timeout": "connect and statement timeout of each PostgreSQL poll, seconds",
    "eval_interval": "seconds between model quality and drift evaluations",
    "eval_windows": "look-back window of each evaluation, e.g. 15m (repeatable; env: comma-separated)",
    "min_eval_samples": "fewest rows a quality figure or drift verdict is computed from",
    "retention_system_hours": "hours raw system, disk, process and service samples are kept (rollups keep the rest)",
    "retention_predictions_days": "days raw predictions, their features and outcomes are kept",
    "retention_minute_days": "days per-minute rollups are kept",
    "retention_hour_days": "days per-hour rollups are kept",
    "retention_interval": "seconds between retention passes (rollup maintenance, deletes, checkpoint)",
    "prometheus_url": "Prometheus server whose scraped Predwatch instances the fleet views show (none: no fleet view)",
    "prometheus_timeout": "timeout of each Prometheus HTTP API query, seconds",
    "dashboard_auth": "protect the dashboard: off, basic or token (default: off on 127.0.0.1/localhost, on otherwise)",
    "dashboard_user": "user name of the dashboard's basic auth",
    "dashboard_password": "password of the dashboard's basic auth",
    "health_cache_seconds": "how long the Overview and /api/system_health reuse one health report (0: computed on every request)",
}

# Fields whose default is None: the type their value is read as.
_OPTIONAL_TYPES: dict[str, type] = {
    "api_token": str,
    "models_dir": Path,
    "demo_drift_after": float,
    "demo_concept_drift_after": float,
    "demo_spike_after": float,
    "demo_error_burst_after": float,
    "rules": Path,
    "alert_webhook": str,
    "dashboard_auth": str,
    "dashboard_user": str,
    "dashboard_password": str,
    "prometheus_url": str,
}


def env_name(field_name: str) -> str:
    return "PREDWATCH_" + field_name.upper()


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _convert(name: str, raw: str, default: object) -> object:
    kind = type(default) if default is not None else _OPTIONAL_TYPES.get(name, str)
    try:
        if kind is bool:
            low = raw.strip().lower()
            if low not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                raise ValueError(raw)
            return low in {"1", "true", "yes", "on"}
        if kind is tuple:
            return tuple(p.strip() for p in raw.split(",") if p.strip())
        return kind(raw)
    except ValueError as exc:
        raise SettingsError(f"{env_name(name)}={raw!r} is not a valid {kind.__name__}") from exc


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Each set variable converted to its field's type (by _convert), so the values fit Settings(**values)."""
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(env_name(f.name))
        if raw is not None and raw != "":
            values[f.name] = _convert(f.name, raw, f.default)
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Predwatch: ML prediction service monitor")
    for f in fields(Settings):
        flag = "--" + f.name.replace("_", "-")
        help_text = f"{_HELP[f.name]} (env {env_name(f.name)}, default {f.default!r})"
        if isinstance(f.default, bool):
            parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif isinstance(f.default, tuple):
            parser.add_argument(flag, dest=f.name, action="append", default=None, help=help_text)
        else:
            kind = type(f.default) if f.default is not None else _OPTIONAL_TYPES.get(f.name, str)
            parser.add_argument(flag, dest=f.name, type=kind, default=None, help=help_text)
    return parser


def _validate(s: Settings) -> Settings:
    if not 0 < s.port < 65536:
        raise SettingsError(f"port {s.port} is outside 1..65535")
    if s.sample_interval < 0.05:
        raise SettingsError(f"sample interval {s.sample_interval} s is below 0.05 s")
    if s.log_level not in LOG_LEVELS:
        raise SettingsError(f"log level {s.log_level!r} is not one of {', '.join(LOG_LEVELS)}")
    if s.threads < 1 or s.writer_queue_size < 1:
        raise SettingsError("threads and writer queue size must be at least 1")
    if s.refresh_interval < 0.2 or s.writer_flush_interval <= 0:
        raise SettingsError("refresh interval must be >= 0.2 s and flush interval > 0")
    if s.demo_rate < 0 or s.predict_timeout <= 0 or s.max_body_mb <= 0 or s.metrics_cache_seconds < 0:
        raise SettingsError("demo rate, predict timeout, body size and cache time must be positive")
    if s.alert_interval < 0.1 or s.repeat_interval <= 0:
        raise SettingsError("alert interval must be >= 0.1 s and repeat interval > 0")
    if min(s.db_stats_interval, s.quality_interval, s.quality_window, s.postgres_interval) < 0.05:
        raise SettingsError("database, quality and PostgreSQL intervals must be at least 0.05 s")
    if s.label_delay < 0 or not 0.1 <= s.postgres_timeout <= 60:
        raise SettingsError("label delay must be >= 0 and the PostgreSQL timeout 0.1..60 s")
    if any(not dsn for _, dsn in s.postgres_targets):
        raise SettingsError("--watch-postgres needs NAME=DSN with a DSN")
    if s.eval_interval < 0.1 or s.min_eval_samples < 1 or not s.eval_window_seconds:
        raise SettingsError("eval interval must be >= 0.1 s, min eval samples >= 1, and one eval window given")
    if (
        min(s.retention_system_hours, s.retention_predictions_days, s.retention_minute_days, s.retention_hour_days) <= 0
        or s.retention_interval < 1
    ):
        raise SettingsError("retention periods must be positive and the retention interval at least 1 s")
    if s.dashboard_auth is not None and s.dashboard_auth not in DASHBOARD_AUTH:
        raise SettingsError(f"dashboard auth {s.dashboard_auth!r} is not one of {', '.join(DASHBOARD_AUTH)}")
    if s.health_cache_seconds < 0:
        raise SettingsError("health cache time must not be negative")
    return s


def load_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, overridden by the environment, overridden by flags."""
    values = _from_env(os.environ if environ is None else environ)
    args = build_parser().parse_args([] if argv is None else list(argv))
    for name, value in vars(args).items():
        if value is not None:
            values[name] = tuple(value) if isinstance(value, list) else value
    return _validate(Settings(**values))
