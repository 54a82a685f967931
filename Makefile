# The two commands of the README: `make run` and `make test`. Everything else is their set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test lint typecheck pytest system-deps benchmarks clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Main job on the embedded default (SQLite, bundled corridor data).
run: $(BIN)/.installed
	$(BIN)/karvan demo

## Whole suite: lint, types, tests (SQLite and PostgreSQL, headless Chromium).
test: $(BIN)/.installed system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

system-deps:
	bash scripts/system-deps.sh

benchmarks: $(BIN)/.installed
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var test-output .pytest_cache .mypy_cache .ruff_cache
