"""Pure builders for the tables of the Overview and System pages."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from dash import html

from dashboard.components import simple_table, status_badge
from dashboard.format import bytes_text, percent_text


def process_table(processes: Sequence[Mapping[str, Any]]) -> html.Div:
    rows = [
        (
            p["name"],
            status_badge("ok" if p["up"] else "critical", "up" if p["up"] else "down"),
            p["pid"] if p["pid"] is not None else "–",
            percent_text(p["cpu_percent"]),
            bytes_text(p["rss_bytes"]),
            p["threads"] if p["threads"] is not None else "–",
            p["open_files"] if p["open_files"] is not None else "–",
        )
        for p in processes
    ]
    return simple_table(
        ["process", "state", "pid", "CPU", "RSS", "threads", "open fds"],
        rows,
        "No process samples yet: the system collector records Predwatch itself and every --watch-process name each interval.",
    )


def disk_table(disks: Sequence[Mapping[Hashable, Any]]) -> html.Div:
    rows = [
        (d["mountpoint"], d["device"], bytes_text(d["used_bytes"]), bytes_text(d["total_bytes"]), percent_text(d["used_percent"]))
        for d in disks
    ]
    return simple_table(["mount", "device", "used", "size", "use"], rows, "No filesystems sampled yet.")


def _component_detail(name: str, info: Mapping[str, Any]) -> str:
    if name == "writer":
        return (
            f"queue {info['queue_length']} / {info['capacity']}, {info['rows_written']} rows written, {info['dropped']} dropped"
        )
    if name == "store":
        size = bytes_text(info.get("size_bytes")) if info.get("size_bytes") is not None else "–"
        return f"{info['path']} ({size})"
    if name == "postgres":
        targets = info.get("by_target") or {}
        return f"{sum(1 for t in targets.values() if t.get('up'))} of {len(targets)} watched servers up"
    return f"last success {info.get('last_success') or 'never'}"


def component_table(components: Mapping[str, Mapping[str, Any]]) -> html.Div:
    rows = [
        (name, status_badge(info["status"]), _component_detail(name, info), info.get("error") or "")
        for name, info in components.items()
        if name != "processes"
    ]
    return simple_table(["component", "status", "detail", "error"], rows, "No components reported yet.")
