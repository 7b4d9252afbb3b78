# giftledger: `make run` serves on the embedded SQLite default, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
WORKERS ?= 2
export DATABASE_URL ?= sqlite:///var/giftledger.db

.PHONY: install run test test-unit lint format bench count reliability clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/giftledger init-db
	PORT=$(PORT) WORKERS=$(WORKERS) $(BIN)/giftledger serve --with-projector

# Every test: unit, property, integration and e2e, then the reliability suite
# (real gunicorn + PostgreSQL; it stops the local PostgreSQL for 10 s and restarts it).
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)
	$(BIN)/pytest tests/reliability $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(BIN)/pytest tests/unit tests/property $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run

# Instructions per request (callgrind, in-process loop; valgrind must be installed).
count: $(STAMP)
	$(BIN)/python -m tests.bench.count

reliability: $(STAMP)
	$(BIN)/pytest tests/reliability $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
