"""Webhook notifications in Alertmanager's webhook format (version 4), so a receiver written for
Alertmanager works unchanged. Sent on firing and on resolve, once per transition, retried with
exponential backoff, and repeated for a still-firing alert only after `repeat_interval`.

Deliveries are attempted from the alerting collector's pass (`deliver(now)`), so the clock is
injected and no extra thread is needed; each attempt is bounded by a short timeout.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

log = logging.getLogger(__name__)
ZERO_TIME = "0001-01-01T00:00:00Z"  # Alertmanager's endsAt for an alert still firing
Sender = Callable[[str, bytes, float], int]


def _iso(value: datetime | None) -> str:
    return ZERO_TIME if value is None else value.isoformat(timespec="milliseconds") + "Z"


GROUP_BY = ("alertname", "instance")  # deploy/alertmanager.yml's route group_by


def route_key(labels: Mapping[str, str]) -> str:
    """The key of the deploy/alertmanager.yml route an alert takes, as Alertmanager writes it (each
    route's matchers under its parent's, `/` between): critical alerts take the child route."""
    return '{}/{severity="critical"}' if labels.get("severity") == "critical" else "{}"


def _fnv_add(h: int, data: bytes) -> int:
    for byte in data:
        h = ((h ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanager's fingerprint: FNV-1a 64 over the sorted label names and values, each followed by a
    0xff separator (prometheus/common model.LabelSet.Fingerprint), as 16 hex digits."""
    h = 14695981039346656037
    for name in sorted(labels):
        h = _fnv_add(_fnv_add(_fnv_add(h, name.encode()), b"\xff"), str(labels[name]).encode())
        h = _fnv_add(h, b"\xff")
    return f"{h:016x}"


def label_set_text(labels: Mapping[str, str]) -> str:
    """A label set as Go's model.LabelSet.String() prints it: {a="x", b="y"}, names sorted."""
    return "{" + ", ".join(sorted(f"{k}={json.dumps(str(v))}" for k, v in labels.items())) + "}"


def payload(
    alert: Mapping[str, Any], status: str, labels: Mapping[str, str], annotations: Mapping[str, str], external_url: str = ""
) -> dict[str, Any]:
    """One alert as Alertmanager's webhook body (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config);
    groupKey as Alertmanager builds it for deploy/alertmanager.yml: the route's key, `:`, the group_by labels."""
    labels, annotations = dict(labels), dict(annotations)
    item = {
        "status": status,
        "labels": labels,
        "annotations": annotations,
        "startsAt": _iso(alert.get("fired_at")),
        "endsAt": _iso(alert.get("resolved_at") if status == "resolved" else None),
        "generatorURL": f"{external_url}/alerts",
        "fingerprint": fingerprint(labels),
    }
    group = {k: labels[k] for k in GROUP_BY if k in labels}
    return {
        "version": "4",
        "groupKey": f"{route_key(labels)}:{label_set_text(group)}",
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "predwatch",
        "groupLabels": group,
        "commonLabels": labels,
        "commonAnnotations": annotations,
        "externalURL": external_url,
        "alerts": [item],
    }


def post_json(url: str, body: bytes, timeout: float) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the operator's URL)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass
class Delivery:
    alert_id: str
    status: str  # firing | resolved
    body: bytes
    attempts: int = 0
    next_at: datetime | None = None


class WebhookNotifier:
    def __init__(
        self,
        url: str,
        timeout_seconds: float = 3.0,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 300.0,
        max_attempts: int = 10,
        per_pass: int = 10,
        external_url: str = "",
        send: Sender = post_json,
    ) -> None:
        self.url, self.timeout, self.external_url, self.send = url, timeout_seconds, external_url, send
        self.backoff, self.max_backoff, self.max_attempts, self.per_pass = (
            backoff_seconds,
            max_backoff_seconds,
            max_attempts,
            per_pass,
        )
        self.outbox: dict[tuple[str, str], Delivery] = {}
        self.sent = 0
        self.failed = 0

    def enqueue(self, alert: Mapping[str, Any], status: str, labels: Mapping[str, str], annotations: Mapping[str, str]) -> bool:
        """Queue one notification; a transition already queued is not queued twice."""
        key = (str(alert["id"]), status)
        if key in self.outbox:
            return False
        body = json.dumps(payload(alert, status, labels, annotations, self.external_url), default=str).encode()
        self.outbox[key] = Delivery(key[0], status, body)
        return True

    def _attempt(self, delivery: Delivery) -> bool:
        try:
            code = self.send(self.url, delivery.body, self.timeout)
        except (OSError, ValueError) as exc:  # refused, timed out, bad URL
            code, error = 0, f"{type(exc).__name__}: {exc}"
        else:
            error = f"HTTP {code}"
        if 200 <= code < 300:
            return True
        self.failed += 1
        log.warning(
            "alert webhook %s: %s %s failed (attempt %d): %s",
            self.url,
            delivery.alert_id,
            delivery.status,
            delivery.attempts,
            error,
        )
        return False

    def deliver(self, now: datetime) -> list[tuple[str, str]]:
        """Try the notifications that are due; return the (alert id, status) pairs accepted."""
        done: list[tuple[str, str]] = []
        due = [(k, d) for k, d in self.outbox.items() if d.next_at is None or d.next_at <= now][: self.per_pass]
        for key, delivery in due:
            delivery.attempts += 1
            if self._attempt(delivery):
                self.sent += 1
                done.append(key)
                del self.outbox[key]
            elif delivery.attempts >= self.max_attempts:
                log.error("alert webhook: giving up on %s %s after %d attempts", key[0], key[1], delivery.attempts)
                del self.outbox[key]
            else:
                wait = min(self.max_backoff, self.backoff * 2 ** (delivery.attempts - 1))
                delivery.next_at = now + timedelta(seconds=wait)
        return done
