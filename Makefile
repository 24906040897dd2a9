# Predwatch: `make run` sets up and starts the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ARGS ?=

.PHONY: run test check lint bench reliability system-deps postgres clean fleet-demo

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamp files re-run the install only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(PY) app.py $(ARGS)

# The browser tests need Debian's chromium, the metrics test promtool (package prometheus).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v promtool >/dev/null 2>&1 || missing="$$missing prometheus"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	    echo "installing Debian packages:$$missing"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "not Debian: install$$missing yourself; the tests that need them will be skipped"; \
	  fi; \
	fi
	@# Optional: make fleet-demo routes alerts through Alertmanager when it is there.
	@command -v prometheus-alertmanager >/dev/null 2>&1 || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  command -v apt-get >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	  prometheus-alertmanager >/dev/null 2>&1; } || \
	  echo "prometheus-alertmanager not installed: make fleet-demo runs without Alertmanager"

# The PostgreSQL-target tests (tests/postgres) want a server on 127.0.0.1:5432: start the local cluster
# if PostgreSQL is installed but stopped. Without one those tests are skipped and say why.
postgres:
	@if ! command -v pg_isready >/dev/null 2>&1; then \
	  echo "PostgreSQL is not installed: tests/postgres will be skipped"; \
	elif pg_isready -q -h 127.0.0.1 -p 5432; then :; \
	elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$$(ls /etc/postgresql 2>/dev/null)" ]; then \
	  version=$$(ls /etc/postgresql | sort -V | tail -1); \
	  echo "starting the local PostgreSQL $$version cluster"; \
	  pg_ctlcluster --skip-systemctl-redirect $$version main start \
	    && pg_isready -q -t 15 -h 127.0.0.1 -p 5432 \
	    || echo "could not start PostgreSQL: tests/postgres will be skipped"; \
	else \
	  echo "PostgreSQL is installed but has no cluster to start: tests/postgres will be skipped"; \
	fi

# Lint first (ruff, its formatting, mypy and the import contract, all configured in pyproject.toml), then every test.
test: lint system-deps postgres
	$(PY) -m pytest $(ARGS)

# The fast part (unit and api folders, nothing marked slow): under two minutes, for every edit.
check: lint
	$(PY) -m pytest -q -m "not (browser or system or reliability or postgres or fleet or client or slow)" $(ARGS)

# The long reliability runs (20 kills, 100 fuzz examples per operation) and the load figures; `make test`
# runs the fast versions of the same tests.
reliability: $(VENV)/.dev system-deps
	PREDWATCH_RELIABILITY_LONG=1 $(PY) -m pytest tests/reliability -s -p no:cacheprovider $(ARGS)
	$(PY) -m bench.reliability_load --seconds 30 --connections 64

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

bench: $(VENV)/.dev
	$(PY) -m bench.writer_throughput
	$(PY) -m bench.collector_overhead
	$(PY) -m bench.query_timing
	$(PY) -m bench.alert_backtest --baseline-rules 5

# Two Predwatch instances with the built-in workload and a Prometheus scraping both; Ctrl-C stops all three.
fleet-demo: $(VENV)/.runtime
	$(PY) deploy/fleet_demo.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
