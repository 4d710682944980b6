# Execlave — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@if [ -f sdk/python/pyproject.toml ]; then $(PY) -m pip install --quiet -e ./sdk/python; fi
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate, seed the demo organisation, serve the app and the task worker (Ctrl-C stops both)
run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --superuser --activity
	@echo ""
	@echo "Execlave is starting at http://$(HOST):$(PORT)/  (console: /admin/, review queue: /approvals/, API docs: /api/v1/docs/)"
	@bash scripts/serve.sh $(HOST) $(PORT)

## test: the whole suite on SQLite, then on PostgreSQL when one is reachable
test: install
	@bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/test-*.sqlite3* .pytest_cache
