"""Where an app keeps its prediction service (`server.extensions[SERVICE]`), for tests and tools: every
route is handed what it reads by its blueprint's factory (api/__init__.py)."""

from __future__ import annotations

SERVICE = "predwatch.service"
