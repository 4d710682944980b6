# Execlave — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The SDK's framework adapters (LangChain, CrewAI, AG2) live in their own venv: CrewAI pins
# openai/pydantic versions that would downgrade the server's.
SDK_VENV := .venv-sdk
SDK_STAMP := $(SDK_VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format clean
# The TypeScript SDK's dependencies (build and test only: the package has none at run time).
TS_SDK := sdk/typescript
TS_STAMP := $(TS_SDK)/node_modules/.installed

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@if [ -f sdk/python/pyproject.toml ]; then $(PY) -m pip install --quiet -e ./sdk/python; fi
	touch $(STAMP)

$(SDK_STAMP): sdk/python/pyproject.toml
	test -x $(SDK_VENV)/bin/python || $(PYTHON) -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SDK_VENV)/bin/python -m pip install --quiet -e "./sdk/python[all]" langchain pytest
	touch $(SDK_STAMP)

install: $(STAMP)

# npm ci from the committed lock file; skipped (scripts/test.sh says so) where Node is absent.
$(TS_STAMP): $(TS_SDK)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd $(TS_SDK) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "NOTE: npm not found: the TypeScript SDK is not installed (its tests will be skipped)"; fi

## run: install, migrate, seed the demo organisation, serve the app and the task worker (Ctrl-C stops both)
run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --superuser --activity
	@echo ""
	@echo "Execlave is starting at http://$(HOST):$(PORT)/  (console: /admin/, review queue: /approvals/, API docs: /api/v1/docs/)"
	@bash scripts/serve.sh $(HOST) $(PORT)

## test: the whole suite on SQLite, then on PostgreSQL when one is reachable
test: install $(SDK_STAMP) $(TS_STAMP)
	@bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/test-*.sqlite3* .pytest_cache
