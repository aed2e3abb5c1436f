# Dateline: `make run` serves the site, `make test` runs the tests.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := dateline.settings

.PHONY: run dev setup test lint bench bench-import clean

$(BIN)/dateline: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Dateline needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

setup: $(BIN)/dateline
	$(BIN)/dateline migrate --noinput
	$(BIN)/dateline collectstatic --noinput --verbosity 0
	$(BIN)/dateline load_demo
	$(BIN)/dateline setup_roles

## Set up (venv, database, demo content, editor account) and serve on PORT with the production server,
## with the worker (scheduled publishing, background tasks) beside it; it stops with the server.
run: setup
	$(BIN)/dateline worker --exit-with-parent & exec $(BIN)/dateline serve --port $(PORT)

## The auto-reloading development server, with DEBUG on.
dev: setup
	DEBUG=1 $(BIN)/dateline runserver 127.0.0.1:$(PORT)

## Set up what the tests need and run them (browser tests need Debian's chromium).
test: $(BIN)/dateline
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/dateline
	$(BIN)/ruff check .
	$(BIN)/dateline makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var test-results

## The benchmark (needs wrk and nginx: apt-get install -y wrk nginx); BENCH_SECONDS=15 per run.
bench: $(BIN)/dateline
	$(BIN)/python bench/run.py
	$(BIN)/python bench/render_cost.py
	$(BIN)/python bench/distribution.py
	$(BIN)/python bench/checks.py
	$(BIN)/python -m bench.comments

## The 20,000-post WordPress import (long: about 20 minutes of CPU on 2 cores).
bench-import: $(BIN)/dateline
	$(BIN)/python bench/importer.py --posts 20000 --rerun
