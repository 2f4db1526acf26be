# `make run` and `make test` set up what they need themselves: a virtual environment with the
# Python packages, and the front-end packages from npm (served from our own origin, never a CDN).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup run console test lint bench screenshots clean

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

run: setup
	$(BIN)/lifecycle-lab serve --host $(HOST) --port $(PORT)

console: setup
	$(BIN)/lifecycle-lab console

test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check webapp tests bench scripts
	$(BIN)/mypy webapp/engine

bench: setup
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/roundtrip.py
	$(BIN)/python bench/class_load.py
	$(BIN)/python bench/push_latency.py
	$(BIN)/python bench/sandbox_memory.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
