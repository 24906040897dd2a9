"""Predwatch settings: CLI flags over PREDWATCH_* environment variables over defaults.

This is the only module that reads the environment; everything else receives a Settings.
"""
from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

LOG_LEVELS = ("debug", "info", "warning", "error")


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

    @property
    def sample_delay(self) -> float:
        """How old the newest stored sample may normally be: one interval plus one writer flush."""
        return self.sample_interval + self.writer_flush_interval

    @property
    def model_path(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def data_dir(self) -> Path:
        return self.db.parent


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
}

# Fields whose default is None: the type their value is read as.
_OPTIONAL_TYPES: dict[str, type] = {"api_token": str, "models_dir": Path, "demo_drift_after": float,
                                    "demo_concept_drift_after": float, "demo_spike_after": float,
                                    "demo_error_burst_after": float}


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


def _from_env(environ: Mapping[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
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
    return s


def load_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, overridden by the environment, overridden by flags."""
    values = _from_env(os.environ if environ is None else environ)
    args = build_parser().parse_args([] if argv is None else list(argv))
    for name, value in vars(args).items():
        if value is not None:
            values[name] = tuple(value) if isinstance(value, list) else value
    return _validate(Settings(**values))
