# `make run`, `make test` and `make check` set up what they need themselves: a virtual environment
# with the Python packages, and the front-end packages from npm (served from our own origin, never a
# CDN). `make run` installs only what the app needs; the test tools (the `test` extra) come with
# `make test` / `make check`. Stamps in the virtual environment and node_modules keep each step from
# running again until pyproject.toml or the npm lockfile changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
NPM_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
# The fast suite, for the edit-and-test loop (under a minute): all but the browser, conformance
# and real-daemon suites.
CHECK_PATHS := tests/unit tests/lessons tests/web tests/test_lint.py

.PHONY: setup run console test check lint bench screenshots clean

setup: $(TEST_STAMP) $(NPM_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The test extra on top of the app (the same install plus the test tools), so it also counts as
# the app's install: `make run` after `make test` installs nothing.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(APP_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

run: $(APP_STAMP) $(NPM_STAMP)
	$(BIN)/lifecycle-lab serve --host $(HOST) --port $(PORT)

console: $(APP_STAMP)
	$(BIN)/lifecycle-lab console

test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: setup
	$(BIN)/python -m pytest -q $(CHECK_PATHS) $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check webapp tests bench scripts
	$(BIN)/mypy webapp/engine

bench: setup
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/roundtrip.py
	$(BIN)/python bench/class_load.py
	$(BIN)/python bench/push_latency.py
	$(BIN)/python bench/sandbox_memory.py
	$(BIN)/python bench/hog_load.py

# The README's pictures (docs/screenshots/*.png): the app on the simulator, driven in Chromium.
screenshots: setup
	$(BIN)/python scripts/screenshot docs/screenshots

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
