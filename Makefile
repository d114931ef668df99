# The project's entry points. `make demo` and `make test` need nothing but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
PYTEST_ARGS ?=

.PHONY: install demo test test-fast lint run clean-demo

$(INSTALLED): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "filings_crawler needs Python 3.11 or newer; found " + sys.version.split()[0] + " (set PYTHON=/path/to/python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(INSTALLED)

# The whole pipeline on the bundled SEC sample: local mirror, embedded PostgreSQL, nothing online.
demo: $(INSTALLED)
	$(BIN)/python -m edgar_mirror.demo

# The whole suite, on two pytest-xdist workers (each a session of its own, with its own database
# and mirror; the Redis budget tests one group on one worker). TEST_DATABASE_URL=postgresql://...
# runs it on that server instead of the embedded one; PYTEST_ARGS="-n 0" runs it in one process.
test: $(INSTALLED)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The quick tier, while working: all but the end-to-end crawls and the slow tests, on two processes
# (each its own session, with its own database and mirror). `make test` before committing.
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -m "not slow and not e2e" -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Against the real SEC: SEC_USER_AGENT="Your Company you@company.com" make run
# Resumable: each crawl keeps its frontier in jobs/<spider>; after Ctrl-C (or a crash), run
# `make run` again and it goes on where it stopped (finished steps are quick to repeat).
JOBS ?= jobs
run: $(INSTALLED)
	$(BIN)/scrapy preflight
	$(BIN)/scrapy initdb
	$(BIN)/scrapy crawl tickers -s JOBDIR=$(JOBS)/tickers
	$(BIN)/scrapy crawl listings_ref -s JOBDIR=$(JOBS)/listings_ref
	$(BIN)/scrapy enrich
	$(BIN)/scrapy crawl past_listings -s JOBDIR=$(JOBS)/past_listings
	$(BIN)/scrapy crawl backfill -s JOBDIR=$(JOBS)/backfill
	$(BIN)/scrapy coverage --html data/coverage.html

clean-demo:
	rm -rf data/demo
