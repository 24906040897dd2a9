"""Settings: flags over environment over defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import Settings, SettingsError, load_settings


def test_defaults_match_the_documented_ones() -> None:
    s = load_settings([], {})
    assert s == Settings()
    assert (s.host, s.port, s.db, s.demo, s.sample_interval, s.api_token, s.log_level) == (
        "127.0.0.1",
        8050,
        Path("./var/predwatch.duckdb"),
        True,
        1.0,
        None,
        "info",
    )


def test_environment_overrides_defaults_and_flags_override_environment() -> None:
    env = {
        "PREDWATCH_PORT": "9000",
        "PREDWATCH_DEMO": "false",
        "PREDWATCH_WATCH_PROCESS": "postgres, nginx",
        "PREDWATCH_API_TOKEN": "secret",
        "PREDWATCH_SAMPLE_INTERVAL": "2.5",
    }
    s = load_settings([], env)
    assert (s.port, s.demo, s.watch_process, s.api_token, s.sample_interval) == (
        9000,
        False,
        ("postgres", "nginx"),
        "secret",
        2.5,
    )
    s = load_settings(["--port", "9100", "--demo", "--watch-process", "redis-server", "--db", "/tmp/x.duckdb"], env)
    assert (s.port, s.demo, s.watch_process, s.db) == (9100, True, ("redis-server",), Path("/tmp/x.duckdb"))


def test_no_demo_flag_and_repeatable_watch_process() -> None:
    s = load_settings(["--no-demo", "--watch-process", "a", "--watch-process", "b"], {})
    assert s.demo is False
    assert s.watch_process == ("a", "b")


@pytest.mark.parametrize(
    "env",
    [
        {"PREDWATCH_PORT": "eighty"},
        {"PREDWATCH_DEMO": "maybe"},
        {"PREDWATCH_PORT": "70000"},
        {"PREDWATCH_LOG_LEVEL": "loud"},
        {"PREDWATCH_SAMPLE_INTERVAL": "0"},
    ],
)
def test_bad_values_raise_a_settings_error_naming_the_problem(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load_settings([], env)


def test_bad_flag_exits_with_usage() -> None:
    with pytest.raises(SystemExit) as info:
        load_settings(["--port", "x"], {})
    assert info.value.code == 2
