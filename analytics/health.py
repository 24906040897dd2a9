"""Assemble the health report of /api/system_health and the Overview page from plain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analytics.thresholds import Levels, classify_metric, worst

# A component that has not run yet is not a problem; one that stopped while serving is.
_COMPONENT_LEVEL = {"starting": "ok", "ok": "ok", "warning": "warning", "critical": "critical", "stopped": "warning"}


RESOURCE_METRICS = {"cpu": "cpu_percent", "memory": "memory_percent", "disk": "disk_used_percent"}


def resource_report(sample: Mapping[str, Any] | None, levels: Mapping[str, Levels]) -> dict[str, dict[str, Any]]:
    """cpu, memory and disk percent, each with its status against the rules' levels ('unknown' before the
    first sample)."""
    sample = sample or {}
    return {
        name: {"percent": sample.get(metric), "status": classify_metric(sample.get(metric), metric, levels)}
        for name, metric in RESOURCE_METRICS.items()
    }


def freshness_status(age_seconds: float | None, interval: float) -> tuple[str, str | None]:
    """Samples older than 5 intervals are stale (warning), older than 30 critical."""
    if age_seconds is None:
        return "ok", None
    if age_seconds > 30 * interval:
        return "critical", f"last sample {age_seconds:.0f} s ago"
    if age_seconds > 5 * interval:
        return "warning", f"last sample {age_seconds:.0f} s ago"
    return "ok", None


def overall_status(
    resources: Mapping[str, Mapping[str, Any]],
    components: Mapping[str, Mapping[str, Any]],
    processes: Sequence[Mapping[str, Any]],
) -> str:
    levels = [r["status"] for r in resources.values() if r["status"] != "unknown"]
    levels += [_COMPONENT_LEVEL.get(c.get("status", "ok"), "warning") for c in components.values()]
    levels += ["critical" for p in processes if not p.get("up")]
    return worst(levels)


def _iso(value: Any) -> Any:
    """Datetimes (naive UTC) as ISO 8601 with Z; other values as they are."""
    if hasattr(value, "isoformat") and hasattr(value, "hour"):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, float) and value != value:
        return None
    return value


def _collector_summary(collectors: Mapping[str, Mapping[str, Any]], sample_age: float | None, interval: float) -> dict[str, Any]:
    fresh, why = freshness_status(sample_age, interval)
    levels = [_COMPONENT_LEVEL.get(c["status"], "warning") for c in collectors.values()] + [fresh]
    errors = [c["error"] for c in collectors.values() if c.get("error")] + ([why] if why else [])
    successes = [c["last_success"] for c in collectors.values() if c.get("last_success")]
    return {
        "status": worst(levels),
        "last_success": _iso(min(successes)) if successes else None,
        "error": "; ".join(errors) or None,
        "by_name": {name: {k: _iso(v) for k, v in c.items()} for name, c in collectors.items()},
    }


def postgres_summary(targets: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Watched PostgreSQL servers: a warning while any is unreachable (the service under watch has a problem,
    Predwatch itself keeps working), ok again at the first poll that answers."""
    down = {name: t for name, t in targets.items() if not t.get("up")}
    return {
        "status": "warning" if down else "ok",
        "error": "; ".join(f"{name}: {t.get('error') or 'down'}" for name, t in sorted(down.items())) or None,
        "by_target": {name: dict(t) for name, t in sorted(targets.items())},
    }


def build_report(inputs: Mapping[str, Any], now: Any, interval: float, levels: Mapping[str, Levels]) -> dict[str, Any]:
    """The /api/system_health document from `runtime.health_inputs.health_inputs` values."""
    sample = inputs["sample"]
    age = (now - sample["ts"]).total_seconds() if sample else None
    resources = resource_report(sample, levels)
    if sample:
        resources["cpu"]["per_core"] = sample.get("cpu_per_core_percent")
        resources["cpu"]["load_1m"] = sample.get("load_1m")
        resources["memory"].update(used_bytes=sample.get("memory_used_bytes"), total_bytes=sample.get("memory_total_bytes"))
    processes = [{k: _iso(v) for k, v in p.items()} for p in inputs["processes"]]
    components: dict[str, Any] = {
        "collector": _collector_summary(inputs["collectors"], age, interval),
        "store": {k: _iso(v) for k, v in inputs["store"].items()},
        "writer": {k: _iso(v) for k, v in inputs["writer"].items()},
    }
    if inputs.get("postgres"):
        components["postgres"] = postgres_summary(inputs["postgres"])
    status = overall_status(resources, components, processes)
    # Firing alerts raise the status to their severity (a rule held for its duration outranks a spike).
    firing = [{k: _iso(v) for k, v in a.items()} for a in inputs.get("alerts", ())]
    status = worst([status, *(a["severity"] for a in firing)])
    components["processes"] = processes
    return {
        "status": status,
        "timestamp": _iso(now),
        "sample_timestamp": _iso(sample["ts"]) if sample else None,
        "resources": resources,
        "components": components,
        "alerts": {"firing": firing, "count": len(firing)},
    }
