# giftledger: `make run` serves on the embedded SQLite default, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
WORKERS ?= 2
export DATABASE_URL ?= sqlite:///var/giftledger.db

LOCK := requirements.lock

.PHONY: install run test test-unit lint format bench count reliability clean lock

# The exact versions CI tests (requirements.lock, with hashes), then the project
# itself without resolving anything again.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
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

# Regenerate the lock from pyproject.toml: keeps every pin it can, adds what is new.
# `make lock UPGRADE=1` moves everything to the newest allowed versions,
# `make lock UPGRADE_PACKAGE=flask` only that one.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet 'pip-tools>=7.4'
	CUSTOM_COMPILE_COMMAND='make lock' $(BIN)/pip-compile --quiet --extra dev \
		--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links $(if $(UPGRADE),--upgrade) \
		$(if $(UPGRADE_PACKAGE),--upgrade-package $(UPGRADE_PACKAGE)) \
		--output-file $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
