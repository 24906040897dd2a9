"""Figure builders: traces, axes with units, empty states, zoom kept across refreshes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from dashboard import figures
from dashboard.format import bytes_text, percent_text
from tests.unit.dashboard.figure_checks import assert_valid

T0 = datetime(2026, 11, 27, 12, 0, 0)


def system_frame(n: int = 5) -> pd.DataFrame:
    ts = [T0 + timedelta(seconds=i) for i in range(n)]
    return pd.DataFrame(
        {
            "ts": ts,
            "cpu_percent": [10.0 + i for i in range(n)],
            "memory_percent": [50.0] * n,
            "swap_percent": [0.0] * n,
            "disk_read_bytes_per_second": [1e6] * n,
            "disk_write_bytes_per_second": [2e6] * n,
        }
    )


def test_cpu_figure_has_total_and_one_trace_per_core() -> None:
    system = system_frame()
    cores = pd.DataFrame({"ts": list(system["ts"]) * 2, "core": [0] * 5 + [1] * 5, "cpu_percent": [1.0] * 10})
    fig = figures.make_cpu_figure(system, cores, revision="15m")
    assert [t.name for t in fig.data] == ["total", "core 0", "core 1"]
    assert list(fig.data[0].y) == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert fig.layout.yaxis.title.text == "%"
    assert tuple(fig.layout.yaxis.range) == (0, 100)
    assert fig.layout.xaxis.title.text == "time (UTC)"
    assert fig.layout.uirevision == "15m"
    sent = assert_valid(fig)
    assert list(sent["data"][1]["x"][:2]) == ["2026-11-27T12:00:00", "2026-11-27T12:00:01"]  # ISO text, not Timestamps


def test_rate_figure_uses_byte_units() -> None:
    fig = figures.make_rate_figure(
        system_frame(), "Disk I/O", {"disk_read_bytes_per_second": "read", "disk_write_bytes_per_second": "write"}
    )
    assert [t.name for t in fig.data] == ["read", "write"]
    assert fig.layout.yaxis.ticksuffix == "B/s"
    assert_valid(fig)


def test_memory_and_disk_figures_are_valid() -> None:
    memory = figures.make_memory_figure(system_frame(), "1h")
    assert [t.name for t in memory.data] == ["memory used", "swap used"]
    assert memory.data[0].fill == "tozeroy"
    disks = pd.DataFrame(
        {"ts": [T0, T0, T0 + timedelta(seconds=1)], "mountpoint": ["/", "/data", "/"], "used_percent": [40.0, 70.0, 41.0]}
    )
    disk = figures.make_disk_figure(disks, "1h")
    assert [t.name for t in disk.data] == ["/", "/data"]
    assert list(disk.data[0].y) == [40.0, 41.0]
    for fig in (memory, disk):
        assert fig.layout.yaxis.title.text == "%"
        assert fig.layout.uirevision == "1h"
        assert_valid(fig)


def test_empty_frames_give_an_explained_empty_state() -> None:
    empty = pd.DataFrame()
    for fig in (
        figures.make_cpu_figure(empty, empty),
        figures.make_memory_figure(empty),
        figures.make_disk_figure(empty),
        figures.make_rate_figure(empty, "Network", {}),
    ):
        assert not fig.data
        assert "No" in fig.layout.annotations[0].text
        assert fig.layout.xaxis.visible is False
        assert_valid(fig)


def test_formatting() -> None:
    assert bytes_text(512) == "512 B"
    assert bytes_text(1536) == "1.5 KiB"
    assert bytes_text(3 * 1024**3) == "3.0 GiB"
    assert bytes_text(None) == "–"
    assert percent_text(12.345) == "12.3 %"
    assert percent_text(float("nan")) == "–"
