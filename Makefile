# Dateline: `make run` serves the site, `make test` runs the tests.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := dateline.settings

.PHONY: run dev setup test lint bench bench-import bench-newsletters bench-live bench-crawler bench-listings bench-warming bench-cluster clean

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

## Set up what the tests need and run them: tools/provision installs and starts what it can
## (as root: chromium, nginx, wrk, PostgreSQL, Redis); the run ends by listing the suites it
## could not run here, each with the command that enables it.
##
## Two phases: the app's own tests (dateline/) and the browser tests on two cores with pytest-xdist,
## then the end-to-end suites that start servers of their own and measure or break them, one at a
## time (conftest.py `runs_alone`). Both phases always run; the target fails if either did (a
## phase with nothing selected by PYTEST_ARGS is not a failure).
test: $(BIN)/dateline
	tools/provision
	@status=0; \
	for phase in "-n 2 --suites side-by-side" "--suites alone"; do \
		echo "== pytest $$phase $(PYTEST_ARGS)"; \
		$(BIN)/python -m pytest $$phase $(PYTEST_ARGS); code=$$?; \
		if [ $$code -ne 0 ] && [ $$code -ne 5 ]; then status=$$code; fi; \
	done; \
	exit $$status

## Ruff, migrations in step with the models, and the dependency rule (docs/architecture.md).
lint: $(BIN)/dateline
	$(BIN)/ruff check .
	$(BIN)/dateline makemigrations --check --dry-run
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var test-results

## The benchmark (needs wrk and nginx: apt-get install -y wrk nginx); BENCH_SECONDS=15 per run.
bench: $(BIN)/dateline
	$(BIN)/python bench/run.py
	$(BIN)/python bench/render_cost.py
	$(BIN)/python bench/distribution.py
	$(BIN)/python -m bench.crawler
	$(BIN)/python bench/checks.py
	$(BIN)/python -m bench.comments
	$(BIN)/python bench/newsletters.py
	$(BIN)/python bench/live.py
	$(BIN)/python bench/warming.py

## Newsletter delivery alone: 100,000 readers, messages/s against a bare smtplib loop, with DKIM.
bench-newsletters: $(BIN)/dateline
	$(BIN)/python bench/newsletters.py

## Live coverage under load: 10,000 open streams, an update a second for a minute, a stream
## process killed halfway, and the polling fallback against nginx's static file (about 4 minutes).
bench-live: $(BIN)/dateline
	$(BIN)/python bench/live.py

## Nobody waits for a render: 256 readers on the 50 newest articles while 10 are published and
## a new release is deployed; the share of requests rendered in the request path, and p99.
bench-warming: $(BIN)/dateline
	$(BIN)/python bench/warming.py

## Three app machines (2 processes each) behind one balancing nginx, on loopback: throughput
## against one machine and nginx's static file, publish-to-every-front times, one machine
## killed under load (docs/scaling.md; needs wrk, nginx, redis-server, PostgreSQL on 5432).
bench-cluster: $(BIN)/dateline
	$(BIN)/python -m bench.cluster

## The 20,000-post WordPress import and its re-run, with PASS/FAIL against issue 19's
## targets (long: many minutes of CPU; `bench/importer.py --posts 2000 --rerun` scales them).
bench-import: $(BIN)/dateline
	$(BIN)/python bench/importer.py --posts 20000 --rerun

## A crawler walking 10,000 cold articles while 256 connections read the hot one, through
## nginx with deploy/nginx.conf: readers' p99 against their p99 alone (docs/caching.md, "Crawlers").
bench-crawler: $(BIN)/dateline
	$(BIN)/python -m bench.crawler

## Sitemaps, feeds and listing pages of a 100,000-article site: first byte cold and queries.
bench-listings: $(BIN)/dateline
	$(BIN)/python bench/distribution.py --articles 100000 --runs 1
