# each entry point builds .venv from nothing first, so a fresh clone needs only `make demo` or `make test`
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

.PHONY: venv dev demo test bench lint clean

$(BIN)/copydesk: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/copydesk
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

venv: $(BIN)/copydesk

dev: $(VENV)/.dev

demo: venv
	$(BIN)/copydesk demo

test: dev
	$(BIN)/python -m pytest

bench: dev
	$(BIN)/python -m bench

lint: dev
	$(BIN)/ruff check copydesk flows tasks warehouse deploy tests bench

clean:
	rm -rf $(VENV) data .pytest_cache
